/**
 * WordPress preparation: finding a source tree, building a site from it, wp-config.php,
 * salts, and driving the installer. Uses Debian's WordPress unpacked by
 * scripts/system-packages.js and a local HTTP server in place of wordpress.org.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../bridge/http.ts';
import { memoryLogger } from '../bridge/log.ts';
import {
  dbSettingsFromEnv,
  generatePassword,
  homeFromEnv,
  installWordPress,
  loadOrCreateSalts,
  phpLiteral,
  prepareSite,
  readWordPressVersion,
  renderWpConfig,
  cookieHash,
  personalCookieNames,
  resolveWordPressSource,
  REPO_DEBIAN_ROOT,
  SALT_NAMES,
  type DbSettings,
} from '../bridge/wordpress/index.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const debianWordPress = path.join(REPO_DEBIAN_ROOT, 'usr/share/wordpress');
const logger = memoryLogger('warn');

let tmp: string;
let debianVersion: string;
let zipBytes: Uint8Array;
let server: http.Server;
let base: string;
const hits: Record<string, number> = {};

/**
 * Reads a PHP string expression made of single-quoted literals joined by `. "\0" .`, as PHP's
 * lexer would, starting at `start`. Returns the string and where the expression ends.
 */
function readPhpString(text: string, start = 0): { value: string; end: number } {
  let value = '';
  let i = start;
  const take = (token: string) => {
    if (!text.startsWith(token, i)) throw new Error(`expected ${token} at ${i} in ${text.slice(start, start + 80)}`);
    i += token.length;
  };
  for (;;) {
    take("'");
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`unterminated literal: ${text.slice(start, start + 80)}`);
      if (c === "'") break;
      if (c === '\\' && (text[i + 1] === '\\' || text[i + 1] === "'")) {
        value += text[i + 1];
        i += 2;
      } else {
        value += c;
        i += 1;
      }
    }
    take("'");
    if (!text.startsWith(' . "\\0" . ', i)) return { value, end: i };
    take(' . "\\0" . ');
    value += '\0';
  }
}

/** The whole of `expr` must be one PHP string expression. */
function decodePhp(expr: string): string {
  const { value, end } = readPhpString(expr);
  if (end !== expr.length) throw new Error(`trailing text after the string: ${expr.slice(end)}`);
  return value;
}

/** The PHP expression a `define( 'NAME', … );` of a rendered wp-config.php gives NAME. */
function defined(config: string, name: string): string | undefined {
  const head = `\ndefine( '${name}', `;
  const at = config.indexOf(head);
  if (at < 0) return undefined;
  const start = at + head.length;
  const end = config[start] === "'" ? readPhpString(config, start).end : config.indexOf(' );', start);
  expect(config.startsWith(' );\n', end)).toBe(true); // the statement closes right after the value
  return config.slice(start, end);
}

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else out.push(r);
  }
  return out;
}

/** Path → mtime, size and content hash of every entry, to prove a second run changed nothing. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const rel of await filesUnder(dir)) {
    const p = path.join(dir, rel);
    const stat = await fs.lstat(p);
    const hash = createHash('sha1').update(await fs.readFile(p)).digest('hex');
    map.set(rel, `${stat.mtimeMs} ${stat.size} ${hash}`);
  }
  return map;
}

/** A small WordPress zip: enough of Debian's tree to pass the version check. */
async function wordpressZip(prefix: string): Promise<Uint8Array> {
  const files: Zippable = {};
  for (const rel of ['wp-includes/version.php', 'index.php', 'wp-settings.php', 'wp-load.php', 'wp-blog-header.php']) {
    files[`${prefix}${rel}`] = new Uint8Array(await fs.readFile(path.join(debianWordPress, rel)));
  }
  files[`${prefix}wp-content/themes/twentytwentythree/style.css`] = new TextEncoder().encode('/* Theme Name: T */');
  return zipSync(files, { level: 1 });
}

async function withoutDebian(name: string) {
  return { cacheDir: path.join(tmp, name), logger, debianRoots: [] as string[] };
}

