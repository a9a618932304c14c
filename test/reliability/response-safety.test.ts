/**
 * Whatever PHP sends back — CR/LF or NUL in a header, an invalid status, duplicate
 * Content-Length, a 100 KB header — the visitor gets a well-formed response: sanitized, or a
 * clear 502. Checked byte by byte on the local server's real socket and on the results of the
 * Lambda adapters. And the request PHP sees cannot be poisoned: with LAMPHP_CANONICAL_HOST PHP
 * sees that host whatever the request says, and X-Forwarded-For is believed only as far as the
 * configured hops.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, readConfig, type Bridge, type Config } from '../../bridge/index.ts';
import type { CgiRequest, CgiResponse, PhpEngine } from '../../bridge/engine/engine.ts';
import { MAX_RESPONSE_HEADER_BYTES } from '../../bridge/handler.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { startLocalServer, type LocalServer } from '../../runtime/local/server.ts';
import { createInvocationHandler } from '../../runtime/lambda/handler.ts';
import { logged, startStack, type Stack } from '../support/faults/stack.ts';
import { get, raw, type RawResponse } from '../support/doors.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/aws-events', name), 'utf8'));

const SCRIPTS: Record<string, string> = {
  'crlf.php': `<?php header("X-Evil: a\\r\\nSet-Cookie: pwned=1"); header("X-Nul: a\\0b"); header("X-Fine: yes"); echo "body";`,
  'status.php': `<?php header("HTTP/1.1 " . $_GET['s'] . " Weird"); echo "status";`,
  'dupcl.php': `<?php header('Content-Length: 5'); header('Content-Length: 500', false); echo "hello world";`,
  'big.php': `<?php header('X-Big: ' . str_repeat('a', 102400)); echo "big";`,
  'who.php': `<?php header('Content-Type: application/json'); echo json_encode(['host' => $_SERVER['HTTP_HOST'] ?? null, 'name' => $_SERVER['SERVER_NAME'] ?? null, 'addr' => $_SERVER['REMOTE_ADDR'] ?? null, 'xfh' => $_SERVER['HTTP_X_FORWARDED_HOST'] ?? null]);`,
  'index.php': `<?php echo "index";`,
};

/** A header map a Lambda front door accepts: token names, string values with no CR, LF or NUL. */
function expectSafeResult(result: Record<string, any>) {
  expect(Number.isInteger(result.statusCode) && result.statusCode >= 100 && result.statusCode <= 599).toBe(true);
  expect(typeof result.body).toBe('string');
  for (const [name, value] of Object.entries<unknown>(result.headers ?? {})) {
    expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9a-z-]+$/);
    expect(value).toEqual(expect.any(String));
    expect(value as string).not.toMatch(/[\r\n\0]/);
  }
  for (const [name, values] of Object.entries<unknown>(result.multiValueHeaders ?? {})) {
    expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9a-z-]+$/);
    for (const v of values as unknown[]) expect(v as string).not.toMatch(/[\r\n\0]/);
  }
  for (const c of result.cookies ?? []) expect(c as string).not.toMatch(/[\r\n\0]/);
  expect(JSON.stringify(result)).not.toContain('pwned');
}

function urlEvent(rawPath: string, rawQueryString = '', headers: Record<string, string> = {}) {
  const event = fixture('lambda-urls-request.json');
  Object.assign(event, { rawPath, rawQueryString, cookies: undefined, body: undefined, isBase64Encoded: false });
  event.requestContext.http.method = 'GET';
  event.requestContext.http.path = rawPath;
  event.headers = { ...event.headers, ...headers };
  return event;
}
function albEvent(p: string, query: Record<string, string> = {}) {
  const event = fixture('alb-lambda-target-request-multivalue-headers.json');
  Object.assign(event, { path: p, httpMethod: 'GET', body: '', isBase64Encoded: false });
  event.multiValueQueryStringParameters = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]));
  return event;
}
function restEvent(p: string, query: Record<string, string> = {}) {
  const event = fixture('apigw-request.json');
  Object.assign(event, { path: p, httpMethod: 'GET', body: null, isBase64Encoded: false, queryStringParameters: query, multiValueQueryStringParameters: null });
  event.requestContext.stage = '$default';
  return event;
}

function lambda(config: Config, bridge: Bridge) {
  const handler = createInvocationHandler({ config, logger: memoryLogger('error'), bridge });
  return async (event: unknown) => {
    const outcome = await handler(event, { requestId: 'inv-1', deadlineMs: Date.now() + 20_000, invokedFunctionArn: 'arn:aws:lambda:x', traceId: undefined });
    expect(outcome.kind).toBe('buffered');
    return (outcome as { payload: Record<string, any> }).payload;
  };
}

