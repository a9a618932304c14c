import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readConfig, type Config } from '../bridge/config.ts';
import { memoryLogger } from '../bridge/log.ts';
import { bodyBytes, type HttpRequest, type HttpResponse } from '../bridge/http.ts';
import type { EventAdapter } from '../bridge/events/index.ts';
import { createInvocationHandler, streamPrelude } from '../runtime/lambda/handler.ts';
import type { InvocationContext, InvocationOutcome } from '../runtime/lambda/loop.ts';

/** A stand-in adapter: the event is `{path}`, the result is API-Gateway-like with a base64 body. */
function fakeAdapter(maxResponseBytes = 6_291_556): EventAdapter {
  return {
    kind: 'function-url',
    maxResponseBytes,
    maxRequestBytes: 1000,
    toRequest(event: { path?: string; bad?: boolean; body?: string }, ctx) {
      if (event.bad) throw Object.assign(new Error('the event has no http method'), { code: 'EBADEVENT' });
      return {
        method: 'GET',
        path: event.path ?? '/',
        query: '',
        headers: {},
        body: new TextEncoder().encode(event.body ?? ''),
        clientAddress: '203.0.113.9',
        clientPort: 0,
        scheme: 'https',
        host: 'example.com',
        port: 443,
        protocol: 'HTTP/1.1',
        requestId: ctx.requestId,
        receivedAt: ctx.receivedAt ?? Date.now(),
      };
    },
    toResult(res) {
      return {
        statusCode: res.status,
        headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, v.join(', ')])),
        body: Buffer.from(res.body).toString('base64'),
        isBase64Encoded: true,
      };
    },
  };
}

function fakeBridge(respond: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>) {
  const calls: { request: HttpRequest; deadline: number }[] = [];
  return {
    calls,
    async handle(request: HttpRequest, { deadline }: { deadline: number }) {
      calls.push({ request, deadline });
      return respond(request);
    },
  };
}

const ok = (body: string | Uint8Array, headers: HttpResponse['headers'] = {}): HttpResponse => ({
  status: 200,
  headers: { 'content-type': ['text/plain'], ...headers },
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
});

function setup(respond: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>, overrides: Partial<Config> = {}, adapter = fakeAdapter()) {
  const config = readConfig({}, { documentRoot: '/srv', ...overrides });
  const logger = memoryLogger();
  const bridge = fakeBridge(respond);
  const handler = createInvocationHandler({ config, logger, bridge, detect: (e) => ((e as object) && 'path' in (e as object) || 'bad' in (e as object) ? adapter : undefined) });
  const ctx: InvocationContext = {
    requestId: 'req-1',
    deadlineMs: Date.now() + 10_000,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    traceId: undefined,
  };
  return { handler, ctx, bridge, logger };
}

type Buffered = Extract<InvocationOutcome, { kind: 'buffered' }>;
type Streamed = Extract<InvocationOutcome, { kind: 'stream' }>;

