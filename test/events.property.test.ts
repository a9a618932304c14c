/**
 * Generated events, mostly well-formed and sometimes not: no exception other than
 * EventError leaves an adapter, requests satisfy the HttpRequest contract, and results have
 * their source's shape and carry the body bytes unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../bridge/config.ts';
import type { HttpRequest } from '../bridge/http.ts';
import { memoryLogger } from '../bridge/log.ts';
import { applyTrust } from '../bridge/trust.ts';
import { EventError, adapters, detectSource, type SourceKind } from '../bridge/events/index.ts';

const RUNS = 2000;
const SECRET = 's3cret';

const junk = fc.anything({ maxDepth: 2 });
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 30 }));
// Mostly the right type, now and then junk or nothing: most events parse, every field gets broken.
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: arb, weight: 40 }, { arbitrary: junk, weight: 1 }, { arbitrary: fc.constantFrom(undefined, null), weight: 1 });

const headerName = fc.oneof(
  fc.constantFrom('Host', 'host', 'X-Forwarded-For', 'x-forwarded-proto', 'X-Forwarded-Port', 'Cookie', 'Content-Type',
    'CloudFront-Viewer-Address', 'cloudfront-forwarded-proto', 'x-lamphp-origin-secret', 'X-Forwarded-Host', 'Forwarded'),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const headerValue = fc.oneof(
  text,
  fc.domain(),
  fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), text), { maxLength: 4 }).map((a) => a.join(', ')),
  fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 70000 })).map(([ip, port]) => `${ip}:${port}`),
  fc.constantFrom('https', 'http', '443', '80', '99999', SECRET),
);
const singleHeaders = fc.dictionary(headerName, maybe(headerValue), { maxKeys: 8 });
const multiHeaders = fc.dictionary(headerName, maybe(fc.array(headerValue, { maxLength: 3 })), { maxKeys: 8 });
const singleQuery = fc.dictionary(text, maybe(text), { maxKeys: 4 });
const multiQuery = fc.dictionary(text, maybe(fc.array(text, { maxLength: 3 })), { maxKeys: 4 });
const path = fc.oneof(fc.webPath(), text, fc.constantFrom('/', '/prod/x', '/a b/%zz?#', '/caf%C3%A9'));
const method = fc.oneof({ arbitrary: fc.constantFrom('GET', 'post', 'HEAD', 'OPTIONS', 'DELETE', 'PROPFIND'), weight: 20 }, { arbitrary: text, weight: 1 });
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), text);
// A body and its flag agree, except now and then.
const bodyFields = fc.oneof(
  { arbitrary: fc.record({ body: maybe(text), isBase64Encoded: fc.constantFrom(false, undefined) }), weight: 10 },
  { arbitrary: fc.record({ body: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')), isBase64Encoded: fc.constant(true) }), weight: 10 },
  { arbitrary: fc.record({ body: maybe(text), isBase64Encoded: maybe(fc.boolean()) }), weight: 1 },
);
const withBody = <T extends object>(event: fc.Arbitrary<T>) => fc.tuple(event, bodyFields).map(([e, b]) => ({ ...e, ...b }));

const restEvent = withBody(fc.record({
  version: fc.constantFrom(undefined, '1.0'),
  httpMethod: maybe(method),
  path: maybe(path),
  headers: maybe(singleHeaders),
  multiValueHeaders: maybe(multiHeaders),
  queryStringParameters: maybe(singleQuery),
  multiValueQueryStringParameters: maybe(multiQuery),
  requestContext: maybe(fc.record({
    identity: maybe(fc.record({ sourceIp: maybe(ip) }, { requiredKeys: [] })),
    domainName: maybe(fc.domain()),
    protocol: maybe(fc.constantFrom('HTTP/1.1', 'HTTP/2.0', 'junk')),
  }, { requiredKeys: ['identity'] })),
}, { requiredKeys: ['httpMethod', 'path', 'requestContext'] }));

const v2Event = (domain: fc.Arbitrary<string>) => withBody(fc.record({
  version: fc.constant('2.0'),
  rawPath: maybe(path),
  rawQueryString: maybe(fc.oneof(text, fc.constantFrom('a=b%20c&a=d', 'x=%zz', 'q=a b#c'))),
  cookies: maybe(fc.array(text, { maxLength: 3 })),
  headers: maybe(singleHeaders),
  requestContext: maybe(fc.record({
    stage: maybe(fc.constantFrom('$default', 'prod', '')),
    domainName: maybe(domain),
    http: maybe(fc.record({ method: maybe(method), path: maybe(path), sourceIp: maybe(ip), protocol: maybe(text) }, { requiredKeys: ['method'] })),
  }, { requiredKeys: ['http'] })),
}, { requiredKeys: ['version', 'requestContext'] }));

const albCommon = {
  httpMethod: maybe(method),
  path: maybe(path),
  requestContext: maybe(fc.record({ elb: fc.constant({ targetGroupArn: 'arn' }) })),
};
const albRequired = { requiredKeys: ['httpMethod', 'path', 'requestContext'] as ('httpMethod' | 'path' | 'requestContext')[] };
const albEvent = (multi: boolean): fc.Arbitrary<Record<string, unknown>> => multi
  ? withBody(fc.record({ ...albCommon, multiValueHeaders: maybe(multiHeaders), multiValueQueryStringParameters: maybe(multiQuery) }, albRequired))
  : withBody(fc.record({ ...albCommon, headers: maybe(singleHeaders), queryStringParameters: maybe(singleQuery) }, albRequired));

const EVENTS: Record<SourceKind, fc.Arbitrary<Record<string, unknown>>> = {
  'apigw-v1': restEvent,
  'apigw-v2': v2Event(fc.domain()),
  'function-url': v2Event(fc.constant('abc.lambda-url.eu-west-1.on.aws')),
  alb: albEvent(false),
  'alb-multi': albEvent(true),
};

const response = fc.record({
  status: fc.integer({ min: 100, max: 599 }),
  headers: fc.dictionary(
    fc.oneof(fc.constantFrom('content-type', 'content-encoding', 'set-cookie', 'vary'), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/)),
    fc.array(fc.oneof(text, fc.constantFrom('text/html', 'image/png', 'application/json', 'gzip', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT')), { minLength: 1, maxLength: 3 }),
    { maxKeys: 5 },
  ),
  body: fc.oneof(fc.uint8Array({ maxLength: 64 }), text.map((s) => new TextEncoder().encode(s))),
});

const trustConfig = fc.record({
  originSecret: fc.constantFrom(undefined, SECRET),
  canonicalHost: fc.constantFrom(undefined, 'www.example.org'),
  trustedHops: fc.integer({ min: 0, max: 3 }),
  trustForwardedHost: fc.boolean(),
});

/** The method as the event states it, even when the event is otherwise broken. */
function rawMethod(event: Record<string, any>): string | undefined {
  const m = typeof event.httpMethod === 'string' ? event.httpMethod : event.requestContext?.http?.method;
  return typeof m === 'string' ? m.toUpperCase() : undefined;
}

