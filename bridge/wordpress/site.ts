/**
 * Turns a WordPress source tree into a runnable site directory: a real copy (symlinks
 * resolved, since Debian's tree links outside itself and a site must stand alone on EFS),
 * a theme, the SQLite drop-in when there is no MySQL, uploads, and wp-config.php.
 * An existing site is never touched: preparation is all-or-nothing and runs once.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { LamphpError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { DEBIAN_PACKAGES, DEBIAN_THEMES, defaultDebianRoots, resolveLink, sysrootOf } from './debian.ts';
import { VERSION_FILE, readWordPressVersion } from './source.ts';
import { SQLITE_DB_DIR, loadOrCreateSalts, renderWpConfig, type DbSettings } from './wp-config.ts';
import { extractZipTree } from './zip.ts';
import { SITE_STAGING_PREFIX } from './install-state.ts';
import { installMuPlugins } from './mu-plugin/index.ts';

export const SQLITE_PLUGIN_DIR = 'wp-content/plugins/sqlite-database-integration';
/** Salts beside the site's content; the `.ht` prefix keeps the router from serving it. */
export const SALTS_FILE = 'wp-content/.ht.lamphp-salts.json';

export interface PrepareSiteOptions {
  /** WordPress source tree (see resolveWordPressSource). */
  source: string;
  siteDir: string;
  db: DbSettings;
  lambda?: boolean;
  /** Fixed site address for wp-config.php; omitted = derived from each request. */
  home?: string;
  /** Names the site (LAMPHP_SITE_ID): wp-config.php's COOKIEHASH derives from it. */
  siteId?: string;
  /** More wp-config.php constants (e.g. DISALLOW_FILE_MODS from the stack's environment). */
  constants?: Record<string, string | boolean | number>;
  logger: Logger;
  /** Where to look for Debian's theme packages; default `/` and `<repo>/.cache/debian-root`. */
  debianRoots?: string[];
  /** Root that absolute symlinks in `source` are relative to; default guessed from the path. */
  sysroot?: string;
}

/** The SQLite integration plugin zip that ships inside @wp-playground/cli. */
export function sqlitePluginZip(): string {
  const pkg = createRequire(import.meta.url).resolve('@wp-playground/cli/package.json');
  return path.join(path.dirname(pkg), 'sqlite-database-integration.zip');
}

async function entries(dir: string): Promise<Dirent[]> {
  return fs.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
}

/** Runs at most `limit` copies at once: enough to hide latency, few enough for a shared disk. */
function limiter(limit: number) {
  const running = new Set<Promise<void>>();
  return {
    async run(task: () => Promise<void>): Promise<void> {
      while (running.size >= limit) await Promise.race(running);
      const p = task().finally(() => running.delete(p));
      running.add(p);
    },
    async drain(): Promise<void> {
      await Promise.all(running);
    },
  };
}

/**
 * Copies `src` into `dest` with every symlink replaced by what it points to. `skip` gets the
 * path relative to the top of the copy (posix separators).
 */
export async function copyResolved(
  src: string,
  dest: string,
  options: { sysroot?: string; skip?: (rel: string, from: string) => Promise<boolean> | boolean },
): Promise<void> {
  const pool = limiter(16);
  const walk = async (from: string, to: string, rel: string, ancestors: Set<string>): Promise<void> => {
    await fs.mkdir(to, { recursive: true });
    for (const entry of await entries(from)) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      let real = path.join(from, entry.name);
      if (options.skip && (await options.skip(relPath, real))) continue;
      if (entry.isSymbolicLink()) {
        const target = await resolveLink(real, options.sysroot);
        if (target === undefined) {
          throw new LamphpError(
            'EWPDANGLING',
            `${real} is a symlink to ${await fs.readlink(real)}, which does not exist. Install or unpack the package ` +
              `that provides it (for Debian's WordPress: ${DEBIAN_PACKAGES}; see scripts/system-packages.js) ` +
              'or use a WordPress tree without links.',
          );
        }
        real = target;
      }
      const stat = await fs.stat(real);
      if (stat.isDirectory()) {
        const canonical = await fs.realpath(real);
        if (ancestors.has(canonical)) {
          throw new LamphpError('EWPDANGLING', `${path.join(from, entry.name)} links back into its own parent; remove the loop.`);
        }
        await walk(real, path.join(to, entry.name), relPath, new Set([...ancestors, canonical]));
      } else if (stat.isFile()) {
        const out = path.join(to, entry.name);
        await pool.run(() => fs.copyFile(real, out));
      }
      // Sockets, FIFOs and devices have no place in a site: leave them out.
    }
  };
  await walk(src, dest, '', new Set([await fs.realpath(src)]));
  await pool.drain();
}

