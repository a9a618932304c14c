/**
 * Size limits of each source, and the 502 page for a buffered response too large to carry.
 * Measured in bytes of the result JSON: the body after base64 plus headers and envelope.
 */
import type { HeaderMap, HttpResponse } from '../http.ts';
import { textResponse } from '../http.ts';
import type { AdapterContext, EventAdapter } from './index.ts';
import { isTextBody } from './response-parts.ts';

const MiB = 1024 * 1024;

/** The Runtime API refuses a buffered response above this (413), whatever the source. */
export const LAMBDA_RESULT_LIMIT = 6_291_556;
/** A synchronous invocation carries at most 6 MB of event, so at most that much body. */
export const API_REQUEST_LIMIT = 6 * MiB;
/** ALB caps both the request body and the response JSON at 1 MB. */
export const ALB_LIMIT = 1 * MiB;

// Room for statusCode, statusDescription, isBase64Encoded and the JSON punctuation.
const ENVELOPE_BYTES = 256;

/** Body size once placed in a result: binary bodies grow by a third in base64. */
export function encodedBodyLength(bodyLength: number, binary: boolean): number {
  return binary ? Math.ceil(bodyLength / 3) * 4 : bodyLength;
}

function headerBytes(headers: HeaderMap): number {
  let total = 0;
  for (const [name, values] of Object.entries(headers)) {
    for (const v of values) total += Buffer.byteLength(name) + Buffer.byteLength(v) + 8;
  }
  return total;
}

/**
 * Whether a buffered body of this length fits the source's result. Without headers the body
 * is assumed binary (the larger, base64 size); a text body's JSON escaping is not counted,
 * so check the finished result with `resultFits` as well.
 */
export function fitsInResult(
  bodyLength: number,
  adapter: Pick<EventAdapter, 'maxResponseBytes'>,
  headers?: HeaderMap,
): boolean {
  const binary = headers === undefined || !isTextBody(headers);
  const total = encodedBodyLength(bodyLength, binary) + (headers ? headerBytes(headers) : 0) + ENVELOPE_BYTES;
  return total <= adapter.maxResponseBytes;
}

/** Exact size of a finished result as the Runtime API will receive it. */
export function resultBytes(result: unknown): number {
  return Buffer.byteLength(JSON.stringify(result));
}

export function resultFits(result: unknown, adapter: Pick<EventAdapter, 'maxResponseBytes'>): boolean {
  return resultBytes(result) <= adapter.maxResponseBytes;
}

/** The page a client sees instead of a response its source cannot carry. */
export function oversizedResponse(bodyLength: number, adapter: Pick<EventAdapter, 'kind' | 'maxResponseBytes'>): HttpResponse {
  return textResponse(
    502,
    `Bad Gateway: the response (${bodyLength} bytes) is larger than ${adapter.kind} can carry ` +
      `(${adapter.maxResponseBytes} bytes including base64 and headers).\n`,
  );
}

/** The same page, already shaped as the source's result. */
export function oversizedResult<E, R>(adapter: EventAdapter<E, R>, event: E, context: AdapterContext, bodyLength: number): R {
  const response = oversizedResponse(bodyLength, adapter);
  return adapter.toResult({ ...response, body: response.body as Uint8Array }, event, context);
}
