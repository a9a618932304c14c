/**
 * The CGI/1.1 environment (RFC 3875) for one PHP request, built in one place. It becomes
 * `$_SERVER`, so every value PHP applications read about the request comes from here.
 */
import type { HttpRequest } from './http.ts';
import type { Route } from './router.ts';

export interface CgiOptions {
  documentRoot: string;
  /** SERVER_SOFTWARE; defaults to `lamphp`. */
  serverSoftware?: string;
  /** SERVER_ADDR, when the front door knows it. */
  serverAddress?: string;
}

export type PhpRoute = Extract<Route, { kind: 'php' }>;

const DEFAULT_PORT = { http: 80, https: 443 } as const;
// Only these survive the `-` → `_` mapping without colliding (nginx drops the rest too).
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
// Carried as CGI meta-variables instead (CONTENT_*, HTTP_HOST), or never passed (httpoxy).
const NOT_HTTP_VARS = new Set(['content-type', 'content-length', 'host', 'proxy']);

/** Header fields as `HTTP_*` variables; repeated fields joined as HTTP allows. */
export function headerVariables(headers: HttpRequest['headers']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name) || NOT_HTTP_VARS.has(lower) || values.length === 0) continue;
    const key = 'HTTP_' + lower.toUpperCase().replaceAll('-', '_');
    // RFC 6265 §5.4: several Cookie fields are one list separated by "; ", not ", ".
    const joined = values.join(lower === 'cookie' ? '; ' : ', ');
    env[key] = key in env ? env[key] + (lower === 'cookie' ? '; ' : ', ') + joined : joined;
  }
  return env;
}

export function hostWithPort(request: Pick<HttpRequest, 'host' | 'port' | 'scheme'>): string {
  return request.port === DEFAULT_PORT[request.scheme] ? request.host : `${request.host}:${request.port}`;
}

export function buildCgiEnv(request: HttpRequest, route: PhpRoute, options: CgiOptions): Record<string, string> {
  const env: Record<string, string> = headerVariables(request.headers);
  env.HTTP_HOST = hostWithPort(request);

  env.GATEWAY_INTERFACE = 'CGI/1.1';
  env.SERVER_SOFTWARE = options.serverSoftware ?? 'lamphp';
  env.SERVER_NAME = request.host;
  env.SERVER_PORT = String(request.port);
  env.SERVER_PROTOCOL = request.protocol;
  if (options.serverAddress) env.SERVER_ADDR = options.serverAddress;
  env.REQUEST_METHOD = request.method;
  env.REQUEST_SCHEME = request.scheme;
  if (request.scheme === 'https') env.HTTPS = 'on';
  env.REMOTE_ADDR = request.clientAddress;
  env.REMOTE_PORT = String(request.clientPort);

  env.DOCUMENT_ROOT = options.documentRoot;
  env.SCRIPT_NAME = route.scriptName;
  env.SCRIPT_FILENAME = route.scriptFilename;
  env.PHP_SELF = route.scriptName + route.pathInfo;
  if (route.pathInfo !== '') {
    env.PATH_INFO = route.pathInfo;
    env.PATH_TRANSLATED = options.documentRoot.replace(/\/+$/, '') + route.pathInfo;
  }
  // The URI the client asked for, even when the front controller answers it.
  env.REQUEST_URI = request.query ? `${request.path}?${request.query}` : request.path;
  env.QUERY_STRING = request.query;
  // php-cgi (a future FastCGI engine) refuses to run under force_cgi_redirect without it.
  env.REDIRECT_STATUS = '200';

  const contentType = request.headers['content-type']?.[0];
  if (contentType !== undefined) env.CONTENT_TYPE = contentType;
  if (request.body.length > 0 || request.headers['content-length'] !== undefined) {
    // The body PHP receives, which may differ from a header sent before base64 decoding.
    env.CONTENT_LENGTH = String(request.body.length);
  }

  env.REQUEST_TIME = String(Math.floor(request.receivedAt / 1000));
  env.REQUEST_TIME_FLOAT = (request.receivedAt / 1000).toFixed(6);
  return env;
}