async function themeNames(themesDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await entries(themesDir)) {
    const style = path.join(themesDir, entry.name, 'style.css');
    if (await fs.stat(style).then((s) => s.isFile(), () => false)) names.push(entry.name);
  }
  return names.sort();
}

/** Copies a theme from Debian's theme packages when the site has none; returns its name. */
async function addDefaultTheme(site: string, roots: string[], logger: Logger): Promise<string | undefined> {
  const themesDir = path.join(site, 'wp-content/themes');
  if ((await themeNames(themesDir)).length > 0) return undefined;
  for (const root of roots) {
    const debianThemes = path.join(root, DEBIAN_THEMES);
    const names = await themeNames(debianThemes);
    // Newest Twenty* theme first: it is the one this WordPress generation expects.
    const name = names.filter((n) => n.startsWith('twenty')).sort().reverse()[0] ?? names[0];
    if (name === undefined) continue;
    await copyResolved(path.join(debianThemes, name), path.join(themesDir, name), { sysroot: root });
    logger.info('Added a theme to the site', { theme: name, from: debianThemes });
    return name;
  }
  throw new LamphpError(
    'EWPTHEME',
    `The WordPress source has no theme in wp-content/themes and no Debian theme package was found. ` +
      'Run `node scripts/system-packages.js --wordpress-only` (it unpacks a wordpress-theme-twenty* package), ' +
      'or use the wordpress.org zip, which ships themes.',
  );
}

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  const pb = b.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The oldest WordPress the bundled SQLite plugin supports ("Requires at least" in its readme). */
export async function sqlitePluginRequires(): Promise<string | undefined> {
  const zip = new Uint8Array(await fs.readFile(sqlitePluginZip()));
  const files = unzipSync(zip, { filter: (f) => /^[^/]+\/readme\.txt$/.test(f.name) });
  const readme = Object.values(files)[0];
  return readme && /^Requires at least:\s*([\d.]+)/m.exec(new TextDecoder().decode(readme))?.[1];
}

/** Unpacks the SQLite integration plugin and installs its db.php drop-in, as its activation would. */
async function installSqlite(site: string): Promise<void> {
  const zipPath = sqlitePluginZip();
  const zip = await fs.readFile(zipPath).catch((err: NodeJS.ErrnoException) => {
    throw new LamphpError('ESQLITEPLUGIN', `Cannot read the SQLite plugin at ${zipPath} (${err.code}); run \`npm ci\`.`, {
      cause: err,
    });
  });
  const pluginDir = path.join(site, SQLITE_PLUGIN_DIR);
  if (!(await extractZipTree(new Uint8Array(zip), pluginDir, 'load.php'))) {
    throw new LamphpError('ESQLITEPLUGIN', `${zipPath} holds no load.php; it is not the SQLite integration plugin.`);
  }
  const copy = await fs.readFile(path.join(pluginDir, 'db.copy'), 'utf8');
  const placeholder = "'{SQLITE_IMPLEMENTATION_FOLDER_PATH}'";
  if (!copy.includes(placeholder)) {
    throw new LamphpError('ESQLITEPLUGIN', `${SQLITE_PLUGIN_DIR}/db.copy has no ${placeholder}; this plugin version is not supported.`);
  }
  // The plugin writes its absolute host path here; a path relative to db.php survives being
  // mounted elsewhere (php-wasm VFS, the EFS mount in Lambda).
  const dropIn = copy
    .replaceAll(placeholder, "__DIR__ . '/plugins/sqlite-database-integration'")
    .replaceAll('{SQLITE_PLUGIN}', 'sqlite-database-integration/load.php');
  await fs.writeFile(path.join(site, 'wp-content/db.php'), dropIn);
  await fs.mkdir(path.join(site, SQLITE_DB_DIR), { recursive: true });
}

const STAGING = SITE_STAGING_PREFIX;
const STALE_STAGING_MS = 60 * 60 * 1000;

/**
 * undefined when `dir` does not exist; true when it holds nothing but staging folders (stale
 * ones, left by a crash, are removed); false otherwise.
 */
async function isEmptyDir(dir: string): Promise<boolean | undefined> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  for (const name of names.filter((n) => n.startsWith(STAGING))) {
    const stat = await fs.stat(path.join(dir, name)).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > STALE_STAGING_MS) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
  return names.every((n) => n.startsWith(STAGING));
}

