/**
 * Lambda HTTP event adapters: one module per source, detection here and nowhere else.
 * Each adapter turns its event into an HttpRequest (as the front door reported it; the
 * bridge then applies `admitRequest` from ../trust.ts) and an HttpResponse into its result.
 */
import type { Config } from '../config.ts';
import type { HeaderMap, HttpRequest } from '../http.ts';
import type { Logger } from '../log.ts';
import { isObject } from './fields.ts';
import { apigwV1 } from './apigw-v1.ts';
import { apigwV2 } from './apigw-v2.ts';
import { functionUrl } from './function-url.ts';
import { alb, albMulti } from './alb.ts';

export type SourceKind = 'apigw-v1' | 'apigw-v2' | 'alb' | 'alb-multi' | 'function-url';

export interface BufferedResponse {
  status: number;
  headers: HeaderMap;
  body: Uint8Array;
}

export interface AdapterContext {
  requestId: string;
  config: Config;
  logger: Logger;
  /** Epoch ms when the invocation arrived; defaults to now. */
  receivedAt?: number;
}

export interface EventAdapter<E = any, R = any> {
  kind: SourceKind;
  /** Largest buffered result the source carries, in bytes of JSON (body after base64, plus headers). */
  maxResponseBytes: number;
  /** Largest request body the source delivers; above it the runtime answers 413. */
  maxRequestBytes: number;
  /** Throws EventError (code EBADEVENT) when the event is malformed. */
  toRequest(event: E, context: AdapterContext): HttpRequest;
  /** Never throws for a malformed event, so error pages can be answered too. */
  toResult(response: BufferedResponse, event: E, context: AdapterContext): R;
}

export const adapters: Readonly<Record<SourceKind, EventAdapter>> = {
  'apigw-v1': apigwV1,
  'apigw-v2': apigwV2,
  'function-url': functionUrl,
  alb,
  'alb-multi': albMulti,
};

/**
 * The adapter for an HTTP event, or undefined when the invocation is not an HTTP event
 * (scheduled, console, warmer…). Never throws: an HTTP-looking event with broken fields is
 * detected and then rejected by its adapter's toRequest with EventError.
 */
export function detectSource(event: unknown): EventAdapter | undefined {
  if (!isObject(event)) return undefined;
  const rc = isObject(event.requestContext) ? event.requestContext : undefined;
  if (rc && isObject(rc.elb)) {
    return isObject(event.multiValueHeaders) || isObject(event.multiValueQueryStringParameters) ? albMulti : alb;
  }
  if (event.version === '2.0' || typeof event.rawPath === 'string' || (rc && isObject(rc.http))) {
    const domain = typeof rc?.domainName === 'string' ? rc.domainName : '';
    return domain.includes('.lambda-url.') ? functionUrl : apigwV2;
  }
  if (event.version === '1.0' || typeof event.httpMethod === 'string') return apigwV1;
  return undefined;
}

export { EventError } from './event-error.ts';
export {
  ALB_LIMIT, API_REQUEST_LIMIT, LAMBDA_RESULT_LIMIT, encodedBodyLength, fitsInResult, oversizedResponse,
  oversizedResult, resultBytes, resultFits,
} from './limits.ts';
export { isTextBody } from './response-parts.ts';
export { apigwV1, apigwV2, functionUrl, alb, albMulti };
export type { ApiGatewayV1Result } from './apigw-v1.ts';
export type { ApiGatewayV2Result } from './apigw-v2.ts';
export type { AlbResult } from './alb.ts';
