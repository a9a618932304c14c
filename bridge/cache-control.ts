/**
 * The Cache-Control policy: one ordered table, read top to bottom, first matching row wins.
 * Static files and PHP responses each have their own section; every value comes from
 * `CachePolicySettings` so a deployment can retune a row without touching code.
 */
import type { CachePolicySettings } from './config.ts';
import type { HeaderMap, HttpRequest } from './http.ts';

export type StaticClass = 'versioned' | 'uploads' | 'static';

/** What a static row looks at: the decoded, normalised URL path and the raw query. */
export interface StaticTarget {
  urlPath: string;
  query: string;
  /** Uploads directory relative to the document root, e.g. `wp-content/uploads`. */
  uploadsDir: string;
}

/** What a PHP row looks at: the request and the headers PHP answered with. */
export interface PhpExchange {
  request: HttpRequest;
  status: number;
  responseHeaders: HeaderMap;
}

export interface StaticRule {
  for: 'static';
  name: StaticClass;
  setting: keyof CachePolicySettings;
  match(target: StaticTarget): boolean;
}

export interface PhpRule {
  for: 'php';
  name: string;
  setting: 'phpPublic' | 'phpPrivate';
  match(exchange: PhpExchange): boolean;
}

export type CacheRule = StaticRule | PhpRule;

/** Trees whose assets WordPress enqueues with `?ver=`, so a new version gets a new URL. */
const VERSIONED_TREES = ['/wp-includes/', '/wp-content/themes/', '/wp-content/plugins/', '/wp-admin/'];

/** Statuses a shared cache may store without explicit freshness (a deliberately short list). */
const SHARED_CACHEABLE_STATUSES = new Set([200, 203, 204, 300, 301, 404, 410]);

/**
 * The policy. Static rows apply to every file the static responder serves; PHP rows apply only
 * when PHP set no Cache-Control of its own (PHP's header always wins, see `phpCacheControl`).
 */
export const CACHE_POLICY: readonly CacheRule[] = [
  // Static 1: `?ver=`/`?v=` assets of core, themes and plugins (and wp-admin css/js, which core
  // enqueues with its own version) change URL on every release, so they never need revalidation.
  { for: 'static', name: 'versioned', setting: 'versioned', match: (t) => hasVersion(t.query) && underAny(t.urlPath, VERSIONED_TREES) },
  // Static 2: media under the uploads directory rarely change but keep their URL when they do.
  { for: 'static', name: 'uploads', setting: 'uploads', match: (t) => isUnder(t.urlPath, t.uploadsDir) },
  // Static 3: everything else (unversioned theme files, favicon, robots.txt …).
  { for: 'static', name: 'static', setting: 'static', match: () => true },

  // PHP 1: a logged-in session (`wordpress_logged_in_*`, `wordpress_sec_*`, `wordpress_<hash>`).
  { for: 'php', name: 'login cookie', setting: 'phpPrivate', match: (x) => hasCookie(x.request, isLoginCookie) },
  // PHP 2: a visitor who unlocked a password-protected post sees its content.
  { for: 'php', name: 'post-password cookie', setting: 'phpPrivate', match: (x) => hasCookie(x.request, (n) => n.startsWith('wp-postpass_')) },
  // PHP 3: a commenter sees their own unapproved comments and prefilled form.
  { for: 'php', name: 'comment-author cookie', setting: 'phpPrivate', match: (x) => hasCookie(x.request, (n) => n.startsWith('comment_author_')) },
  // PHP 4: credentials of any other kind (application passwords, basic auth).
  { for: 'php', name: 'authorization header', setting: 'phpPrivate', match: (x) => headerNamed(x.request.headers, 'authorization') !== undefined },
  // PHP 5: a response that sets a cookie must never be handed to someone else.
  { for: 'php', name: 'response sets a cookie', setting: 'phpPrivate', match: (x) => headerNamed(x.responseHeaders, 'set-cookie') !== undefined },
  // PHP 6: only safe methods produce reusable answers.
  { for: 'php', name: 'unsafe method', setting: 'phpPrivate', match: (x) => x.request.method !== 'GET' && x.request.method !== 'HEAD' },
  // PHP 7: redirects like 302 (often after login), 5xx and the like are one-off answers.
  { for: 'php', name: 'status not shared-cacheable', setting: 'phpPrivate', match: (x) => !SHARED_CACHEABLE_STATUSES.has(x.status) },
  // PHP 8: an anonymous GET with a cacheable status; the edge may keep it briefly.
  { for: 'php', name: 'anonymous', setting: 'phpPublic', match: () => true },
];