beforeAll(async () => {
  if (!existsSync(path.join(debianWordPress, 'wp-includes/version.php'))) {
    execFileSync(process.execPath, [path.join(repo, 'scripts/system-packages.js'), '--wordpress-only'], { stdio: 'inherit' });
  }
  debianVersion = (await readWordPressVersion(debianWordPress))!;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'lamphp-wp-prep-'));
  zipBytes = await wordpressZip('wordpress/');
  server = http.createServer((req, res) => {
    hits[req.url!] = (hits[req.url!] ?? 0) + 1;
    if (req.url?.startsWith('/latest.zip')) {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zipBytes.byteLength });
      // Several chunks, so progress is reported more than once.
      const half = Math.floor(zipBytes.byteLength / 2);
      res.write(zipBytes.subarray(0, half));
      setTimeout(() => res.end(zipBytes.subarray(half)), 5);
    } else if (req.url === '/not-a-zip') {
      res.end('<html>maintenance</html>');
    } else if (req.url === '/truncated.zip') {
      res.writeHead(200, { 'content-length': zipBytes.byteLength });
      res.write(zipBytes.subarray(0, 100), () => res.destroy());
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('resolveWordPressSource', () => {
  it('downloads the zip when there is no argument, cache or Debian copy, reporting progress', async () => {
    const progress: [number, number | undefined][] = [];
    const source = await resolveWordPressSource({
      ...(await withoutDebian('cache-dl')),
      downloadUrl: `${base}/latest.zip`,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(source.origin).toBe('download');
    expect(source.version).toBe(debianVersion);
    // The top-level wordpress/ folder of the zip is not part of the tree.
    expect(existsSync(path.join(source.dir, 'wp-includes/version.php'))).toBe(true);
    expect(existsSync(path.join(source.dir, 'wordpress'))).toBe(false);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([zipBytes.byteLength, zipBytes.byteLength]);
    expect(hits['/latest.zip']).toBe(1);
  });

  it('uses the cached copy on the next run without contacting the server', async () => {
    const source = await resolveWordPressSource({ ...(await withoutDebian('cache-dl')), downloadUrl: `${base}/latest.zip` });
    expect(source.origin).toBe('cache');
    expect(source.version).toBe(debianVersion);
    expect(hits['/latest.zip']).toBe(1);
  });

  it('prefers Debian\'s WordPress to a download', async () => {
    const source = await resolveWordPressSource({
      cacheDir: path.join(tmp, 'cache-debian'),
      logger,
      debianRoots: [REPO_DEBIAN_ROOT],
      downloadUrl: `${base}/latest.zip?debian`,
    });
    expect(source).toEqual({ dir: debianWordPress, origin: 'debian', version: debianVersion });
    expect(hits['/latest.zip?debian']).toBeUndefined();
  });

  it('fails with EWPDOWNLOAD naming the URL and --wordpress when the server cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/latest.zip`;
    const failure = resolveWordPressSource({ ...(await withoutDebian('cache-offline')), downloadUrl: url });
    await expect(failure).rejects.toMatchObject({ code: 'EWPDOWNLOAD' });
    await expect(failure).rejects.toThrow(url);
    await expect(failure).rejects.toThrow('--wordpress');
  });

  it('fails with EWPDOWNLOAD on an HTTP error status', async () => {
    const failure = resolveWordPressSource({ ...(await withoutDebian('cache-404')), downloadUrl: `${base}/gone.zip` });
    await expect(failure).rejects.toMatchObject({ code: 'EWPDOWNLOAD', message: expect.stringContaining('HTTP 404') });
  });

  it('fails with EWPDOWNLOAD on a transfer that breaks off, and caches nothing', async () => {
    const options = { ...(await withoutDebian('cache-cut')), downloadUrl: `${base}/truncated.zip` };
    await expect(resolveWordPressSource(options)).rejects.toMatchObject({ code: 'EWPDOWNLOAD' });
    expect(await fs.readdir(options.cacheDir).catch(() => [])).toEqual([]);
  });

  it('fails with EWPDOWNLOAD when the download is not a zip, and does not keep it', async () => {
    const options = { ...(await withoutDebian('cache-html')), downloadUrl: `${base}/not-a-zip` };
    await expect(resolveWordPressSource(options)).rejects.toMatchObject({ code: 'EWPDOWNLOAD' });
    expect((await fs.readdir(options.cacheDir)).filter((n) => n.endsWith('.zip'))).toEqual([]);
  });

  it('takes --wordpress as a directory', async () => {
    const source = await resolveWordPressSource({ ...(await withoutDebian('cache-arg')), wordpress: debianWordPress });
    expect(source).toEqual({ dir: debianWordPress, origin: 'argument', version: debianVersion });
  });

  it('takes --wordpress as a zip, with or without the top-level wordpress/ folder', async () => {
    for (const prefix of ['wordpress/', '']) {
      const zipFile = path.join(tmp, `arg-${prefix ? 'nested' : 'flat'}.zip`);
      await fs.writeFile(zipFile, await wordpressZip(prefix));
      const source = await resolveWordPressSource({ ...(await withoutDebian('cache-arg')), wordpress: zipFile });
      expect(source.origin).toBe('argument');
      expect(source.version).toBe(debianVersion);
      expect(existsSync(path.join(source.dir, 'wp-includes/version.php'))).toBe(true);
      expect(existsSync(path.join(source.dir, 'index.php'))).toBe(true);
    }
  });

  it('fails with EWPMISSING when --wordpress names nothing', async () => {
    const failure = resolveWordPressSource({ ...(await withoutDebian('cache-arg')), wordpress: path.join(tmp, 'nope.zip') });
    await expect(failure).rejects.toMatchObject({ code: 'EWPMISSING', message: expect.stringContaining('nope.zip') });
  });

  it('fails with EWPBROKEN for a directory or zip without wp-includes/version.php', async () => {
    const dir = path.join(tmp, 'not-wordpress');
    await fs.mkdir(path.join(dir, 'wp-includes'), { recursive: true });
    await fs.writeFile(path.join(dir, 'index.php'), '<?php');
    await expect(resolveWordPressSource({ ...(await withoutDebian('cache-arg')), wordpress: dir })).rejects.toMatchObject({
      code: 'EWPBROKEN',
      message: expect.stringContaining('wp-includes/version.php'),
    });
    const zipFile = path.join(tmp, 'not-wordpress.zip');
    await fs.writeFile(zipFile, zipSync({ 'wordpress/index.php': new TextEncoder().encode('<?php') }));
    await expect(resolveWordPressSource({ ...(await withoutDebian('cache-arg')), wordpress: zipFile })).rejects.toMatchObject({
      code: 'EWPBROKEN',
    });
  });
});

describe('prepareSite', () => {
  const sqlite: DbSettings = { kind: 'sqlite' };

  it('copies Debian\'s WordPress with every symlink resolved and installs the SQLite drop-in', async () => {
    const siteDir = path.join(tmp, 'site-debian');
    const result = await prepareSite({ source: debianWordPress, siteDir, db: sqlite, logger });
    expect(result).toEqual({ siteDir, created: true });

    const links: string[] = [];
    for (const rel of await filesUnder(siteDir)) if ((await fs.lstat(path.join(siteDir, rel))).isSymbolicLink()) links.push(rel);
    expect(links).toEqual([]);
    // Debian links these out of its tree; the site holds the real content.
    expect(await fs.readFile(path.join(siteDir, 'wp-includes/js/underscore.min.js'))).toEqual(
      await fs.readFile(path.join(REPO_DEBIAN_ROOT, 'usr/share/javascript/underscore/underscore.min.js')),
    );
    expect((await fs.stat(path.join(siteDir, 'wp-includes/ID3/getid3.php'))).size).toBeGreaterThan(1000);

    const themes = (await fs.readdir(path.join(debianWordPress, 'wp-content/themes'))).filter((n) => n.startsWith('twenty'));
    expect(themes.length).toBeGreaterThan(0);
    for (const theme of themes) expect(existsSync(path.join(siteDir, 'wp-content/themes', theme, 'style.css'))).toBe(true);
    expect(existsSync(path.join(siteDir, 'wp-content/plugins/sqlite-database-integration/load.php'))).toBe(true);
    const dropIn = await fs.readFile(path.join(siteDir, 'wp-content/db.php'), 'utf8');
    expect(dropIn).toContain("$sqlite_plugin_implementation_folder_path = __DIR__ . '/plugins/sqlite-database-integration';");
    expect(dropIn).toContain("activate_plugin( 'sqlite-database-integration/load.php'");
    expect(dropIn).not.toContain('{SQLITE_');
    expect((await fs.stat(path.join(siteDir, 'wp-content/database'))).isDirectory()).toBe(true);
    expect((await fs.stat(path.join(siteDir, 'wp-content/uploads'))).isDirectory()).toBe(true);

    const config = await fs.readFile(path.join(siteDir, 'wp-config.php'), 'utf8');
    expect(config).not.toContain('/etc/wordpress'); // Debian's loader was replaced
    expect(defined(config, 'DB_FILE')).toBe("'.ht.sqlite'");
    const salts = JSON.parse(await fs.readFile(path.join(siteDir, 'wp-content/.ht.lamphp-salts.json'), 'utf8'));
    expect(decodePhp(defined(config, 'AUTH_KEY')!)).toBe(salts.AUTH_KEY);
    expect((await fs.readdir(siteDir)).filter((n) => n.startsWith('.lamphp-staging'))).toEqual([]);
  });

  it('leaves an existing site exactly as it is', async () => {
    const siteDir = path.join(tmp, 'site-debian');
    const before = await snapshot(siteDir);
    const result = await prepareSite({ source: debianWordPress, siteDir, db: { kind: 'mysql', host: 'h', name: 'n', user: 'u', password: 'p' }, logger });
    expect(result).toEqual({ siteDir, created: false });
    expect(await snapshot(siteDir)).toEqual(before);
  });

  it('refuses a directory that is neither empty nor a site', async () => {
    const siteDir = path.join(tmp, 'site-occupied');
    await fs.mkdir(siteDir, { recursive: true });
    await fs.writeFile(path.join(siteDir, 'notes.txt'), 'mine');
    await expect(prepareSite({ source: debianWordPress, siteDir, db: sqlite, logger })).rejects.toMatchObject({
      code: 'EWPSITE',
    });
    expect(await fs.readdir(siteDir)).toEqual(['notes.txt']);
  });

  /** A tiny Debian-like root: WordPress in usr/share/wordpress linking out of itself. */
  async function fakeDebianSource(name: string, { themes = false } = {}): Promise<{ root: string; source: string }> {
    const root = path.join(tmp, name);
    const source = path.join(root, 'usr/share/wordpress');
    await fs.mkdir(path.join(source, 'wp-includes/js'), { recursive: true });
    await fs.mkdir(path.join(source, 'wp-content/themes'), { recursive: true });
    await fs.copyFile(path.join(debianWordPress, 'wp-includes/version.php'), path.join(source, 'wp-includes/version.php'));
    await fs.writeFile(path.join(source, 'index.php'), '<?php require __DIR__ . "/wp-blog-header.php";');
    await fs.mkdir(path.join(root, 'usr/share/javascript/lib/sub'), { recursive: true });
    await fs.writeFile(path.join(root, 'usr/share/javascript/lib/a.js'), 'relative');
    await fs.writeFile(path.join(root, 'usr/share/javascript/lib/sub/b.js'), 'in a linked folder');
    await fs.writeFile(path.join(root, 'usr/share/javascript/abs.js'), 'absolute, inside the root');
    await fs.symlink('../../../javascript/lib/a.js', path.join(source, 'wp-includes/js/a.js'));
    await fs.symlink('../../../javascript/lib', path.join(source, 'wp-includes/js/lib'));
    await fs.symlink('/usr/share/javascript/abs.js', path.join(source, 'wp-includes/js/abs.js'));
    if (themes) {
      await fs.mkdir(path.join(source, 'wp-content/themes/own'), { recursive: true });
      await fs.writeFile(path.join(source, 'wp-content/themes/own/style.css'), '/* Theme Name: Own */');
    }
    return { root, source };
  }

  async function fakeThemeRoot(): Promise<string> {
    const root = path.join(tmp, 'theme-root');
    const theme = path.join(root, 'usr/share/wordpress/wp-content/themes/twentytwentythree');
    await fs.mkdir(theme, { recursive: true });
    await fs.writeFile(path.join(theme, 'style.css'), '/* Theme Name: Twenty Twenty-Three */');
    return root;
  }

  it('resolves relative, folder and root-absolute links, and adds a Debian theme when the source has none', async () => {
    const { source } = await fakeDebianSource('fake-a');
    const siteDir = path.join(tmp, 'site-fake-a');
    await prepareSite({ source, siteDir, db: sqlite, logger, debianRoots: [await fakeThemeRoot()] });
    const read = (rel: string) => fs.readFile(path.join(siteDir, rel), 'utf8');
    expect(await read('wp-includes/js/a.js')).toBe('relative');
    expect(await read('wp-includes/js/lib/sub/b.js')).toBe('in a linked folder');
    expect(await read('wp-includes/js/abs.js')).toBe('absolute, inside the root');
    expect((await fs.lstat(path.join(siteDir, 'wp-includes/js/lib'))).isDirectory()).toBe(true);
    expect(await read('wp-content/themes/twentytwentythree/style.css')).toContain('Twenty Twenty-Three');
    expect(defined(await read('wp-config.php'), 'WP_DEFAULT_THEME')).toBe("'twentytwentythree'");
  });

  it('fails with EWPTHEME when neither the source nor Debian has a theme', async () => {
    const { source } = await fakeDebianSource('fake-b');
    const siteDir = path.join(tmp, 'site-fake-b');
    const failure = prepareSite({ source, siteDir, db: sqlite, logger, debianRoots: [] });
    await expect(failure).rejects.toMatchObject({ code: 'EWPTHEME', message: expect.stringContaining('wordpress-theme-twenty') });
    expect(await fs.readdir(siteDir)).toEqual([]); // nothing half-made left behind
  });

  it('fails with EWPDANGLING naming a symlink that points nowhere, leaving no site', async () => {
    const { source } = await fakeDebianSource('fake-c', { themes: true });
    await fs.symlink('../../../javascript/missing.js', path.join(source, 'wp-includes/js/missing.js'));
    const siteDir = path.join(tmp, 'site-fake-c');
    const failure = prepareSite({ source, siteDir, db: sqlite, logger, debianRoots: [] });
    await expect(failure).rejects.toMatchObject({
      code: 'EWPDANGLING',
      message: expect.stringContaining(path.join(source, 'wp-includes/js/missing.js')),
    });
    expect(await fs.readdir(siteDir)).toEqual([]);
  });

  it('fails with EWPSQLITE before copying anything when WordPress is too old for the SQLite plugin', async () => {
    const { source } = await fakeDebianSource('fake-old', { themes: true });
    await fs.writeFile(path.join(source, 'wp-includes/version.php'), "<?php\n$wp_version = '6.1.9';\n");
    const siteDir = path.join(tmp, 'site-fake-old');
    await expect(prepareSite({ source, siteDir, db: sqlite, logger, debianRoots: [] })).rejects.toMatchObject({
      code: 'EWPSQLITE',
      message: expect.stringMatching(/WordPress 6\.1\.9 .*needs 6\.\d+ or newer.*DB_HOST/),
    });
    expect(existsSync(siteDir)).toBe(false);
    // MySQL has no such limit.
    const mysql: DbSettings = { kind: 'mysql', host: 'db', name: 'wp', user: 'wp', password: '' };
    await expect(prepareSite({ source, siteDir, db: mysql, logger, debianRoots: [] })).resolves.toMatchObject({ created: true });
  });

  it('writes a MySQL configuration without the SQLite drop-in', async () => {
    const { source } = await fakeDebianSource('fake-d', { themes: true });
    const siteDir = path.join(tmp, 'site-fake-d');
    const db: DbSettings = { kind: 'mysql', host: '127.0.0.1:3306', name: 'wp', user: 'wp', password: "p'w\\" };
    await prepareSite({ source, siteDir, db, lambda: true, logger, debianRoots: [] });
    expect(existsSync(path.join(siteDir, 'wp-content/db.php'))).toBe(false);
    expect(existsSync(path.join(siteDir, 'wp-content/plugins/sqlite-database-integration'))).toBe(false);
    const config = await fs.readFile(path.join(siteDir, 'wp-config.php'), 'utf8');
    expect(decodePhp(defined(config, 'DB_PASSWORD')!)).toBe("p'w\\");
    expect(defined(config, 'DISABLE_WP_CRON')).toBe('true');
    expect(defined(config, 'WP_DEFAULT_THEME')).toBeUndefined(); // the source brought its own theme
  });
});

describe('renderWpConfig', () => {
  const salts = Object.fromEntries(SALT_NAMES.map((n) => [n, `${n.toLowerCase()}-value`]));

  it('writes SQLite settings relative to the file, so the site can be mounted anywhere', () => {
    const config = renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: false });
    expect(config.startsWith('<?php\n')).toBe(true);
    expect(defined(config, 'DB_DIR')).toBe("__DIR__ . '/wp-content/database/'");
    expect(defined(config, 'DB_FILE')).toBe("'.ht.sqlite'");
    expect(defined(config, 'WP_DEBUG')).toBe('false');
    expect(defined(config, 'FS_METHOD')).toBe("'direct'");
    expect(defined(config, 'DISABLE_WP_CRON')).toBeUndefined();
    for (const name of SALT_NAMES) expect(decodePhp(defined(config, name)!)).toBe(salts[name]);
    expect(config).toContain("$table_prefix = 'wp_';");
    expect(config.trimEnd().endsWith("require_once ABSPATH . 'wp-settings.php';")).toBe(true);
  });

  it('fixes COOKIEHASH from the site id, so cookie names are known before the site URL is', () => {
    expect(defined(renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: true }), 'COOKIEHASH')).toBeUndefined();
    const config = renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: true, siteId: 'blog' });
    const hash = cookieHash('blog');
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(defined(config, 'COOKIEHASH')).toBe(`'${hash}'`);
    expect(cookieHash('shop')).not.toBe(hash);
    expect(personalCookieNames('blog')).toContain(`wordpress_logged_in_${hash}`);
  });

  it('derives WP_HOME and WP_SITEURL from the request unless a fixed address is given', () => {
    const dynamic = renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: false });
    expect(dynamic).toContain("$_SERVER['HTTPS']");
    expect(dynamic).toContain("$_SERVER['HTTP_HOST']");
    expect(dynamic).not.toContain('HTTP_X_FORWARDED_PROTO'); // only the bridge decides the scheme
    expect(defined(dynamic, 'WP_HOME')).toBe("( $lamphp_https ? 'https://' : 'http://' ) . $lamphp_host");

    const fixed = renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: true, home: 'https://blog.example.com/' });
    expect(defined(fixed, 'WP_HOME')).toBe("'https://blog.example.com'");
    expect(defined(fixed, 'WP_SITEURL')).toBe("'https://blog.example.com'");
    expect(fixed).not.toContain("$_SERVER['HTTP_HOST']");
    expect(() => renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: false, home: 'blog.example.com' })).toThrow(/WP_HOME/);
  });

  it('writes MySQL settings with the table prefix', () => {
    const config = renderWpConfig({
      db: { kind: 'mysql', host: 'db.internal:3306', name: 'wordpress', user: 'wp', password: 'secret', prefix: 'site2_' },
      salts,
      lambda: false,
    });
    expect(defined(config, 'DB_HOST')).toBe("'db.internal:3306'");
    expect(defined(config, 'DB_NAME')).toBe("'wordpress'");
    expect(defined(config, 'DB_USER')).toBe("'wp'");
    expect(defined(config, 'DB_PASSWORD')).toBe("'secret'");
    expect(defined(config, 'DB_DIR')).toBeUndefined();
    expect(config).toContain("$table_prefix = 'site2_';");
  });

  it('turns off WP-Cron on page views and self-updates in Lambda', () => {
    const config = renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: true });
    expect(defined(config, 'DISABLE_WP_CRON')).toBe('true');
    expect(defined(config, 'AUTOMATIC_UPDATER_DISABLED')).toBe('true');
  });

  it('escapes hostile values so they stay inside their string', () => {
    const hostile = ["it's", 'C:\\path\\', "\\'", "'); system('id'); //", '?>\n<?php echo 1;', 'a\0b', '\\\\\'\'', '$x {$y}'];
    for (const value of hostile) {
      const config = renderWpConfig({
        db: { kind: 'mysql', host: value, name: value, user: value, password: value },
        salts,
        lambda: false,
        extra: { LAMPHP_NOTE: value },
      });
      for (const name of ['DB_HOST', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'LAMPHP_NOTE']) {
        expect(decodePhp(defined(config, name)!)).toBe(value);
      }
    }
    expect(phpLiteral("it's")).toBe("'it\\'s'");
    expect(phpLiteral('C:\\dir\\')).toBe("'C:\\\\dir\\\\'");
  });

  it('quotes every string so that PHP reads back exactly that string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (value) => decodePhp(phpLiteral(value)) === value));
  });

  it('lets extra constants replace defaults and rejects what PHP or WordPress would not accept', () => {
    const config = renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: false, extra: { WP_DEBUG: true, WP_MEMORY_LIMIT: '256M', X: 3 } });
    expect(config.match(/'WP_DEBUG'/g)).toHaveLength(1);
    expect(defined(config, 'WP_DEBUG')).toBe('true');
    expect(defined(config, 'WP_MEMORY_LIMIT')).toBe("'256M'");
    expect(defined(config, 'X')).toBe('3');
    expect(() => renderWpConfig({ db: { kind: 'sqlite' }, salts, lambda: false, extra: { "A'); x(); //": 1 } })).toThrow(
      /constant name/,
    );
    expect(() => renderWpConfig({ db: { kind: 'sqlite', prefix: "wp'; drop" }, salts, lambda: false })).toThrow(/prefix/);
    expect(() => renderWpConfig({ db: { kind: 'sqlite' }, salts: {}, lambda: false })).toThrow(/AUTH_KEY/);
  });
});

