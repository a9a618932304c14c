/**
 * The bridge's own answers (errors, redirects). Generic on purpose: no PHP error text,
 * paths or stack traces ever reach a client; details go to the structured log.
 */
import { headerMap, type HttpResponse } from './http.ts';

const REASONS: Record<number, string> = {
  301: 'Moved Permanently',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small HTML error page; `detail` must be a sentence safe to show to anyone. */
export function errorPage(
  status: number,
  detail: string,
  requestId?: string,
  extraHeaders: Record<string, string[]> = {},
): HttpResponse {
  const title = `${status} ${reasonPhrase(status)}`;
  const ref = requestId ? `<p><small>Request ${escapeHtml(requestId)}</small></p>` : '';
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><p>${escapeHtml(detail)}</p>${ref}</body></html>\n`;
  return {
    status,
    headers: headerMap({
      'content-type': ['text/html; charset=utf-8'],
      'cache-control': ['no-store'],
      'x-content-type-options': ['nosniff'],
      ...extraHeaders,
    }),
    body: new TextEncoder().encode(html),
  };
}

export function redirect(status: 301 | 302, location: string): HttpResponse {
  return {
    status,
    headers: headerMap({
      location: [location],
      'content-type': ['text/html; charset=utf-8'],
      'cache-control': ['public, max-age=3600'],
    }),
    body: new TextEncoder().encode(`<!doctype html><a href="${escapeHtml(location)}">Moved</a>\n`),
  };
}
