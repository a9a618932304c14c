/**
 * The non-HTTP shapes, without PHP: what parseCommand accepts and refuses, and that the Lambda
 * handler never hands an HTTP event of any source to the command dispatcher, whatever lamphp
 * fields are planted in it.
 */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, detectSource, readConfig, type HttpResponse } from '../bridge/index.ts';
import { createInvocationHandler } from '../runtime/lambda/handler.ts';
import { parseCommand, type CommandDispatcher } from '../runtime/lambda/commands/index.ts';
import { cronRequest } from '../runtime/lambda/commands/cron.ts';
import { fitResult } from '../runtime/lambda/commands/console.ts';

const fixtures = path.resolve(import.meta.dirname, 'fixtures');
const scheduled = JSON.parse(fs.readFileSync(path.join(fixtures, 'operations/eventbridge-scheduled.json'), 'utf8'));

describe('parseCommand', () => {
  it('accepts exactly the documented shapes', () => {
    expect(parseCommand({ lamphp: { command: 'cron' } })).toEqual({ ok: true, command: { name: 'cron', via: 'lamphp' } });
    expect(parseCommand(scheduled)).toEqual({ ok: true, command: { name: 'cron', via: 'eventbridge' } });
    expect(parseCommand({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toMatchObject({ ok: true });
    expect(parseCommand({ lamphp: { command: 'php', args: ['wp-cli.phar', 'cron', 'event', 'run', '--due-now'] } })).toEqual({
      ok: true,
      command: { name: 'php', args: ['wp-cli.phar', 'cron', 'event', 'run', '--due-now'] },
    });
    expect(parseCommand({ warmer: true })).toEqual({ ok: true, command: { name: 'warmer', via: 'warmer' } });
    expect(parseCommand({ warmer: true, concurrency: 2 })).toMatchObject({ ok: true });
    const fanOut = { warmer: true, concurrency: 3, __WARMER_INVOCATION__: 2, __WARMER_CONCURRENCY__: 3, __WARMER_CORRELATIONID__: 'a1b2' };
    expect(parseCommand(fanOut)).toMatchObject({ ok: true, command: { name: 'warmer' } });
    expect(parseCommand({ ...fanOut, __WARMER_INVOCATION__: '2' })).toBeUndefined();
    expect(parseCommand({ source: 'serverless-plugin-warmup' })).toEqual({ ok: true, command: { name: 'warmer', via: 'serverless-plugin-warmup' } });
    expect(parseCommand({ lamphp: { command: 'warmer' } })).toMatchObject({ ok: true, command: { name: 'warmer' } });
    const install = { command: 'install', mode: 'update', siteUrl: 'https://d111.cloudfront.net', distributionId: 'E2QWRUHEXAMPLE', assetBucket: 'b', assetKey: 'k.zip' };
    expect(parseCommand({ lamphp: install })).toEqual({ ok: true, command: { name: 'install', install } });
    expect(parseCommand({ lamphp: { command: 'install', mode: 'install', siteUrl: 'https://blog.example.com', distributionId: 'E1' } })).toMatchObject({ ok: true });
  });

  it('leaves anything else alone (undefined: the handler reports an unsupported event)', () => {
    for (const event of [
      null, 'cron', 42, [], [{ lamphp: { command: 'cron' } }],
      {},
      { lamphp: { command: 'cron' }, extra: true },
      { ...scheduled, lamphp: { command: 'php', args: ['x.php'] } },
      { ...scheduled, 'detail-type': 'EC2 Instance State-change Notification' },
      { ...scheduled, source: 'aws.s3' },
      { warmer: false }, { warmer: 'true' }, { warmer: true, concurrency: 0 }, { warmer: true, body: '{}' },
      { source: 'serverless-plugin-warmup', headers: {} },
      { Records: [] },
      JSON.parse('{"__proto__": {"lamphp": {"command": "cron"}}}'),
    ]) {
      expect(parseCommand(event), JSON.stringify(event)).toBeUndefined();
    }
  });

  it('refuses a malformed lamphp command with a sentence', () => {
    const cases: [unknown, RegExp][] = [
      [null, /must be an object/],
      [{}, /must be one of cron, warmer, php, install; got nothing/],
      [{ command: 'constructor' }, /must be one of/],
      [{ command: 'cron', args: [] }, /"args" is not one of them/],
      [{ command: 'php', args: [] }, /needs "args"/],
      [{ command: 'php', args: ['a', null] }, /Argument 1 .* must be a string/],
      [{ command: 'php', args: ['a\0b'] }, /NUL byte/],
      [{ command: 'php', args: Array(1001).fill('x') }, /at most 1000 arguments/],
      [{ command: 'install', mode: 'wipe' }, /"install" or "update"/],
      [{ command: 'install', siteUrl: 'javascript:alert(1)' }, /http\(s\) URL/],
      [{ command: 'install', assetBucket: 'b' }, /both "assetBucket" and "assetKey"/],
      [{ command: 'install', distributionId: 7 }, /must be a string/],
    ];
    for (const [body, message] of cases) {
      const parsed = parseCommand({ lamphp: body });
      expect(parsed, JSON.stringify(body)).toMatchObject({ ok: false });
      expect((parsed as { message: string }).message).toMatch(message);
    }
  });
});

/** Every HTTP event fixture of the repository: all sources, both ALB modes, payload 1.0 and 2.0. */
function httpFixtures(): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  for (const dir of ['aws-events', 'events']) {
    for (const name of fs.readdirSync(path.join(fixtures, dir)).filter((n) => n.endsWith('.json'))) {
      const event = JSON.parse(fs.readFileSync(path.join(fixtures, dir, name), 'utf8'));
      if (detectSource(event)) out.push([`${dir}/${name}`, event]); // not set-cookies.json, a list of cookies
    }
  }
  return out;
}

describe('HTTP events never reach the command dispatcher', () => {
  const config = readConfig({ LAMPHP_DOCUMENT_ROOT: '/tmp' });
  const logger = createLogger({ level: 'error', sink: () => {} });
  const page: HttpResponse = { status: 200, headers: { 'content-type': ['text/plain'] }, body: new TextEncoder().encode('page') };
  const dispatch = vi.fn<CommandDispatcher['dispatch']>();
  const handler = createInvocationHandler({ config, logger, bridge: { handle: async () => page }, commands: { dispatch } });
  const ctx = { requestId: 'r', deadlineMs: Date.now() + 60_000, invokedFunctionArn: 'arn', traceId: undefined };
  const commandBodies = [
    { lamphp: { command: 'php', args: ['pwned.php'] } },
    { lamphp: { command: 'cron' } },
    { lamphp: { command: 'install', mode: 'install' } },
    { warmer: true },
    { source: 'serverless-plugin-warmup' },
    scheduled,
  ];

  const plant = (event: Record<string, unknown>, where: number, command: Record<string, unknown>) => {
    const e = structuredClone(event) as Record<string, any>;
    const text = JSON.stringify(command);
    switch (where) {
      case 0: return { ...e, ...command }; // extra top-level fields
      case 1: return { ...e, body: text, isBase64Encoded: false };
      case 2: return { ...e, body: Buffer.from(text).toString('base64'), isBase64Encoded: true };
      case 3:
        if (e.headers) e.headers.lamphp = text;
        if (e.multiValueHeaders) e.multiValueHeaders.lamphp = [text];
        return e;
      case 4:
        if (e.queryStringParameters !== undefined) e.queryStringParameters = { ...e.queryStringParameters, lamphp: text };
        if (e.multiValueQueryStringParameters !== undefined) e.multiValueQueryStringParameters = { ...e.multiValueQueryStringParameters, lamphp: [text] };
        if (typeof e.rawQueryString === 'string') e.rawQueryString = `lamphp=${encodeURIComponent(text)}`;
        return e;
      default:
        e.requestContext = { ...e.requestContext, ...command };
        return e;
    }
  };

  it('covers every source', () => {
    expect(new Set(httpFixtures().map(([, e]) => detectSource(e)!.kind))).toEqual(new Set(['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi']));
  });

  it.each(httpFixtures())('%s, with lamphp fields planted anywhere', async (_name, event) => {
    for (const command of commandBodies) {
      for (let where = 0; where < 6; where++) {
        const outcome = await handler(plant(event, where, command), ctx);
        expect(outcome.kind, `${where} ${JSON.stringify(command)}`).toBe('buffered');
        expect((outcome as { payload: { statusCode?: number } }).payload.statusCode).toEqual(expect.any(Number));
      }
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('holds for generated mixtures of HTTP events and command fields', async () => {
    const events = httpFixtures().map(([, e]) => e);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...events),
        fc.constantFrom(...commandBodies),
        fc.subarray([0, 1, 3, 4, 5], { minLength: 1 }),
        async (event, command, places) => {
          let planted: Record<string, unknown> = event;
          for (const where of places) planted = plant(planted, where, command);
          const outcome = await handler(planted, ctx);
          return outcome.kind === 'buffered' && dispatch.mock.calls.length === 0;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('consults the dispatcher for a non-HTTP event, and reports an unsupported one when it declines', async () => {
    dispatch.mockReturnValueOnce(Promise.resolve({ kind: 'buffered', payload: { ok: 1 } }));
    expect(await handler({ lamphp: { command: 'cron' } }, ctx)).toEqual({ kind: 'buffered', payload: { ok: 1 } });
    dispatch.mockReturnValueOnce(undefined);
    expect(await handler({ Records: [] }, ctx)).toMatchObject({ kind: 'error', errorType: 'Lamphp.UnsupportedEvent' });
    expect(dispatch).toHaveBeenCalledTimes(2);
  });
});

describe('command helpers', () => {
  it('builds the cron request: GET of the script, no doing_wp_cron, origin secret and canonical host applied', () => {
    const plain = cronRequest(readConfig({}), 'req-1', 1000);
    expect(plain).toMatchObject({ method: 'GET', path: '/wp-cron.php', query: '', host: 'localhost', scheme: 'https', clientAddress: '127.0.0.1', requestId: 'req-1' });
    const config = readConfig({
      LAMPHP_CRON_SCRIPT: '/tools/cron.php?job=all',
      LAMPHP_ORIGIN_SECRET: 's3cret',
      LAMPHP_CANONICAL_HOST: 'blog.example.com',
    });
    const req = cronRequest(config, 'req-2');
    expect(req).toMatchObject({ path: '/tools/cron.php', query: 'job=all', host: 'blog.example.com' });
    expect(req.headers['x-lamphp-origin-secret']).toEqual(['s3cret']);
  });

  it('fits a console result into Lambda\'s 6 MB even when JSON escaping inflates it', () => {
    const controls = '\u0001'.repeat(2_000_000); // 6 bytes each once escaped
    const fitted = fitResult({ exitCode: 0, stdout: controls, stderr: 'e', truncated: false, timedOut: false, durationMs: 1 });
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(6_291_556);
    expect(fitted.truncated).toBe(true);
    expect(fitted.stdout).toContain('[lamphp: output left out to fit the 6 MB result limit]');
  });
});
