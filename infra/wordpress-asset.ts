/**
 * The WordPress the stack installs, resolved on the deployer's machine at synth time and shipped
 * as a CDK S3 asset (the install invocation reads it through the VPC's S3 gateway endpoint):
 *
 *   1. the zip or folder given (`-c wordpress=…`, or `-c siteAssetZip=…`);
 *   2. the project's cached copy: a verified download from an earlier synth, else Debian's
 *      WordPress files that `npm start` / `npm test` unpack into .cache/debian-root;
 *   3. a download of the pinned release, checked against the SHA-1 wordpress.org publishes.
 *
 * A folder becomes a zip staged once per content in .cache/wordpress (symlinks resolved, fixed
 * timestamps, so the same files always give the same asset hash).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { fetch } from 'undici';
import { defaultDebianRoots, DEBIAN_WORDPRESS, sysrootOf } from '../bridge/wordpress/debian.ts';
import { copyResolved } from '../bridge/wordpress/site.ts';
import { readWordPressVersion, VERSION_FILE } from '../bridge/wordpress/source.ts';

/** The WordPress release a default deploy installs when no copy is at hand. */
export const PINNED_WORDPRESS = {
  version: '6.9.4',
  url: 'https://wordpress.org/wordpress-6.9.4.zip',
  /** What wordpress.org publishes at `<url>.sha1`. */
  sha1: '3ea17e4e1b1b38415d3268173b3ea3a47a757c54',
} as const;

export const WORDPRESS_CACHE_DIR = fileURLToPath(new URL('../.cache/wordpress', import.meta.url));

export type AssetOrigin = 'argument' | 'cache' | 'debian' | 'download';

export interface WordPressAsset {
  /** The zip the CDK asset uploads. */
  zip: string;
  origin: AssetOrigin;
  version: string;
}

export interface ResolveAssetOptions {
  /** A WordPress zip or folder. */
  source?: string;
  cacheDir?: string;
  /** Roots holding Debian's WordPress; default `<repo>/.cache/debian-root` and `/`. */
  debianRoots?: string[];
  /** The release to download when nothing else is found; `false` never downloads. */
  download?: { url: string; sha1: string; version: string } | false;
  log?: (line: string) => void;
}

export class WordPressAssetError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest('hex');

