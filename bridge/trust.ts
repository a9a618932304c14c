/**
 * Who is the client, which host and scheme did it ask for — decided here and nowhere else.
 *
 * Input is source-neutral: an HttpRequest whose clientAddress/scheme/port/host are what the
 * front door itself reported (Lambda event adapters, local server). Headers a client can
 * forge (X-Forwarded-For beyond the trusted hops, X-Forwarded-Host, Forwarded,
 * CloudFront-*, the viewer-address header a deployment names) change nothing unless
 * configuration or the origin secret vouches for them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Config } from './config.ts';
import { type HeaderMap, type HttpRequest, type HttpResponse, textResponse } from './http.ts';

export type TrustConfig = Pick<
  Config,
  'originSecret' | 'originSecretPrevious' | 'originSecretHeader' | 'canonicalHost' | 'trustedHops' | 'trustForwardedHost'
> & Partial<Pick<Config, 'viewerAddressHeader'>>;

type SecretConfig = Pick<TrustConfig, 'originSecret' | 'originSecretHeader'> & Partial<Pick<TrustConfig, 'originSecretPrevious'>>;

export type OriginCheck = 'ok' | 'missing' | 'mismatch' | 'disabled';

/** Headers only CloudFront may set; believed only when the origin secret vouches for the request. */
export const CLOUDFRONT_TRUSTED_HEADERS = ['cloudfront-viewer-address', 'cloudfront-forwarded-proto'] as const;

/** Where the viewer's address is read from by default (LAMPHP_VIEWER_ADDRESS_HEADER). */
export const DEFAULT_VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares the origin-secret header in constant time (hashes make the lengths equal) with the
 * secret and, during a rotation, the previous one — both always, so timing tells neither apart.
 */
export function checkOriginSecret(headers: HeaderMap, config: SecretConfig): OriginCheck {
  if (config.originSecret === undefined || config.originSecret === '') return 'disabled';
  const values = headers[config.originSecretHeader.toLowerCase()];
  if (values === undefined || values.length === 0) return 'missing';
  // CloudFront replaces a viewer's copy of the header, so a genuine request carries exactly one.
  if (values.length !== 1) return 'mismatch';
  const given = digest(values[0]);
  const current = timingSafeEqual(given, digest(config.originSecret));
  const previous = config.originSecretPrevious ? config.originSecretPrevious : undefined;
  const rotated = timingSafeEqual(given, digest(previous ?? config.originSecret)) && previous !== undefined;
  return current || rotated ? 'ok' : 'mismatch';
}

/** A 403 answer when an origin secret is configured and the request does not carry it. */
export function originGuard(headers: HeaderMap, config: SecretConfig): HttpResponse | undefined {
  const check = checkOriginSecret(headers, config);
  if (check === 'ok' || check === 'disabled') return undefined;
  return textResponse(403, 'Forbidden: this origin only answers requests that come through its CDN.\n');
}

const HOST = /^(?:[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?|\[[0-9a-f:.]+\])$/;

/** Host name from a Host-style value (`name[:port]`), lower-case, without the port; undefined when malformed. */
export function parseHost(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(v);
  if (!m || m[1].length > 253 || !HOST.test(m[1])) return undefined;
  return m[1];
}

export interface PeerAddress {
  address: string;
  port: number;
}

/** An X-Forwarded-For entry: `ip`, `ip:port` or `[v6]:port` (a bare IPv6 address has no port). */
export function parseAddress(value: string): PeerAddress | undefined {
  const v = value.trim();
  if (isIP(v)) return { address: v, port: 0 };
  return parseViewerAddress(v);
}

/**
 * CloudFront-Viewer-Address: `ip:port`, with IPv6 unbracketed (`2001:db8::1:443`), so the
 * last colon always starts the port; `[v6]:port`, `[v6]` and a bare IPv4 address are accepted too.
 */
export function parseViewerAddress(value: string): PeerAddress | undefined {
  const v = value.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(v);
  if (bracketed) return isIP(bracketed[1]) === 6 ? { address: bracketed[1], port: port(bracketed[2]) } : undefined;
  const colon = v.lastIndexOf(':');
  if (colon <= 0) return isIP(v) === 4 ? { address: v, port: 0 } : undefined;
  const address = v.slice(0, colon);
  const p = v.slice(colon + 1);
  return isIP(address) && /^\d{1,5}$/.test(p) ? { address, port: port(p) } : undefined;
}

function port(value: string | undefined): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : 0;
}

