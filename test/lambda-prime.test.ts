import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readConfig } from '../bridge/config.ts';
import { memoryLogger } from '../bridge/log.ts';
import type { HttpRequest, HttpResponse } from '../bridge/http.ts';
import { primeAfterColdCommand, primeRequest } from '../runtime/lambda/prime.ts';
import type { InvocationContext, InvocationHandler } from '../runtime/lambda/loop.ts';

const ctx = (n: number): InvocationContext => ({ requestId: `req-${n}`, deadlineMs: Date.now() + 60_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:site', traceId: undefined });
const HTTP = { rawPath: '/', requestContext: { http: { method: 'GET' } } };
const CRON = { lamphp: { command: 'cron' } };

function setup(env: Record<string, string> = {}) {
  const config = readConfig({ LAMPHP_DOCUMENT_ROOT: '/tmp', LAMPHP_ORIGIN_SECRET: 's3cret', ...env });
  const order: string[] = [];
  const requests: HttpRequest[] = [];
  const bridge = {
    async handle(request: HttpRequest): Promise<HttpResponse> {
      requests.push(request);
      order.push(`render ${request.path}`);
      return { status: 200, headers: { 'content-type': ['text/html'] }, body: new TextEncoder().encode('<html>front page</html>') };
    },
  };
  const inner: InvocationHandler = async (event) => {
    order.push(`handle ${event === CRON ? 'cron' : 'http'}`);
    return { kind: 'buffered', payload: {}, after: async () => void order.push('own after-work') };
  };
  const logger = memoryLogger();
  const lines = logger.records;
  const handler = primeAfterColdCommand(inner, { config, bridge, logger, isHttp: (e) => e === HTTP });
  /** One invocation as the loop runs it: handler, then its after-response work. */
  const invoke = async (event: unknown, n: number) => {
    const outcome = await handler(event, ctx(n));
    await outcome.after?.();
  };
  return { config, order, requests, invoke, lines };
}

describe('priming after a cold start no visitor paid', () => {
  it('renders the front page once, after a first invocation that was cron, before the next event', async () => {
    const { order, requests, invoke, lines } = setup();
    await invoke(CRON, 1);
    expect(order).toEqual(['handle cron', 'own after-work', 'render /']);
    const r = requests[0]!;
    expect(r).toMatchObject({ method: 'GET', path: '/', query: '', clientAddress: '127.0.0.1' });
    expect(r.headers['user-agent']).toEqual(['lamphp-prime']);
    expect(r.headers['x-lamphp-origin-secret']).toEqual(['s3cret']);
    expect(r.headers.cookie).toBeUndefined();
    expect(lines.some((l) => l.msg === 'primed after a cold start no visitor paid')).toBe(true);
    // Later invocations, cron or not, are left alone.
    await invoke(CRON, 2);
    await invoke(HTTP, 3);
    expect(requests).toHaveLength(1);
  });

  it('does nothing when a visitor started the environment: that visitor already paid', async () => {
    const { order, requests, invoke } = setup();
    await invoke(HTTP, 1);
    await invoke(CRON, 2);
    expect(requests).toHaveLength(0);
    expect(order).toEqual(['handle http', 'own after-work', 'handle cron', 'own after-work']);
  });

  it('follows LAMPHP_PRIME_PATH, and LAMPHP_PRIME_PATH=off turns it off', async () => {
    const other = setup({ LAMPHP_PRIME_PATH: '/blog/?lang=en' });
    await other.invoke(CRON, 1);
    expect(other.requests[0]).toMatchObject({ path: '/blog/', query: 'lang=en' });
    const off = setup({ LAMPHP_PRIME_PATH: 'off' });
    await off.invoke(CRON, 1);
    expect(off.requests).toHaveLength(0);
    expect(off.config.primePath).toBeUndefined();
  });

  it('refuses a LAMPHP_PRIME_PATH that is not a path on the site', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '' && s !== 'off' && (!s.startsWith('/') || /[\s#]/.test(s))), (value) => {
        expect(() => readConfig({ LAMPHP_DOCUMENT_ROOT: '/tmp', LAMPHP_PRIME_PATH: value })).toThrow(/LAMPHP_PRIME_PATH/);
      }),
      { numRuns: 100 },
    );
    // A blank value is unset, as for every setting: the default path.
    expect(readConfig({ LAMPHP_DOCUMENT_ROOT: '/tmp', LAMPHP_PRIME_PATH: ' ' }).primePath).toBe('/');
  });

  it('a failed render is logged and the invocation still ends', async () => {
    const config = readConfig({ LAMPHP_DOCUMENT_ROOT: '/tmp' });
    const logger = memoryLogger();
    const lines = logger.records;
    const handler = primeAfterColdCommand(async () => ({ kind: 'buffered', payload: {} }), {
      config,
      bridge: { handle: async () => { throw new Error('PHP runtime crashed'); } },
      logger,
      isHttp: () => false,
    });
    const outcome = await handler(CRON, ctx(1));
    await expect(outcome.after!()).resolves.toBeUndefined();
    expect(lines.find((l) => l.level === 'warn')?.msg).toMatch(/priming failed/);
  });

  it('builds the internal request from the cron request: same host and secret, its own path', () => {
    const config = readConfig({ LAMPHP_DOCUMENT_ROOT: '/tmp', LAMPHP_CANONICAL_HOST: 'blog.example' });
    expect(primeRequest(config, 'id', '/?x=1')).toMatchObject({ host: 'blog.example', path: '/', query: 'x=1', requestId: 'id' });
  });
});
