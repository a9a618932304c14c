/**
 * Finds a WordPress source tree to build a site from, in this order: the `--wordpress`
 * argument (zip or directory), a copy downloaded earlier into the cache, Debian's WordPress,
 * and finally a download (LAMPHP_WORDPRESS_URL, default wordpress.org/latest.zip).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fetch } from 'undici';
import { LamphpError } from '../errors.ts';
import type { Env } from '../config.ts';
import type { Logger } from '../log.ts';
import { DEBIAN_PACKAGES, DEBIAN_WORDPRESS, defaultDebianRoots } from './debian.ts';
import { extractZipTree } from './zip.ts';

export const DEFAULT_WORDPRESS_URL = 'https://wordpress.org/latest.zip';
export const VERSION_FILE = 'wp-includes/version.php';

export type SourceOrigin = 'argument' | 'cache' | 'debian' | 'download';

export interface WordPressSource {
  dir: string;
  origin: SourceOrigin;
  version: string;
}

export interface ResolveSourceOptions {
  /** `--wordpress`: a WordPress zip or directory. */
  wordpress?: string;
  /** Where downloads and unpacked zips are kept between runs. */
  cacheDir: string;
  downloadUrl?: string;
  onProgress?: (done: number, total?: number) => void;
  logger: Logger;
  /** Roots to look for Debian's WordPress in; default `/` and `<repo>/.cache/debian-root`. */
  debianRoots?: string[];
}

export function wordpressUrlFromEnv(env: Env = process.env): string {
  return env.LAMPHP_WORDPRESS_URL?.trim() || DEFAULT_WORDPRESS_URL;
}

/** The WordPress version of a tree (`$wp_version` in wp-includes/version.php), or undefined. */
export async function readWordPressVersion(dir: string): Promise<string | undefined> {
  const text = await fs.readFile(path.join(dir, VERSION_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return /\$wp_version\s*=\s*['"]([^'"]+)['"]/.exec(text)?.[1];
}

/** `dir` itself or its `wordpress/` folder (an unpacked wordpress.org zip), if it is a WordPress tree. */
async function wordpressTree(dir: string): Promise<{ dir: string; version: string } | undefined> {
  for (const candidate of [dir, path.join(dir, 'wordpress')]) {
    const version = await readWordPressVersion(candidate);
    if (version !== undefined) return { dir: candidate, version };
  }
  return undefined;
}

function notWordPress(what: string): LamphpError {
  return new LamphpError(
    'EWPBROKEN',
    `${what} is not a WordPress tree: ${VERSION_FILE} is missing (looked at the top and in a wordpress/ folder). ` +
      'Pass the WordPress zip from wordpress.org or the folder that holds wp-includes/.',
  );
}

const shortHash = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex').slice(0, 16);

async function fromArgument(arg: string, cacheDir: string): Promise<WordPressSource> {
  const where = path.resolve(arg);
  const stat = await fs.stat(where).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      throw new LamphpError('EWPMISSING', `--wordpress ${arg}: no such file or directory. Pass a WordPress zip or folder.`);
    }
    throw err;
  });
  if (stat.isDirectory()) {
    const tree = await wordpressTree(where);
    if (!tree) throw notWordPress(where);
    return { ...tree, origin: 'argument' };
  }
  const zip = new Uint8Array(await fs.readFile(where));
  // Keyed by content: the same zip is unpacked once, a changed one again.
  const dest = path.join(cacheDir, `zip-${shortHash(zip)}`);
  let tree = await wordpressTree(dest);
  if (!tree) {
    if (!(await unzipWordPress(zip, dest, where))) throw notWordPress(where);
    tree = await wordpressTree(dest);
    if (!tree) throw notWordPress(where);
  }
  return { ...tree, origin: 'argument' };
}

async function unzipWordPress(zip: Uint8Array, dest: string, what: string): Promise<boolean> {
  try {
    return await extractZipTree(zip, dest, VERSION_FILE);
  } catch (err) {
    if (err instanceof LamphpError) throw err;
    throw new LamphpError('EWPBROKEN', `${what} is not a readable zip (${(err as Error).message}).`, { cause: err });
  }
}

