/**
 * The one wp-config.php generator, used by local site preparation and by the Lambda install.
 *
 * Site address: WP_HOME / WP_SITEURL follow the request — scheme from `$_SERVER['HTTPS']`
 * (set by the bridge from the front door, never from a client's X-Forwarded-Proto) and host
 * from `HTTP_HOST` (which the bridge already pins to LAMPHP_CANONICAL_HOST when that is set).
 * So one site works on 127.0.0.1:8080 and behind CloudFront without editing. Pass `home` (from
 * the WP_HOME environment variable, see `homeFromEnv`) to write a fixed address instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LamphpError } from '../errors.ts';
import type { Env } from '../config.ts';

export type DbSettings =
  | { kind: 'sqlite'; prefix?: string }
  | { kind: 'mysql'; host: string; name: string; user: string; password: string; prefix?: string };

export type Salts = Record<string, string>;

export interface WpConfigSettings {
  db: DbSettings;
  salts: Salts;
  /** Running in Lambda: no WP-Cron on page views, no self-updates writing to EFS mid-request. */
  lambda: boolean;
  /** Fixed site address (scheme://host[:port][/path]); omitted = derived from each request. */
  home?: string;
  /** Names the site: COOKIEHASH derives from it, so cookie names are known before the site URL is. */
  siteId?: string;
  /** More constants; they replace lamphp's defaults of the same name. */
  extra?: Record<string, string | boolean | number>;
}

export const SALT_NAMES = [
  'AUTH_KEY',
  'SECURE_AUTH_KEY',
  'LOGGED_IN_KEY',
  'NONCE_KEY',
  'AUTH_SALT',
  'SECURE_AUTH_SALT',
  'LOGGED_IN_SALT',
  'NONCE_SALT',
] as const;

export const DEFAULT_TABLE_PREFIX = 'wp_';

/**
 * WordPress's COOKIEHASH for a site id. WordPress would take md5 of the site URL, which a CDN
 * configuration cannot know in advance; a fixed hash lets a cache policy name the exact cookies.
 */
export function cookieHash(siteId: string): string {
  return createHash('md5').update(`lamphp:${siteId}`).digest('hex');
}

/** The cookies that make a page personal (logged in, post password, comment author): a shared cache must key on them. */
export function personalCookieNames(siteId: string): string[] {
  const hash = cookieHash(siteId);
  return ['wordpress_logged_in_', 'wp-postpass_', 'comment_author_', 'comment_author_email_', 'comment_author_url_'].map((p) => `${p}${hash}`);
}
/** SQLite database file, relative to the site root; `.ht` keeps the router from serving it. */
export const SQLITE_DB_DIR = 'wp-content/database';
export const SQLITE_DB_FILE = '.ht.sqlite';

/** A PHP expression written as is (only for values lamphp builds itself). */
interface PhpCode {
  php: string;
}
type ConstantValue = string | boolean | number | PhpCode;

/** PHP literal for a value, quoted like var_export(): single quotes, `\` and `'` escaped. */
export function phpLiteral(value: string | boolean | number): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new LamphpError('EINVALIDCONFIG', `Cannot write ${value} into wp-config.php.`);
    return String(value);
  }
  // NUL bytes are spelled out as var_export does, so the file stays plain text.
  return value
    .split('\0')
    .map((part) => `'${part.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)
    .join(' . "\\0" . ');
}

function render(value: ConstantValue): string {
  return typeof value === 'object' ? value.php : phpLiteral(value);
}

const CONSTANT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkPrefix(prefix: string): string {
  // WordPress itself refuses any other character in $table_prefix.
  if (!/^[A-Za-z0-9_]+$/.test(prefix)) {
    throw new LamphpError(
      'EINVALIDCONFIG',
      `The table prefix "${prefix}" may only contain letters, digits and underscores (e.g. "wp_").`,
    );
  }
  return prefix;
}

function checkHome(home: string): string {
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(home)) {
    throw new LamphpError('EINVALIDCONFIG', `WP_HOME must be an absolute http(s) URL such as https://example.com, got "${home}".`);
  }
  return home.replace(/\/+$/, '');
}

