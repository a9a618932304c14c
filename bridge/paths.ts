/**
 * URL path normalisation, done once per request before anything touches the filesystem.
 * Pure: no I/O. The router builds on it; nothing else should decode paths on its own.
 */

export type NormalisedPath =
  | {
      ok: true;
      /** Decoded, absolute, no `.`/`..`/empty segments; keeps a trailing `/` if the URL had one. */
      path: string;
      /**
       * Decoded segments of `path`, without empty ones. With `encodedSlash: 'keep'` a segment may
       * hold a `/` that came from `%2F` (never beside a `.` or `..` part).
       */
      segments: string[];
      trailingSlash: boolean;
    }
  | { ok: false; reason: PathRejection };

export type PathRejection =
  | 'not-absolute'
  | 'bad-percent-encoding'
  | 'nul-byte'
  | 'encoded-slash'
  | 'backslash'
  | 'invalid-utf8'
  | 'control-character'
  | 'above-root';

export interface NormaliseOptions {
  /**
   * `reject` (default): `%2F` is refused. `keep`: it is decoded inside its segment, for the router
   * to accept after a script (PATH_INFO, as nginx passes it) and refuse anywhere else.
   */
  encodedSlash?: 'reject' | 'keep';
}

const HEX = /^[0-9a-fA-F]{2}$/;
/** Stands for a decoded `%2F` until segments are split; `%00` and raw NUL are refused first. */
const SLASH_MARK = '\u0000';
// C0 controls, DEL and C1 controls: no legitimate file name needs them.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/**
 * Percent-decodes exactly once and resolves dot segments lexically (RFC 3986 §5.2.4).
 * Encoded slashes and backslashes are rejected rather than treated as separators, and the
 * strict decoder refuses overlong forms such as `%c0%ae`, so no spelling of `..` survives.
 */
export function normalisePath(raw: string, options: NormaliseOptions = {}): NormalisedPath {
  const keepSlash = options.encodedSlash === 'keep';
  if (!raw.startsWith('/')) return { ok: false, reason: 'not-absolute' };
  if (raw.includes('\u0000')) return { ok: false, reason: 'nul-byte' };
  if (!raw.isWellFormed()) return { ok: false, reason: 'invalid-utf8' };
  if (raw.includes('\\')) return { ok: false, reason: 'backslash' };

  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return { ok: false, reason: 'bad-percent-encoding' };
      const byte = parseInt(hex, 16);
      if (byte === 0x00) return { ok: false, reason: 'nul-byte' };
      if (byte === 0x2f && !keepSlash) return { ok: false, reason: 'encoded-slash' };
      if (byte === 0x5c) return { ok: false, reason: 'backslash' };
      bytes.push(byte === 0x2f ? 0x00 : byte);
      i += 2;
    } else {
      // Raw non-ASCII (some front doors hand over decoded paths) is taken as its UTF-8 bytes.
      const cp = raw.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      for (const b of utf8.encode(char)) bytes.push(b);
      i += char.length - 1;
    }
  }

  let decoded: string;
  try {
    decoded = strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return { ok: false, reason: 'invalid-utf8' };
  }
  if (CONTROL.test(decoded.replaceAll(SLASH_MARK, ''))) return { ok: false, reason: 'control-character' };

  const parts = decoded.split('/').slice(1);
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i]!.includes(SLASH_MARK)) continue;
    const inner = parts[i]!.split(SLASH_MARK);
    // No spelling of a dot segment survives through `%2F` either.
    if (inner.some((p) => p === '.' || p === '..')) return { ok: false, reason: 'encoded-slash' };
    parts[i] = inner.join('/');
  }
  const segments: string[] = [];
  let trailingSlash = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    if (part === '..') {
      if (segments.length === 0) return { ok: false, reason: 'above-root' };
      segments.pop();
      trailingSlash = last;
    } else if (part === '.' || part === '') {
      trailingSlash = last;
    } else {
      segments.push(part);
      trailingSlash = false;
    }
  }
  if (segments.length === 0) trailingSlash = true;
  const path = '/' + segments.join('/') + (trailingSlash && segments.length > 0 ? '/' : '');
  return { ok: true, path, segments, trailingSlash };
}

// Left unescaped in a Location path: RFC 3986 pchar minus nothing that could start a scheme or authority.
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

/** Re-encodes a normalised (decoded) path for use in a Location header. */
export function encodePath(decodedPath: string): string {
  let out = '';
  for (const char of decodedPath) {
    if (char === '/' || PATH_SAFE.test(char)) out += char;
    else for (const b of utf8.encode(char)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Escapes anything outside visible ASCII so a raw query cannot break a header line. */
export function headerSafeQuery(query: string): string {
  let out = '';
  for (const char of query.toWellFormed()) {
    const cp = char.codePointAt(0)!;
    if (cp > 0x20 && cp < 0x7f) out += char;
    else for (const b of utf8.encode(char)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
