/**
 * Lambda HTTP event adapters: every AWS sample event and every hand-written event becomes
 * the HttpRequest written out below, and every source gets a result of its own shape.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig, type Config } from '../bridge/config.ts';
import type { HeaderMap, HttpRequest } from '../bridge/http.ts';
import { memoryLogger } from '../bridge/log.ts';
import { admitRequest } from '../bridge/trust.ts';
import {
  ALB_LIMIT, API_REQUEST_LIMIT, EventError, LAMBDA_RESULT_LIMIT, adapters, detectSource, fitsInResult,
  oversizedResult, resultFits, type AdapterContext, type EventAdapter, type SourceKind,
} from '../bridge/events/index.ts';

const AWS = new URL('./fixtures/aws-events/', import.meta.url);
const OWN = new URL('./fixtures/events/', import.meta.url);
const json = (dir: URL, name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const bytes = (dir: URL, name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function context(overrides: Partial<Config> = {}) {
  const logger = memoryLogger();
  const ctx: AdapterContext = { requestId: 'req-1', config: readConfig({}, overrides), logger, receivedAt: 1_795_687_200_000 };
  return Object.assign(ctx, { records: logger.records });
}

function parse(event: unknown, overrides: Partial<Config> = {}): { adapter: EventAdapter; request: HttpRequest } {
  const adapter = detectSource(event);
  if (!adapter) throw new Error('not detected as an HTTP event');
  return { adapter, request: adapter.toRequest(event, context(overrides)) };
}

interface Expected {
  kind: SourceKind;
  method: string;
  path: string;
  query: string;
  headers: HeaderMap;
  cookie: string[] | undefined;
  body: string;
  clientAddress: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
}

const V2_SAMPLE_BODY = '{\r\n\t"a": 1\r\n}';
const V2_SAMPLE: Omit<Expected, 'kind'> = {
  method: 'GET',
  path: '/my/path',
  query: 'parameter1=value1&parameter1=value2&parameter2=value',
  headers: { header1: ['value1'], header2: ['value2'] },
  cookie: ['cookie1; cookie2'],
  body: V2_SAMPLE_BODY,
  clientAddress: 'IP',
  scheme: 'https',
  host: 'id.execute-api.us-east-1.amazonaws.com', // no Host header: requestContext.domainName
  port: 443,
};
const REST_SAMPLE: Expected = {
  kind: 'apigw-v1',
  method: 'POST',
  path: '/hello/world',
  query: 'name=me',
  headers: {
    'content-type': ['application/json'],
    headername: ['headerValue'],
    'x-forwarded-for': ['54.240.196.186, 54.182.214.83'],
    'accept-encoding': ['gzip, deflate'],
  },
  cookie: undefined,
  body: '{\r\n\t"a": 1\r\n}',
  clientAddress: '192.168.196.186',
  scheme: 'https',
  host: 'gy415nuibc.execute-api.us-east-1.amazonaws.com', // the Host header wins over domainName
  port: 443,
};

const AWS_SAMPLES: Record<string, Expected> = {
  'alb-lambda-target-request-headers-only.json': {
    kind: 'alb',
    method: 'GET',
    path: '/',
    query: 'key=hello',
    headers: { 'x-myheader': ['123'], 'user-agent': ['curl/7.54.0'], 'x-forwarded-for': ['25.12.198.67'] },
    cookie: undefined,
    body: '',
    clientAddress: '25.12.198.67',
    scheme: 'http',
    host: 'lambda-test-alb-1334523864.us-east-1.elb.amazonaws.com',
    port: 80,
  },
  'alb-lambda-target-request-multivalue-headers.json': {
    kind: 'alb-multi',
    method: 'GET',
    path: '/',
    query: 'key=hello',
    headers: { 'x-myheader': ['123'], accept: ['*/*'], 'x-forwarded-for': ['72.21.198.67'] },
    cookie: undefined,
    body: '',
    clientAddress: '72.21.198.67',
    scheme: 'http',
    host: 'lambda-test-alb-1234567.us-east-1.elb.amazonaws.com',
    port: 80,
  },
  'apigw-request.json': REST_SAMPLE,
  'apigw-restapi-openapi-request.json': REST_SAMPLE,
  'apigw-v2-request-iam.json': { kind: 'apigw-v2', ...V2_SAMPLE },
  'apigw-v2-request-jwt-authorizer.json': { kind: 'apigw-v2', ...V2_SAMPLE },
  'apigw-v2-request-lambda-authorizer.json': { kind: 'apigw-v2', ...V2_SAMPLE },
  'apigw-v2-request-no-authorizer.json': {
    kind: 'apigw-v2',
    method: 'GET',
    path: '/',
    query: '',
    headers: { 'content-length': ['0'], 'x-forwarded-for': ['1.2.3.4'], host: ['aaaaaaaaaa.execute-api.us-west-2.amazonaws.com'] },
    cookie: undefined,
    body: '',
    clientAddress: '1.2.3.4',
    scheme: 'https',
    host: 'aaaaaaaaaa.execute-api.us-west-2.amazonaws.com',
    port: 443,
  },
  'lambda-urls-request.json': {
    kind: 'function-url',
    method: 'POST',
    path: '/my/path',
    query: 'parameter1=value1&parameter1=value2&parameter2=value',
    // HTTP API / Function URLs join repeated headers with ',' themselves: kept as given.
    headers: { header1: ['value1'], header2: ['value1,value2'] },
    cookie: ['cookie1; cookie2'],
    body: 'Hello from client!',
    clientAddress: '123.123.123.123',
    scheme: 'https',
    host: '', // the sample's domainName `<url-id>.lambda-url…` is a placeholder, not a host name
    port: 443,
  },
};