/** The version inside a WordPress zip (its `wp-includes/version.php`, at the top or in one folder). */
export function zipVersion(zip: Uint8Array): string | undefined {
  const files = unzipSync(zip, { filter: (f) => f.name === VERSION_FILE || /^[^/]+\/wp-includes\/version\.php$/.test(f.name) });
  const text = Object.values(files)[0];
  return text && /\$wp_version\s*=\s*['"]([^'"]+)['"]/.exec(new TextDecoder().decode(text))?.[1];
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

async function writeAtomically(file: string, data: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const part = `${file}.${process.pid}.${Date.now()}.part`;
  await fs.writeFile(part, data);
  await fs.rename(part, file);
}

/** Every file under `dir` (posix paths), sorted. */
async function listTree(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Names, sizes and times of everything under `dir` (links not followed): cheap, and it moves when a file does. */
async function fingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const lines = await Promise.all(
    entries.map(async (e) => {
      const p = path.join(e.parentPath, e.name);
      const st = await fs.lstat(p);
      return `${path.relative(dir, p)}\0${st.size}\0${st.mtimeMs}`;
    }),
  );
  for (const line of lines.sort()) hash.update(`${line}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** A folder as a deterministic zip under `wordpress/`, staged once per state of the folder in the cache. */
async function stageFolder(dir: string, cacheDir: string, log: (line: string) => void): Promise<{ zip: string; version: string }> {
  const version = await readWordPressVersion(dir);
  if (version === undefined) {
    throw new WordPressAssetError('EWPASSET', `${dir} is not a WordPress folder: ${VERSION_FILE} is missing. Pass a WordPress zip or the folder that holds wp-includes/.`);
  }
  const zip = path.join(cacheDir, `wordpress-${version}-${await fingerprint(dir)}.zip`);
  if (await exists(zip)) return { zip, version };
  // A copy with every symlink resolved (Debian's tree links outside itself), without Debian's
  // wp-config.php loader and .htaccess: the install writes its own.
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'lamphp-wordpress-'));
  try {
    await copyResolved(dir, tmp, { sysroot: sysrootOf(dir), skip: (rel) => rel === 'wp-config.php' || rel === '.htaccess' });
    const files = await listTree(tmp);
    const tree: Zippable = {};
    const mtime = new Date('2000-01-01T00:00:00Z');
    for (const rel of files) tree[`wordpress/${rel}`] = [new Uint8Array(await fs.readFile(path.join(tmp, rel))), { mtime, level: 6 }];
    log(`Staging WordPress ${version} from ${dir} (${files.length} files) as ${zip}`);
    await writeAtomically(zip, zipSync(tree));
    return { zip, version };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function fromArgument(source: string, cacheDir: string, log: (line: string) => void): Promise<WordPressAsset> {
  const where = path.resolve(source);
  const stat = await fs.stat(where).catch(() => undefined);
  if (!stat) throw new WordPressAssetError('EWPASSET', `WordPress source ${source}: no such file or folder. Pass a WordPress zip or folder.`);
  if (stat.isDirectory()) return { ...(await stageFolder(where, cacheDir, log)), origin: 'argument' };
  const version = zipVersion(new Uint8Array(await fs.readFile(where)));
  if (version === undefined) {
    throw new WordPressAssetError('EWPASSET', `${source} is not a WordPress zip: it holds no ${VERSION_FILE}.`);
  }
  return { zip: where, origin: 'argument', version };
}

async function download(release: { url: string; sha1: string; version: string }, file: string, log: (line: string) => void): Promise<void> {
  const fail = (reason: string) =>
    new WordPressAssetError(
      'EWPDOWNLOAD',
      `Could not fetch WordPress ${release.version} from ${release.url}: ${reason}. Pass a WordPress zip or folder with -c wordpress=<path>, ` +
        'or run "node scripts/system-packages.js --wordpress-only" to unpack Debian\'s WordPress as the cached copy.',
    );
  log(`Downloading WordPress ${release.version} from ${release.url}`);
  let data: Uint8Array;
  try {
    const response = await fetch(release.url, { redirect: 'follow' });
    if (!response.ok) throw fail(`HTTP ${response.status}`);
    data = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw err instanceof WordPressAssetError ? err : fail((err as Error).message);
  }
  const actual = sha1(data);
  if (actual !== release.sha1) {
    throw fail(`its SHA-1 is ${actual}, not the published ${release.sha1}; nothing was kept`);
  }
  // The checksum wordpress.org publishes beside the zip must agree with the pinned one too.
  const published = await fetch(`${release.url}.sha1`).then((r) => (r.ok ? r.text() : undefined), () => undefined);
  if (published !== undefined && published.trim().slice(0, 40) !== release.sha1) {
    throw fail(`the checksum published at ${release.url}.sha1 (${published.trim().slice(0, 40)}) differs from the pinned ${release.sha1}`);
  }
  await writeAtomically(file, data);
}

/** Finds or fetches the WordPress zip to ship; see the module comment for the order. */
export async function resolveWordPressAsset(options: ResolveAssetOptions = {}): Promise<WordPressAsset> {
  const cacheDir = options.cacheDir ?? WORDPRESS_CACHE_DIR;
  const log = options.log ?? (() => {});
  if (options.source !== undefined) return fromArgument(options.source, cacheDir, log);

  const release = options.download === undefined ? PINNED_WORDPRESS : options.download;
  const pinned = release === false ? undefined : path.join(cacheDir, `wordpress-${release.version}.zip`);
  if (pinned && release && (await exists(pinned)) && sha1(new Uint8Array(await fs.readFile(pinned))) === release.sha1) {
    return { zip: pinned, origin: 'cache', version: release.version };
  }
  for (const root of options.debianRoots ?? defaultDebianRoots()) {
    const dir = path.join(root, DEBIAN_WORDPRESS);
    if ((await readWordPressVersion(dir)) !== undefined) return { ...(await stageFolder(dir, cacheDir, log)), origin: 'debian' };
  }
  if (!pinned || !release) {
    throw new WordPressAssetError('EWPASSET', 'No WordPress at hand and downloads are off: pass -c wordpress=<zip or folder>.');
  }
  await download(release, pinned, log);
  return { zip: pinned, origin: 'download', version: release.version };
}

/** A byte-identical stand-in for the WordPress zip (reference template): the asset hash never moves. */
export function writePlaceholderWordPress(dir: string): string {
  const file = path.join(dir, 'wordpress-placeholder.zip');
  const version = new TextEncoder().encode("<?php\n$wp_version = '0.0-placeholder';\n");
  writeFileSync(file, zipSync({ [`wordpress/${VERSION_FILE}`]: [version, { mtime: new Date('2000-01-01T00:00:00Z') }] }));
  return file;
}
