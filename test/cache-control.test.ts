import { describe, expect, it } from 'vitest';
import { CACHE_POLICY, classifyStatic, phpCacheControl, phpRule, staticCacheControl, type StaticClass } from '../bridge/cache-control.ts';
import { DEFAULT_CACHE, INVALIDATED_PAGES_CACHE, readConfig, type CachePolicySettings } from '../bridge/config.ts';
import type { HeaderMap, HttpRequest } from '../bridge/http.ts';

const UPLOADS = 'wp-content/uploads';

function request(method = 'GET', headers: HeaderMap = {}): HttpRequest {
  return {
    method, path: '/', query: '', headers, body: new Uint8Array(0),
    clientAddress: '203.0.113.9', clientPort: 50000, scheme: 'https', host: 'example.com', port: 443,
    protocol: 'HTTP/1.1', requestId: 'test', receivedAt: 0,
  };
}

describe('static files', () => {
  const cases: [path: string, query: string, expected: StaticClass][] = [
    ['/wp-includes/js/jquery/jquery.min.js', 'ver=3.7.1', 'versioned'],
    ['/wp-content/themes/twentytwentyfour/style.css', 'ver=1.2', 'versioned'],
    ['/wp-content/plugins/akismet/_inc/akismet.css', 'v=5.3', 'versioned'],
    ['/wp-admin/css/forms.min.css', 'ver=6.7', 'versioned'],
    ['/wp-admin/js/common.min.js', 'ver=6.7', 'versioned'],
    ['/wp-includes/css/dist/block-library/style.min.css', 'foo=1&ver=6.7', 'versioned'],
    ['/wp-includes/js/wp-emoji.js', 'ver=', 'static'],
    ['/wp-includes/js/wp-emoji.js', '', 'static'],
    ['/wp-includes/js/wp-emoji.js', 'version=2', 'static'],
    ['/wp-includes/js/wp-emoji.js', 'rev=2', 'static'],
    ['/wp-content/themes/t/style.css', '', 'static'],
    ['/assets/app.js', 'ver=1', 'static'],
    ['/WP-INCLUDES/js/x.js', 'ver=1', 'static'],
    ['/wp-content/uploads/2024/05/photo.jpg', '', 'uploads'],
    ['/wp-content/uploads/2024/05/photo.jpg', 'ver=1', 'uploads'],
    ['/wp-content/uploads-old/photo.jpg', '', 'static'],
    ['/wp-content/uploads', '', 'static'],
    ['/favicon.ico', '', 'static'],
    ['/robots.txt', '', 'static'],
  ];

  it.each(cases)('%s?%s is %s', (path, query, expected) => {
    expect(classifyStatic(path, query, UPLOADS)).toBe(expected);
  });

  it.each([['wp-content/uploads'], ['/wp-content/uploads/'], ['/wp-content/uploads']])(
    'accepts the uploads dir written as %s',
    (dir) => expect(classifyStatic('/wp-content/uploads/a.png', '', dir)).toBe('uploads'),
  );

  it('treats an empty uploads dir as no uploads dir at all', () => {
    expect(classifyStatic('/a.png', '', '')).toBe('static');
  });

  it.each([
    ['/wp-includes/js/x.js', 'ver=1', DEFAULT_CACHE.versioned],
    ['/wp-content/uploads/a.png', '', DEFAULT_CACHE.uploads],
    ['/style.css', '', DEFAULT_CACHE.static],
  ])('%s?%s gets %s', (path, query, expected) => {
    expect(staticCacheControl(path, query, UPLOADS, DEFAULT_CACHE)).toBe(expected);
  });

  it('takes each value from the configured policy', () => {
    const policy: CachePolicySettings = { ...DEFAULT_CACHE, versioned: 'V', uploads: 'U', static: 'S' };
    expect(staticCacheControl('/wp-includes/x.js', 'ver=1', UPLOADS, policy)).toBe('V');
    expect(staticCacheControl('/wp-content/uploads/x.png', '', UPLOADS, policy)).toBe('U');
    expect(staticCacheControl('/x.png', '', UPLOADS, policy)).toBe('S');
  });
});

