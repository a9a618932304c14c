/**
 * CloudFront's edge cache: the cache key a cache policy defines
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/controlling-the-cache-key.html),
 * how long a response stays
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html: s-maxage over
 * max-age over Expires, clamped by the policy's minimum and maximum TTL, the default TTL without
 * any; no-store/no-cache/private only cached for a minimum TTL above 0; stale-while-revalidate and
 * stale-if-error honoured), and which error responses are cached and how long
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HTTPStatusCodes.html).
 * Times come from the twin's clock.
 */
import type { CachePolicyConfig } from './managed-policies.ts';

export interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
  storedAt: number;
  /** Fresh until storedAt + ttlMs. */
  ttlMs: number;
  /** Served stale while revalidating for this long after it expires. */
  staleWhileRevalidateMs: number;
  staleIfErrorMs: number;
}

export interface ViewerRequestParts {
  host: string;
  uri: string;
  query: [string, string][];
  headers: Map<string, string[]>;
  cookies: [string, string][];
}

/** Status codes cached without a Cache-Control header, and those cached only by one. */
const ERRORS_ALWAYS_CACHED = new Set([404, 414, 500, 501, 502, 503, 504]);
const ERRORS_CACHED_BY_HEADER = new Set([400, 403, 405, 412, 415]);
const CACHEABLE_SUCCESS = new Set([200, 203, 204, 206, 300, 301, 302, 307, 308, 410]);
/** The error caching minimum TTL CloudFront applies by default. */
export const ERROR_CACHING_MIN_TTL_S = 10;

const matches = (list: string[] | undefined, name: string) => (list ?? []).some((n) => n.toLowerCase() === name.toLowerCase());

function selected<T extends [string, unknown]>(items: T[], behavior: string, list: string[] | undefined): T[] {
  if (behavior === 'all') return items;
  if (behavior === 'whitelist') return items.filter(([n]) => matches(list, n));
  if (behavior === 'allExcept') return items.filter(([n]) => !matches(list, n));
  return [];
}

/** Accept-Encoding as CloudFront normalizes it for the key and the origin: `br,gzip`, `gzip` or nothing. */
export function normalizedAcceptEncoding(header: string | undefined, policy: CachePolicyConfig): string | undefined {
  const p = policy.ParametersInCacheKeyAndForwardedToOrigin;
  const offered = (header ?? '').toLowerCase().split(',').map((s) => s.trim().split(';')[0]);
  const out = [p.EnableAcceptEncodingBrotli && offered.includes('br') ? 'br' : '', p.EnableAcceptEncodingGzip && offered.includes('gzip') ? 'gzip' : ''].filter(Boolean);
  return out.length ? out.join(',') : undefined;
}

export function cacheKey(req: ViewerRequestParts, policy: CachePolicyConfig): string {
  const p = policy.ParametersInCacheKeyAndForwardedToOrigin;
  const headers = selected([...req.headers].map(([n, v]): [string, string] => [n, v.join(',')]), p.HeadersConfig.HeaderBehavior === 'whitelist' ? 'whitelist' : 'none', p.HeadersConfig.Headers);
  return JSON.stringify([
    req.host.toLowerCase(),
    req.uri,
    selected(req.query, p.QueryStringsConfig.QueryStringBehavior, p.QueryStringsConfig.QueryStrings),
    headers.map(([n, v]) => [n.toLowerCase(), v]).sort(),
    selected(req.cookies, p.CookiesConfig.CookieBehavior, p.CookiesConfig.Cookies).sort(),
    normalizedAcceptEncoding(req.headers.get('accept-encoding')?.join(','), policy) ?? '',
  ]);
}

function directives(cacheControl: string | undefined): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const part of (cacheControl ?? '').split(',')) {
    const [k, v] = part.trim().split('=');
    if (k) out.set(k.toLowerCase(), v === undefined ? true : v.replace(/^"|"$/g, ''));
  }
  return out;
}

const seconds = (v: string | true | undefined) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** How long CloudFront keeps a response (0: not stored), in milliseconds, with its stale windows. */
export function lifetime(status: number, headers: Headers, policy: CachePolicyConfig, now: number): { ttlMs: number; staleWhileRevalidateMs: number; staleIfErrorMs: number } {
  const cc = directives(headers.get('cache-control') ?? undefined);
  const min = policy.MinTTL;
  const max = policy.MaxTTL;
  const stale = { staleWhileRevalidateMs: (seconds(cc.get('stale-while-revalidate')) ?? 0) * 1000, staleIfErrorMs: (seconds(cc.get('stale-if-error')) ?? 0) * 1000 };
  const shared = seconds(cc.get('s-maxage')) ?? seconds(cc.get('max-age'));
  if (status >= 400) {
    const cached = ERRORS_ALWAYS_CACHED.has(status) || (ERRORS_CACHED_BY_HEADER.has(status) && shared !== undefined);
    if (!cached) return { ttlMs: 0, ...stale };
    return { ttlMs: Math.max(ERROR_CACHING_MIN_TTL_S, shared ?? 0) * 1000, ...stale };
  }
  if (!CACHEABLE_SUCCESS.has(status)) return { ttlMs: 0, ...stale };
  if (cc.has('no-store') || cc.has('no-cache') || cc.has('private')) return { ttlMs: min * 1000, ...stale };
  let ttl: number;
  if (shared !== undefined) ttl = shared;
  else if (headers.get('expires')) {
    const at = Date.parse(headers.get('expires')!);
    ttl = Number.isNaN(at) ? 0 : Math.max(0, Math.floor((at - now) / 1000));
  } else return { ttlMs: Math.min(Math.max(min, policy.DefaultTTL), max) * 1000, ...stale };
  return { ttlMs: Math.min(Math.max(ttl, min), max) * 1000, ...stale };
}

export class EdgeCache {
  private readonly entries = new Map<string, CachedResponse>();

  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CachedResponse): void {
    if (entry.ttlMs > 0 || entry.staleIfErrorMs > 0 || entry.staleWhileRevalidateMs > 0) this.entries.set(key, entry);
    else this.entries.delete(key);
  }

  /** Invalidation: paths with a trailing `*` match as prefixes. */
  invalidate(paths: string[]): number {
    let n = 0;
    for (const key of [...this.entries.keys()]) {
      const uri = (JSON.parse(key) as [string, string])[1];
      if (paths.some((p) => (p.endsWith('*') ? uri.startsWith(p.slice(0, -1)) : uri === p))) {
        this.entries.delete(key);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.entries.size;
  }
}
