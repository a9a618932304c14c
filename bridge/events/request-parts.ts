/**
 * Pieces of an HttpRequest every source needs: header maps, query strings, raw paths,
 * bodies, and what the front door reports about the connection.
 */
import type { HeaderMap, HttpRequest } from '../http.ts';
import type { AdapterContext } from './index.ts';
import { EventError } from './event-error.ts';
import { type Json, describe, dict, optionalBoolean, stringList } from './fields.ts';
import { parseHost } from '../trust.ts';

/** `{Name: 'v'}` → `{name: ['v']}`; names differing only in case are merged. */
export function singleValueHeaders(map: Json | undefined, where: string): HeaderMap {
  const headers: HeaderMap = dict();
  if (!map) return headers;
  for (const [name, value] of Object.entries(map)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new EventError(`${where}: header "${name}" must be a string, got ${describe(value)}.`);
    (headers[name.toLowerCase()] ??= []).push(value);
  }
  return headers;
}

/** `{Name: ['a', 'b']}` → `{name: ['a', 'b']}`, keeping every repeated value in order. */
export function multiValueHeaders(map: Json | undefined, where: string): HeaderMap {
  const headers: HeaderMap = dict();
  if (!map) return headers;
  for (const [name, values] of Object.entries(map)) {
    if (values === undefined || values === null) continue;
    const list = stringList(values, `${where}: header "${name}"`);
    if (list.length > 0) (headers[name.toLowerCase()] ??= []).push(...list);
  }
  return headers;
}

/** Query pairs from `{k: 'v'}` or `{k: ['v1', 'v2']}` maps, in key then value order. */
export function queryPairs(map: Json | undefined, multi: boolean, where: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (!map) return pairs;
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined || value === null) continue;
    if (multi) {
      for (const v of stringList(value, `${where}: query parameter "${key}"`)) pairs.push([key, v]);
    } else if (typeof value === 'string') {
      pairs.push([key, value]);
    } else {
      throw new EventError(`${where}: query parameter "${key}" must be a string, got ${describe(value)}.`);
    }
  }
  return pairs;
}

const encode = (s: string) => encodeURIComponent(s.toWellFormed());

/** API Gateway hands over decoded keys and values: encode them once to rebuild the raw query. */
export function encodeQuery(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
}

/** ALB hands over keys and values still URL-encoded: join them as they are. */
export function joinRawQuery(pairs: Array<[string, string]>): string {
  return safeQuery(pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}

// Characters that never appear literally in an encoded URI component, and a `%` that starts no escape.
const UNSAFE_PATH = /[\u0000-\u0020\u007f"#<>?\\^`{|}\u0080-\uffff]+|%(?![0-9A-Fa-f]{2})/g;
const UNSAFE_QUERY = /[\u0000-\u0020\u007f"#<>\\^`{|}\u0080-\uffff]+|%(?![0-9A-Fa-f]{2})/g;

/**
 * Sources disagree on whether the path arrives encoded (REST, ALB, Function URL) or decoded
 * (HTTP API): escape only what an encoded path cannot contain, so both come out raw and valid.
 */
export function safePath(path: string): string {
  const escaped = path.replace(UNSAFE_PATH, encode);
  return escaped.startsWith('/') ? escaped : '/' + escaped;
}

/** A raw query string made safe to paste into REQUEST_URI; already-valid strings are unchanged. */
export function safeQuery(query: string): string {
  return query.replace(UNSAFE_QUERY, encode);
}

/** Removes a leading path prefix (`/stage`, a custom-domain base path) on a segment boundary. */
export function stripPrefix(path: string, prefix: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (p === '' || p === '/') return path;
  const normalized = p.startsWith('/') ? p : '/' + p;
  if (path === normalized) return '/';
  return path.startsWith(normalized + '/') ? path.slice(normalized.length) : path;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const EMPTY = new Uint8Array(0);

/** The request body; `isBase64Encoded` bodies are checked strictly (Buffer.from ignores junk). */
export function requestBody(event: Json, where: string): Uint8Array {
  const body = event.body;
  const base64 = optionalBoolean(event, 'isBase64Encoded', where);
  if (body === undefined || body === null || body === '') return EMPTY;
  if (typeof body !== 'string') throw new EventError(`${where}: \`body\` must be a string, got ${describe(body)}.`);
  if (!base64) return new TextEncoder().encode(body);
  if (body.length % 4 !== 0 || !BASE64.test(body)) {
    throw new EventError(`${where}: \`body\` is marked isBase64Encoded but is not valid base64.`);
  }
  const bytes = Buffer.from(body, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function method(value: string, where: string): string {
  if (!TOKEN.test(value)) throw new EventError(`${where}: HTTP method "${value.slice(0, 40)}" is not a valid method name.`);
  return value.toUpperCase();
}

export function protocol(value: string | undefined): string {
  return value !== undefined && /^HTTP\/\d(\.\d)?$/.test(value) ? value : 'HTTP/1.1';
}

/** What the AWS front door says about the connection, from the headers it sets itself. */
export interface FrontDoorReport {
  method: string;
  path: string;
  query: string;
  headers: HeaderMap;
  body: Uint8Array;
  /** Peer address the source reports (sourceIp; ALB: right-most X-Forwarded-For entry). */
  peerAddress: string;
  protocol: string;
  /** Host when the request has no usable Host header (API Gateway `domainName`). */
  fallbackHost?: string;
  defaultScheme: 'http' | 'https';
}

export function toHttpRequest(report: FrontDoorReport, context: AdapterContext): HttpRequest {
  const { headers } = report;
  const proto = headers['x-forwarded-proto']?.[0]?.trim().toLowerCase();
  const scheme = proto === 'http' || proto === 'https' ? proto : report.defaultScheme;
  const forwardedPort = Number(headers['x-forwarded-port']?.[0]?.trim());
  const port = Number.isInteger(forwardedPort) && forwardedPort > 0 && forwardedPort < 65536
    ? forwardedPort
    : scheme === 'https' ? 443 : 80;
  const host = parseHost(headers['host']?.[0]) ?? parseHost(report.fallbackHost) ?? '';
  return {
    method: report.method,
    path: report.path,
    query: report.query,
    headers,
    body: report.body,
    clientAddress: report.peerAddress,
    clientPort: 0,
    scheme,
    host,
    port,
    protocol: report.protocol,
    requestId: context.requestId,
    receivedAt: context.receivedAt ?? Date.now(),
  };
}
