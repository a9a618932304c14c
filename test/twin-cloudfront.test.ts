/**
 * The twin's CloudFront edge against a local origin, on a manual clock: behaviors, caching as
 * the Developer Guide's expiration table says, the origin request CloudFront builds, the response
 * timeout and its retries, viewer protocol policy, CloudFront Functions, compression.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VIEWER_ADDRESS_HEADER, VIEWER_HOST_FUNCTION } from '../infra/contracts.ts';
import { manualClock } from '../infra/twin/clock.ts';
import { EdgeCache, lifetime } from '../infra/twin/cloudfront/cache.ts';
import { behaviorFor, createEdge, pathMatches, type Behavior, type ViewerRequest } from '../infra/twin/cloudfront/edge.ts';
import { compileFunction } from '../infra/twin/cloudfront/functions-runtime.ts';
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, type CachePolicyConfig } from '../infra/twin/cloudfront/managed-policies.ts';

const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const ALL_VIEWER_AND_CLOUDFRONT = '33f36d7e-f396-46d9-90e0-52428a34d9dc';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders }
let origin: http.Server;
let port: number;
const seen: Seen[] = [];
let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('ok');

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    req.on('end', () => reply(req, res));
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  port = (origin.address() as AddressInfo).port;
});
afterAll(() => {
  origin.closeAllConnections();
  origin.close();
});

const pages: CachePolicyConfig = {
  Name: 'pages', MinTTL: 0, DefaultTTL: 0, MaxTTL: 31_536_000,
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: true, EnableAcceptEncodingBrotli: true,
    HeadersConfig: { HeaderBehavior: 'none' },
    CookiesConfig: { CookieBehavior: 'whitelist', Cookies: ['wordpress_logged_in_abc'] },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
};

function edge(behaviors: Behavior[], extra: { readTimeout?: number; attempts?: number } = {}) {
  const clock = manualClock();
  const fn = compileFunction('viewer-host', VIEWER_HOST_FUNCTION, 'cloudfront-js-2.0', () => {});
  const e = createEdge({
    clock,
    cache: new EdgeCache(),
    distributionId: 'ETWINTEST',
    domainName: 'dtest.cloudfront.localhost',
    origins: [{
      Id: 'app', DomainName: 'app.lambda-url.us-east-1.on.aws', ConnectionAttempts: extra.attempts,
      OriginCustomHeaders: [{ HeaderName: 'x-lamphp-origin-secret', HeaderValue: 'the-secret' }],
      CustomOriginConfig: { OriginProtocolPolicy: 'http-only', HTTPPort: port, OriginReadTimeout: extra.readTimeout ?? 30 },
    }],
    behaviors,
    cachePolicy: (id) => (id === 'pages' ? pages : MANAGED_CACHE_POLICIES[id]!),
    originRequestPolicy: (id) => MANAGED_ORIGIN_REQUEST_POLICIES[id],
    viewerFunction: (arn) => (arn === 'viewer-host' ? fn : undefined),
    resolve: () => '127.0.0.1',
    ca: '',
    localAddress: '127.0.0.1',
    signS3: () => ({}),
    log: () => {},
  });
  return { clock, handle: e.handle };
}

const request = (path: string, init: Partial<ViewerRequest> = {}): ViewerRequest => {
  const [p, q = ''] = path.split('?');
  return { method: 'GET', path: p!, query: q, headers: [['host', 'dtest.cloudfront.localhost'], ['user-agent', 'test-browser']], body: Buffer.alloc(0), viewerIp: '198.51.100.7', viewerPort: 51234, secure: true, ...init };
};

const header = (r: { headers: [string, string][] }, name: string) => r.headers.find(([n]) => n === name)?.[1];

const appBehavior = (extra: Partial<Behavior> = {}): Behavior => ({
  TargetOriginId: 'app', ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
  CachePolicyId: 'pages', OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST, Compress: true,
  FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: 'viewer-host' }], ...extra,
});

describe('behaviors', () => {
  it('match path patterns in order, the default last; * spans slashes, ? one character, case counts', () => {
    const behaviors: Behavior[] = [
      { PathPattern: 'wp-content/uploads/*', TargetOriginId: 's3', ViewerProtocolPolicy: 'https-only' },
      { PathPattern: '/wp-login.php', TargetOriginId: 'login', ViewerProtocolPolicy: 'https-only' },
      { PathPattern: '*.ph?', TargetOriginId: 'php', ViewerProtocolPolicy: 'https-only' },
      { TargetOriginId: 'default', ViewerProtocolPolicy: 'https-only' },
    ];
    expect(behaviorFor(behaviors, '/wp-content/uploads/2026/01/a.png').TargetOriginId).toBe('s3');
    expect(behaviorFor(behaviors, '/wp-content/uploads/x.php').TargetOriginId).toBe('s3');
    expect(behaviorFor(behaviors, '/wp-login.php').TargetOriginId).toBe('login');
    expect(behaviorFor(behaviors, '/a/b/c.php').TargetOriginId).toBe('php');
    expect(behaviorFor(behaviors, '/WP-LOGIN.PHP').TargetOriginId).toBe('default');
    expect(pathMatches('wp-admin/*', '/wp-admin')).toBe(false);
  });

  it('redirect viewers on HTTP to HTTPS and refuse methods the behavior does not allow', async () => {
    const { handle } = edge([appBehavior({ AllowedMethods: ['GET', 'HEAD'] })]);
    const r = await handle(request('/a?b=1', { secure: false }));
    expect(r.status).toBe(301);
    expect(header(r, 'location')).toBe('https://dtest.cloudfront.localhost/a?b=1');
    expect((await handle(request('/a', { method: 'POST' }))).status).toBe(403);
  });
});

describe('the origin request', () => {
  it("carries the origin's Host, the custom header over the viewer's, Via, X-Amz-Cf-Id, X-Forwarded-For and the function's x-forwarded-host", async () => {
    seen.length = 0;
    reply = (_req, res) => res.end('ok');
    const { handle } = edge([appBehavior({ CachePolicyId: CACHING_DISABLED })]);
    await handle(request('/p?x=1&y=2', { headers: [['host', 'dtest.cloudfront.localhost'], ['user-agent', 'test-browser'], ['x-lamphp-origin-secret', 'forged'], ['x-forwarded-for', '203.0.113.1'], ['cookie', 'a=1; wordpress_logged_in_abc=2'], ['x-real-ip', '1.2.3.4']] }));
    const h = seen[0]!.headers;
    expect(h.host).toBe('app.lambda-url.us-east-1.on.aws');
    expect(h['x-lamphp-origin-secret']).toBe('the-secret');
    expect(h['x-forwarded-host']).toBe('dtest.cloudfront.localhost');
    expect(h['x-forwarded-for']).toBe('203.0.113.1, 198.51.100.7');
    expect(h.via).toMatch(/^1\.1 [a-z0-9]+\.cloudfront\.net \(CloudFront\)$/);
    expect(h['x-amz-cf-id']).toMatch(/\S{20,}/);
    expect(h['user-agent']).toBe('test-browser');
    expect(h.cookie).toBe('a=1; wordpress_logged_in_abc=2');
    expect(h['x-real-ip']).toBeUndefined();
    expect(seen[0]!.url).toBe('/p?x=1&y=2');
  });

  it("names the viewer's address as the template's viewer-request function sets it: CloudFront headers a viewer forges are removed, and AllViewerExceptHostHeader adds none of CloudFront's", async () => {
    seen.length = 0;
    const forged: [string, string][] = [['host', 'dtest.cloudfront.localhost'], ['cloudfront-viewer-address', '6.6.6.6:4444'], ['cloudfront-forwarded-proto', 'http'], [VIEWER_ADDRESS_HEADER, '6.6.6.6']];
    const { handle } = edge([appBehavior({ CachePolicyId: CACHING_DISABLED })]);
    await handle(request('/a', { headers: forged }));
    await handle(request('/b', { viewerIp: '2001:db8::7' }));
    expect(seen[0]!.headers[VIEWER_ADDRESS_HEADER]).toBe('198.51.100.7');
    expect(seen[0]!.headers['cloudfront-viewer-address']).toBeUndefined();
    expect(seen[0]!.headers['cloudfront-forwarded-proto']).toBeUndefined();
    expect(seen[1]!.headers[VIEWER_ADDRESS_HEADER]).toBe('[2001:db8::7]');
    // Without the function, what the viewer sent is forwarded as is (the worst case).
    seen.length = 0;
    const bare = edge([appBehavior({ CachePolicyId: CACHING_DISABLED, FunctionAssociations: [] })]);
    await bare.handle(request('/c', { headers: forged }));
    expect(seen[0]!.headers['cloudfront-viewer-address']).toBe('6.6.6.6:4444');
  });

  it('a policy that names CloudFront-Viewer-Address gets CloudFront\'s own, over the viewer\'s', async () => {
    seen.length = 0;
    const { handle } = edge([appBehavior({ CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_AND_CLOUDFRONT, FunctionAssociations: [] })]);
    await handle(request('/a', { headers: [['host', 'dtest.cloudfront.localhost'], ['cloudfront-viewer-address', '6.6.6.6:4444']] }));
    expect(seen[0]!.headers['cloudfront-viewer-address']).toBe('198.51.100.7:51234');
  });

  it('sends only what the policies include: no cookies, no query, User-Agent replaced', async () => {
    seen.length = 0;
    const { handle } = edge([appBehavior({ CachePolicyId: CACHING_OPTIMIZED, OriginRequestPolicyId: undefined })]);
    await handle(request('/s.css?ver=1', { headers: [['host', 'dtest.cloudfront.localhost'], ['user-agent', 'test-browser'], ['cookie', 'a=1'], ['accept-encoding', 'gzip, deflate, br']] }));
    const h = seen[0]!.headers;
    expect(seen[0]!.url).toBe('/s.css');
    expect(h.cookie).toBeUndefined();
    expect(h['user-agent']).toBe('Amazon CloudFront');
    expect(h['accept-encoding']).toBe('br,gzip');
  });
});

describe('caching on the twin clock', () => {
  it('keeps a page for its s-maxage, keys it by the allow-listed cookie, then asks the origin again', async () => {
    seen.length = 0;
    let n = 0;
    reply = (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=0, s-maxage=60');
      res.end(`page ${++n}`);
    };
    const { clock, handle } = edge([appBehavior()]);
    expect(header(await handle(request('/')), 'x-cache')).toBe('Miss from cloudfront');
    const hit = await handle(request('/'));
    expect([header(hit, 'x-cache'), hit.body.toString()]).toEqual(['Hit from cloudfront', 'page 1']);
    const loggedIn = await handle(request('/', { headers: [['host', 'dtest.cloudfront.localhost'], ['cookie', 'wordpress_logged_in_abc=me']] }));
    expect(loggedIn.body.toString()).toBe('page 2');
    const otherCookie = await handle(request('/', { headers: [['host', 'dtest.cloudfront.localhost'], ['cookie', 'tracking=1']] }));
    expect(otherCookie.body.toString()).toBe('page 1');
    clock.advance(59_000);
    expect((await handle(request('/'))).body.toString()).toBe('page 1');
    clock.advance(1_001);
    expect((await handle(request('/'))).body.toString()).toBe('page 3');
  });

  it('computes lifetimes as the expiration table says, for any headers', () => {
    const policy = (min: number, def: number, max: number): CachePolicyConfig => ({ ...pages, MinTTL: min, DefaultTTL: def, MaxTTL: max });
    const h = (cc?: string, expires?: string) => new Headers({ ...(cc && { 'cache-control': cc }), ...(expires && { expires }) });
    const now = Date.UTC(2026, 0, 1);
    expect(lifetime(200, h('max-age=100, s-maxage=10'), policy(0, 0, 1000), now).ttlMs).toBe(10_000);
    expect(lifetime(200, h(), policy(5, 60, 1000), now).ttlMs).toBe(60_000);
    expect(lifetime(200, h('no-store'), policy(0, 60, 1000), now).ttlMs).toBe(0);
    expect(lifetime(200, h('private'), policy(7, 60, 1000), now).ttlMs).toBe(7_000);
    expect(lifetime(200, h(undefined, new Date(now + 90_000).toUTCString()), policy(0, 0, 60), now).ttlMs).toBe(60_000);
    expect(lifetime(404, h(), policy(0, 0, 0), now).ttlMs).toBe(10_000);
    expect(lifetime(403, h(), policy(0, 0, 0), now).ttlMs).toBe(0);
    expect(lifetime(403, h('max-age=30'), policy(0, 0, 0), now).ttlMs).toBe(30_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 5000 }), fc.boolean(), (a, b, age, shared) => {
        const [min, max] = [Math.min(a, b), Math.max(a, b)];
        const ttl = lifetime(200, h(shared ? `s-maxage=${age}` : `max-age=${age}`), policy(min, min, max), now).ttlMs / 1000;
        return ttl >= min && ttl <= max && (age < min || age > max || ttl === age);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the origin response timeout', () => {
  it('tries a GET up to the connection attempts, then 504; a POST once', async () => {
    seen.length = 0;
    reply = () => {}; // never answers
    const { clock, handle } = edge([appBehavior({ CachePolicyId: CACHING_DISABLED })], { readTimeout: 5, attempts: 3 });
    const waitFor = async (n: number) => {
      while (seen.length < n) await new Promise((r) => setTimeout(r, 5));
    };
    const get = handle(request('/slow'));
    for (let i = 1; i <= 3; i++) {
      await waitFor(i);
      clock.advance(5_000);
    }
    const r = await get;
    expect([r.status, seen.length]).toEqual([504, 3]);
    seen.length = 0;
    const post = handle(request('/slow', { method: 'POST' }));
    await waitFor(1);
    clock.advance(5_000);
    expect((await post).status).toBe(504);
    expect(seen.length).toBe(1);
  });
});

describe('CloudFront Functions and compression', () => {
  it('a function can answer instead of the origin, in its sandbox without Node', async () => {
    const fn = compileFunction('deny', 'function handler(e) { return { statusCode: 418, statusDescription: "no", headers: { "x-typeof-process": { value: typeof process } } }; }', 'cloudfront-js-2.0', () => {});
    const out = (await fn.run({ version: '1.0', context: { distributionDomainName: 'd', distributionId: 'E', eventType: 'viewer-request', requestId: 'r' }, viewer: { ip: '1.2.3.4' }, request: { method: 'GET', uri: '/', querystring: {}, headers: {}, cookies: {} } })) as { statusCode: number; headers: Record<string, { value: string }> };
    expect(out.statusCode).toBe(418);
    expect(out.headers['x-typeof-process']!.value).toBe('undefined');
  });

  it('compresses compressible answers of 1,000 bytes or more for viewers that accept it', async () => {
    reply = (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('x'.repeat(2000));
    };
    const { handle } = edge([appBehavior()]);
    const r = await handle(request('/big', { headers: [['host', 'dtest.cloudfront.localhost'], ['accept-encoding', 'gzip']] }));
    expect(header(r, 'content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(r.body).toString()).toBe('x'.repeat(2000));
  });

  // ServingCompressedFiles: on a miss CloudFront compresses the object, returns it and adds the
  // compressed copy to its cache; a later viewer gets that copy.
  it('keeps the compressed copy with the cached object: hits are not compressed again', async () => {
    reply = (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.setHeader('cache-control', 'public, s-maxage=600');
      res.end('<p>page</p>'.repeat(500));
    };
    const { handle } = edge([appBehavior()]);
    const br = vi.spyOn(zlib, 'brotliCompressSync');
    const gz = vi.spyOn(zlib, 'gzipSync');
    try {
      const viewer = (encoding: string) => request('/cached-page', { headers: [['host', 'dtest.cloudfront.localhost'], ['accept-encoding', encoding]] });
      const first = await handle(viewer('br, gzip'));
      expect(header(first, 'x-cache')).toMatch(/^Miss/);
      for (let i = 0; i < 3; i++) {
        const hit = await handle(viewer('br, gzip'));
        expect(header(hit, 'x-cache')).toMatch(/^Hit/);
        expect(header(hit, 'content-encoding')).toBe('br');
        expect(Buffer.compare(hit.body, first.body)).toBe(0);
      }
      expect(br).toHaveBeenCalledTimes(1);
      // Another encoding is another compressed copy, made once as well.
      for (let i = 0; i < 2; i++) expect(zlib.gunzipSync((await handle(viewer('gzip'))).body).toString()).toBe('<p>page</p>'.repeat(500));
      expect(gz).toHaveBeenCalledTimes(1);
    } finally {
      br.mockRestore();
      gz.mockRestore();
    }
  });
});