describe('response safety', () => {
  let root: string;
  let stack: Stack;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-respsafe-'));
    for (const [name, code] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(root, name), code + '\n');
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('what PHP sends', () => {
    it('CR/LF or NUL in a header value never splits the response (socket and Lambda results)', async () => {
      const res = await raw(stack.port, get('/crlf.php'));
      expect(res.status).toBe(200);
      expect(res.headers.map(([n]) => n)).not.toContain('x-evil');
      expect(res.headers.some(([n, v]) => n === 'set-cookie' || v.includes('pwned'))).toBe(false);
      expect(res.headers).toContainEqual(['x-fine', 'yes']);
      expect(res.body.toString()).toBe('body');
      for (const event of [urlEvent('/crlf.php'), albEvent('/crlf.php'), restEvent('/crlf.php')]) expectSafeResult(await lambda(stack.config, stack.bridge)(event));
    });

    it.each(['999', '42', '0', 'abc', '2000'])('an invalid status (%s) is a clear 502, never passed on', async (s) => {
      const res = await raw(stack.port, get(`/status.php?s=${s}`));
      expect(res.status).toBe(502);
      expect(res.body.toString()).toContain('invalid response');
      const result = await lambda(stack.config, stack.bridge)(urlEvent('/status.php', `s=${s}`));
      expectSafeResult(result);
      expect(result.statusCode).toBe(502);
      expect(logged(stack.logs, 'php sent an invalid status').length).toBeGreaterThan(0);
    });

    it('duplicate Content-Length from PHP is replaced by the one true length', async () => {
      const res = await raw(stack.port, get('/dupcl.php'));
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('hello world');
      for (const event of [urlEvent('/dupcl.php'), albEvent('/dupcl.php'), restEvent('/dupcl.php')]) {
        const result = await lambda(stack.config, stack.bridge)(event);
        expectSafeResult(result);
        expect(Object.keys({ ...result.headers, ...result.multiValueHeaders })).not.toContain('content-length');
      }
    });

    it(`a 100 KB header is a clear 502 (limit ${MAX_RESPONSE_HEADER_BYTES} bytes), not a response clients cannot parse`, async () => {
      const res = await raw(stack.port, get('/big.php'));
      expect(res.status).toBe(502);
      expect(res.body.toString()).toContain('headers that are too large');
      const viaFetch = await fetch(`${stack.url}/big.php`);
      expect(viaFetch.status).toBe(502);
      const result = await lambda(stack.config, stack.bridge)(urlEvent('/big.php'));
      expectSafeResult(result);
      expect(result.statusCode).toBe(502);
      expect(logged(stack.logs, 'php sent response headers that are too large').at(-1)).toMatchObject({ level: 'error', bytes: expect.any(Number) });
      // The service is unaffected.
      expect((await raw(stack.port, get('/index.php'))).body.toString()).toBe('index');
    });
  });

  describe('what an engine sends, below PHP’s own header checks', () => {
    // PHP's header() refuses CR/LF itself; the bridge must hold even when the engine does not.
    const hostile: CgiResponse = {
      status: 200,
      headers: {
        'x-evil': ['a\r\nSet-Cookie: pwned=1'],
        'set-cookie': ['ok=1; Path=/', 'bad=1\r\nX-Injected: pwned', 'nul=\0pwned'],
        'content-length': ['5', '500'],
        'x\r\nbad': ['pwned'],
        'bad name': ['pwned'],
        'transfer-encoding': ['chunked'],
        'x-fine': ['yes'],
      },
      body: new TextEncoder().encode('hello world'),
      errors: '',
      exitCode: 0,
    };
    const engine: PhpEngine = {
      async handle(_request: CgiRequest) {
        return structuredClone(hostile);
      },
      stats: () => ({ workers: 1, busy: 0, queued: 0, requests: 0, rotations: 0, restarts: 0 }),
      close: async () => {},
    };
    let server: LocalServer;
    let bridge: Bridge;
    let config: Config;
    const logger = memoryLogger('info');
    beforeAll(async () => {
      config = readConfig({}, { documentRoot: root });
      bridge = createBridge({ config, engine, logger });
      server = await startLocalServer({ bridge, config, logger, port: 0 });
    });
    afterAll(() => server?.close());

    it('drops every unsafe header and keeps the safe ones (socket)', async () => {
      const res = await raw(server.port, get('/index.php'));
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('hello world');
      expect(res.headers.filter(([n]) => n === 'set-cookie')).toEqual([['set-cookie', 'ok=1; Path=/']]);
      expect(res.headers).toContainEqual(['x-fine', 'yes']);
      expect(res.headers.some(([, v]) => v.includes('pwned'))).toBe(false);
      expect(res.headers.map(([n]) => n)).not.toContain('transfer-encoding');
      expect(logged(logger.records, 'unsafe response headers dropped').length).toBeGreaterThan(0);
    });

    it('drops every unsafe header and keeps the safe ones (each Lambda adapter)', async () => {
      for (const event of [urlEvent('/index.php'), albEvent('/index.php'), restEvent('/index.php')]) {
        const result = await lambda(config, bridge)(event);
        expectSafeResult(result);
        expect(Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8').toString()).toBe('hello world');
      }
    });
  });

  describe('what PHP sees', () => {
    let poisoned: { server: LocalServer; bridge: Bridge; config: Config }[];
    /** Another bridge over the same engine, with other settings. */
    async function front(env: Record<string, string>) {
      const config = readConfig(env, { documentRoot: root });
      const bridge = createBridge({ config, engine: stack.engine, logger: memoryLogger('error') });
      const server = await startLocalServer({ bridge, config, logger: memoryLogger('error'), port: 0 });
      const f = { server, bridge, config };
      poisoned.push(f);
      return f;
    }
    beforeAll(() => {
      poisoned = [];
    });
    afterAll(async () => {
      for (const f of poisoned) await f.server.close();
    });
    const who = (res: RawResponse | { body: string; isBase64Encoded: boolean }) =>
      JSON.parse('statusLine' in res ? res.body.toString() : Buffer.from(res.body, res.isBase64Encoded ? 'base64' : 'utf8').toString());

    it('with LAMPHP_CANONICAL_HOST, PHP sees that host whatever Host or X-Forwarded-Host say', async () => {
      const f = await front({ LAMPHP_CANONICAL_HOST: 'www.example.org', LAMPHP_TRUST_FORWARDED_HOST: 'true' });
      for (const host of ['evil.example', 'www.example.org.evil.example', 'evil.example:8080', 'a b', '']) {
        const res = await raw(f.server.port, `GET /who.php HTTP/1.1\r\nHost: ${host}\r\nX-Forwarded-Host: evil2.example\r\nForwarded: host=evil3.example\r\nConnection: close\r\n\r\n`);
        if (res.status === 400) continue; // Node refuses a malformed Host itself: nothing reaches PHP
        expect(who(res)).toMatchObject({ host: 'www.example.org', name: 'www.example.org' }); // no port from the request either
      }
      const result = await lambda(f.config, f.bridge)(urlEvent('/who.php', '', { host: 'evil.example', 'x-forwarded-host': 'evil2.example', 'x-forwarded-port': '8443' }));
      expect(who(result as never)).toMatchObject({ host: 'www.example.org', name: 'www.example.org' });
    });

    it('without it, X-Forwarded-Host is ignored unless LAMPHP_TRUST_FORWARDED_HOST is set', async () => {
      const f = await front({});
      const res = await raw(f.server.port, get('/who.php', 'X-Forwarded-Host: evil2.example\r\n'));
      expect(who(res)).toMatchObject({ host: `site.example:${f.server.port}`, name: 'site.example' });
    });

    it('X-Forwarded-For is believed only as far as LAMPHP_TRUSTED_HOPS', async () => {
      const spoof = 'X-Forwarded-For: 6.6.6.6, 198.51.100.9\r\n';
      const none = await front({});
      expect(who(await raw(none.server.port, get('/who.php', spoof))).addr).toBe('127.0.0.1');
      const one = await front({ LAMPHP_TRUSTED_HOPS: '1' });
      expect(who(await raw(one.server.port, get('/who.php', spoof))).addr).toBe('198.51.100.9');
      // Junk in the chain never becomes the client.
      expect(who(await raw(one.server.port, get('/who.php', 'X-Forwarded-For: not-an-ip\r\n'))).addr).toBe('127.0.0.1');
      // Lambda: the front door's sourceIp is the client; a forged header changes nothing at 0 hops.
      const event = urlEvent('/who.php', '', { 'x-forwarded-for': '6.6.6.6' });
      event.requestContext.http.sourceIp = '192.0.2.44';
      expect(who((await lambda(none.config, none.bridge)(event)) as never).addr).toBe('192.0.2.44');
    });
  });
});