function expectRequest(request: HttpRequest, expected: Expected) {
  expect(request.method).toBe(expected.method);
  expect(request.path).toBe(expected.path);
  expect(request.query).toBe(expected.query);
  for (const [name, values] of Object.entries(expected.headers)) expect(request.headers[name], name).toEqual(values);
  expect(request.headers.cookie).toEqual(expected.cookie);
  expect(text(request.body)).toBe(expected.body);
  expect(request.clientAddress).toBe(expected.clientAddress);
  expect(request.scheme).toBe(expected.scheme);
  expect(request.host).toBe(expected.host);
  expect(request.port).toBe(expected.port);
  expect(request.protocol).toBe('HTTP/1.1');
  expect(request.requestId).toBe('req-1');
  expect(request.receivedAt).toBe(1_795_687_200_000);
  for (const name of Object.keys(request.headers)) expect(name).toBe(name.toLowerCase());
}

const PNG = bytes(OWN, 'pixel.png');
const TEXT_RESPONSE = { status: 200, headers: { 'content-type': ['text/html; charset=utf-8'] }, body: utf8('<p>héllo</p>') };
const PNG_RESPONSE = { status: 200, headers: { 'content-type': ['image/png'] }, body: PNG };

function expectResultShape(kind: SourceKind, result: Record<string, unknown>) {
  const keys: Record<SourceKind, string[]> = {
    'apigw-v1': ['body', 'headers', 'isBase64Encoded', 'multiValueHeaders', 'statusCode'],
    'apigw-v2': ['body', 'headers', 'isBase64Encoded', 'statusCode'],
    'function-url': ['body', 'headers', 'isBase64Encoded', 'statusCode'],
    alb: ['body', 'headers', 'isBase64Encoded', 'statusCode', 'statusDescription'],
    'alb-multi': ['body', 'isBase64Encoded', 'multiValueHeaders', 'statusCode', 'statusDescription'],
  };
  expect(Object.keys(result).sort()).toEqual(keys[kind]);
  expect(result.statusCode).toBe(200);
  if (kind === 'alb' || kind === 'alb-multi') expect(result.statusDescription).toBe('200 OK');
}

function contentType(kind: SourceKind, result: Record<string, any>): string {
  return kind === 'alb-multi' || (kind === 'apigw-v1' && !result.headers['content-type'])
    ? result.multiValueHeaders['content-type'][0]
    : result.headers['content-type'];
}