function dbConstants(db: DbSettings): Map<string, ConstantValue> {
  if (db.kind === 'sqlite') {
    return new Map<string, ConstantValue>([
      // Read by the SQLite integration drop-in; relative to this file so any mount path works.
      ['DB_DIR', { php: `__DIR__ . ${phpLiteral(`/${SQLITE_DB_DIR}/`)}` }],
      ['DB_FILE', SQLITE_DB_FILE],
      // Not the drop-in's default WAL: WAL keeps its index in memory shared on one host, while
      // Lambdas on different hosts share only the EFS file (SQLite: WAL does not work over a
      // network filesystem). A rollback journal needs only the file locks every writer takes.
      ['SQLITE_JOURNAL_MODE', 'DELETE'],
      // WordPress and plugins read these even when the drop-in replaces MySQL.
      ['DB_NAME', 'wordpress'],
      ['DB_USER', ''],
      ['DB_PASSWORD', ''],
      ['DB_HOST', ''],
      ['DB_CHARSET', 'utf8mb4'],
      ['DB_COLLATE', ''],
    ]);
  }
  return new Map<string, ConstantValue>([
    ['DB_NAME', db.name],
    ['DB_USER', db.user],
    ['DB_PASSWORD', db.password],
    ['DB_HOST', db.host],
    ['DB_CHARSET', 'utf8mb4'],
    ['DB_COLLATE', ''],
  ]);
}

const REQUEST_ADDRESS = `// Site address from the request: the bridge sets HTTPS and pins HTTP_HOST to the canonical host.
$lamphp_https = isset( $_SERVER['HTTPS'] ) && '' !== $_SERVER['HTTPS'] && 'off' !== strtolower( $_SERVER['HTTPS'] );
$lamphp_host  = isset( $_SERVER['HTTP_HOST'] ) ? $_SERVER['HTTP_HOST'] : ( isset( $_SERVER['SERVER_NAME'] ) ? $_SERVER['SERVER_NAME'] : 'localhost' );
if ( ! preg_match( '/^[A-Za-z0-9.\\-]+(:[0-9]+)?$|^\\[[0-9A-Fa-f:.]+\\](:[0-9]+)?$/', $lamphp_host ) ) {
	$lamphp_host = 'localhost'; // A malformed Host header must not end up in links or redirects.
}
define( 'WP_HOME', ( $lamphp_https ? 'https://' : 'http://' ) . $lamphp_host );
define( 'WP_SITEURL', WP_HOME );
unset( $lamphp_https, $lamphp_host );`;