describe('dbSettingsFromEnv', () => {
  it('chooses SQLite when DB_HOST is not set', () => {
    expect(dbSettingsFromEnv({})).toEqual({ kind: 'sqlite' });
    expect(dbSettingsFromEnv({ DB_HOST: ' ', DB_TABLE_PREFIX: 'x_' })).toEqual({ kind: 'sqlite', prefix: 'x_' });
  });

  it('chooses MySQL when DB_HOST is set, with an empty password allowed on purpose', () => {
    expect(dbSettingsFromEnv({ DB_HOST: '127.0.0.1', DB_NAME: 'wp', DB_USER: 'root', DB_PASSWORD: '' })).toEqual({
      kind: 'mysql',
      host: '127.0.0.1',
      name: 'wp',
      user: 'root',
      password: '',
    });
  });

  it('names the missing variables when MySQL is half configured', () => {
    expect(() => dbSettingsFromEnv({ DB_HOST: 'db' })).toThrow(/DB_NAME, DB_USER, DB_PASSWORD are not set/);
    expect(() => dbSettingsFromEnv({ DB_HOST: 'db', DB_TABLE_PREFIX: 'bad-prefix' })).toThrow(/prefix/);
  });

  it('reads a fixed site address from WP_HOME', () => {
    expect(homeFromEnv({})).toBeUndefined();
    expect(homeFromEnv({ WP_HOME: 'https://example.com/' })).toBe('https://example.com');
  });
});

