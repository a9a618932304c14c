/**
 * An HTTP request as the Function URL event Lambda would deliver for it (payload 2.0), and
 * the function's result back as an HTTP response — what the Lambda-shaped front does per
 * request. Pure, so the test can check both directions without a runtime.
 */
import { randomUUID } from 'node:crypto';

export interface PlainRequest {
  method: string;
  /** Path and query as received, e.g. `/?p=1`. */
  url: string;
  /** Node's raw header list: name, value, name, value, … */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  /** The front's own address; sent as `x-forwarded-proto` / `-port` as a Function URL would. */
  port: number;
}

export function functionUrlEvent(request: PlainRequest, now = Date.now()): Record<string, unknown> {
  const q = request.url.indexOf('?');
  const rawPath = q === -1 ? request.url : request.url.slice(0, q);
  const rawQueryString = q === -1 ? '' : request.url.slice(q + 1);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(...value.split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.port);
  headers['x-forwarded-for'] = request.sourceIp;
  const host = headers.host ?? `127.0.0.1:${request.port}`;
  const hasBody = request.body.length > 0;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'bench',
      domainName: host.replace(/:\d+$/, ''),
      domainPrefix: 'bench',
      http: { method: request.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(hasBody && { body: request.body.toString('base64') }),
    isBase64Encoded: hasBody,
  };
}

export interface PlainResponse {
  status: number;
  /** Name → values (Set-Cookie as several values). */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** A payload 2.0 result (object, or a bare string/JSON value as Lambda allows) as an HTTP response. */
export function resultToResponse(result: unknown): PlainResponse {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { status: 200, headers: { 'content-type': ['application/json'] }, body: Buffer.from(body) };
  }
  const r = result as { statusCode: number; headers?: Record<string, string>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) headers[name.toLowerCase()] = [String(value)];
  if (r.cookies?.length) headers['set-cookie'] = [...r.cookies];
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
  return { status: r.statusCode, headers, body };
}