describe('AWS sample events (aws-lambda-go testdata)', () => {
  for (const [file, expected] of Object.entries(AWS_SAMPLES)) {
    describe(file, () => {
      const event = json(AWS, file);

      it(`is detected as ${expected.kind} and becomes the request the source describes`, () => {
        const { adapter, request } = parse(event);
        expect(adapter.kind).toBe(expected.kind);
        expectRequest(request, expected);
      });

      it('keeps those fields through the default trust rules', () => {
        const { request } = parse(event);
        const admitted = admitRequest(request, readConfig({}));
        if (!admitted.ok) throw new Error('rejected');
        expectRequest(admitted.request, expected);
      });

      it('answers a text body as a UTF-8 string in the source result shape', () => {
        const adapter = detectSource(event)!;
        const result = adapter.toResult(TEXT_RESPONSE, event, context());
        expectResultShape(adapter.kind, result);
        expect(result.body).toBe('<p>héllo</p>');
        expect(result.isBase64Encoded).toBe(false);
        expect(contentType(adapter.kind, result)).toBe('text/html; charset=utf-8');
      });

      it('answers a binary body as base64 in the source result shape', () => {
        const adapter = detectSource(event)!;
        const result = adapter.toResult(PNG_RESPONSE, event, context());
        expectResultShape(adapter.kind, result);
        expect(result.isBase64Encoded).toBe(true);
        expect(result.body).toBe(Buffer.from(PNG).toString('base64'));
      });
    });
  }
});

