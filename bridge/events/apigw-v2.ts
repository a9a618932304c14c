/**
 * HTTP API events in payload format 2.0. The query string arrives raw; repeated headers
 * arrive joined with commas (kept so); cookies arrive in their own list and leave in one.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpRequest } from '../http.ts';
import type { AdapterContext, EventAdapter, SourceKind } from './index.ts';
import { EventError } from './event-error.ts';
import { asEvent, optionalObject, optionalString, requireObject, requireString, stringList } from './fields.ts';
import {
  method, protocol, requestBody, safePath, safeQuery, singleValueHeaders, stripPrefix, toHttpRequest,
} from './request-parts.ts';
import { encodeBody, eventMethod, joinedHeaders, omitsBody } from './response-parts.ts';
import { API_REQUEST_LIMIT, LAMBDA_RESULT_LIMIT } from './limits.ts';

export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/** Shared by HTTP API 2.0 and Function URLs, which send the same shape. */
export function v2Request(input: unknown, context: AdapterContext, where: string): HttpRequest {
  const event = asEvent(input, where);
  const rc = requireObject(event, 'requestContext', where);
  const http = requireObject(rc, 'http', `${where} requestContext`);
  const rawPath = optionalString(event, 'rawPath', where) ?? optionalString(http, 'path', `${where} requestContext.http`);
  if (rawPath === undefined) throw new EventError(`${where} has no \`rawPath\`.`);
  const stage = optionalString(rc, 'stage', `${where} requestContext`);
  let path = safePath(rawPath);
  // A named stage is part of rawPath on the execute-api domain; `$default` never is.
  if (stage !== undefined && stage !== '' && stage !== '$default') path = stripPrefix(path, '/' + stage);
  path = stripPrefix(path, context.config.basePath);

  const headers = singleValueHeaders(optionalObject(event, 'headers', where), where);
  if (event.cookies !== undefined && event.cookies !== null) {
    const cookies = stringList(event.cookies, `${where}: \`cookies\``);
    if (cookies.length > 0) headers.cookie = [[...(headers.cookie ?? []), ...cookies].join('; ')];
  }
  return toHttpRequest({
    method: method(requireString(http, 'method', `${where} requestContext.http`), where),
    path,
    query: safeQuery(optionalString(event, 'rawQueryString', where) ?? ''),
    headers,
    body: requestBody(event, where),
    peerAddress: optionalString(http, 'sourceIp', `${where} requestContext.http`) ?? '',
    protocol: protocol(optionalString(http, 'protocol', `${where} requestContext.http`)),
    fallbackHost: optionalString(rc, 'domainName', `${where} requestContext`),
    defaultScheme: 'https',
  }, context);
}

export function v2Result(response: { status: number; headers: Record<string, string[]>; body: Uint8Array }, event: unknown): ApiGatewayV2Result {
  const cookies = response.headers['set-cookie'] ?? [];
  return {
    statusCode: response.status,
    headers: joinedHeaders(response.headers, ['set-cookie']),
    ...(cookies.length > 0 ? { cookies: [...cookies] } : {}),
    ...encodeBody(response.headers, response.body, omitsBody(eventMethod(event), response.status)),
  };
}

export function v2Adapter(kind: SourceKind, where: string): EventAdapter<APIGatewayProxyEventV2, ApiGatewayV2Result> {
  return {
    kind,
    maxResponseBytes: LAMBDA_RESULT_LIMIT,
    maxRequestBytes: API_REQUEST_LIMIT,
    toRequest: (event, context) => v2Request(event, context, where),
    toResult: (response, event) => v2Result(response, event),
  };
}

export const apigwV2 = v2Adapter('apigw-v2', 'HTTP API (payload 2.0) event');