/** Renders wp-config.php. Pure: the same settings always give the same text. */
export function renderWpConfig(settings: WpConfigSettings): string {
  const { db, salts, lambda } = settings;
  const prefix = checkPrefix(db.prefix ?? DEFAULT_TABLE_PREFIX);
  const missing = SALT_NAMES.filter((name) => typeof salts[name] !== 'string' || salts[name] === '');
  if (missing.length) {
    throw new LamphpError('EINVALIDCONFIG', `Salts are missing ${missing.join(', ')}; create them with loadOrCreateSalts().`);
  }

  const constants = dbConstants(db);
  for (const name of SALT_NAMES) constants.set(name, salts[name]);
  if (settings.siteId !== undefined) constants.set('COOKIEHASH', cookieHash(settings.siteId));
  constants.set('WP_DEBUG', false);
  constants.set('FS_METHOD', 'direct');
  if (lambda) {
    // No request should run cron or an auto-update: schedule wp-cron.php from outside instead.
    constants.set('DISABLE_WP_CRON', true);
    constants.set('AUTOMATIC_UPDATER_DISABLED', true);
  } else {
    // `lamphp serve` is a local site on plain http: 'local' lets WordPress offer application
    // passwords without HTTPS, as it does for other local development servers.
    constants.set('WP_ENVIRONMENT_TYPE', 'local');
  }
  for (const [name, value] of Object.entries(settings.extra ?? {})) {
    if (!CONSTANT_NAME.test(name)) {
      throw new LamphpError('EINVALIDCONFIG', `"${name}" is not a valid PHP constant name for wp-config.php.`);
    }
    constants.set(name, value);
  }
  const home = settings.home === undefined ? undefined : checkHome(settings.home);
  if (home !== undefined) {
    constants.set('WP_HOME', home);
    constants.set('WP_SITEURL', home);
  }

  const defines = [...constants].map(([name, value]) => `define( '${name}', ${render(value)} );`);
  return [
    '<?php',
    '/**',
    ' * WordPress configuration written by lamphp (bridge/wordpress/wp-config.ts).',
    ` * Database: ${db.kind === 'sqlite' ? `SQLite in ${SQLITE_DB_DIR}/${SQLITE_DB_FILE}` : 'MySQL'}.`,
    ' * Regenerate it rather than editing by hand; salts live beside the site and are reused.',
    ' */',
    '',
    ...defines,
    '',
    `$table_prefix = ${phpLiteral(prefix)};`,
    '',
    ...(home === undefined && !('WP_HOME' in (settings.extra ?? {})) ? [REQUEST_ADDRESS, ''] : []),
    "if ( ! defined( 'ABSPATH' ) ) {",
    "\tdefine( 'ABSPATH', __DIR__ . '/' );",
    '}',
    '',
    "require_once ABSPATH . 'wp-settings.php';",
    '',
  ].join('\n');
}

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** MySQL when DB_HOST is set (then DB_NAME, DB_USER and DB_PASSWORD are required); SQLite otherwise. */
export function dbSettingsFromEnv(env: Env = process.env): DbSettings {
  const prefix = envValue(env, 'DB_TABLE_PREFIX')?.trim();
  if (prefix !== undefined) checkPrefix(prefix);
  const host = envValue(env, 'DB_HOST')?.trim();
  if (host === undefined) return prefix === undefined ? { kind: 'sqlite' } : { kind: 'sqlite', prefix };
  const missing = ['DB_NAME', 'DB_USER'].filter((name) => envValue(env, name) === undefined);
  // An empty password is legitimate (a local MariaDB root), but it must be set on purpose.
  if (env.DB_PASSWORD === undefined) missing.push('DB_PASSWORD');
  if (missing.length) {
    throw new LamphpError(
      'EINVALIDCONFIG',
      `DB_HOST is set, so MySQL is used, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set; ` +
        'set them too, or unset DB_HOST to use SQLite.',
    );
  }
  const db: DbSettings = {
    kind: 'mysql',
    host,
    name: envValue(env, 'DB_NAME')!.trim(),
    user: envValue(env, 'DB_USER')!.trim(),
    password: env.DB_PASSWORD ?? '',
  };
  return prefix === undefined ? db : { ...db, prefix };
}

/** The fixed site address from WP_HOME, if one is set; otherwise the request decides. */
export function homeFromEnv(env: Env = process.env): string | undefined {
  const home = envValue(env, 'WP_HOME')?.trim();
  return home === undefined ? undefined : checkHome(home);
}

function newSalt(): string {
  return randomBytes(48).toString('base64url'); // 64 characters, nothing PHP needs escaped
}

/**
 * Salts kept in a JSON file: created once, never regenerated (new ones would log everyone
 * out). Missing names are added; existing ones are kept. Safe when two processes race.
 */
export async function loadOrCreateSalts(file: string): Promise<Salts> {
  let existing: Salts | undefined;
  try {
    existing = JSON.parse(await fs.readFile(file, 'utf8')) as Salts;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new LamphpError('ESALTS', `Cannot read the salts file ${file}: ${(err as Error).message}. Fix or remove it.`, {
        cause: err,
      });
    }
  }
  if (existing && SALT_NAMES.every((name) => typeof existing[name] === 'string' && existing[name] !== '')) {
    return existing;
  }
  const salts: Salts = { ...existing };
  for (const name of SALT_NAMES) if (typeof salts[name] !== 'string' || salts[name] === '') salts[name] = newSalt();

  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(salts, null, 2) + '\n', { mode: 0o600 });
  try {
    if (existing) await fs.rename(tmp, file);
    else {
      // link() fails if another process created the file first: then its salts win.
      try {
        await fs.link(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSalts(file);
        throw err;
      }
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return salts;
}