describe('the Lambda invocation handler', () => {
  it('answers an HTTP event through the bridge with the adapter\'s result', async () => {
    const { handler, ctx, bridge } = setup(() => ok('hello'));
    const out = (await handler({ path: '/hello.php' }, ctx)) as Buffered;
    expect(out.kind).toBe('buffered');
    expect(out.payload).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from('hello').toString('base64'),
      isBase64Encoded: true,
    });
    expect(bridge.calls[0]!.request).toMatchObject({ path: '/hello.php', requestId: 'req-1' });
  });

  it('gives PHP a deadline that ends LAMPHP_DEADLINE_MARGIN_MS before Lambda\'s', async () => {
    const { handler, ctx, bridge } = setup(() => ok(''), { deadlineMarginMs: 1500 });
    await handler({ path: '/' }, ctx);
    expect(bridge.calls[0]!.deadline).toBe(ctx.deadlineMs - 1500);
  });

  it('stops PHP for an HTTP event when the front door gives up (LAMPHP_FRONT_DOOR_TIMEOUT_MS), not at the function\'s timeout', async () => {
    const { handler, ctx, bridge } = setup(() => ok(''), { frontDoorTimeoutMs: 3000, deadlineMarginMs: 200 });
    const before = Date.now();
    await handler({ path: '/' }, { ...ctx, deadlineMs: Date.now() + 120_000 });
    const after = Date.now();
    expect(bridge.calls[0]!.deadline).toBeGreaterThanOrEqual(before + 3000 - 200);
    expect(bridge.calls[0]!.deadline).toBeLessThanOrEqual(after + 3000 - 200);
    // Lambda's own deadline still wins when it comes first.
    await handler({ path: '/' }, { ...ctx, deadlineMs: Date.now() + 1000 });
    expect(bridge.calls[1]!.deadline).toBeLessThanOrEqual(Date.now() + 1000 - 200);
    expect(readConfig({ LAMPHP_FRONT_DOOR_TIMEOUT_MS: '29000' }).frontDoorTimeoutMs).toBe(29000);
    expect(() => readConfig({ LAMPHP_FRONT_DOOR_TIMEOUT_MS: '0' })).toThrow(/LAMPHP_FRONT_DOOR_TIMEOUT_MS must be a whole number ≥ 1/);
  });

  it('replaces a response too large for the front door with a 502 page and logs why', async () => {
    // 4.8 MB of body becomes 6.4 MB of base64: over the 6 MB Runtime API limit.
    const { handler, ctx, logger } = setup(() => ok(new Uint8Array(4_800_000)));
    const out = (await handler({ path: '/big' }, ctx)) as Buffered;
    const payload = out.payload as { statusCode: number; body: string };
    expect(payload.statusCode).toBe(502);
    expect(Buffer.from(payload.body, 'base64').toString()).toContain('larger than the function-url front door can carry');
    expect(logger.records.find((r) => r.msg === 'response too large for the front door')).toMatchObject({
      level: 'error',
      requestId: 'req-1',
      bodyBytes: 4_800_000,
    });
  });

  it('respects a smaller adapter limit (ALB: 1 MB)', async () => {
    const { handler, ctx } = setup(() => ok(new Uint8Array(800_000)), {}, fakeAdapter(1_048_576));
    const out = (await handler({ path: '/' }, ctx)) as Buffered;
    expect((out.payload as { statusCode: number }).statusCode).toBe(502);
  });

  it('streams in stream mode: prelude with single-valued headers and cookies apart, then the body', async () => {
    const big = new Uint8Array(3_000_000).fill(7);
    const { handler, ctx } = setup(
      () => ok(big, { 'set-cookie': ['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2'], vary: ['Accept', 'Cookie'] }),
      { responseMode: 'stream' },
    );
    const out = (await handler({ path: '/' }, ctx)) as Streamed;
    expect(out.kind).toBe('stream');
    expect(out.prelude).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain', vary: 'Accept, Cookie' },
      cookies: ['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2'],
    });
    expect(Buffer.from(await bodyBytes(out.body)).equals(Buffer.from(big))).toBe(true);
  });

  it('answers 413 to a request body larger than the source delivers', async () => {
    const { handler, ctx, bridge } = setup(() => ok('never'));
    const out = (await handler({ path: '/', body: 'x'.repeat(1001) }, ctx)) as Buffered;
    expect((out.payload as { statusCode: number }).statusCode).toBe(413);
    expect(bridge.calls).toHaveLength(0);
  });

  it('answers a malformed HTTP event with a 400 result', async () => {
    const { handler, ctx, bridge, logger } = setup(() => ok('never'));
    const out = (await handler({ bad: true }, ctx)) as Buffered;
    expect((out.payload as { statusCode: number }).statusCode).toBe(400);
    expect(bridge.calls).toHaveLength(0);
    expect(logger.records.some((r) => r.msg === 'event could not be turned into a request')).toBe(true);
  });

  it('fails an invocation whose event is not HTTP, saying what it got', async () => {
    const { handler, ctx } = setup(() => ok('never'));
    const out = await handler({ Records: [{ eventSource: 'aws:sqs' }] }, ctx);
    expect(out).toMatchObject({ kind: 'error', errorType: 'Lamphp.UnsupportedEvent' });
    expect((out as { errorMessage: string }).errorMessage).toMatch(/keys Records/);
  });

  it('answers 502 when the bridge itself fails', async () => {
    const { handler, ctx } = setup(() => {
      throw new Error('unexpected');
    });
    const out = (await handler({ path: '/' }, ctx)) as Buffered;
    expect((out.payload as { statusCode: number }).statusCode).toBe(502);
  });

  it('joins repeated headers in the prelude but never cookies', () => {
    expect(streamPrelude({ status: 204, headers: { 'set-cookie': ['x=1'], link: ['<a>', '<b>'] }, body: new Uint8Array() })).toEqual({
      statusCode: 204,
      headers: { link: '<a>, <b>' },
      cookies: ['x=1'],
    });
  });

  it('uses bridge/events to read a real Function URL event and shape its result', async () => {
    const event = JSON.parse(
      fs.readFileSync(path.join(import.meta.dirname, 'fixtures/aws-events/lambda-urls-request.json'), 'utf8'),
    );
    const config = readConfig({}, { documentRoot: '/srv' });
    const bridge = fakeBridge(() => ok('hi', { 'set-cookie': ['s=1', 't=2'] }));
    const handler = createInvocationHandler({ config, logger: memoryLogger(), bridge });
    const out = (await handler(event, { requestId: 'req-9', deadlineMs: Date.now() + 3000, invokedFunctionArn: '', traceId: undefined })) as Buffered;
    expect(bridge.calls[0]!.request).toMatchObject({ method: 'POST', path: '/my/path', requestId: 'req-9' });
    expect(out.payload).toMatchObject({ statusCode: 200, cookies: ['s=1', 't=2'] });
  });

  it('puts afterResponse work in the after-response slot of every outcome', async () => {
    const config = readConfig({}, { documentRoot: '/srv' });
    const afterResponse = async () => {};
    const handler = createInvocationHandler({ config, logger: memoryLogger(), bridge: fakeBridge(() => ok('')), afterResponse, detect: () => fakeAdapter() });
    const ctx = { requestId: 'r', deadlineMs: Date.now() + 3000, invokedFunctionArn: '', traceId: undefined };
    expect((await handler({ path: '/' }, ctx)).after).toBe(afterResponse);
    expect((await handler({ bad: true }, ctx)).after).toBe(afterResponse);
  });

  it('runs work the bridge defers, then afterResponse, in the after-response slot', async () => {
    const config = readConfig({}, { documentRoot: '/srv' });
    const order: string[] = [];
    const bridge = {
      async handle(_request: HttpRequest, options: { deadline: number; defer?: (work: () => Promise<void>) => void }) {
        options.defer!(async () => void order.push('deferred'));
        return ok('');
      },
    };
    const handler = createInvocationHandler({
      config,
      logger: memoryLogger(),
      bridge,
      afterResponse: async () => void order.push('afterResponse'),
      detect: () => fakeAdapter(),
    });
    const out = await handler({ path: '/' }, { requestId: 'r', deadlineMs: Date.now() + 3000, invokedFunctionArn: '', traceId: undefined });
    expect(order).toEqual([]);
    await out.after!();
    expect(order).toEqual(['deferred', 'afterResponse']);
  });
});