describe('loadOrCreateSalts', () => {
  it('creates every salt once, privately, and returns the same ones afterwards', async () => {
    const file = path.join(tmp, 'salts', 'salts.json');
    const first = await loadOrCreateSalts(file);
    expect(Object.keys(first).sort()).toEqual([...SALT_NAMES].sort());
    for (const value of Object.values(first)) expect(value).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateSalts(file)).toEqual(first);
  });

  it('agrees on one set of salts when several processes create them at once', async () => {
    const file = path.join(tmp, 'salts-race.json');
    const all = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSalts(file)));
    for (const salts of all) expect(salts).toEqual(all[0]);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual(all[0]);
  });

  it('keeps existing salts and only adds missing ones', async () => {
    const file = path.join(tmp, 'salts-partial.json');
    await fs.writeFile(file, JSON.stringify({ AUTH_KEY: 'kept' }));
    const salts = await loadOrCreateSalts(file);
    expect(salts.AUTH_KEY).toBe('kept');
    expect(Object.keys(salts)).toHaveLength(SALT_NAMES.length);
  });
});

describe('installWordPress', () => {
  const options = {
    url: 'http://127.0.0.1:8080',
    title: 'Test & "site"',
    adminUser: 'admin',
    adminPassword: 'p@ss w&rd=',
    adminEmail: 'admin@example.com',
  };
  const page = (status: number, html: string): HttpResponse => ({
    status,
    headers: { 'content-type': ['text/html; charset=utf-8'] },
    body: new TextEncoder().encode(html),
  });
  const SETUP_FORM = '<form id="setup" method="post" action="install.php?step=2" novalidate="novalidate"></form>';

  it('fills in the installer form like a browser and reports a fresh install', async () => {
    const seen: HttpRequest[] = [];
    const result = await installWordPress(async (req) => {
      seen.push(req);
      return req.method === 'GET' ? page(200, SETUP_FORM) : page(200, '<h1>Success!</h1><p>WordPress has been installed.</p>');
    }, options);
    expect(result).toEqual({ installed: true });
    expect(seen.map((r) => [r.method, r.path, r.query, r.requestId])).toEqual([
      ['GET', '/wp-admin/install.php', 'step=1', 'install-1'],
      ['POST', '/wp-admin/install.php', 'step=2', 'install-2'],
    ]);
    const post = seen[1];
    expect(post).toMatchObject({ scheme: 'http', host: '127.0.0.1', port: 8080, clientAddress: '127.0.0.1', protocol: 'HTTP/1.1' });
    expect(post.headers.host).toEqual(['127.0.0.1:8080']);
    expect(post.headers['content-type']).toEqual(['application/x-www-form-urlencoded']);
    expect(post.headers['content-length']).toEqual([String(post.body.byteLength)]);
    expect(typeof post.receivedAt).toBe('number');
    const form = Object.fromEntries(new URLSearchParams(new TextDecoder().decode(post.body)));
    expect(form).toMatchObject({
      weblog_title: options.title,
      user_name: 'admin',
      admin_password: options.adminPassword,
      admin_password2: options.adminPassword,
      admin_email: 'admin@example.com',
      blog_public: '1',
      pw_weak: '1',
    });
  });

  it('does nothing when WordPress is already installed', async () => {
    const methods: string[] = [];
    const result = await installWordPress(async (req) => {
      methods.push(req.method);
      return page(200, '<h1>Already Installed</h1><p>You appear to have already installed WordPress.</p>');
    }, options);
    expect(result).toEqual({ installed: false });
    expect(methods).toEqual(['GET']);
  });

  it('uses the port and scheme of an https address', async () => {
    let seen: HttpRequest | undefined;
    await installWordPress(async (req) => ((seen = req), page(200, '<h1>Already Installed</h1>')), {
      ...options,
      url: 'https://blog.example.com',
    });
    expect(seen).toMatchObject({ scheme: 'https', host: 'blog.example.com', port: 443, headers: { host: ['blog.example.com'] } });
  });

  it('passes on WordPress\'s own complaint when it rejects the form', async () => {
    const failure = installWordPress(
      async (req) => (req.method === 'GET' ? page(200, SETUP_FORM) : page(200, `${SETUP_FORM}<p class="message">Sorry, that is not a valid email address.</p>`)),
      options,
    );
    await expect(failure).rejects.toMatchObject({ code: 'EWPINSTALL', message: expect.stringContaining('not a valid email address') });
  });

  it('explains a page that is not the installer, such as a database error', async () => {
    const failure = installWordPress(async () => page(500, '<h1>Error establishing a database connection</h1>'), options);
    await expect(failure).rejects.toMatchObject({
      code: 'EWPINSTALL',
      message: expect.stringMatching(/HTTP 500.*Error establishing a database connection/),
    });
  });
});

describe('generatePassword', () => {
  it('gives long random passwords', () => {
    const a = generatePassword();
    expect(a).toHaveLength(24);
    expect(generatePassword()).not.toBe(a);
    expect(generatePassword(40)).toHaveLength(40);
  });
});
