/**
 * A CloudFront distribution's edge, driven by its DistributionConfig:
 * - behaviors matched in order by path pattern (`*`, `?`, case-sensitive), the default last;
 *   viewer protocol policy, allowed and cached methods (403 for others);
 * - viewer-request/-response CloudFront Functions (functions-runtime.ts);
 * - the cache (cache.ts) keyed by the behavior's cache policy, on the twin's clock;
 * - origin requests as documented in
 *   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html:
 *   only the headers, cookies and query strings the cache and origin request policies include,
 *   the origin's own Host unless Host is included, User-Agent "Amazon CloudFront" unless included,
 *   X-Forwarded-For appended, Via and X-Amz-Cf-Id added, CloudFront-Viewer-Address and
 *   CloudFront-Forwarded-Proto when a policy asks for them, the origin's custom headers;
 * - the origin response timeout between packets (twin clock) with GET and HEAD tried up to the
 *   origin's ConnectionAttempts, other methods once (same page, "Origin response timeout");
 * - S3 origins signed as the distribution through its origin access control.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { cacheKey, lifetime, normalizedAcceptEncoding, type EdgeCache, type ViewerRequestParts } from './cache.ts';
import type { FunctionRequest, FunctionResponse, ValueMap } from './functions-runtime.ts';
import type { CachePolicyConfig, OriginRequestPolicyConfig } from './managed-policies.ts';
import type { Clock } from '../clock.ts';

export interface Origin {
  Id: string;
  DomainName: string;
  OriginPath?: string;
  OriginCustomHeaders?: { HeaderName: string; HeaderValue: string }[];
  CustomOriginConfig?: { OriginProtocolPolicy: string; HTTPPort?: number; HTTPSPort?: number; OriginReadTimeout?: number };
  S3OriginConfig?: unknown;
  OriginAccessControlId?: string;
  ConnectionAttempts?: number;
}

export interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: 'allow-all' | 'redirect-to-https' | 'https-only';
  AllowedMethods?: string[];
  CachedMethods?: string[];
  CachePolicyId?: string;
  OriginRequestPolicyId?: string;
  Compress?: boolean;
  FunctionAssociations?: { EventType: string; FunctionARN: string }[];
}

export interface EdgeDeps {
  clock: Clock;
  cache: EdgeCache;
  distributionId: string;
  domainName: string;
  origins: Origin[];
  behaviors: Behavior[];
  cachePolicy(id: string): CachePolicyConfig;
  originRequestPolicy(id: string): OriginRequestPolicyConfig | undefined;
  viewerFunction(arn: string): { run(event: unknown): Promise<FunctionRequest | FunctionResponse> } | undefined;
  /** Address and TLS trust for an origin's domain name (the twin's DNS). */
  resolve(domain: string): string | undefined;
  ca: string;
  /** Local address the edge connects from (origins see CloudFront's address). */
  localAddress: string;
  /** Headers for an S3 request signed as this distribution through OAC. */
  signS3(): Record<string, string>;
  log(line: string): void;
}

/** CloudFront path patterns: `*` any characters (slashes too), `?` one; a leading `/` optional. */
export function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.startsWith('/') ? pattern : `/${pattern}`;
  const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(path);
}

export function behaviorFor(behaviors: Behavior[], path: string): Behavior {
  return behaviors.find((b) => b.PathPattern === undefined || pathMatches(b.PathPattern, path))!;
}

/** Headers CloudFront never forwards (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html#request-custom-headers-behavior). */
const NEVER_FORWARDED = new Set(['connection', 'expect', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade', 'x-real-ip', 'x-forwarded-proto', 'content-length', 'transfer-encoding', 'http2-settings']);
/** CloudFront headers the twin's edge adds when a cache or origin request policy names them. */
const CLOUDFRONT_ADDED = ['cloudfront-viewer-address', 'cloudfront-forwarded-proto'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade', 'proxy-connection', 'te']);
/** Content types CloudFront compresses (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/ServingCompressedFiles.html). */
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml|xhtml\+xml|rss\+xml|atom\+xml|x-javascript|ld\+json|manifest\+json|vnd\.ms-fontobject|x-font-ttf|x-font-opentype|x-font-truetype)|image\/(svg\+xml|x-icon|vnd\.microsoft\.icon)|font\/(eot|otf|opentype|ttf))/i;

export interface ViewerRequest {
  method: string;
  path: string;
  query: string;
  headers: [string, string][];
  body: Buffer;
  viewerIp: string;
  viewerPort: number;
  secure: boolean;
}

export interface EdgeResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

const cfId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(42))).toString('base64url').slice(0, 56);

