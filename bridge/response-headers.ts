/**
 * The response-header rule: what of PHP's header block a visitor receives. One module for
 * every engine and both front doors (the local server and the Lambda results).
 *
 * PHP's header lines are bytes. php-wasm hands them over as a JSON-like block in which only `"`
 * and `\` are escaped and every other byte is raw, so a tab or any other control character that
 * PHP's `header()` lets through (it refuses only CR, LF and NUL) makes the block invalid JSON;
 * php-wasm's own reader then returns no headers and status 200. `readHeaderBlock` reads that
 * framing byte by byte instead, so one bad line never costs the others or the status.
 *
 * The rule, line by line (RFC 9110 §5.1, §5.5):
 * - a line is `name: value`; the value's leading and trailing spaces and tabs are not part of it;
 * - the name must be a token; the value is read as UTF-8 (what PHP applications write) and may
 *   hold visible ASCII, spaces, tabs inside it (HTAB is allowed in field values) and the
 *   characters U+00A0–U+00FF, which a header carries as single ISO-8859-1 bytes;
 * - a line with anything else — no colon, a C0 control other than HTAB, DEL, a C1 control,
 *   a character above U+00FF or bytes that are not UTF-8 — is dropped; the bridge logs the
 *   names it dropped once per request, and keeps the status and every other line;
 * - a response whose `Content-Type` line was dropped is sent as `application/octet-stream` with
 *   `X-Content-Type-Options: nosniff`: never as the default `text/html`, which would turn data
 *   the line was meant to label (often reflected from the request) into a page;
 * - a `Status:` line sets the status, as php-fpm and php-cgi emit it and nginx applies it;
 * - hop-by-hop fields and `Content-Length` are the front door's own and never taken from PHP.
 */
import type { HeaderMap } from './http.ts';
import { headerMap } from './http.ts';

/** What php-wasm reported: PHP's status and its header lines, decoded, in the order sent. */
export interface HeaderBlock {
  status: number;
  lines: string[];
}

/** PHP's header lines split into fields: lower-case names, values as sent (null-prototype map). */
export interface HeaderFields {
  headers: HeaderMap;
  /** Lines that are not `name: value` at all. */
  malformed: string[];
}

export interface RuledHeaders {
  /** The final status: PHP's, or the one its `Status:` line names (NaN when that line is not a status). */
  status: number;
  /** Safe to send through any front door. */
  headers: HeaderMap;
  /** Names of the lines dropped (`(malformed)` for a line with no name), for one log line. */
  dropped: string[];
  /** A `Cache-Control` or `Set-Cookie` line was dropped: the answer must never be shared. */
  mustStayPrivate: boolean;
}

/**
 * Sent in place of a dropped `Content-Type`. The app named a type that cannot be passed on, so none
 * is claimed: browsers download `application/octet-stream` rather than render it, and `nosniff`
 * stops them guessing HTML from the body (Fetch, "X-Content-Type-Options"). nginx would answer
 * 502 instead; the rule elsewhere keeps the answer and drops only the line, and does so here too.
 */
export const UNLABELLED_CONTENT: Readonly<Record<'content-type' | 'x-content-type-options', readonly string[]>> = {
  'content-type': ['application/octet-stream'],
  'x-content-type-options': ['nosniff'],
};

/** Headers that describe one hop, not the response; the front door sets its own. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
  'content-length',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** A field value: visible ASCII, SP and HTAB, and Latin-1 letters and symbols (no C0/C1 controls, no DEL). */
const SAFE_VALUE = /^[\t\x20-\x7e\xa0-\xff]*$/;
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;
/** php-fpm's rule for a `Status:` line: three digits, then optionally a reason phrase. */
const STATUS_LINE = /^(\d{3})(?:[ \t].*)?$/;
/** php-wasm ends the list with this sentinel (3.1.x); older builds overwrite the last `,\n` instead. */
const TERMINATOR = '__terminator__';
const PREFIX = /^\{\s*"status"\s*:\s*(-?\d{1,9})\s*,\s*"headers"\s*:\s*\[/;

const utf8 = new TextDecoder('utf-8');

/**
 * Reads php-wasm's header block: `{ "status": N, "headers": ["line",\n…] }` where each line's
 * bytes are raw except `\"` and `\\`. Undefined when even that framing cannot be read.
 */
export function readHeaderBlock(bytes: Uint8Array): HeaderBlock | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const prefix = PREFIX.exec(text);
  if (!prefix) return undefined;
  const lines: string[] = [];
  let i = prefix[0].length;
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === ']') break;
    if (text[i] !== '"') return undefined;
    const line: number[] = [];
    for (i++; ; i++) {
      if (i >= text.length) return undefined;
      let code = text.charCodeAt(i);
      if (code === 0x22) break;
      if (code === 0x5c) {
        if (++i >= text.length) return undefined;
        code = text.charCodeAt(i);
      }
      line.push(code);
    }
    i++;
    lines.push(utf8.decode(Uint8Array.from(line)));
    skipSpace();
    if (text[i] === ',') i++;
  }
  i++;
  skipSpace();
  if (text[i] !== '}') return undefined;
  if (lines.at(-1) === TERMINATOR) lines.pop();
  return { status: Number(prefix[1]), lines };
}

/** Splits header lines at their first colon; names lower-cased, values trimmed of spaces and tabs. */
export function headerFields(lines: readonly string[]): HeaderFields {
  const headers = headerMap();
  const malformed: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      malformed.push(line);
      continue;
    }
    const name = line.slice(0, colon).toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).replace(OWS_EDGES, ''));
  }
  return { headers, malformed };
}

/** Names are logged, never values; bounded so one hostile response cannot flood the log line. */
function loggedName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}

/**
 * Applies the rule to what an engine returned. `input` may be any object (engines' maps cross
 * a thread boundary and lose their null prototype): only its own entries are read.
 */
export function applyHeaderRule(status: number, input: Record<string, string[]>, malformed: readonly string[] = []): RuledHeaders {
  const headers = headerMap();
  const dropped: string[] = malformed.map(() => '(malformed)');
  let mustStayPrivate = false;
  let contentTypeDropped = false;
  let statusLine: string | undefined;
  for (const [rawName, values] of Object.entries(input)) {
    const name = rawName.toLowerCase();
    if (!Array.isArray(values)) continue;
    if (HOP_BY_HOP.has(name)) continue;
    const nameOk = TOKEN.test(name);
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const trimmed = value.replace(OWS_EDGES, '');
      if (!nameOk || !SAFE_VALUE.test(trimmed)) {
        dropped.push(loggedName(name));
        const named = name.trim();
        if (named === 'cache-control' || named === 'set-cookie') mustStayPrivate = true;
        if (named === 'content-type') contentTypeDropped = true;
        continue;
      }
      if (name === 'status') {
        statusLine ??= trimmed;
        continue;
      }
      (headers[name] ??= []).push(trimmed);
    }
  }
  if (contentTypeDropped) {
    // Whatever else labels the body (PHP's default type, a second line) is not what the app meant.
    for (const [name, values] of Object.entries(UNLABELLED_CONTENT)) headers[name] = [...values];
  }
  let finalStatus = status;
  if (statusLine !== undefined) {
    const m = STATUS_LINE.exec(statusLine);
    finalStatus = m ? Number(m[1]) : Number.NaN;
  }
  return { status: finalStatus, headers, dropped, mustStayPrivate };
}

/** Final statuses a visitor may receive from PHP: informational answers and made-up codes are not responses. */
export function isFinalStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}
