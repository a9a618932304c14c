/**
 * Both front doors for one request, for suites that must hold in each: the local server's real
 * socket, read strictly byte by byte, and the Lambda handler's results built from real AWS
 * event fixtures (Function URL, HTTP API, REST, ALB in both header modes; buffered or streamed).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import type { Bridge, Config } from '../../bridge/index.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { createInvocationHandler } from '../../runtime/lambda/handler.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/aws-events');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

export interface RawResponse {
  status: number;
  statusLine: string;
  /** Lower-case names; values as the bytes on the wire, read as ISO-8859-1. */
  headers: [string, string][];
  body: Buffer;
}

/** One field line as HTTP/1.1 allows it from a server: token name, no control byte but HTAB in the value. */
export const WIRE_FIELD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\t\x20-\x7e\x80-\xff]*$/;

/** Sends a raw HTTP/1.1 request and parses the answer strictly: any malformed line fails the test. */
export async function raw(port: number, request: string | Buffer): Promise<RawResponse> {
  const data = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.setTimeout(15_000, () => reject(new Error('socket timeout')));
  });
  const end = data.indexOf('\r\n\r\n');
  expect(end, 'a header block ends with CRLF CRLF').toBeGreaterThan(0);
  const head = data.subarray(0, end).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.1 ([1-5]\d\d) [^\r\n]*$/.exec(statusLine);
  expect(m, statusLine).not.toBeNull();
  const headers: [string, string][] = [];
  for (const line of lines) {
    expect(line, JSON.stringify(line)).toMatch(WIRE_FIELD);
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 2)]);
  }
  const status = Number(m![1]);
  const lengths = headers.filter(([n]) => n === 'content-length');
  const body = data.subarray(end + 4);
  if (status === 204 || status === 304) {
    // RFC 9110 §8.6, §15.3.5: no body, and no Content-Length that would announce one.
    expect(lengths, `no Content-Length on a ${status}`).toHaveLength(0);
    expect(body.length, `no body on a ${status}`).toBe(0);
  } else {
    expect(lengths, 'exactly one Content-Length').toHaveLength(1);
    expect(body.length, 'body length matches Content-Length').toBe(Number(lengths[0]![1]));
  }
  return { status, statusLine, headers, body };
}

/** A GET on a connection that closes after the answer. */
export const get = (p: string, extra = '') => `GET ${p} HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n${extra}\r\n`;

/** Values of one field in a raw response, in order. */
export const rawValues = (res: RawResponse, name: string) => res.headers.filter(([n]) => n === name).map(([, v]) => v);

export type EventKind = 'function-url' | 'apigw-v2' | 'apigw-v1' | 'alb' | 'alb-multi';
export const EVENT_KINDS: readonly EventKind[] = ['function-url', 'apigw-v2', 'apigw-v1', 'alb', 'alb-multi'];

/** A GET event of `kind` for `rawPath?rawQuery`, with `headers` added (lower-case names). */
export function eventFor(kind: EventKind, rawPath: string, rawQuery = '', headers: Record<string, string> = {}): Record<string, any> {
  const query = Object.fromEntries(new URLSearchParams(rawQuery));
  switch (kind) {
    case 'function-url':
    case 'apigw-v2': {
      const event = fixture(kind === 'function-url' ? 'lambda-urls-request.json' : 'apigw-v2-request-no-authorizer.json');
      Object.assign(event, { rawPath, rawQueryString: rawQuery, cookies: undefined, body: undefined, isBase64Encoded: false });
      event.requestContext.http.method = 'GET';
      event.requestContext.http.path = rawPath;
      event.headers = { ...event.headers, ...headers };
      return event;
    }
    case 'apigw-v1': {
      const event = fixture('apigw-request.json');
      Object.assign(event, { path: rawPath, httpMethod: 'GET', body: null, isBase64Encoded: false, queryStringParameters: query, multiValueQueryStringParameters: null });
      event.headers = { ...event.headers, ...headers };
      event.multiValueHeaders = null;
      event.requestContext.stage = '$default';
      return event;
    }
    case 'alb': {
      const event = fixture('alb-lambda-target-request-headers-only.json');
      const raw = Object.fromEntries(rawQuery.split('&').filter(Boolean).map((p) => [p.split('=')[0], p.split('=').slice(1).join('=')]));
      Object.assign(event, { path: rawPath, httpMethod: 'GET', body: '', isBase64Encoded: false, queryStringParameters: raw });
      event.headers = { ...event.headers, ...headers };
      return event;
    }
    case 'alb-multi': {
      const event = fixture('alb-lambda-target-request-multivalue-headers.json');
      const raw = Object.fromEntries(rawQuery.split('&').filter(Boolean).map((p) => [p.split('=')[0], [p.split('=').slice(1).join('=')]]));
      Object.assign(event, { path: rawPath, httpMethod: 'GET', body: '', isBase64Encoded: false, multiValueQueryStringParameters: raw });
      for (const [name, value] of Object.entries(headers)) event.multiValueHeaders[name] = [value];
      return event;
    }
  }
}

