/**
 * The only types that cross from the front doors and event adapters into the bridge.
 * Header names are lower-case; every header keeps all of its values in arrival order.
 */
export type HeaderMap = Record<string, string[]>;

export type Body = Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpRequest {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** Raw (still percent-encoded) path, always starting with `/`. */
  path: string;
  /** Raw query string without the leading `?` (may be empty). */
  query: string;
  headers: HeaderMap;
  body: Uint8Array;
  /** Address of the real client, as decided by the trust rules of the front door. */
  clientAddress: string;
  clientPort: number;
  scheme: 'http' | 'https';
  /** Host name PHP should see (no port). */
  host: string;
  /** Port the client connected to (443 / 80 behind AWS front doors). */
  port: number;
  /** e.g. `HTTP/1.1` */
  protocol: string;
  /** Correlates log lines; the Lambda request id in Lambda. */
  requestId: string;
  /** Epoch milliseconds (fractional) when the request was received. */
  receivedAt: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; `set-cookie` is a list, one cookie per entry, never joined. */
  headers: HeaderMap;
  body: Body;
}

/**
 * A header map without a prototype, so a field named `__proto__` or `constructor` is just a
 * field: every map built from names a client or PHP chose must come from here.
 */
export function headerMap(init?: Record<string, string[]>): HeaderMap {
  const map = Object.create(null) as HeaderMap;
  if (init) for (const [name, values] of Object.entries(init)) map[name] = values;
  return map;
}

export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const values = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return values && values.length > 0 ? values[0] : undefined;
}

/** Collects a body (bytes or stream) into one buffer. */
export async function bodyBytes(body: Body): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export function textResponse(status: number, text: string, extra: HeaderMap = {}): HttpResponse {
  return {
    status,
    headers: headerMap({
      'content-type': ['text/plain; charset=utf-8'],
      'cache-control': ['no-store'],
      ...extra,
    }),
    body: new TextEncoder().encode(text),
  };
}