/** X-Forwarded-For entries, left (farthest) to right (nearest), over every repeated field. */
export function forwardedFor(headers: HeaderMap): string[] {
  return (headers['x-forwarded-for'] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The client behind `hops` trusted proxies: each hop walks one X-Forwarded-For entry left of
 * the peer. Walking stops at the first entry that is not an address, so junk never wins.
 */
export function clientBehindHops(peer: string, headers: HeaderMap, hops: number): PeerAddress | undefined {
  if (hops <= 0) return undefined;
  const chain = forwardedFor(headers);
  // ALB and API Gateway append the peer itself; it is hop 0, not hop 1.
  if (chain.length > 0 && chain[chain.length - 1] === peer) chain.pop();
  let found: PeerAddress | undefined;
  for (let i = 1; i <= hops && i <= chain.length; i++) {
    const entry = parseAddress(chain[chain.length - i]);
    if (!entry) break;
    found = entry;
  }
  return found;
}

function forwardedHost(headers: HeaderMap): string | undefined {
  const xfh = headers['x-forwarded-host']?.[0]?.split(',')[0];
  if (xfh !== undefined) return parseHost(xfh);
  const forwarded = headers['forwarded']?.[0]?.split(',')[0];
  const m = forwarded === undefined ? null : /(?:^|;)\s*host="?([^";]+)"?/i.exec(forwarded);
  return m ? parseHost(m[1]) : undefined;
}

/**
 * The request PHP sees: real client address, scheme, host and port, with the origin secret
 * removed and unvouched CloudFront headers dropped. Pure; never rejects (see admitRequest).
 */
export function applyTrust(request: HttpRequest, config: TrustConfig): HttpRequest {
  const vouched = checkOriginSecret(request.headers, config) === 'ok';
  // No prototype, so a header named `__proto__` stays a header.
  const headers: HeaderMap = Object.assign(Object.create(null) as HeaderMap, request.headers);
  delete headers[config.originSecretHeader.toLowerCase()];

  let client: PeerAddress = { address: request.clientAddress, port: request.clientPort };
  let { scheme, port } = request;
  const viewerHeader = config.viewerAddressHeader ?? DEFAULT_VIEWER_ADDRESS_HEADER;
  const viewer = vouched ? parseViewerAddress(headers[viewerHeader]?.[0] ?? '') : undefined;
  if (viewer) {
    client = viewer;
  } else {
    client = clientBehindHops(request.clientAddress, headers, config.trustedHops) ?? client;
  }
  const viewerProto = vouched ? headers['cloudfront-forwarded-proto']?.[0]?.trim().toLowerCase() : undefined;
  if (viewerProto === 'http' || viewerProto === 'https') {
    scheme = viewerProto;
    port = viewerProto === 'https' ? 443 : 80;
  }
  if (!vouched) for (const name of [...CLOUDFRONT_TRUSTED_HEADERS, viewerHeader]) delete headers[name];

  let host = request.host;
  if (config.canonicalHost) {
    host = parseHost(config.canonicalHost) ?? config.canonicalHost.toLowerCase();
    headers.host = [config.canonicalHost];
    // The port is part of HTTP_HOST (and so of WP_HOME): the request must not choose it either.
    const canonicalPort = Number(/:(\d{1,5})$/.exec(config.canonicalHost.trim())?.[1]);
    port = canonicalPort > 0 && canonicalPort < 65536 ? canonicalPort : scheme === 'https' ? 443 : 80;
  } else if (config.trustForwardedHost && forwardedHost(headers) !== undefined) {
    host = forwardedHost(headers)!;
    headers.host = [host];
  } else if (headers.host === undefined && host !== '') {
    headers.host = [host];
  }

  return { ...request, headers, clientAddress: client.address, clientPort: client.port, scheme, port, host };
}

export type Admission =
  | { ok: true; request: HttpRequest }
  | { ok: false; reason: 'missing' | 'mismatch'; response: HttpResponse };

/** Origin guard then trust, in the order the bridge must apply them (the guard reads the secret trust removes). */
export function admitRequest(request: HttpRequest, config: TrustConfig): Admission {
  const check = checkOriginSecret(request.headers, config);
  if (check === 'missing' || check === 'mismatch') {
    return { ok: false, reason: check, response: originGuard(request.headers, config)! };
  }
  return { ok: true, request: applyTrust(request, config) };
}
