/**
 * Application Load Balancer events, single-value mode (`headers`) and multi-value mode
 * (`multiValueHeaders`, enabled on the target group). ALB does not URL-decode query keys
 * and values, and appends the peer to X-Forwarded-For.
 */
import type { ALBEvent } from 'aws-lambda';
import type { HeaderMap } from '../http.ts';
import type { AdapterContext, EventAdapter } from './index.ts';
import { asEvent, optionalObject, requireObject, requireString } from './fields.ts';
import {
  joinRawQuery, method, multiValueHeaders, queryPairs, requestBody, safePath, singleValueHeaders,
  stripPrefix, toHttpRequest,
} from './request-parts.ts';
import { copyHeaders, encodeBody, eventMethod, joinedHeaders, omitsBody, statusDescription } from './response-parts.ts';
import { isIP } from 'node:net';
import { forwardedFor } from '../trust.ts';
import { ALB_LIMIT } from './limits.ts';

export interface AlbResult {
  statusCode: number;
  statusDescription: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

type Response = { status: number; headers: HeaderMap; body: Uint8Array };

function albRequest(input: unknown, context: AdapterContext, multi: boolean) {
  const where = multi ? 'ALB (multi-value headers) event' : 'ALB event';
  const event = asEvent(input, where);
  requireObject(event, 'requestContext', where);
  const headers = multi
    ? multiValueHeaders(optionalObject(event, 'multiValueHeaders', where), where)
    : singleValueHeaders(optionalObject(event, 'headers', where), where);
  const pairs = multi
    ? queryPairs(optionalObject(event, 'multiValueQueryStringParameters', where), true, where)
    : queryPairs(optionalObject(event, 'queryStringParameters', where), false, where);
  // ALB appends the peer it saw: anything else in that place (a forged, broken header) is no address.
  const peer = forwardedFor(headers).at(-1) ?? '';
  if (!isIP(peer)) context.logger.warn('ALB event without a valid client address in X-Forwarded-For', { value: peer.slice(0, 100) });
  return toHttpRequest({
    method: method(requireString(event, 'httpMethod', where), where),
    path: stripPrefix(safePath(requireString(event, 'path', where)), context.config.basePath),
    query: joinRawQuery(pairs),
    headers,
    body: requestBody(event, where),
    peerAddress: isIP(peer) ? peer : '',
    protocol: 'HTTP/1.1',
    defaultScheme: headers['x-forwarded-port']?.[0]?.trim() === '443' ? 'https' : 'http',
  }, context);
}

function albBody(response: Response, event: unknown) {
  return encodeBody(response.headers, response.body, omitsBody(eventMethod(event), response.status));
}

export const alb: EventAdapter<ALBEvent, AlbResult> = {
  kind: 'alb',
  maxResponseBytes: ALB_LIMIT,
  maxRequestBytes: ALB_LIMIT,
  toRequest: (event, context) => albRequest(event, context, false),
  toResult(response, event, context) {
    const headers = joinedHeaders(response.headers, ['set-cookie']);
    const cookies = response.headers['set-cookie'] ?? [];
    // Single-value mode has one slot per header name; joining Set-Cookie would corrupt Expires
    // dates. The last one is kept: a browser given them all in order would end with its value.
    if (cookies.length > 0) headers['set-cookie'] = cookies[cookies.length - 1]!;
    if (cookies.length > 1) {
      context.logger.warn(
        `Dropped ${cookies.length - 1} of ${cookies.length} Set-Cookie headers (the last one was kept): the ALB target group sends single-value headers. Enable multi-value headers on the target group to deliver them all.`,
        { requestId: context.requestId, dropped: cookies.length - 1 },
      );
    }
    return {
      statusCode: response.status,
      statusDescription: statusDescription(response.status),
      headers,
      ...albBody(response, event),
    };
  },
};

export const albMulti: EventAdapter<ALBEvent, AlbResult> = {
  kind: 'alb-multi',
  maxResponseBytes: ALB_LIMIT,
  maxRequestBytes: ALB_LIMIT,
  toRequest: (event, context) => albRequest(event, context, true),
  toResult(response, event) {
    return {
      statusCode: response.status,
      statusDescription: statusDescription(response.status),
      multiValueHeaders: copyHeaders(response.headers),
      ...albBody(response, event),
    };
  },
};