describe('own events', () => {
  it('ALB multi-value: repeated headers survive, the query stays exactly as encoded, the peer is the last X-Forwarded-For entry', () => {
    const { adapter, request } = parse(json(OWN, 'alb-multivalue-repeated.json'));
    expect(adapter.kind).toBe('alb-multi');
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/caf%C3%A9/index.php');
    expect(request.query).toBe('a=b%20c&a=d&tags%5B%5D=x%2By');
    expect(request.headers['accept-language']).toEqual(['fr-CH', 'en;q=0.8']);
    expect(request.headers.cookie).toEqual(['a=1', 'b=2']);
    expect(request.clientAddress).toBe('203.0.113.50');
    expect(request.scheme).toBe('https');
    expect(request.port).toBe(443);
    expect(request.host).toBe('www.example.org'); // X-Forwarded-Host is not believed
  });

  it('HTTP API 2.0 on a named stage: stage prefix removed, cookies list becomes one Cookie header, base64 body decoded', () => {
    const { adapter, request } = parse(json(OWN, 'apigw-v2-cookies-stage.json'));
    expect(adapter.kind).toBe('apigw-v2');
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/wp-login.php');
    expect(request.query).toBe('redirect_to=%2Fwp-admin%2F&reauth=1');
    expect(request.headers.cookie).toEqual(['wordpress_test_cookie=WP%20Cookie%20check; wp-settings-1=libraryContent%3Dbrowse']);
    expect(request.headers['accept-language']).toEqual(['fr-CH,en;q=0.8']);
    expect(text(request.body)).toBe('log=admin&pwd=s3cret%21');
    expect(request.clientAddress).toBe('198.51.100.7');
    expect(request.host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
  });

  it('v2 cookies are added to a Cookie header that is already there', () => {
    const event = { ...json(OWN, 'apigw-v2-cookies-stage.json'), cookies: ['c=3'] };
    event.headers = { ...event.headers, cookie: 'a=1; b=2' };
    expect(parse(event).request.headers.cookie).toEqual(['a=1; b=2; c=3']);
  });

  it('REST: a base64 multipart upload arrives byte for byte, repeated headers and query keys survive', () => {
    const { adapter, request } = parse(json(OWN, 'apigw-v1-multipart-upload.json'));
    expect(adapter.kind).toBe('apigw-v1');
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/wp-admin/async-upload.php');
    expect(request.query).toBe('a=b%20c&a=d&post_id=0');
    expect(request.headers['accept-language']).toEqual(['de', 'fr;q=0.5']);
    expect(request.headers['content-type']![0]).toMatch(/^multipart\/form-data; boundary=/);
    expect(Buffer.from(request.body).equals(Buffer.from(bytes(OWN, 'multipart-upload.bin')))).toBe(true);
    expect(request.clientAddress).toBe('198.51.100.7');
    expect(request.host).toBe('www.example.org');
  });

  it('HTTP API payload 1.0: decoded path and query values are encoded once', () => {
    const { adapter, request } = parse(json(OWN, 'http-api-v1.json'));
    expect(adapter.kind).toBe('apigw-v1');
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/blog/hello%20world');
    expect(request.query).toBe('s=caf%C3%A9%20%26%20tea');
    expect(request.headers.cookie).toEqual(['a=1; b=2']);
    expect(request.body.length).toBe(0);
    expect(request.clientAddress).toBe('198.51.100.9');
  });

  it('REST: a hand-written event with only the single-value maps still has its headers and query', () => {
    const event = { ...json(OWN, 'http-api-v1.json'), multiValueHeaders: {}, multiValueQueryStringParameters: null };
    const { request } = parse(event);
    expect(request.headers.cookie).toEqual(['a=1; b=2']);
    expect(request.query).toBe('s=caf%C3%A9%20%26%20tea');
  });

  it('`?a=b%20c&a=d` reaches the query string encoded exactly once from every source', () => {
    const alb = { ...json(AWS, 'alb-lambda-target-request-multivalue-headers.json'), multiValueQueryStringParameters: { a: ['b%20c', 'd'] } };
    const albSingle = { ...json(AWS, 'alb-lambda-target-request-headers-only.json'), queryStringParameters: { a: 'b%20c' } };
    const rest = { ...json(AWS, 'apigw-request.json'), queryStringParameters: { a: 'd' }, multiValueQueryStringParameters: { a: ['b c', 'd'] } };
    const v2 = { ...json(AWS, 'apigw-v2-request-no-authorizer.json'), rawQueryString: 'a=b%20c&a=d' };
    const url = { ...json(AWS, 'lambda-urls-request.json'), rawQueryString: 'a=b%20c&a=d' };
    for (const event of [alb, rest, v2, url]) expect(parse(event).request.query).toBe('a=b%20c&a=d');
    expect(parse(albSingle).request.query).toBe('a=b%20c');
  });

  it('paths come out raw whether the source sent them encoded or decoded', () => {
    const v2 = json(AWS, 'apigw-v2-request-no-authorizer.json');
    const cases: Array<[string, string]> = [
      ['/caf%C3%A9', '/caf%C3%A9'], // already encoded: unchanged
      ['/café', '/caf%C3%A9'], // decoded by HTTP API: encoded
      ['/a b/100%', '/a%20b/100%25'],
      ['/what?is#this', '/what%3Fis%23this'],
      ['/a%2Fb', '/a%2Fb'],
      ['/wp-json/wp/v2/posts;x=1', '/wp-json/wp/v2/posts;x=1'],
    ];
    for (const [rawPath, path] of cases) expect(parse({ ...v2, rawPath }).request.path, rawPath).toBe(path);
  });

  it('config.basePath is removed on a segment boundary only', () => {
    const event = json(OWN, 'http-api-v1.json');
    expect(parse(event, { basePath: '/blog' }).request.path).toBe('/hello%20world');
    expect(parse({ ...event, path: '/blog' }, { basePath: '/blog/' }).request.path).toBe('/');
    expect(parse({ ...event, path: '/blogger/x' }, { basePath: '/blog' }).request.path).toBe('/blogger/x');
    const v2 = { ...json(AWS, 'apigw-v2-request-no-authorizer.json'), rawPath: '/wp/wp-login.php' };
    expect(parse(v2, { basePath: 'wp' }).request.path).toBe('/wp-login.php');
  });

  it('a $default stage is never stripped', () => {
    const v2 = { ...json(AWS, 'apigw-v2-request-no-authorizer.json'), rawPath: '/$default/x' };
    expect(parse(v2).request.path).toBe('/$default/x');
  });

  it('header and query names such as __proto__ and constructor are plain names', () => {
    const event = JSON.parse('{"httpMethod":"GET","path":"/","requestContext":{"elb":{}},' +
      '"multiValueHeaders":{"__proto__":["a"],"constructor":["b"],"toString":["c"]},' +
      '"multiValueQueryStringParameters":{"__proto__":["x"]}}');
    const { request } = parse(event);
    expect(Object.entries(request.headers)).toEqual([['__proto__', ['a']], ['constructor', ['b']], ['tostring', ['c']]]);
    expect(request.query).toBe('__proto__=x');
  });

  it('a 200 KB header value passes through without trouble', () => {
    const big = 'x'.repeat(200 * 1024);
    const event = { ...json(AWS, 'apigw-v2-request-no-authorizer.json') };
    event.headers = { ...event.headers, 'x-big': big };
    expect(parse(event).request.headers['x-big']).toEqual([big]);
  });
});

describe('results', () => {
  const SET_COOKIES: string[] = json(OWN, 'set-cookies.json');
  const withCookies = { status: 200, headers: { 'content-type': ['text/html'], 'set-cookie': SET_COOKIES }, body: utf8('ok') };

  it('three Set-Cookie headers with Expires dates round-trip unchanged through REST, HTTP API 2.0 and ALB multi-value', () => {
    const rest = adapters['apigw-v1'].toResult(withCookies, json(AWS, 'apigw-request.json'), context());
    expect(rest.multiValueHeaders['set-cookie']).toEqual(SET_COOKIES);
    expect(rest.headers['set-cookie']).toBeUndefined();
    const v2 = adapters['apigw-v2'].toResult(withCookies, json(AWS, 'apigw-v2-request-iam.json'), context());
    expect(v2.cookies).toEqual(SET_COOKIES);
    expect(v2.headers['set-cookie']).toBeUndefined();
    const url = adapters['function-url'].toResult(withCookies, json(AWS, 'lambda-urls-request.json'), context());
    expect(url.cookies).toEqual(SET_COOKIES);
    const multi = adapters['alb-multi'].toResult(withCookies, json(AWS, 'alb-lambda-target-request-multivalue-headers.json'), context());
    expect(multi.multiValueHeaders['set-cookie']).toEqual(SET_COOKIES);
  });

  it('ALB single-value mode keeps the last Set-Cookie (what a browser ends with) and logs how many it dropped', () => {
    const ctx = context();
    const result = adapters.alb.toResult(withCookies, json(AWS, 'alb-lambda-target-request-headers-only.json'), ctx);
    expect(result.headers['set-cookie']).toBe(SET_COOKIES.at(-1));
    expect(ctx.records).toHaveLength(1);
    expect(ctx.records[0]).toMatchObject({ level: 'warn', requestId: 'req-1', dropped: 2 });
    expect(ctx.records[0].msg).toMatch(/Dropped 2 of 3 Set-Cookie.*Enable multi-value headers on the target group/);
  });

  it('REST results put single values in headers and repeated ones in multiValueHeaders', () => {
    const response = { status: 201, headers: { 'content-type': ['text/plain'], vary: ['Accept', 'Cookie'], 'set-cookie': ['a=1'] }, body: utf8('x') };
    const result = adapters['apigw-v1'].toResult(response, json(AWS, 'apigw-request.json'), context());
    expect(result).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'text/plain' },
      multiValueHeaders: { vary: ['Accept', 'Cookie'], 'set-cookie': ['a=1'] },
      body: 'x',
      isBase64Encoded: false,
    });
  });

  it('HTTP API 2.0 and single-value ALB results join repeated non-cookie headers with ", "', () => {
    const response = { status: 200, headers: { vary: ['Accept', 'Cookie'] }, body: utf8('x') };
    expect(adapters['apigw-v2'].toResult(response, {}, context()).headers.vary).toBe('Accept, Cookie');
    expect(adapters.alb.toResult(response, {}, context()).headers!.vary).toBe('Accept, Cookie');
  });

  it('ALB results carry a status line', () => {
    const result = adapters['alb-multi'].toResult({ status: 404, headers: {}, body: utf8('') }, {}, context());
    expect(result.statusDescription).toBe('404 Not Found');
  });

  it('HEAD requests get headers and an empty body', () => {
    const event = { ...json(AWS, 'apigw-request.json'), httpMethod: 'HEAD' };
    const result = adapters['apigw-v1'].toResult({ ...TEXT_RESPONSE, headers: { ...TEXT_RESPONSE.headers, 'content-length': ['13'] } }, event, context());
    expect(result.body).toBe('');
    expect(result.isBase64Encoded).toBe(false);
    expect(result.headers['content-length']).toBe('13');
  });

  describe('binary or text', () => {
    const v2 = adapters['apigw-v2'];
    const encode = (headers: HeaderMap, body: Uint8Array) => {
      const r = v2.toResult({ status: 200, headers, body }, {}, context());
      return r.isBase64Encoded ? 'base64' : 'text';
    };
    const html = utf8('<p>ok</p>');
    it.each([
      ['text/html', html, 'text'],
      ['application/json', html, 'text'],
      ['application/problem+json', html, 'text'],
      ['application/rss+xml; charset=UTF-8', html, 'text'],
      ['application/javascript', html, 'text'],
      ['image/svg+xml', html, 'text'],
      ['application/x-www-form-urlencoded', html, 'text'],
      ['image/png', PNG, 'base64'],
      ['application/octet-stream', html, 'base64'],
      ['application/pdf', html, 'base64'],
      ['text/html; charset=iso-8859-1', new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'base64'],
    ])('%s → %s', (type, body, expected) => {
      expect(encode({ 'content-type': [type] }, body as Uint8Array)).toBe(expected);
    });
    it('gzip-encoded text is binary', () => {
      expect(encode({ 'content-type': ['text/html'], 'content-encoding': ['gzip'] }, html)).toBe('base64');
    });
    it('no Content-Type: UTF-8 bytes travel as text, other bytes as base64', () => {
      expect(encode({}, html)).toBe('text');
      expect(encode({}, PNG)).toBe('base64');
    });
    it('an empty body is an empty string', () => {
      const r = v2.toResult({ status: 204, headers: { 'content-type': ['image/png'] }, body: new Uint8Array() }, {}, context());
      expect(r).toMatchObject({ body: '', isBase64Encoded: false });
    });
  });
});

