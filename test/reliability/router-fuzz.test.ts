/**
 * The router against a real document root full of traps — symlinks out of the root, to
 * secrets, to PHP under uploads, to themselves — and tens of thousands of generated paths built
 * from the tree's own names, dot segments in every spelling, and noise. Properties: the router
 * never throws; whatever it serves or runs resolves (symlinks followed) inside the root and is
 * never a secret (what resolves outside the root is missing to the router); redirects stay
 * same-origin and header-safe. (test/router.test.ts holds the
 * fixed traversal corpus; this is its generated counterpart.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denyRule, route, type Route, type RouterOptions } from '../../bridge/router.ts';

const RUNS = 10_000;

describe('router on a real tree with symlinks, generated paths', () => {
  let base: string;
  let root: string;
  let realRoot: string;
  let options: RouterOptions;
  const secrets = new Set<string>();

  beforeAll(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-router-fuzz-')));
    root = path.join(base, 'root');
    const write = (rel: string, text = rel) => {
      fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
      fs.writeFileSync(path.join(base, rel), text);
    };
    write('outside.txt');
    write('outside/secret.php');
    for (const f of ['index.php', 'a.txt', 'dir/index.html', 'dir/sub/x.php', 'wp-content/uploads/p.jpg', 'wp-content/themes/t/style.css']) write(`root/${f}`);
    for (const f of ['.env', '.git/config', 'wp-config.php', 'wp-config.php.bak', 'db.sql', 'composer.lock', 'wp-content/uploads/evil.php', 'wp-content/uploads/y.phtml', 'wp-content/debug.log']) {
      write(`root/${f}`);
      secrets.add(path.join(root, f));
    }
    secrets.add(path.join(base, 'outside.txt'));
    secrets.add(path.join(base, 'outside/secret.php'));
    const link = (target: string, at: string) => fs.symlinkSync(target, path.join(root, at));
    link('../outside.txt', 'out.txt');
    link('../outside', 'outdir');
    link('..', 'up');
    link('/', 'slash');
    link('.env', 'env.txt');
    link('wp-config.php', 'cfg.txt');
    link('../../wp-config.php', 'wp-content/uploads/cfg.jpg');
    link('evil.php', 'wp-content/uploads/evil.jpg');
    link('wp-content/uploads/evil.php', 'run.php');
    link('../outside/secret.php', 'remote.php');
    link('dir', 'dirlink');
    link('self', 'self');
    link('missing', 'dangling.txt');
    realRoot = fs.realpathSync(root);
    options = { documentRoot: root, frontController: 'index.php', uploadsDir: 'wp-content/uploads' };
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  const names = fc.constantFrom(
    'index.php', 'a.txt', 'dir', 'sub', 'x.php', 'index.html', 'wp-content', 'uploads', 'themes', 't', 'style.css', 'p.jpg',
    '.env', '.git', 'config', 'wp-config.php', 'wp-config.php.bak', 'db.sql', 'composer.lock', 'evil.php', 'y.phtml', 'debug.log',
    'out.txt', 'outdir', 'up', 'slash', 'env.txt', 'cfg.txt', 'cfg.jpg', 'evil.jpg', 'run.php', 'remote.php', 'dirlink', 'self',
    'dangling.txt', 'outside.txt', 'secret.php', 'etc', 'passwd', '.well-known',
  );
  const dots = fc.constantFrom('..', '.', '%2e%2e', '%2E.', '.%2e', '%2e', '%252e%252e', '%c0%ae%c0%ae', '..%00', '%2e%2e%2f', '..\\', '..;', '...', '. .', '.. ');
  const noise = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('%00', '%2f', '%5c', '%0d%0a', '%', '%zz', '//', '\u0000', '\r\n', '?', '#', '%3f', '~', 'é', '%c3%a9', '%ff', ' '),
  );
  const suffix = fc.constantFrom('', '', '', '.', ' ', '%20', '::$DATA', '/', '.bak', '~', '%00.jpg', '/x', '/..');
  const segment = fc.tuple(fc.oneof({ arbitrary: names, weight: 6 }, { arbitrary: dots, weight: 3 }, { arbitrary: noise, weight: 1 }), suffix).map(([a, b]) => a + b);
  const randomPath = fc.tuple(fc.array(segment, { maxLength: 8 }), fc.constantFrom('', '/', '//')).map(([segs, end]) => '/' + segs.join('/') + end);
  // Real paths of the tree (symlinks included), then detours, dot segments and percent-encoding.
  const known = fc.constantFrom(
    'a.txt', 'index.php', 'dir/index.html', 'dir/sub/x.php', 'dir/sub', 'dirlink/sub/x.php', 'dirlink/index.html', 'wp-content/uploads/p.jpg',
    'wp-content/themes/t/style.css', 'out.txt', 'outdir/secret.php', 'up/outside.txt', 'up/root/.env', 'up/root/a.txt', 'slash/etc/passwd',
    'env.txt', 'cfg.txt', 'wp-content/uploads/cfg.jpg', 'wp-content/uploads/evil.jpg', 'run.php', 'remote.php', 'self/x', 'dangling.txt',
    '.env', 'wp-config.php', 'wp-content/uploads/evil.php', 'dir/sub/x.php/extra/info', 'index.php/a/b/',
    'dir', 'dirlink', 'wp-content', 'wp-content/uploads', 'dir/sub', 'outdir', 'up', 'slash',
    'dirlink/sub', 'wp-content/themes', 'wp-content/themes/t',
  );
  const detour = fc.constantFrom('zz/..', '.', '%2e', 'dir/..', 'up/..', '..', '%2e%2e', 'x/%2e%2e', '');
  const encodeSome = (text: string, mask: number[]) =>
    [...text].map((ch, i) => (mask[i % mask.length]! === 1 && ch !== '/' ? '%' + ch.charCodeAt(0).toString(16).padStart(2, '0') : ch)).join('');
  const knownPath = fc
    .tuple(known, fc.array(fc.tuple(fc.nat(), detour), { maxLength: 3 }), fc.array(fc.constantFrom(0, 0, 0, 1), { minLength: 1, maxLength: 16 }), suffix)
    .map(([p, detours, mask, end]) => {
      const segs = p.split('/');
      for (const [at, d] of detours) if (d) segs.splice(at % (segs.length + 1), 0, d);
      return '/' + encodeSome(segs.join('/'), mask) + end;
    });
  // Directories inside the root without their slash: the redirects (outside ones are missing).
  const bareDir = fc.constantFrom('/dir', '/dirlink', '/dir/sub', '/dirlink/sub', '/wp-content', '/wp-content/themes/t', '/x/../dir');
  const rawPath = fc.oneof({ arbitrary: randomPath, weight: 10 }, { arbitrary: knownPath, weight: 10 }, { arbitrary: bareDir, weight: 1 });

  function resolved(r: Route): string | undefined {
    const file = r.kind === 'static' ? r.filePath : r.kind === 'php' ? r.scriptFilename : undefined;
    return file === undefined ? undefined : fs.realpathSync(file);
  }

  it(`never throws, never serves or runs anything outside the root or secret (${RUNS} generated paths)`, () => {
    const kinds: Record<string, number> = {};
    fc.assert(
      fc.property(rawPath, fc.constantFrom('', 'a=1', 'x=%0d%0aSet-Cookie:%20a=b', 'q=\r\nX: y'), (p, query) => {
        const r = route({ path: p, query }, options);
        kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
        const target = resolved(r);
        if (target !== undefined) {
          const rel = path.relative(realRoot, target);
          expect(rel.startsWith('..') || path.isAbsolute(rel), `${p} → ${target}`).toBe(false);
          expect(secrets.has(target), `${p} → ${target}`).toBe(false);
          // Whatever the symlinks, the real file passes the same deny rules as a requested one.
          expect(denyRule(rel.split(path.sep), { uploadsDir: options.uploadsDir, file: true }), `${p} → ${target}`).toBeNull();
          if (r.kind === 'static') expect(r.filePath.toLowerCase().endsWith('.php')).toBe(false);
        }
        if (r.kind === 'redirect') {
          expect(r.location).toMatch(/^\/(?![/\\])/);
          expect(r.location).not.toMatch(/[\s\u0000-\u001f\u007f]/);
        }
        if (r.kind === 'bad') expect(r.status).toBe(400);
        if (r.kind === 'deny') expect([403, 404]).toContain(r.status);
      }),
      { numRuns: RUNS },
    );
    // The generator must keep reaching every outcome, or the property proves little.
    for (const kind of ['static', 'php', 'redirect', 'deny', 'bad']) expect(kinds[kind] ?? 0, kind).toBeGreaterThan(RUNS / 100);
  });

  it('still serves the ordinary files, through a symlinked directory too', () => {
    expect(route({ path: '/a.txt', query: '' }, options)).toMatchObject({ kind: 'static' });
    expect(route({ path: '/dirlink/sub/x.php', query: '' }, options)).toMatchObject({ kind: 'php', scriptName: '/dirlink/sub/x.php' });
    expect(route({ path: '/dir/', query: '' }, options)).toMatchObject({ kind: 'static', urlPath: '/dir/index.html' });
  });
});
