/**
 * The WordPress the stack ships: resolved on the deployer's machine (a given zip or folder, the
 * project's cached copy, or the pinned release checked against its published SHA-1), staged
 * once per content, and installable by the function's own install code (bridge/wordpress).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../bridge/log.ts';
import { installSite } from '../../bridge/wordpress/install-site.ts';
import { PINNED_WORDPRESS, resolveWordPressAsset, zipVersion } from '../../infra/wordpress-asset.ts';
import { scratch } from './support.ts';

const tmp = () => fs.mkdtempSync(path.join(scratch(), 'asset-'));
const versionPhp = (v: string) => new TextEncoder().encode(`<?php\n$wp_version = '${v}';\n`);
const wordpressZip = (v: string) => zipSync({ 'wordpress/wp-includes/version.php': versionPhp(v), 'wordpress/index.php': new TextEncoder().encode('<?php') });

describe('resolveWordPressAsset', () => {
  let staged: Awaited<ReturnType<typeof resolveWordPressAsset>>;
  beforeAll(async () => {
    // The project's cached copy: Debian's WordPress unpacked by scripts/system-packages.js.
    staged = await resolveWordPressAsset({ download: false });
  });

  it('without a source uses the cached copy, staged as one self-contained zip under wordpress/', () => {
    expect(staged.origin).toBe('debian');
    expect(staged.version).toMatch(/^\d+\.\d+/);
    const names: string[] = [];
    unzipSync(new Uint8Array(fs.readFileSync(staged.zip)), { filter: (f) => (names.push(f.name), false) });
    expect(names).toContain('wordpress/wp-includes/version.php');
    expect(names).toContain('wordpress/wp-login.php');
    expect(names.some((n) => /^wordpress\/wp-content\/themes\/twenty[a-z]+\/style\.css$/.test(n))).toBe(true);
    // Debian's tree links out of itself (underscore.js, getID3): the zip holds the files.
    expect(names).toContain('wordpress/wp-includes/js/underscore.min.js');
    // Debian's wp-config.php loader and .htaccess are not WordPress's: the install writes its own.
    expect(names).not.toContain('wordpress/wp-config.php');
    expect(names).not.toContain('wordpress/.htaccess');
    expect(zipVersion(new Uint8Array(fs.readFileSync(staged.zip)))).toBe(staged.version);
  });

  it('stages once: the same files give the same zip, untouched', async () => {
    const mtime = fs.statSync(staged.zip).mtimeMs;
    const again = await resolveWordPressAsset({ download: false });
    expect(again.zip).toBe(staged.zip);
    expect(fs.statSync(staged.zip).mtimeMs).toBe(mtime);
  });

  it('the function\'s install code installs the staged zip (the path the asset takes in Lambda)', async () => {
    const dir = tmp();
    const result = await installSite({
      documentRoot: path.join(dir, 'site'),
      mode: 'install',
      source: { zip: staged.zip },
      env: {},
      lambda: true,
      workDir: path.join(dir, 'work'),
      debianRoots: [],
      logger: memoryLogger('info'),
    });
    expect(result).toMatchObject({ changed: true, version: staged.version });
    expect(fs.existsSync(path.join(dir, 'site/wp-config.php'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'site/wp-content/db.php'))).toBe(true);
  });

  it('a given zip is used as it is; a given folder is staged; anything else is refused with a reason', async () => {
    const dir = tmp();
    const zip = path.join(dir, 'wp.zip');
    fs.writeFileSync(zip, wordpressZip('6.7.1'));
    expect(await resolveWordPressAsset({ source: zip, cacheDir: dir })).toEqual({ zip, origin: 'argument', version: '6.7.1' });
    const folder = path.join(dir, 'tree');
    fs.mkdirSync(path.join(folder, 'wp-includes'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'wp-includes/version.php'), versionPhp('6.7.2'));
    const fromFolder = await resolveWordPressAsset({ source: folder, cacheDir: dir });
    expect(fromFolder).toMatchObject({ origin: 'argument', version: '6.7.2' });
    expect(zipVersion(new Uint8Array(fs.readFileSync(fromFolder.zip)))).toBe('6.7.2');
    fs.writeFileSync(path.join(dir, 'not.zip'), zipSync({ 'readme.txt': new Uint8Array(1) }));
    await expect(resolveWordPressAsset({ source: path.join(dir, 'not.zip'), cacheDir: dir })).rejects.toThrow(/not a WordPress zip/);
    await expect(resolveWordPressAsset({ source: path.join(dir, 'missing'), cacheDir: dir })).rejects.toThrow(/no such file or folder/);
  });

  it('with no copy at hand and downloads off it says how to give one', async () => {
    await expect(resolveWordPressAsset({ debianRoots: [], download: false, cacheDir: tmp() })).rejects.toThrow(/-c wordpress=/);
  });
});

describe('download of the pinned release', () => {
  const good = wordpressZip('9.9.9');
  const sha1 = createHash('sha1').update(good).digest('hex');
  let published = sha1;
  let body: Uint8Array = good;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.endsWith('.sha1')) return res.end(published);
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wordpress-9.9.9.zip`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps the release only when its SHA-1 is the published one, then serves it from the cache', async () => {
    const cacheDir = tmp();
    const release = { url, sha1, version: '9.9.9' };
    body = new TextEncoder().encode('a captive portal page, not a zip');
    await expect(resolveWordPressAsset({ debianRoots: [], cacheDir, download: release })).rejects.toThrow(/SHA-1 is [0-9a-f]{40}, not the published/);
    expect(fs.readdirSync(cacheDir)).toEqual([]);
    body = good;
    published = 'f'.repeat(40);
    await expect(resolveWordPressAsset({ debianRoots: [], cacheDir, download: release })).rejects.toThrow(/published at .*\.sha1 .* differs/);
    published = sha1;
    expect(await resolveWordPressAsset({ debianRoots: [], cacheDir, download: release })).toMatchObject({ origin: 'download', version: '9.9.9' });
    expect(await resolveWordPressAsset({ debianRoots: [], cacheDir, download: release })).toMatchObject({ origin: 'cache', version: '9.9.9' });
  });

  it('the pinned release names a wordpress.org zip and its 40-digit SHA-1', () => {
    expect(PINNED_WORDPRESS.url).toBe(`https://wordpress.org/wordpress-${PINNED_WORDPRESS.version}.zip`);
    expect(PINNED_WORDPRESS.sha1).toMatch(/^[0-9a-f]{40}$/);
  });
});
