/**
 * Pieces every source result needs: the body as UTF-8 text or base64, header maps in the
 * source's shape, and ALB's status line.
 */
import { STATUS_CODES } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { HeaderMap } from '../http.ts';
import { dict, isObject } from './fields.ts';

const TEXT_TYPES = new Set([
  'application/json',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'image/svg+xml',
]);

function mediaType(headers: HeaderMap): string | undefined {
  const value = headers['content-type']?.[0];
  return value === undefined ? undefined : value.split(';')[0].trim().toLowerCase();
}

/** Whether a body may travel as a UTF-8 string; everything else goes as base64. */
export function isTextBody(headers: HeaderMap, body?: Uint8Array): boolean {
  const encoding = headers['content-encoding']?.[0]?.trim().toLowerCase();
  // gzip/br bytes are binary whatever the Content-Type says.
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') return false;
  const type = mediaType(headers);
  const textual = type === undefined
    || type.startsWith('text/')
    || TEXT_TYPES.has(type)
    || type.endsWith('+json')
    || type.endsWith('+xml');
  // A text type in another charset (or no type at all) must still survive a UTF-8 round trip.
  return textual && (body === undefined || isUtf8(body));
}

export interface EncodedBody {
  body: string;
  isBase64Encoded: boolean;
}

export function encodeBody(headers: HeaderMap, body: Uint8Array, omit: boolean): EncodedBody {
  if (omit || body.length === 0) return { body: '', isBase64Encoded: false };
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  return isTextBody(headers, body)
    ? { body: bytes.toString('utf8'), isBase64Encoded: false }
    : { body: bytes.toString('base64'), isBase64Encoded: true };
}

/** HEAD answers carry headers only; 204 and 304 never have a body. */
export function omitsBody(method: string | undefined, status: number): boolean {
  return method?.toUpperCase() === 'HEAD' || status === 204 || status === 304;
}

/** The request method of an event, read defensively: results are built even for broken events. */
export function eventMethod(event: unknown): string | undefined {
  if (!isObject(event)) return undefined;
  if (typeof event.httpMethod === 'string') return event.httpMethod;
  const rc = event.requestContext;
  if (isObject(rc) && isObject(rc.http) && typeof rc.http.method === 'string') return rc.http.method;
  return undefined;
}

/** Several values of one field joined as HTTP allows; never used for Set-Cookie. */
export function joinedHeaders(headers: HeaderMap, skip: string[] = []): Record<string, string> {
  const out = dict<string>();
  for (const [name, values] of Object.entries(headers)) {
    if (values.length === 0 || skip.includes(name)) continue;
    out[name] = values.join(', ');
  }
  return out;
}

/** Single-valued fields in `headers`, repeated ones (and every Set-Cookie) in `multiValueHeaders`. */
export function splitHeaders(headers: HeaderMap): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const single = dict<string>();
  const multi = dict<string[]>();
  for (const [name, values] of Object.entries(headers)) {
    if (values.length === 0) continue;
    if (values.length === 1 && name !== 'set-cookie') single[name] = values[0];
    else multi[name] = [...values];
  }
  return { headers: single, multiValueHeaders: multi };
}

export function copyHeaders(headers: HeaderMap): Record<string, string[]> {
  const out = dict<string[]>();
  for (const [name, values] of Object.entries(headers)) if (values.length > 0) out[name] = [...values];
  return out;
}

/** ALB wants a status line such as `200 OK`. */
export function statusDescription(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}