describe('size limits', () => {
  const MB = 1024 * 1024;
  it('each source states what it carries', () => {
    expect(adapters['apigw-v1'].maxResponseBytes).toBe(LAMBDA_RESULT_LIMIT);
    expect(adapters['function-url'].maxRequestBytes).toBe(API_REQUEST_LIMIT);
    expect(API_REQUEST_LIMIT).toBe(6 * MB);
    expect(adapters.alb.maxResponseBytes).toBe(ALB_LIMIT);
    expect(adapters['alb-multi'].maxRequestBytes).toBe(1 * MB);
  });

  it('binary bodies are counted after base64 growth, text bodies as they are', () => {
    const api = adapters['apigw-v2'];
    expect(fitsInResult(4 * MB, api)).toBe(true); // 5.33 MB as base64
    expect(fitsInResult(5 * MB, api)).toBe(false); // 6.67 MB as base64
    expect(fitsInResult(5 * MB, api, { 'content-type': ['text/html'] })).toBe(true);
    expect(fitsInResult(5 * MB, api, { 'content-type': ['image/jpeg'] })).toBe(false);
    expect(fitsInResult(700 * 1024, adapters.alb, { 'content-type': ['text/html'] })).toBe(true);
    expect(fitsInResult(800 * 1024, adapters.alb, { 'content-type': ['image/png'] })).toBe(false);
  });

  it('a finished result can be measured exactly', () => {
    const small = adapters.alb.toResult(TEXT_RESPONSE, {}, context());
    expect(resultFits(small, adapters.alb)).toBe(true);
    const quotes = adapters.alb.toResult({ status: 200, headers: { 'content-type': ['text/html'] }, body: utf8('"'.repeat(600 * 1024)) }, {}, context());
    expect(resultFits(quotes, adapters.alb)).toBe(false); // JSON escaping doubles it
  });

  it('an oversize response becomes a 502 page in the source shape', () => {
    const event = json(AWS, 'alb-lambda-target-request-multivalue-headers.json');
    const result = oversizedResult(adapters['alb-multi'], event, context(), 3 * MB);
    expect(result.statusCode).toBe(502);
    expect(result.statusDescription).toBe('502 Bad Gateway');
    expect(result.body).toMatch(/larger than alb-multi can carry/);
  });
});