/**
 * Moves the finished site from `staging` into `siteDir` (which may be a mount point, so the
 * folder itself is never replaced); wp-config.php goes last and marks the site complete.
 */
async function commitSite(staging: string, siteDir: string): Promise<void> {
  const names = (await fs.readdir(staging)).filter((n) => n !== 'wp-config.php');
  for (const name of names) await fs.rename(path.join(staging, name), path.join(siteDir, name));
  // link() refuses to replace a wp-config.php another process put there first.
  await fs.link(path.join(staging, 'wp-config.php'), path.join(siteDir, 'wp-config.php'));
}

/** Source files a fresh site must not inherit. */
async function skipFromSource(rel: string, from: string): Promise<boolean> {
  if (rel === 'wp-config.php') return true; // ours replaces it (Debian's is a loader for /etc/wordpress)
  if (rel === SQLITE_DB_DIR) return true; // a prebuilt database belongs to someone else's install
  if (rel === 'wp-content/db.php') {
    const text = await fs.readFile(from, 'utf8').catch(() => '');
    return /sqlite/i.test(text); // a stale SQLite drop-in; ours is written when SQLite is chosen
  }
  return false;
}

/** Prepares `siteDir` from `source` unless a site is already there. */
export async function prepareSite(options: PrepareSiteOptions): Promise<{ siteDir: string; created: boolean }> {
  const siteDir = path.resolve(options.siteDir);
  const { logger } = options;
  const empty = await isEmptyDir(siteDir);
  if (empty === false) {
    if (await fs.stat(path.join(siteDir, 'wp-config.php')).then(() => true, () => false)) {
      logger.info('Using the existing WordPress site', { siteDir });
      // lamphp's own must-use plugins follow the lamphp version, not the site's age.
      await installMuPlugins(siteDir);
      return { siteDir, created: false };
    }
    throw new LamphpError(
      'EWPSITE',
      `${siteDir} is not empty and holds no wp-config.php. lamphp never overwrites a directory: ` +
        'choose a new or empty site directory, or remove this one.',
    );
  }

  const source = path.resolve(options.source);
  const version = await readWordPressVersion(source);
  if (version === undefined) {
    throw new LamphpError('EWPBROKEN', `${source} is not a WordPress tree: ${VERSION_FILE} is missing.`);
  }
  if (options.db.kind === 'sqlite') {
    // Caught here, not as a PHP fatal error on the first page.
    const requires = await sqlitePluginRequires();
    if (requires && compareVersions(version, requires) < 0) {
      throw new LamphpError(
        'EWPSQLITE',
        `WordPress ${version} (${source}) is too old for the SQLite integration plugin, which needs ${requires} or newer. ` +
          'Use a newer WordPress (--wordpress <zip|dir>, or `node scripts/system-packages.js --wordpress-only` for ' +
          "Debian trixie's), or MySQL: set DB_HOST, DB_NAME, DB_USER and DB_PASSWORD.",
      );
    }
  }
  const sysroot = options.sysroot ?? sysrootOf(source);
  const roots = [...new Set([...(sysroot ? [sysroot] : []), ...(options.debianRoots ?? defaultDebianRoots())])];

  // Built inside the target (same file system) and moved into place when complete.
  const staging = path.join(siteDir, `${STAGING}${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(siteDir, { recursive: true });
  try {
    logger.info('Copying WordPress into the site', { source, siteDir, version });
    await copyResolved(source, staging, { sysroot, skip: skipFromSource });
    const addedTheme = await addDefaultTheme(staging, roots, logger);
    if (options.db.kind === 'sqlite') await installSqlite(staging);
    await fs.mkdir(path.join(staging, 'wp-content/uploads'), { recursive: true });
    await installMuPlugins(staging);

    const salts = await loadOrCreateSalts(path.join(staging, SALTS_FILE));
    const config = renderWpConfig({
      db: options.db,
      salts,
      lambda: options.lambda ?? false,
      home: options.home,
      siteId: options.siteId,
      // WordPress falls back to WP_DEFAULT_THEME; point it at the theme that is actually there.
      extra: { ...options.constants, ...(addedTheme && { WP_DEFAULT_THEME: addedTheme }) },
    });
    await fs.writeFile(path.join(staging, 'wp-config.php'), config, { mode: 0o640 });

    await commitSite(staging, siteDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new LamphpError('EWPSITE', `${siteDir} was filled by another process while preparing; run again to use it.`, {
        cause: err,
      });
    }
    throw err;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  logger.info('WordPress site prepared', { siteDir, db: options.db.kind, version });
  return { siteDir, created: true };
}