function toValueMap(entries: [string, string][]): ValueMap {
  const out: ValueMap = {};
  for (const [k, v] of entries) {
    const existing = out[k];
    if (existing) existing.multiValue = [...(existing.multiValue ?? [{ value: existing.value }]), { value: v }];
    else out[k] = { value: v };
  }
  return out;
}

function fromValueMap(map: ValueMap | undefined): [string, string][] {
  return Object.entries(map ?? {}).flatMap(([k, v]) => (v.multiValue ? v.multiValue.map((m) => [k, m.value] as [string, string]) : [[k, v.value] as [string, string]]));
}

function parseCookies(headers: [string, string][]): [string, string][] {
  return headers.filter(([n]) => n === 'cookie').flatMap(([, v]) => v.split(';').map((c) => c.trim()).filter(Boolean).map((c) => {
    const i = c.indexOf('=');
    return (i < 0 ? [c, ''] : [c.slice(0, i), c.slice(i + 1)]) as [string, string];
  }));
}

function parseQuery(query: string): [string, string][] {
  return query ? query.split('&').map((kv) => {
    const i = kv.indexOf('=');
    return (i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)]) as [string, string];
  }) : [];
}

function pick<T extends [string, string]>(items: T[], behavior: string, list: string[] | undefined): T[] {
  const has = (n: string) => (list ?? []).some((x) => x.toLowerCase() === n.toLowerCase());
  if (behavior === 'all' || behavior === 'allViewer') return items;
  if (behavior === 'whitelist' || behavior === 'allViewerAndWhitelistCloudFront') return behavior === 'whitelist' ? items.filter(([n]) => has(n)) : items;
  if (behavior === 'allExcept') return items.filter(([n]) => !has(n));
  return [];
}