describe('detection', () => {
  it.each([
    ['a scheduled event', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }],
    ['a console test string', 'hello'],
    ['null', null],
    ['a number', 42],
    ['an array', [1, 2]],
    ['a warmer ping', { warmer: true }],
    ['an empty object', {}],
  ])('%s is not an HTTP event', (_name, event) => {
    expect(detectSource(event)).toBeUndefined();
  });

  it('tells Function URLs from HTTP API by their domain', () => {
    const v2 = json(AWS, 'apigw-v2-request-no-authorizer.json');
    v2.requestContext.domainName = 'abcdefghij.lambda-url.eu-west-1.on.aws';
    expect(detectSource(v2)!.kind).toBe('function-url');
  });
});

describe('malformed events are refused with EBADEVENT and a sentence saying what is wrong', () => {
  const rest = json(AWS, 'apigw-request.json');
  const v2 = json(AWS, 'apigw-v2-request-no-authorizer.json');
  const albMulti = json(AWS, 'alb-lambda-target-request-multivalue-headers.json');
  const cases: Array<[string, SourceKind, unknown, RegExp]> = [
    ['not an object', 'apigw-v1', 'GET /', /must be a JSON object, got string/],
    ['null', 'apigw-v2', null, /must be a JSON object, got null/],
    ['REST without requestContext', 'apigw-v1', { ...rest, requestContext: undefined }, /has no `requestContext`/],
    ['REST without httpMethod', 'apigw-v1', { ...rest, httpMethod: undefined }, /has no `httpMethod`/],
    ['REST with a numeric path', 'apigw-v1', { ...rest, path: 7 }, /`path` must be a string, got number/],
    ['REST with a header value that is a number', 'apigw-v1', { ...rest, multiValueHeaders: { A: [1] } }, /header "A" must be a list of strings/],
    ['REST with headers as a list', 'apigw-v1', { ...rest, multiValueHeaders: undefined, headers: ['a'] }, /`headers` must be an object, got an array/],
    ['a method with a space', 'apigw-v1', { ...rest, httpMethod: 'GE T' }, /not a valid method/],
    ['invalid base64', 'apigw-v1', { ...rest, body: 'not base64!', isBase64Encoded: true }, /not valid base64/],
    ['base64 of the wrong length', 'apigw-v2', { ...v2, body: 'abc', isBase64Encoded: true }, /not valid base64/],
    ['isBase64Encoded as a string', 'apigw-v2', { ...v2, body: 'x', isBase64Encoded: 'true' }, /isBase64Encoded` must be true or false/],
    ['a body that is an object', 'apigw-v2', { ...v2, body: { a: 1 } }, /`body` must be a string, got an object/],
    ['v2 without requestContext.http', 'apigw-v2', { ...v2, requestContext: { stage: '$default' } }, /has no `http`/],
    ['v2 without a method', 'apigw-v2', { ...v2, requestContext: { ...v2.requestContext, http: { path: '/' } } }, /has no `method`/],
    ['v2 with cookies that are not a list', 'apigw-v2', { ...v2, cookies: 'a=1' }, /`cookies` must be a list of strings/],
    ['ALB multi-value with a query value that is not a list', 'alb-multi', { ...albMulti, multiValueQueryStringParameters: { a: 'b' } }, /query parameter "a" must be a list/],
    ['ALB without a path', 'alb-multi', { ...albMulti, path: null }, /has no `path`/],
  ];
  it.each(cases)('%s', (_name, kind, event, message) => {
    const attempt = () => adapters[kind].toRequest(event, context());
    expect(attempt).toThrow(EventError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (err) {
      expect((err as EventError).code).toBe('EBADEVENT');
    }
  });

  it('an HTTP-looking event without requestContext is detected, then refused', () => {
    const event = { httpMethod: 'GET', path: '/' };
    const adapter = detectSource(event)!;
    expect(() => adapter.toRequest(event, context())).toThrow(/has no `requestContext`/);
  });

  it('results are still built for a malformed event, so an error page can be answered', () => {
    for (const adapter of Object.values(adapters)) {
      const result = adapter.toResult({ status: 400, headers: {}, body: utf8('bad') }, 'garbage', context());
      expect(result.statusCode).toBe(400);
    }
  });
});
