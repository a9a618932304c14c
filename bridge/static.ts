/**
 * Static file responder: answers GET/HEAD for a file the router already found, with validators
 * (ETag, Last-Modified → 304), byte ranges (206/416) and the Cache-Control policy table.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import mime from 'mime-types';
import { staticCacheControl } from './cache-control.ts';
import { LamphpError } from './errors.ts';
import type { CachePolicySettings } from './config.ts';
import { headerMap, textResponse, type Body, type HeaderMap, type HttpRequest, type HttpResponse } from './http.ts';

export interface StaticOptions {
  uploadsDir: string;
  policy: CachePolicySettings;
}

/** Files up to this size are read into memory; larger ones are streamed. */
export const BUFFER_LIMIT = 1024 * 1024;

/** Inclusive byte range, as in `Content-Range`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * What a `Range` header asks of a file of `size` bytes: `ignore` (serve it all, 200),
 * `unsatisfiable` (416) or one range (206).
 */
export type RangeDecision = { kind: 'ignore' } | { kind: 'unsatisfiable' } | { kind: 'range'; range: ByteRange };

/** Types that carry text but whose mime-db entry names no charset. */
const UTF8_TYPES = new Set(['image/svg+xml', 'application/javascript', 'application/json', 'text/javascript', 'text/css']);

/** Serves an existing file. Handles GET and HEAD (HEAD: same headers, empty body); other methods → 405 with Allow: GET, HEAD. */
export async function serveStatic(
  request: HttpRequest,
  file: { filePath: string; urlPath: string },
  options: StaticOptions,
): Promise<HttpResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return textResponse(405, 'Method Not Allowed\n', { allow: ['GET, HEAD'] });
  }
  // One handle for stat and read, so the bytes sent are the ones the headers describe.
  const handle = await openFile(file.filePath);
  if (handle === undefined) return notFound();
  let handedOver = false;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return notFound();

    const validators = validatorsOf(stats);
    // What a 304 repeats (RFC 9110 §15.4.5), so caches can refresh their stored copy.
    const revalidation: HeaderMap = headerMap({
      etag: [validators.etag],
      'last-modified': [validators.lastModified],
      'cache-control': [staticCacheControl(file.urlPath, request.query, options.uploadsDir, options.policy)],
    });
    if (notModified(request.headers, validators, stats.mtimeMs)) {
      return { status: 304, headers: revalidation, body: new Uint8Array(0) };
    }
    const headers: HeaderMap = headerMap({
      'content-type': [contentTypeOf(file.filePath)],
      ...revalidation,
      'accept-ranges': ['bytes'],
      'x-content-type-options': ['nosniff'],
    });

    const decision: RangeDecision = wantsRange(request, validators, stats.mtimeMs)
      ? decideRange(joined(request.headers.range), stats.size)
      : { kind: 'ignore' };
    if (decision.kind === 'unsatisfiable') {
      return textResponse(416, 'Range Not Satisfiable\n', {
        'content-range': [`bytes */${stats.size}`],
        'accept-ranges': ['bytes'],
      });
    }

    const range = decision.kind === 'range' ? decision.range : { start: 0, end: stats.size - 1 };
    const length = range.end - range.start + 1;
    headers['content-length'] = [String(length)];
    if (decision.kind === 'range') headers['content-range'] = [`bytes ${range.start}-${range.end}/${stats.size}`];
    const status = decision.kind === 'range' ? 206 : 200;

    if (request.method === 'HEAD' || length === 0) return { status, headers, body: new Uint8Array(0) };
    if (stats.size <= BUFFER_LIMIT) return { status, headers, body: await readRange(handle, range, length) };
    handedOver = true;
    return { status, headers, body: streamRange(handle, range) };
  } finally {
    if (!handedOver) await handle.close();
  }
}

/** `"<size hex>-<mtime ms hex>"`: strong (so If-Range may use it) and identical on every instance sharing the file system. */
export function etagOf(stats: Pick<Stats, 'size' | 'mtimeMs'>): string {
  return `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
}

export function contentTypeOf(filePath: string): string {
  const type = mime.lookup(filePath) || 'application/octet-stream';
  return mime.charset(type) || UTF8_TYPES.has(type) || type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

/**
 * Parses a `Range` header against a file size. Only a single `bytes=` range is honoured:
 * several ranges would need a multipart/byteranges body, which browsers and CDNs hardly ever
 * ask for, and serving the whole file (200) is always a correct answer. Malformed headers and
 * empty files are ignored the same way, as RFC 9110 allows.
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined || size === 0) return { kind: 'ignore' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return { kind: 'ignore' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'ignore' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  // last < first makes the header invalid (ignored); only then does satisfiability matter.
  if (last !== '' && Number(last) < start) return { kind: 'ignore' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) } };
}

interface Validators {
  etag: string;
  lastModified: string;
}

function validatorsOf(stats: Stats): Validators {
  return { etag: etagOf(stats), lastModified: new Date(stats.mtimeMs).toUTCString() };
}

/** RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it. */
function notModified(headers: HeaderMap, validators: Validators, mtimeMs: number): boolean {
  const ifNoneMatch = joined(headers['if-none-match']);
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, validators.etag);
  const since = httpDateSeconds(joined(headers['if-modified-since']));
  return since !== undefined && Math.floor(mtimeMs / 1000) <= since;
}

/** Weak comparison: `W/"x"` and `"x"` are the same tag; `*` matches any existing file. */
function etagListMatches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return list.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/** Range applies to GET only; If-Range must name the current version (strong ETag or exact date). */
function wantsRange(request: HttpRequest, validators: Validators, mtimeMs: number): boolean {
  if (request.method !== 'GET' || request.headers.range === undefined) return false;
  const ifRange = joined(request.headers['if-range'])?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === validators.etag;
  return httpDateSeconds(ifRange) === Math.floor(mtimeMs / 1000);
}

function httpDateSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function joined(values: string[] | undefined): string | undefined {
  return values === undefined || values.length === 0 ? undefined : values.join(', ');
}

async function openFile(filePath: string): Promise<FileHandle | undefined> {
  try {
    return await open(filePath, 'r');
  } catch (err) {
    // Gone between routing and serving (or a path component is no longer a directory).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}

async function readRange(handle: FileHandle, range: ByteRange, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await handle.read(buffer, offset, length - offset, range.start + offset);
    // The file shrank after stat; the headers already promised `length` bytes, so fail loudly.
    if (bytesRead === 0) throw new LamphpError('ESTATICSHRANK', `A static file shrank while being served; retry the request.`);
    offset += bytesRead;
  }
  return buffer;
}

/** The stream owns the handle from here and closes it on end, error or early return. */
function streamRange(handle: FileHandle, range: ByteRange): Body {
  return handle.createReadStream({ start: range.start, end: range.end, autoClose: true });
}

function notFound(): HttpResponse {
  return textResponse(404, 'Not Found\n');
}
