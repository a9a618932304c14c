/**
 * API Gateway REST proxy events, and HTTP API events in payload format 1.0 (same shape,
 * `version: '1.0'`). Query values arrive decoded; repeated headers and query keys arrive in
 * the `multiValue*` maps.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { EventAdapter } from './index.ts';
import { asEvent, optionalObject, optionalString, requireObject, requireString } from './fields.ts';
import {
  encodeQuery, method, multiValueHeaders, protocol, queryPairs, requestBody, safePath,
  singleValueHeaders, stripPrefix, toHttpRequest,
} from './request-parts.ts';
import { encodeBody, eventMethod, omitsBody, splitHeaders } from './response-parts.ts';
import { API_REQUEST_LIMIT, LAMBDA_RESULT_LIMIT } from './limits.ts';

export interface ApiGatewayV1Result {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

const WHERE = 'API Gateway REST event';

export const apigwV1: EventAdapter<APIGatewayProxyEvent, ApiGatewayV1Result> = {
  kind: 'apigw-v1',
  maxResponseBytes: LAMBDA_RESULT_LIMIT,
  maxRequestBytes: API_REQUEST_LIMIT,

  toRequest(input, context) {
    const event = asEvent(input, WHERE);
    const rc = requireObject(event, 'requestContext', WHERE);
    // The multi-value maps hold every repeat; the single maps only fill in what they lack.
    const headers = multiValueHeaders(optionalObject(event, 'multiValueHeaders', WHERE), WHERE);
    for (const [name, values] of Object.entries(singleValueHeaders(optionalObject(event, 'headers', WHERE), WHERE))) {
      headers[name] ??= values;
    }
    const pairs = queryPairs(optionalObject(event, 'multiValueQueryStringParameters', WHERE), true, WHERE);
    const multiKeys = new Set(pairs.map(([k]) => k));
    for (const pair of queryPairs(optionalObject(event, 'queryStringParameters', WHERE), false, WHERE)) {
      if (!multiKeys.has(pair[0])) pairs.push(pair);
    }
    const identity = optionalObject(rc, 'identity', `${WHERE} requestContext`);
    return toHttpRequest({
      method: method(requireString(event, 'httpMethod', WHERE), WHERE),
      path: stripPrefix(safePath(requireString(event, 'path', WHERE)), context.config.basePath),
      query: encodeQuery(pairs),
      headers,
      body: requestBody(event, WHERE),
      peerAddress: optionalString(identity, 'sourceIp', `${WHERE} requestContext.identity`) ?? '',
      protocol: protocol(optionalString(rc, 'protocol', `${WHERE} requestContext`)),
      fallbackHost: optionalString(rc, 'domainName', `${WHERE} requestContext`),
      defaultScheme: 'https',
    }, context);
  },

  toResult(response, event) {
    return {
      statusCode: response.status,
      ...splitHeaders(response.headers),
      ...encodeBody(response.headers, response.body, omitsBody(eventMethod(event), response.status)),
    };
  },
};