/** What a Lambda result says, whatever its shape: status, every header value, cookies, body bytes. */
export interface LambdaAnswer {
  status: number;
  headers: Map<string, string[]>;
  body: Buffer;
  /** The posted JSON, for checks on the whole result. */
  result: Record<string, any>;
}

export function lambdaAnswer(result: Record<string, any>): LambdaAnswer {
  const headers = new Map<string, string[]>();
  const add = (name: string, value: string) => headers.set(name, [...(headers.get(name) ?? []), value]);
  for (const [name, value] of Object.entries<string>(result.headers ?? {})) add(name, value);
  for (const [name, values] of Object.entries<string[]>(result.multiValueHeaders ?? {})) for (const v of values) add(name, v);
  for (const cookie of result.cookies ?? []) add('set-cookie', cookie);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  return { status: result.statusCode, headers, body, result };
}

/** Checks a result any AWS front door accepts: a final status, token names, values with no control character but HTAB. */
export function expectValidResult(result: Record<string, any>): void {
  expect(Number.isInteger(result.statusCode) && result.statusCode >= 200 && result.statusCode <= 599, String(result.statusCode)).toBe(true);
  expect(typeof result.body).toBe('string');
  const value = /^[\t\x20-\x7e\xa0-\xff]*$/;
  for (const [name, v] of Object.entries<unknown>(result.headers ?? {})) {
    expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9a-z-]+$/);
    expect(v, name).toEqual(expect.any(String));
    expect(v as string, name).toMatch(value);
  }
  for (const [name, values] of Object.entries<unknown>(result.multiValueHeaders ?? {})) {
    expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9a-z-]+$/);
    for (const v of values as unknown[]) expect(v as string, name).toMatch(value);
  }
  for (const c of result.cookies ?? []) expect(c as string).toMatch(value);
}

/**
 * The Lambda front door over `bridge`: each call is one invocation through runtime/lambda/handler.ts.
 * In stream mode the prelude and the collected body are returned in the buffered shape.
 */
export function lambdaDoor(config: Config, bridge: Pick<Bridge, 'handle'>, logger = memoryLogger('error')) {
  const handler = createInvocationHandler({ config, logger, bridge });
  let n = 0;
  return async (event: unknown): Promise<Record<string, any>> => {
    const outcome = await handler(event, { requestId: `inv-${++n}`, deadlineMs: Date.now() + 20_000, invokedFunctionArn: 'arn:aws:lambda:x', traceId: undefined });
    if (outcome.kind === 'stream') {
      const chunks: Uint8Array[] = [];
      for await (const chunk of outcome.body) chunks.push(chunk);
      const { statusCode, headers, cookies } = outcome.prelude as { statusCode: number; headers: Record<string, string>; cookies: string[] };
      return { statusCode, headers, cookies, body: Buffer.concat(chunks).toString('base64'), isBase64Encoded: true };
    }
    expect(outcome.kind).toBe('buffered');
    return (outcome as { payload: Record<string, any> }).payload;
  };
}