function downloadError(url: string, reason: string, cause?: unknown): LamphpError {
  return new LamphpError(
    'EWPDOWNLOAD',
    `Could not download WordPress from ${url}: ${reason}. Without internet access, pass --wordpress <zip|dir>, ` +
      `set LAMPHP_WORDPRESS_URL, or unpack Debian's WordPress with \`node scripts/system-packages.js --wordpress-only\` ` +
      `(packages: ${DEBIAN_PACKAGES}).`,
    { cause },
  );
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  const cause = e.cause ? `${e.cause.code ?? ''} ${e.cause.message}`.trim() : '';
  return cause ? `${e.message} (${cause})` : e.message;
}

/** Streams `url` into `file` (atomically), reporting progress. */
async function download(url: string, file: string, onProgress?: (done: number, total?: number) => void): Promise<void> {
  let response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw downloadError(url, describe(err), err);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw downloadError(url, `the server answered HTTP ${response.status} ${response.statusText}`.trim());
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const part = `${file}.${process.pid}.part`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const out = await fs.open(part, 'w');
  let done = 0;
  try {
    onProgress?.(0, total);
    for await (const chunk of response.body) {
      await out.write(chunk);
      done += chunk.byteLength;
      onProgress?.(done, total);
    }
    await out.close();
  } catch (err) {
    await out.close().catch(() => {});
    await fs.rm(part, { force: true });
    throw downloadError(url, `the transfer broke off after ${done} bytes (${describe(err)})`, err);
  }
  if (total !== undefined && done !== total) {
    await fs.rm(part, { force: true });
    throw downloadError(url, `received ${done} of ${total} bytes`);
  }
  await fs.rename(part, file);
}

async function fromDownload(
  url: string,
  cacheDir: string,
  logger: Logger,
  onProgress?: (done: number, total?: number) => void,
): Promise<WordPressSource> {
  const key = `download-${shortHash(url)}`;
  const dest = path.join(cacheDir, key);
  const zipFile = path.join(cacheDir, `${key}.zip`);
  const haveZip = await fs.stat(zipFile).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!haveZip) {
    logger.info('Downloading WordPress', { url });
    await download(url, zipFile, onProgress);
  }
  const zip = new Uint8Array(await fs.readFile(zipFile));
  let unpacked = false;
  try {
    unpacked = await extractZipTree(zip, dest, VERSION_FILE);
  } catch (err) {
    await fs.rm(zipFile, { force: true }); // never keep a bad download as the cached copy
    throw downloadError(url, `the file is not a usable zip (${(err as Error).message})`, err);
  }
  const tree = unpacked ? await wordpressTree(dest) : undefined;
  if (!tree) {
    await fs.rm(zipFile, { force: true });
    throw downloadError(url, `the zip holds no ${VERSION_FILE}, so it is not WordPress`);
  }
  return { ...tree, origin: 'download' };
}

/** Finds or fetches a WordPress source tree; see the module comment for the order. */
export async function resolveWordPressSource(options: ResolveSourceOptions): Promise<WordPressSource> {
  const { cacheDir, logger } = options;
  const url = options.downloadUrl ?? DEFAULT_WORDPRESS_URL;
  const found = await (async (): Promise<WordPressSource> => {
    if (options.wordpress !== undefined) return fromArgument(options.wordpress, cacheDir);

    const cached = await wordpressTree(path.join(cacheDir, `download-${shortHash(url)}`));
    if (cached) return { ...cached, origin: 'cache' };

    for (const root of options.debianRoots ?? defaultDebianRoots()) {
      const tree = await wordpressTree(path.join(root, DEBIAN_WORDPRESS));
      if (tree) return { ...tree, origin: 'debian' };
    }
    return fromDownload(url, cacheDir, logger, options.onProgress);
  })();
  logger.info('WordPress source', { dir: found.dir, origin: found.origin, version: found.version });
  return found;
}