export function createEdge(deps: EdgeDeps) {
  const originById = new Map(deps.origins.map((o) => [o.Id, o]));
  const viaId = `${deps.distributionId.toLowerCase()}${'0'.repeat(32)}`.slice(0, 32);
  const via = (version = '1.1') => `${version} ${viaId}.cloudfront.net (CloudFront)`;

  /** One origin attempt; rejects with 'timeout' when the origin is silent for the read timeout. */
  function fetchOrigin(origin: Origin, method: string, path: string, headers: [string, string][], body: Buffer): Promise<EdgeResponse> {
    const custom = origin.CustomOriginConfig;
    const secure = custom ? custom.OriginProtocolPolicy !== 'http-only' : true;
    const port = custom ? (secure ? custom.HTTPSPort ?? 443 : custom.HTTPPort ?? 80) : 443;
    const address = deps.resolve(origin.DomainName);
    const readTimeoutMs = (custom?.OriginReadTimeout ?? 30) * 1000;
    return new Promise((resolve, reject) => {
      if (!address) return reject(Object.assign(new Error(`DNS: ${origin.DomainName} does not resolve`), { code: 'ENOTFOUND' }));
      const outHeaders: http.OutgoingHttpHeaders = {};
      for (const [k, v] of headers) outHeaders[k] = outHeaders[k] === undefined ? v : [...[outHeaders[k]].flat() as string[], v];
      if (body.length) outHeaders['content-length'] = String(body.length);
      const options = { host: address, port, method, path, headers: outHeaders, localAddress: deps.localAddress, servername: origin.DomainName, ca: deps.ca, agent: false as const };
      let cancel = () => {};
      const arm = (req: http.ClientRequest) => {
        cancel();
        cancel = deps.clock.setTimer(readTimeoutMs, () => req.destroy(Object.assign(new Error('origin read timeout'), { code: 'ETIMEDOUT' })));
      };
      const req = (secure ? https : http).request(options, (res) => {
        const chunks: Buffer[] = [];
        arm(req);
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          arm(req);
        });
        res.on('end', () => {
          cancel();
          const out: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) out.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
        res.on('error', (e) => {
          cancel();
          reject(e);
        });
      });
      req.on('error', (e) => {
        cancel();
        reject(e);
      });
      arm(req);
      req.end(body);
    });
  }

  async function toOrigin(behavior: Behavior, policy: CachePolicyConfig, request: ViewerRequest, uri: string, query: [string, string][], headers: [string, string][], cookies: [string, string][]): Promise<EdgeResponse> {
    const origin = originById.get(behavior.TargetOriginId);
    if (!origin) return errorPage(502, 'The distribution has no origin ' + behavior.TargetOriginId);
    const orp = behavior.OriginRequestPolicyId ? deps.originRequestPolicy(behavior.OriginRequestPolicyId) : undefined;
    const key = policy.ParametersInCacheKeyAndForwardedToOrigin;
    const isS3 = origin.S3OriginConfig !== undefined || origin.OriginAccessControlId !== undefined && !origin.CustomOriginConfig;
    // What reaches the origin: the union of the cache policy's and the origin request policy's values.
    // CloudFront's documentation does not say it removes CloudFront-* headers a viewer sends: the
    // twin forwards them like any viewer header (the worst case), unless a policy makes CloudFront
    // add its own, which then replaces the viewer's.
    const viewerHeaders = headers.filter(([n]) => n !== 'cookie' && !NEVER_FORWARDED.has(n) && !n.startsWith('x-edge-'));
    const keyHeaders = key.HeadersConfig.HeaderBehavior === 'whitelist' ? pick(viewerHeaders, 'whitelist', key.HeadersConfig.Headers) : [];
    const orpHeaders = orp ? pick(viewerHeaders, orp.HeadersConfig.HeaderBehavior, orp.HeadersConfig.Headers) : [];
    const forwarded = new Map<string, string[]>();
    for (const [n, v] of [...keyHeaders, ...orpHeaders]) {
      const list = forwarded.get(n) ?? [];
      if (!list.includes(v)) list.push(v);
      forwarded.set(n, list);
    }
    const wantsCloudFront = (name: string) => [key.HeadersConfig.Headers, orp?.HeadersConfig.HeaderBehavior === 'whitelist' || orp?.HeadersConfig.HeaderBehavior === 'allViewerAndWhitelistCloudFront' ? orp.HeadersConfig.Headers : undefined]
      .some((l) => (l ?? []).some((h) => h.toLowerCase() === name));
    for (const name of CLOUDFRONT_ADDED) if (wantsCloudFront(name)) forwarded.delete(name);
    const out: [string, string][] = [];
    if (!forwarded.has('host') || isS3) out.push(['host', origin.DomainName]);
    for (const [n, vs] of forwarded) if (!(n === 'host' && isS3)) for (const v of vs) out.push([n, v]);
    if (!forwarded.has('user-agent')) out.push(['user-agent', 'Amazon CloudFront']);
    const ae = normalizedAcceptEncoding(headers.find(([n]) => n === 'accept-encoding')?.[1], policy);
    if (!forwarded.has('accept-encoding') && ae) out.push(['accept-encoding', ae]);
    else if (forwarded.has('accept-encoding') && ae) {
      const i = out.findIndex(([n]) => n === 'accept-encoding');
      out[i] = ['accept-encoding', ae];
    }
    const xff = headers.find(([n]) => n === 'x-forwarded-for')?.[1];
    const outFiltered = out.filter(([n]) => n !== 'x-forwarded-for');
    outFiltered.push(['x-forwarded-for', xff ? `${xff}, ${request.viewerIp}` : request.viewerIp]);
    outFiltered.push(['via', via()]);
    outFiltered.push(['x-amz-cf-id', cfId()]);
    if (wantsCloudFront('cloudfront-viewer-address')) outFiltered.push(['cloudfront-viewer-address', `${request.viewerIp}:${request.viewerPort}`]);
    if (wantsCloudFront('cloudfront-forwarded-proto')) outFiltered.push(['cloudfront-forwarded-proto', request.secure ? 'https' : 'http']);
    const keyCookies = pick(cookies, key.CookiesConfig.CookieBehavior, key.CookiesConfig.Cookies);
    const orpCookies = orp ? pick(cookies, orp.CookiesConfig.CookieBehavior, orp.CookiesConfig.Cookies) : [];
    const sendCookies = isS3 ? [] : [...new Map([...keyCookies, ...orpCookies].map((c) => [`${c[0]}=${c[1]}`, c])).values()];
    if (sendCookies.length) outFiltered.push(['cookie', sendCookies.map(([n, v]) => `${n}=${v}`).join('; ')]);
    for (const h of origin.OriginCustomHeaders ?? []) {
      const name = h.HeaderName.toLowerCase();
      for (let i = outFiltered.length - 1; i >= 0; i--) if (outFiltered[i]![0] === name) outFiltered.splice(i, 1);
      outFiltered.push([name, h.HeaderValue]);
    }
    if (isS3 && origin.OriginAccessControlId) outFiltered.push(...Object.entries(deps.signS3()));
    const keyQuery = pick(query, key.QueryStringsConfig.QueryStringBehavior, key.QueryStringsConfig.QueryStrings);
    const orpQuery = orp ? pick(query, orp.QueryStringsConfig.QueryStringBehavior, orp.QueryStringsConfig.QueryStrings) : [];
    const sendQuery = query.filter((q) => keyQuery.includes(q) || orpQuery.includes(q));
    const path = `${origin.OriginPath ?? ''}${uri}${sendQuery.length ? `?${sendQuery.map(([k, v]) => (v === '' && !query.find((q) => q[0] === k && q[1] === '') ? k : `${k}=${v}`)).join('&')}` : ''}`;
    const attempts = request.method === 'GET' || request.method === 'HEAD' ? Math.max(1, origin.ConnectionAttempts ?? 3) : 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await fetchOrigin(origin, request.method, path, outFiltered, request.body);
      } catch (err) {
        lastError = err;
        deps.log(`origin ${origin.Id} attempt ${attempt}/${attempts} for ${request.method} ${uri} failed: ${(err as Error).message}`);
      }
    }
    const timedOut = (lastError as { code?: string }).code === 'ETIMEDOUT';
    return errorPage(timedOut ? 504 : 502, timedOut ? 'The origin did not respond within the response timeout.' : 'CloudFront could not connect to the origin.');
  }

  function errorPage(status: number, reason: string): EdgeResponse {
    const body = Buffer.from(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>${status} ERROR</H1><H2>The request could not be satisfied.</H2><HR noshade size="1px">${reason}</BODY></HTML>`);
    return { status, headers: [['content-type', 'text/html'], ['x-cache', 'Error from cloudfront']], body };
  }

  const compressed = new WeakMap<EdgeResponse, Map<string, Buffer>>();
  function compress(res: EdgeResponse, behavior: Behavior, policy: CachePolicyConfig, acceptEncoding: string | undefined, method: string): EdgeResponse {
    if (!behavior.Compress || method === 'HEAD') return res;
    const type = res.headers.find(([n]) => n === 'content-type')?.[1] ?? '';
    if (res.headers.some(([n]) => n === 'content-encoding') || !COMPRESSIBLE.test(type) || res.body.length < 1000 || res.body.length > 10_000_000) return res;
    const offered = (acceptEncoding ?? '').toLowerCase();
    const p = policy.ParametersInCacheKeyAndForwardedToOrigin;
    const encoding = p.EnableAcceptEncodingBrotli && /\bbr\b/.test(offered) ? 'br' : p.EnableAcceptEncodingGzip && /\bgzip\b/.test(offered) ? 'gzip' : undefined;
    if (!encoding) return res;
    // CloudFront keeps the compressed copy in its cache: a cached object is compressed once per encoding.
    let memo = compressed.get(res);
    if (!memo) compressed.set(res, (memo = new Map()));
    let body = memo.get(encoding);
    if (!body) memo.set(encoding, (body = encoding === 'br' ? zlib.brotliCompressSync(res.body) : zlib.gzipSync(res.body)));
    return { ...res, body, headers: [...res.headers.filter(([n]) => n !== 'etag' || true), ['content-encoding', encoding]] };
  }

  function viewerResponse(res: EdgeResponse, xCache: string, age?: number): EdgeResponse {
    const headers = res.headers.filter(([n]) => !HOP_BY_HOP.has(n) && n !== 'content-length' && n !== 'x-cache' && n !== 'via' && n !== 'age');
    headers.push(['x-cache', xCache], ['via', via()], ['x-amz-cf-pop', 'TWIN50-C1'], ['x-amz-cf-id', cfId()]);
    if (age !== undefined) headers.push(['age', String(age)]);
    return { ...res, headers };
  }

  async function handle(request: ViewerRequest): Promise<EdgeResponse> {
    const uri = request.path;
    const behavior = behaviorFor(deps.behaviors, uri);
    const host = request.headers.find(([n]) => n === 'host')?.[1] ?? deps.domainName;
    if (!request.secure && behavior.ViewerProtocolPolicy !== 'allow-all') {
      if (behavior.ViewerProtocolPolicy === 'https-only') return viewerResponse(errorPage(403, 'This distribution only accepts HTTPS.'), 'Error from cloudfront');
      if (request.method === 'GET' || request.method === 'HEAD') {
        return viewerResponse({ status: 301, headers: [['location', `https://${host}${uri}${request.query ? `?${request.query}` : ''}`], ['content-type', 'text/html']], body: Buffer.from('301 Moved Permanently') }, 'Redirect from cloudfront');
      }
      return viewerResponse(errorPage(403, 'This distribution only accepts HTTPS.'), 'Error from cloudfront');
    }
    const allowed = behavior.AllowedMethods ?? ['GET', 'HEAD'];
    if (!allowed.includes(request.method)) return viewerResponse(errorPage(403, 'This distribution is not configured to allow the HTTP request method that was used for this request.'), 'Error from cloudfront');

    let headers = request.headers.map(([n, v]): [string, string] => [n.toLowerCase(), v]);
    let cookies = parseCookies(headers);
    let query = parseQuery(request.query);
    let path = uri;
    let method = request.method;
    const fnArn = behavior.FunctionAssociations?.find((f) => f.EventType === 'viewer-request')?.FunctionARN;
    const fn = fnArn ? deps.viewerFunction(fnArn) : undefined;
    if (fn) {
      const event = {
        version: '1.0',
        context: { distributionDomainName: deps.domainName, distributionId: deps.distributionId, eventType: 'viewer-request', requestId: cfId() },
        viewer: { ip: request.viewerIp },
        request: { method, uri: path, querystring: toValueMap(query), headers: toValueMap(headers.filter(([n]) => n !== 'cookie')), cookies: toValueMap(cookies) },
      };
      let out: FunctionRequest | FunctionResponse;
      try {
        out = await fn.run(event);
      } catch (err) {
        deps.log(`viewer-request function failed: ${(err as Error).message}`);
        return viewerResponse(errorPage(503, 'The CloudFront function associated with the request failed.'), 'FunctionExecutionError from cloudfront');
      }
      if ('statusCode' in out) {
        const body = typeof out.body === 'string' ? Buffer.from(out.body) : out.body ? Buffer.from(out.body.data, out.body.encoding === 'base64' ? 'base64' : 'utf8') : Buffer.alloc(0);
        const cookieHeaders = Object.entries(out.cookies ?? {}).map(([n, c]): [string, string] => ['set-cookie', `${n}=${c.value}${c.attributes ? `; ${c.attributes}` : ''}`]);
        return viewerResponse({ status: out.statusCode, headers: [...fromValueMap(out.headers), ...cookieHeaders], body }, 'FunctionGeneratedResponse from cloudfront');
      }
      headers = [...fromValueMap(out.headers), ...headers.filter(([n]) => n === 'cookie')].filter(([n]) => n !== 'cookie');
      cookies = fromValueMap(out.cookies);
      if (cookies.length) headers.push(['cookie', cookies.map(([n, v]) => `${n}=${v}`).join('; ')]);
      query = fromValueMap(out.querystring);
      path = out.uri;
      method = out.method ?? method;
    }
    const policy = deps.cachePolicy(behavior.CachePolicyId ?? '658327ea-f89d-4fab-a63d-7e88639e58f6');
    const parts: ViewerRequestParts = { host, uri: path, query, headers: new Map(), cookies };
    for (const [n, v] of headers) parts.headers.set(n, [...(parts.headers.get(n) ?? []), v]);
    const acceptEncoding = headers.find(([n]) => n === 'accept-encoding')?.[1];
    const cacheable = (behavior.CachedMethods ?? ['GET', 'HEAD']).includes(method) && (method === 'GET' || method === 'HEAD' || method === 'OPTIONS');
    const k = cacheable ? `${method === 'OPTIONS' ? 'OPTIONS ' : ''}${cacheKey(parts, policy)}` : '';
    const now = deps.clock.now();
    const hit = cacheable ? deps.cache.get(k) : undefined;
    if (hit) {
      const age = now - hit.storedAt;
      if (age < hit.ttlMs) return viewerResponse(compress(hit, behavior, policy, acceptEncoding, method), 'Hit from cloudfront', Math.floor(age / 1000));
      if (age < hit.ttlMs + hit.staleWhileRevalidateMs) {
        void toOrigin(behavior, policy, { ...request, method: 'GET' }, path, query, headers, cookies).then((fresh) => store(k, fresh, policy));
        return viewerResponse(compress(hit, behavior, policy, acceptEncoding, method), 'Hit from cloudfront', Math.floor(age / 1000));
      }
    }
    const fresh = await toOrigin(behavior, policy, { ...request, method }, path, query, headers, cookies);
    if (hit && fresh.status >= 500 && now - hit.storedAt < hit.ttlMs + hit.staleIfErrorMs) {
      return viewerResponse(compress(hit, behavior, policy, acceptEncoding, method), 'Hit from cloudfront', Math.floor((now - hit.storedAt) / 1000));
    }
    // Set-Cookie reaches viewers only where the behavior forwards cookies (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Cookies.html).
    const orp = behavior.OriginRequestPolicyId ? deps.originRequestPolicy(behavior.OriginRequestPolicyId) : undefined;
    const forwardsCookies = policy.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig.CookieBehavior !== 'none' || (orp && orp.CookiesConfig.CookieBehavior !== 'none');
    const response = forwardsCookies ? fresh : { ...fresh, headers: fresh.headers.filter(([n]) => n !== 'set-cookie') };
    if (cacheable && response.headers.every(([n]) => n !== 'x-cache')) store(k, response, policy);
    if (cacheable && response.status >= 200 && hit && fresh.status === 304) return viewerResponse(hit, 'RefreshHit from cloudfront', 0);
    return viewerResponse(compress(response, behavior, policy, acceptEncoding, method), response.headers.some(([n]) => n === 'x-cache') ? 'Error from cloudfront' : 'Miss from cloudfront');
  }

  function store(k: string, res: EdgeResponse, policy: CachePolicyConfig): void {
    const h = new Headers();
    for (const [n, v] of res.headers) h.append(n, v);
    const life = lifetime(res.status, h, policy, deps.clock.now());
    const entry = { ...res, storedAt: deps.clock.now(), ...life };
    // The copy compressed for the viewer of a miss is the one later hits get.
    let memo = compressed.get(res);
    if (!memo) compressed.set(res, (memo = new Map()));
    compressed.set(entry, memo);
    deps.cache.set(k, entry);
  }

  return { handle };
}