function checkRequest(r: HttpRequest) {
  expect(r.path.startsWith('/')).toBe(true);
  expect(r.path).not.toMatch(/[\s?#]/);
  expect(r.query).not.toMatch(/[\s#]/);
  expect(r.method).toMatch(/^[!#$%&'*+.^_`|~0-9A-Z-]+$/);
  expect(r.body).toBeInstanceOf(Uint8Array);
  expect(['http', 'https']).toContain(r.scheme);
  expect(Number.isInteger(r.port) && r.port > 0 && r.port < 65536).toBe(true);
  expect(Number.isInteger(r.clientPort)).toBe(true);
  expect(typeof r.clientAddress).toBe('string');
  expect(typeof r.host).toBe('string');
  for (const [name, values] of Object.entries(r.headers)) {
    expect(name).toBe(name.toLowerCase());
    expect(values.every((v) => typeof v === 'string')).toBe(true);
  }
}

function checkResult(kind: SourceKind, result: Record<string, any>, res: { status: number; headers: Record<string, string[]>; body: Uint8Array }, omitted: boolean) {
  expect(() => JSON.stringify(result)).not.toThrow();
  expect(result.statusCode).toBe(res.status);
  expect(typeof result.body).toBe('string');
  expect(typeof result.isBase64Encoded).toBe('boolean');
  const sent = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  expect(sent.equals(Buffer.from(omitted ? new Uint8Array() : res.body))).toBe(true);
  const cookies = res.headers['set-cookie'] ?? [];
  if (kind === 'alb' || kind === 'alb-multi') expect(result.statusDescription).toMatch(/^\d{3} \S/);
  if (kind === 'apigw-v2' || kind === 'function-url') {
    expect(result.cookies ?? []).toEqual(cookies);
    expect(Object.values(result.headers).every((v) => typeof v === 'string')).toBe(true);
  }
  if (kind === 'apigw-v1' || kind === 'alb-multi') expect(result.multiValueHeaders['set-cookie'] ?? []).toEqual(cookies);
  if (kind === 'alb') expect(result.headers['set-cookie']).toBe(cookies.at(-1));
}

describe.each(Object.keys(EVENTS) as SourceKind[])('%s, generated events', (kind) => {
  it(`${RUNS} events: only EventError escapes, requests and results keep their contracts`, () => {
    const adapter = adapters[kind];
    fc.assert(
      fc.property(EVENTS[kind], response, trustConfig, (event, res, trust) => {
        const config = readConfig({}, { ...trust, basePath: '/prod' });
        const context = { requestId: 'r', config, logger: memoryLogger('error') };
        expect(() => detectSource(event)).not.toThrow();
        let request: HttpRequest | undefined;
        try {
          request = adapter.toRequest(event, context);
        } catch (err) {
          expect(err).toBeInstanceOf(EventError);
          expect((err as EventError).code).toBe('EBADEVENT');
          expect((err as Error).message.length).toBeGreaterThan(10);
        }
        if (request) {
          checkRequest(request);
          const trusted = applyTrust(request, config);
          checkRequest(trusted);
          expect(trusted.headers['x-lamphp-origin-secret']).toBeUndefined();
          if (trust.canonicalHost) expect(trusted.host).toBe('www.example.org');
          if (!trust.originSecret) expect(trusted.headers['cloudfront-viewer-address']).toBeUndefined();
        }
        const result = adapter.toResult(res, event, context);
        const omitted = rawMethod(event) === 'HEAD' || res.status === 204 || res.status === 304;
        checkResult(kind, result, res, omitted);
      }),
      { numRuns: RUNS },
    );
  });
});