const STATIC_RULES = CACHE_POLICY.filter((r): r is StaticRule => r.for === 'static');
const PHP_RULES = CACHE_POLICY.filter((r): r is PhpRule => r.for === 'php');

/** Which row of the policy table a static file belongs to. urlPath is decoded+normalised ('/wp-includes/js/x.js'); query is the raw query string. */
export function classifyStatic(urlPath: string, query: string, uploadsDir: string): StaticClass {
  return staticRule({ urlPath, query, uploadsDir }).name;
}

export function staticCacheControl(urlPath: string, query: string, uploadsDir: string, policy: CachePolicySettings): string {
  return policy[staticRule({ urlPath, query, uploadsDir }).setting];
}

/**
 * Cache-Control for a PHP response: returns the header PHP set unchanged when it set one, else the table's choice.
 * Pass the response status; without it a CGI `status` header (`302 Found`) is read, else 200 is assumed.
 */
export function phpCacheControl(
  request: HttpRequest,
  responseHeaders: Record<string, string[]>,
  policy: CachePolicySettings,
  status: number = cgiStatus(responseHeaders),
): string[] {
  const own = headerNamed(responseHeaders, 'cache-control');
  if (own !== undefined) return own;
  return [policy[phpRule(request, status, responseHeaders).setting]];
}

/** The static row a file falls in; the last row matches everything, so one always does. */
export function staticRule(target: StaticTarget): StaticRule {
  return STATIC_RULES.find((rule) => rule.match(target))!;
}

/** The PHP row that decides a response's Cache-Control when PHP set none. */
export function phpRule(request: HttpRequest, status: number, responseHeaders: HeaderMap): PhpRule {
  const exchange = { request, status, responseHeaders };
  return PHP_RULES.find((rule) => rule.match(exchange))!;
}

function cgiStatus(headers: HeaderMap): number {
  const status = Number.parseInt(headerNamed(headers, 'status')?.[0] ?? '', 10);
  return Number.isNaN(status) ? 200 : status;
}

function hasVersion(query: string): boolean {
  if (query === '') return false;
  const params = new URLSearchParams(query);
  // An empty version identifies nothing, so it does not make the URL immutable.
  return ['ver', 'v'].some((key) => params.getAll(key).some((value) => value !== ''));
}

function underAny(urlPath: string, trees: readonly string[]): boolean {
  return trees.some((tree) => urlPath.startsWith(tree));
}

function isUnder(urlPath: string, dir: string): boolean {
  const trimmed = dir.replace(/^\/+|\/+$/g, '');
  // An empty uploads dir would otherwise claim the whole document root.
  return trimmed !== '' && urlPath.startsWith(`/${trimmed}/`);
}

/** WordPress auth cookies; `wordpress_test_cookie` is set for every visitor of wp-login.php, so it is not one. */
function isLoginCookie(name: string): boolean {
  return name.startsWith('wordpress_') && name !== 'wordpress_test_cookie';
}

function hasCookie(request: HttpRequest, test: (name: string) => boolean): boolean {
  const values = headerNamed(request.headers, 'cookie') ?? [];
  return values.some((value) =>
    value.split(';').some((pair) => {
      const name = pair.split('=', 1)[0]!.trim();
      return name !== '' && test(name);
    }),
  );
}

/** Header values by case-insensitive name; undefined when absent or empty. */
function headerNamed(headers: HeaderMap, name: string): string[] | undefined {
  const direct = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (direct !== undefined) return direct.length > 0 ? direct : undefined;
  for (const [key, values] of Object.entries(headers)) {
    if (key.toLowerCase() === name && values.length > 0) return values;
  }
  return undefined;
}