describe('PHP responses', () => {
  const PRIVATE = [DEFAULT_CACHE.phpPrivate];
  const PUBLIC = [DEFAULT_CACHE.phpPublic];

  const cases: [name: string, req: HttpRequest, status: number, response: HeaderMap, expected: string[]][] = [
    ['anonymous GET 200', request(), 200, {}, PUBLIC],
    ['anonymous HEAD 200', request('HEAD'), 200, {}, PUBLIC],
    ['login cookie', request('GET', { cookie: ['wordpress_logged_in_0123abcd=admin%7C1'] }), 200, {}, PRIVATE],
    ['secure auth cookie', request('GET', { cookie: ['wordpress_sec_0123abcd=admin%7C1'] }), 200, {}, PRIVATE],
    ['plain auth cookie', request('GET', { cookie: ['wordpress_0123abcd=admin%7C1'] }), 200, {}, PRIVATE],
    ['auth cookie among others', request('GET', { cookie: ['a=1; wordpress_logged_in_x=y; b=2'] }), 200, {}, PRIVATE],
    ['auth cookie in a second cookie header', request('GET', { cookie: ['a=1', 'wordpress_sec_x=y'] }), 200, {}, PRIVATE],
    ['post-password cookie', request('GET', { cookie: ['wp-postpass_0123abcd=%24P%24B'] }), 200, {}, PRIVATE],
    ['comment-author cookie', request('GET', { cookie: ['comment_author_0123abcd=Ann'] }), 200, {}, PRIVATE],
    ['comment-author email cookie', request('GET', { cookie: ['comment_author_email_0123abcd=a%40b.c'] }), 200, {}, PRIVATE],
    ['only the login-page test cookie', request('GET', { cookie: ['wordpress_test_cookie=WP%20Cookie%20check'] }), 200, {}, PUBLIC],
    ['unrelated cookies', request('GET', { cookie: ['_ga=GA1.1; theme=dark'] }), 200, {}, PUBLIC],
    ['a cookie whose value mentions wordpress_', request('GET', { cookie: ['ref=wordpress_logged_in_x'] }), 200, {}, PUBLIC],
    ['Authorization header', request('GET', { authorization: ['Basic YTpi'] }), 200, {}, PRIVATE],
    ['response sets a cookie', request(), 200, { 'set-cookie': ['sid=1; Path=/'] }, PRIVATE],
    ['POST', request('POST'), 200, {}, PRIVATE],
    ['PUT', request('PUT'), 200, {}, PRIVATE],
    ['OPTIONS', request('OPTIONS'), 200, {}, PRIVATE],
    ...[203, 204, 300, 301, 404, 410].map((status): [string, HttpRequest, number, HeaderMap, string[]] =>
      [`status ${status}`, request(), status, {}, PUBLIC]),
    ...[206, 302, 303, 307, 308, 400, 401, 403, 500, 502, 503].map((status): [string, HttpRequest, number, HeaderMap, string[]] =>
      [`status ${status}`, request(), status, {}, PRIVATE]),
    ['PHP own header on an anonymous page', request(), 200, { 'cache-control': ['no-cache'] }, ['no-cache']],
    ['PHP own header on a logged-in page', request('GET', { cookie: ['wordpress_logged_in_x=y'] }), 200,
      { 'cache-control': ['public, max-age=300'] }, ['public, max-age=300']],
    ['PHP own header on a 302', request(), 302, { 'cache-control': ['max-age=5'] }, ['max-age=5']],
    ['PHP own header, several values, kept in order', request(), 200, { 'cache-control': ['no-cache', 'must-revalidate'] },
      ['no-cache', 'must-revalidate']],
    ['PHP own header in another case', request(), 200, { 'Cache-Control': ['no-cache'] }, ['no-cache']],
  ];

  it.each(cases)('%s', (_name, req, status, response, expected) => {
    expect(phpCacheControl(req, response, DEFAULT_CACHE, status)).toEqual(expected);
  });

  it('reads the status from a CGI status header when none is passed', () => {
    expect(phpCacheControl(request(), { status: ['302 Found'] }, DEFAULT_CACHE)).toEqual(PRIVATE);
    expect(phpCacheControl(request(), { status: ['404 Not Found'] }, DEFAULT_CACHE)).toEqual(PUBLIC);
    expect(phpCacheControl(request(), {}, DEFAULT_CACHE)).toEqual(PUBLIC);
  });

  it('takes each value from the configured policy', () => {
    const policy = { ...DEFAULT_CACHE, phpPublic: 'P', phpPrivate: 'X' };
    expect(phpCacheControl(request(), {}, policy, 200)).toEqual(['P']);
    expect(phpCacheControl(request('POST'), {}, policy, 200)).toEqual(['X']);
  });

  it('names the row that decided', () => {
    expect(phpRule(request('GET', { authorization: ['Bearer t'] }), 200, {}).name).toBe('authorization header');
    expect(phpRule(request(), 500, {}).name).toBe('status not shared-cacheable');
    expect(phpRule(request(), 200, {}).name).toBe('anonymous');
  });
});

