import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalisePath } from '../bridge/paths.ts';
import { route, type FileProbe, type Route, type RouterOptions } from '../bridge/router.ts';

const ROOT = '/srv/www';

/** A document root described as a list of files; directories are implied by their files. */
function fakeTree(files: string[], dirs: string[] = []): FileProbe {
  const fileSet = new Set(files.map((f) => path.join(ROOT, f)));
  const dirSet = new Set([ROOT, ...dirs.map((d) => path.join(ROOT, d))]);
  for (const f of fileSet) for (let d = path.dirname(f); d.startsWith(ROOT); d = path.dirname(d)) dirSet.add(d);
  return (p) => (fileSet.has(p) ? 'file' : dirSet.has(p) ? 'dir' : null);
}

const tree = fakeTree(
  [
    'index.php',
    'wp-login.php',
    'style.css',
    'Upper.PHP',
    'legacy.phtml',
    'café.txt',
    '%2e%2e',
    'wp-admin/index.php',
    'wp-admin/css/admin.css',
    'docs/index.html',
    'both/index.php',
    'both/index.html',
    'wp-content/uploads/2024/pic.jpg',
    'wp-content/uploads/x.php',
    'wp-content/uploads/index.php',
    '.well-known/acme-challenge/token',
    '.env',
    'wp-config.php',
    'x.php.bak',
    'composer.json',
  ],
  ['empty'],
);

const options: RouterOptions = {
  documentRoot: ROOT,
  frontController: 'index.php',
  uploadsDir: 'wp-content/uploads',
  probe: tree,
  realpath: (p) => p,
};

const php = (scriptName: string, pathInfo = ''): Route => ({
  kind: 'php',
  scriptName,
  scriptFilename: path.join(ROOT, scriptName),
  pathInfo,
});
const front = php('/index.php');
const file = (urlPath: string): Route => ({ kind: 'static', filePath: path.join(ROOT, urlPath), urlPath });
const redirect = (location: string): Route => ({ kind: 'redirect', status: 301, location });
const deny = (status: 403 | 404, reason: string): Route => ({ kind: 'deny', status, reason });
const bad = (reason: string): Route => ({ kind: 'bad', status: 400, reason });

describe('normalisePath', () => {
  it.each([
    ['/', '/', true],
    ['/a/b', '/a/b', false],
    ['/a/b/', '/a/b/', true],
    ['//a///b//', '/a/b/', true],
    ['/a/./b', '/a/b', false],
    ['/a/b/.', '/a/b/', true],
    ['/a/b/..', '/a/', true],
    ['/a/../b', '/b', false],
    ['/a/%2e%2e/b', '/b', false],
    ['/caf%C3%A9', '/café', false],
    ['/café', '/café', false],
    ['/%252e%252e', '/%2e%2e', false],
    ['/a%20b', '/a b', false],
  ])('%s → %s', (raw, expected, trailingSlash) => {
    expect(normalisePath(raw)).toMatchObject({ ok: true, path: expected, trailingSlash });
  });

  it.each([
    ['relative', 'not-absolute'],
    ['/..', 'above-root'],
    ['/a/../..', 'above-root'],
    ['/%2e%2e/x', 'above-root'],
    ['/a%00', 'nul-byte'],
    ['/a%2fb', 'encoded-slash'],
    ['/a%2Fb', 'encoded-slash'],
    ['/a%5cb', 'backslash'],
    ['/a\\b', 'backslash'],
    ['/%c0%ae', 'invalid-utf8'],
    ['/%c0%af', 'invalid-utf8'],
    ['/%e0%80%ae', 'invalid-utf8'],
    ['/%ff', 'invalid-utf8'],
    ['/%ed%a0%80', 'invalid-utf8'],
    ['/\ud800', 'invalid-utf8'],
    ['/%0a', 'control-character'],
    ['/%7f', 'control-character'],
    ['/%c2%85', 'control-character'],
    ['/a\tb', 'control-character'],
    ['/%', 'bad-percent-encoding'],
    ['/%zz', 'bad-percent-encoding'],
    ['/%2', 'bad-percent-encoding'],
  ])('rejects %j (%s)', (raw, reason) => {
    expect(normalisePath(raw)).toEqual({ ok: false, reason });
  });
});