describe('the policy table', () => {
  it('ends each section with a row that matches everything', () => {
    const staticRows = CACHE_POLICY.filter((r) => r.for === 'static');
    const phpRows = CACHE_POLICY.filter((r) => r.for === 'php');
    expect(staticRows.at(-1)?.name).toBe('static');
    expect(phpRows.at(-1)?.setting).toBe('phpPublic');
  });

  it('uses only settings that exist in CachePolicySettings', () => {
    for (const row of CACHE_POLICY) expect(Object.keys(DEFAULT_CACHE)).toContain(row.setting);
  });
});

describe('the anonymous pages\' default lifetime', () => {
  const root = { LAMPHP_DOCUMENT_ROOT: '/tmp' };
  const lambda = { ...root, AWS_LAMBDA_FUNCTION_NAME: 'site' };

  it('is a day, then stale while revalidating, in Lambda where lamphp invalidates CloudFront', () => {
    expect(readConfig(lambda).cache.phpPublic).toBe(INVALIDATED_PAGES_CACHE);
    expect(INVALIDATED_PAGES_CACHE).toMatch(/(^|, )s-maxage=86400(,|$)/);
    expect(INVALIDATED_PAGES_CACHE).toMatch(/stale-while-revalidate=\d+/);
    // Browsers still ask every time: only the shared cache keeps the page.
    expect(INVALIDATED_PAGES_CACHE).toMatch(/(^|, )max-age=0(,|$)/);
  });

  it('stays a minute where nothing invalidates the cache: invalidation off, or outside Lambda', () => {
    for (const off of ['false', 'off', '0', 'FALSE']) expect(readConfig({ ...lambda, LAMPHP_CDN_INVALIDATION: off }).cache.phpPublic).toBe(DEFAULT_CACHE.phpPublic);
    expect(readConfig(root).cache.phpPublic).toBe(DEFAULT_CACHE.phpPublic);
    expect(DEFAULT_CACHE.phpPublic).toBe('public, max-age=0, s-maxage=60');
  });

  it('is whatever LAMPHP_CACHE_PHP_PUBLIC says, when set', () => {
    expect(readConfig({ ...lambda, LAMPHP_CACHE_PHP_PUBLIC: 'public, s-maxage=5' }).cache.phpPublic).toBe('public, s-maxage=5');
    expect(readConfig({ ...root, LAMPHP_CACHE_PHP_PUBLIC: 'public, s-maxage=5' }).cache.phpPublic).toBe('public, s-maxage=5');
  });
});