describe('normalisePath on arbitrary input', () => {
  const piece = fc.constantFrom('/', '.', '..', '%2e', '%2E', '%2f', '%5c', '\\', '%00', '%c0%ae', '%25', 'a', 'é', '%c3%a9', '%', '~');
  const rawPath = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => '/' + parts.join(''));

  it('never yields a dot segment, an empty segment, a backslash or a control character', () => {
    fc.assert(
      fc.property(rawPath, (raw) => {
        const n = normalisePath(raw);
        if (!n.ok) return;
        expect(n.path.startsWith('/')).toBe(true);
        for (const s of n.segments) {
          expect(['', '.', '..']).not.toContain(s);
          expect(s).not.toMatch(/[\\/\u0000-\u001f\u007f-\u009f]/);
        }
        expect(normalisePath(n.path.replaceAll('%', '%25'))).toMatchObject({ ok: true, path: n.path });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encoded slashes on generated paths', () => {
  const word = fc.constantFrom('a', 'Talk:A', 'x y', 'é', '.x', 'x.', '%2e', '%2E%2e', '..', '.', 'b.php', '%25', '~');
  const slash = fc.constantFrom('%2F', '%2f');
  const info = fc.array(fc.tuple(word, fc.option(slash, { nil: undefined }), word), { minLength: 1, maxLength: 5 });
  const script = fc.constantFrom('/index.php', '/wp-admin/index.php');

  it('after a script: PATH_INFO is the decoded rest, with no dot segment; anywhere else: 400', () => {
    fc.assert(
      fc.property(script, info, fc.boolean(), (scriptPath, parts, before) => {
        const rest = parts.map(([a, s, b]) => a + (s ?? '') + b).join('/');
        const hasSlash = parts.some(([, s]) => s !== undefined);
        const p = (before ? '/docs%2F' + scriptPath.slice(1) : scriptPath) + '/' + rest;
        const r = route({ path: p, query: '' }, options);
        // Before the script nothing runs: refused (or denied by name first).
        if (before) return void expect(r.kind === 'php' && r.scriptName.startsWith('/docs/'), p).toBe(false);
        if (r.kind === 'bad') {
          // Refused only when a `%2F` sits beside a dot part, which could otherwise climb out of PATH_INFO.
          expect(hasSlash, p).toBe(true);
          return;
        }
        if (r.kind === 'deny') return; // a dot part after decoding: the usual dotfile rule
        expect(r.kind, p).toBe('php');
        if (r.kind !== 'php') return;
        if (hasSlash && !/(^|\/|%2[fF])(\.|%2[eE])/.test(rest)) expect(r.pathInfo, p).toBe('/' + decodeURIComponent(rest));
        const pieces = r.pathInfo.split('/').slice(1);
        for (const piece of pieces) expect(['.', '..']).not.toContain(piece);
        if (hasSlash) expect(r.scriptName).toBe(scriptPath);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('route (try_files $uri $uri/ /index.php?$args)', () => {
  it.each<[string, string, Route]>([
    // existing PHP files run
    ['/index.php', '', php('/index.php')],
    ['/wp-login.php', 'action=lostpassword', php('/wp-login.php')],
    ['/wp-admin/index.php', '', php('/wp-admin/index.php')],
    ['/Upper.PHP', '', php('/Upper.PHP')],
    // PATH_INFO after an existing script
    ['/index.php/extra/path', '', php('/index.php', '/extra/path')],
    ['/index.php/extra/path/', '', php('/index.php', '/extra/path/')],
    ['/index.php/', '', php('/index.php', '/')],
    ['/wp-admin/index.php/a%20b', '', php('/wp-admin/index.php', '/a b')],
    ['/index.php/../wp-login.php', '', php('/wp-login.php')],
    // static files
    ['/style.css', 'ver=1', file('/style.css')],
    ['/wp-admin/css/admin.css', '', file('/wp-admin/css/admin.css')],
    ['/caf%C3%A9.txt', '', file('/café.txt')],
    ['/wp-content/uploads/2024/pic.jpg', '', file('/wp-content/uploads/2024/pic.jpg')],
    ['/.well-known/acme-challenge/token', '', file('/.well-known/acme-challenge/token')],
    ['/%252e%252e', '', file('/%2e%2e')],
    // a file is not a directory
    ['/style.css/', '', front],
    // directories: redirect, then index.php, index.html, front controller
    ['/wp-admin', '', redirect('/wp-admin/')],
    ['/wp-admin', 'a=1&b=2', redirect('/wp-admin/?a=1&b=2')],
    ['//wp-admin', '', redirect('/wp-admin/')],
    ['/./docs', '', redirect('/docs/')],
    ['/wp-admin/', '', php('/wp-admin/index.php')],
    ['/docs/', '', file('/docs/index.html')],
    ['/both/', '', php('/both/index.php')],
    ['/empty/', 'x=1', front],
    ['/', '', php('/index.php')],
    ['', '', bad('not-absolute')],
    // everything else goes to the front controller
    ['/hello-world/', '', front],
    ['/2024/01/post', 'p=1', front],
    ['/missing.php', '', front],
    ['/missing.php/extra', '', front],
    ['/%2e%2e%2fetc/passwd', '', bad('encoded-slash')],
    // `%2F` after a script is PATH_INFO, decoded as nginx passes it; before or inside the script, refused
    ['/index.php/Talk%3AA%2FB', '', php('/index.php', '/Talk:A/B')],
    ['/index.php/a%2Fb/c%2f', '', php('/index.php', '/a/b/c/')],
    ['/wp-admin/index.php/x%2Fy/', '', php('/wp-admin/index.php', '/x/y/')],
    ['/index.php/a%2F..%2F..%2Fwp-config.php', '', bad('encoded-slash')],
    ['/index.php/%2e%2e%2Fx', '', bad('encoded-slash')],
    ['/index.php%2Fx', '', bad('encoded-slash')],
    ['/wp-admin%2Findex.php', '', bad('encoded-slash')],
    ['/style.css%2F', '', bad('encoded-slash')],
    ['/hello%2Fworld/', '', bad('encoded-slash')],
    ['/missing.php/a%2Fb', '', bad('encoded-slash')],
    // deny rules run before any existence check
    ['/.env', '', deny(404, 'dotfile')],
    ['/.git/config', '', deny(404, 'dotfile')],
    ['/.htaccess', '', deny(404, 'dotfile')],
    ['/.env.', '', deny(404, 'dotfile')],
    ['/.well-known/.secret', '', deny(404, 'dotfile')],
    ['/a/.well-known/x', '', deny(404, 'dotfile')],
    ['/wp-config.php', '', deny(404, 'wp-config')],
    ['/WP-Config.PHP', '', deny(404, 'wp-config')],
    ['/sub/wp-config.php', '', deny(404, 'wp-config')],
    ['/wp-config.php.bak', '', deny(404, 'wp-config')],
    ['/wp-config.php.', '', deny(404, 'wp-config')],
    ['/x.php.bak', '', deny(404, 'php-source-copy')],
    ['/x.php~', '', deny(404, 'php-source-copy')],
    ['/dump.sql', '', deny(404, 'backup-or-log')],
    ['/dump.SQL.GZ', '', deny(404, 'backup-or-log')],
    ['/wp-content/debug.log', '', deny(404, 'backup-or-log')],
    ['/a.swp', '', deny(404, 'backup-or-log')],
    ['/a.old', '', deny(404, 'backup-or-log')],
    ['/a.orig', '', deny(404, 'backup-or-log')],
    ['/backups.old/site.zip', '', deny(404, 'backup-or-log')],
    ['/error_log', '', deny(404, 'backup-or-log')],
    ['/composer.json', '', deny(404, 'composer')],
    ['/vendor/composer.lock', '', deny(404, 'composer')],
    ['/wp-content/uploads/x.php', '', deny(403, 'php-in-uploads')],
    ['/wp-content/uploads/x.PHP', '', deny(403, 'php-in-uploads')],
    ['/WP-Content/Uploads/x.php', '', deny(403, 'php-in-uploads')],
    ['/wp-content/uploads/a/b.phtml', '', deny(403, 'php-in-uploads')],
    ['/wp-content/uploads/a/b.phar', '', deny(403, 'php-in-uploads')],
    ['/wp-content/uploads/a/b.php7', '', deny(403, 'php-in-uploads')],
    ['/wp-content/uploads/shell.php.jpg', '', deny(403, 'php-in-uploads')],
    ['/wp-content/uploads/x.php/extra', '', deny(403, 'php-in-uploads')],
    ['/wp-content/uploads/', '', deny(403, 'php-in-uploads')],
    // PHP source is never served as a static file
    ['/legacy.phtml', '', deny(404, 'script-source')],
  ])('%j ?%s', (p, query, expected) => {
    expect(route({ path: p, query }, options)).toEqual(expected);
  });

  it('answers 404 when the front controller is missing', () => {
    const bare = { ...options, probe: fakeTree(['style.css']) };
    expect(route({ path: '/anything', query: '' }, bare)).toEqual(deny(404, 'no-front-controller'));
    expect(route({ path: '/', query: '' }, bare)).toEqual(deny(404, 'no-front-controller'));
  });

  it('honours another front controller', () => {
    const custom = { ...options, frontController: 'wp-admin/index.php' };
    expect(route({ path: '/nowhere', query: '' }, custom)).toEqual(php('/wp-admin/index.php'));
  });

  it('keeps a redirect Location a same-origin path with a header-safe query', () => {
    const r = route({ path: '/wp-admin', query: 'q=a b\r\nX: y' }, options);
    expect(r).toEqual(redirect('/wp-admin/?q=a%20b%0D%0AX:%20y'));
  });
});

describe('route on a real tree (traversal corpus)', () => {
  let base: string;
  let root: string;
  let realOptions: RouterOptions;
  const corpus = fs
    .readFileSync(path.join(import.meta.dirname, 'fixtures/traversal-corpus.txt'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

  // Literal names that exist nowhere: the front controller answering them is harmless.
  const fallsThrough = new Set([
    '//etc/passwd',
    '///etc/passwd',
    '/%252e%252e/sentinel.txt',
    '/%252e%252e%252fsentinel.txt',
    '/%ef%bc%8e%ef%bc%8e/sentinel.txt',
    '/%e2%80%a4%e2%80%a4/sentinel.txt',
    '/．．/sentinel.txt',
  ]);

  // Symlinks out of the root: what is there does not exist for the router (same answer as absent).
  const outsideTheRoot = new Set(corpus.filter((line) => /^\/link-(out|dir-out)\b/.test(line)));

  beforeAll(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-router-')));
    root = path.join(base, 'root');
    const write = (rel: string, text = rel) => {
      fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
      fs.writeFileSync(path.join(base, rel), text);
    };
    write('sentinel.txt', 'OUTSIDE');
    for (const f of [
      'index.php',
      'static.txt',
      '.env',
      '.htaccess',
      '.git/config',
      '.git/HEAD',
      'wp-config.php',
      'x.php.bak',
      'composer.json',
      'dump.sql',
      'wp-content/debug.log',
      'wp-content/uploads/x.php',
      'wp-content/uploads/pic.jpg',
      'wp-content/uploads/a/b.phtml',
    ]) {
      write(`root/${f}`);
    }
    fs.symlinkSync('../sentinel.txt', path.join(root, 'link-out.txt'));
    fs.symlinkSync('.env', path.join(root, 'link-env.txt'));
    fs.symlinkSync('..', path.join(root, 'link-dir-out'));
    fs.symlinkSync('../../wp-config.php', path.join(root, 'wp-content/uploads/link-config.jpg'));
    fs.symlinkSync('x.php', path.join(root, 'wp-content/uploads/link-php.jpg'));
    fs.symlinkSync('wp-content/uploads/x.php', path.join(root, 'runme.php'));
    fs.symlinkSync('loop', path.join(root, 'loop'));
    realOptions = { documentRoot: root, frontController: 'index.php', uploadsDir: 'wp-content/uploads' };
  });

  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  const secrets = () =>
    new Set(
      [
        '../sentinel.txt',
        '.env',
        '.htaccess',
        '.git/config',
        '.git/HEAD',
        'wp-config.php',
        'x.php.bak',
        'composer.json',
        'dump.sql',
        'wp-content/debug.log',
        'wp-content/uploads/x.php',
        'wp-content/uploads/a/b.phtml',
      ].map((f) => path.join(root, f)),
    );

  function target(r: Route): string | undefined {
    if (r.kind === 'static') return fs.realpathSync(r.filePath);
    if (r.kind === 'php') return fs.realpathSync(r.scriptFilename);
    return undefined;
  }

  it('has at least 40 hostile paths', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  it.each(corpus.map((line) => [line]))('%s never reaches a secret or leaves the root', (line) => {
    const r = route({ path: line, query: '' }, realOptions);
    const t = target(r);
    if (t !== undefined) {
      expect(secrets().has(t)).toBe(false);
      expect(path.relative(root, t).startsWith('..')).toBe(false);
    }
    if (r.kind === 'redirect') expect(r.location).toMatch(/^\/(?!\/)/);
    if (fallsThrough.has(line) || outsideTheRoot.has(line)) expect(r).toEqual({ ...php('/index.php'), scriptFilename: path.join(root, 'index.php') });
    else expect(['deny', 'bad']).toContain(r.kind);
  });

  it.each([['/link-out.txt'], ['/link-dir-out/sentinel.txt'], ['/link-dir-out/absent.txt'], ['/link-dir-out/'], ['/link-dir-out']])(
    'treats %s, which resolves outside the root, as missing: the front controller answers present and absent alike',
    (p) => {
      expect(route({ path: p, query: '' }, realOptions)).toEqual({ ...php('/index.php'), scriptFilename: path.join(root, 'index.php') });
    },
  );

  it.each<[string, Route['kind'], string]>([
    ['/link-env.txt', 'deny', 'dotfile'],
    ['/wp-content/uploads/link-config.jpg', 'deny', 'wp-config'],
    ['/wp-content/uploads/link-php.jpg', 'deny', 'php-in-uploads'],
    ['/runme.php', 'deny', 'php-in-uploads'],
  ])('follows the symlink %s and still denies it', (p, kind, reason) => {
    expect(route({ path: p, query: '' }, realOptions)).toMatchObject({ kind, reason });
  });

  it.each([['/' + 'a'.repeat(5000)], ['/static.txt/x'], ['/loop/x']])('treats an unreachable name (%s) as missing', (p) => {
    expect(route({ path: p, query: '' }, realOptions)).toMatchObject({ kind: 'php', scriptName: '/index.php' });
  });

  it('serves ordinary files and runs ordinary scripts from the real tree', () => {
    expect(route({ path: '/static.txt', query: '' }, realOptions)).toEqual({
      kind: 'static',
      filePath: path.join(root, 'static.txt'),
      urlPath: '/static.txt',
    });
    expect(route({ path: '/wp-content/uploads/pic.jpg', query: '' }, realOptions)).toMatchObject({ kind: 'static' });
    expect(route({ path: '/index.php/x', query: '' }, realOptions)).toEqual({
      kind: 'php',
      scriptName: '/index.php',
      scriptFilename: path.join(root, 'index.php'),
      pathInfo: '/x',
    });
    expect(route({ path: '/wp-content', query: 'a=1' }, realOptions)).toEqual({
      kind: 'redirect',
      status: 301,
      location: '/wp-content/?a=1',
    });
  });
});
