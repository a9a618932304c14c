/**
 * Every setting lamphp reads, in one place, with its default. Each is one `LAMPHP_*`
 * environment variable; `serve` flags override the environment. Documented in README.md.
 */
import os from 'node:os';
import path from 'node:path';
import { LamphpError } from './errors.ts';
import { pathPatternProblems } from './deny-rules.ts';
import type { LogLevel } from './log.ts';

export interface CachePolicySettings {
  /** Versioned assets (`?ver=` / `?v=`) under wp-includes and wp-content/themes|plugins. */
  versioned: string;
  /** Any other static file. */
  static: string;
  /** Files under the uploads directory. */
  uploads: string;
  /** PHP responses that set no Cache-Control and are safe to share. */
  phpPublic: string;
  /** PHP responses that set no Cache-Control and must not be shared. */
  phpPrivate: string;
}

export interface Config {
  documentRoot: string;
  /** Create a missing document root at start (a fresh EFS access point before the first install). */
  createDocumentRoot: boolean;
  frontController: string;
  responseMode: 'buffered' | 'stream';
  originSecret: string | undefined;
  /** The secret being rotated out, accepted too while CloudFront still sends it. */
  originSecretPrevious: string | undefined;
  originSecretHeader: string;
  /**
   * Header the CDN puts the viewer's address in (`ip`, `ip:port` or `[ipv6]:port`), believed only
   * on a request that carries the origin secret.
   */
  viewerAddressHeader: string;
  canonicalHost: string | undefined;
  /** Names the site; WordPress's cookie names derive from it (wp-config.php's COOKIEHASH). */
  siteId: string | undefined;
  /** Extra proxies in front of the AWS front door whose X-Forwarded-For entries are trusted. */
  trustedHops: number;
  /** Honour X-Forwarded-Host / Forwarded host (only behind a proxy you control). */
  trustForwardedHost: boolean;
  /** Stage / base path removed from API Gateway REST paths. */
  basePath: string;
  /** Uploads directory, relative to the document root. */
  uploadsDir: string;
  uploadsBucket: string | undefined;
  uploadsPrefix: string;
  uploadsUrl: string | undefined;
  phpVersion: string;
  /** A change that would invalidate more CloudFront paths sends one `/*` (LAMPHP_CDN_INVALIDATION_MAX_PATHS). */
  cdnInvalidationMaxPaths: number;
  logLevel: LogLevel;
  /** PHP worker threads (one PHP runtime each). */
  workers: number;
  /** Requests allowed to wait for a busy pool; 0 = fail fast with 503. */
  queue: number;
  /** Per-request deadline in ms when the front door gives none. */
  requestTimeoutMs: number;
  /**
   * In Lambda, how long the front door waits for an HTTP answer, from the event's arrival: PHP for
   * an HTTP event stops (504) by then, minus the margin. Undefined = only Lambda's own deadline.
   */
  frontDoorTimeoutMs: number | undefined;
  /** Time kept back from Lambda's deadline to stop PHP and post a 504; undefined = automatic. */
  deadlineMarginMs: number | undefined;
  /** Requests a PHP runtime serves before it is replaced (php-wasm leaks 2 fds per request). */
  maxRequestsPerRuntime: number;
  /** `sequential` stops a runtime before booting its successor (one runtime's memory); `overlap` boots it alongside. */
  rotation: 'overlap' | 'sequential';
  /** Host directory for PHP sessions, shared by all workers. */
  sessionDir: string;
  /** Additional php.ini file applied after lamphp's own. */
  phpIni: string | undefined;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Console invocations (`{"lamphp":{"command":"php"}}`) are accepted. */
  console: boolean;
  /** Script a scheduled (cron) invocation runs, relative to the document root. */
  cronScript: string;
  /**
   * Page the Lambda runtime renders, unseen, after a cold start no visitor paid (cron, warm-up,
   * install), so the next visitor does not pay PHP's first-run compilation; undefined: never.
   */
  primePath: string | undefined;
  /** Bytes of stdout and of stderr a console invocation returns, each. */
  consoleOutputLimit: number;
  cache: CachePolicySettings;
  /** Serve the document root's code from memory in each PHP worker (engine/php-wasm/code-cache.ts). */
  codeCache: boolean;
  /** How long a cached code-tree entry is trusted before it is checked again (changes made outside lamphp), ms. */
  codeRevalidateMs: number;
  /** Keep an opcache snapshot per code version on the document root's filesystem for cold starts. */
  opcacheSnapshot: boolean;
  /** php-wasm's loadable extensions to load in every runtime, e.g. `['intl']`. */
  phpExtensions: PhpExtension[];
  /** More paths never served (glob patterns relative to the document root; deny-rules.ts). */
  denyPaths: string[];
  /** Paths where the backup, database and configuration families may be served (never dotfiles or PHP source). */
  allowPaths: string[];
  /** How PHP's mail() is delivered; undefined: not configured (refused; `serve` uses `dir`). */
  mailTransport: MailTransportName | undefined;
  /** The sender every message is sent as (for `ses`, a verified identity). */
  mailFrom: string | undefined;
  /** Folder of `.eml` files for the `dir` transport. */
  mailDir: string | undefined;
  /** SMTP server for the `smtp` transport, e.g. `smtp://user:pass@host:587`. */
  smtpUrl: string | undefined;
  /** How jobs for SES and CloudFront leave: `direct` API calls, or `outbox` objects in the uploads bucket for the relay. */
  awsRoute: 'direct' | 'outbox';
  /** The relay's sweep performs outbox jobs that have waited longer than this, ms. */
  outboxRetryAfterMs: number;
}

/** php-wasm's extensions shipped as separate files, loaded only when asked for. */
export const PHP_EXTENSIONS = ['intl', 'redis', 'memcached'] as const;
export type PhpExtension = (typeof PHP_EXTENSIONS)[number];

function extensions(env: Env, name: string): PhpExtension[] {
  const raw = str(env, name);
  if (raw === undefined) return [];
  const names = [...new Set(raw.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean))];
  const unknown = names.filter((n) => !(PHP_EXTENSIONS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new LamphpError('EINVALIDCONFIG', `${name} lists ${unknown.join(', ')}; the extensions lamphp can load are ${PHP_EXTENSIONS.join(', ')}.`);
  }
  return names as PhpExtension[];
}

export const MAIL_TRANSPORTS = ['ses', 'smtp', 'dir', 'off'] as const;
export type MailTransportName = (typeof MAIL_TRANSPORTS)[number];

export type Env = Record<string, string | undefined>;

/** A comma-separated list of glob patterns relative to the document root. */
function patterns(env: Env, name: string): string[] {
  const raw = str(env, name);
  if (raw === undefined) return [];
  const list = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const problems = pathPatternProblems(list);
  if (problems.length > 0) {
    throw new LamphpError('EINVALIDCONFIG', `${name}: ${problems.join('; ')}. Give comma-separated patterns relative to the document root, e.g. "private/**,*.csv".`);
  }
  return list;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** PHP versions lamphp runs (each a `@php-wasm/node-<version>` package), and the one it runs unless told. */
export const PHP_VERSIONS = ['8.2', '8.3', '8.4', '8.5'] as const;
export type PhpVersion = (typeof PHP_VERSIONS)[number];
export const DEFAULT_PHP_VERSION: PhpVersion = '8.5';

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new LamphpError('EINVALIDCONFIG', `${name} must be a whole number ≥ ${min}, got "${raw}".`);
  }
  return Number(raw);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new LamphpError('EINVALIDCONFIG', `${name} must be true or false, got "${raw}".`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new LamphpError('EINVALIDCONFIG', `${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}

function siteIdFrom(env: Env): string | undefined {
  const raw = str(env, 'LAMPHP_SITE_ID');
  if (raw !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(raw)) {
    throw new LamphpError('EINVALIDCONFIG', `LAMPHP_SITE_ID must be lower-case letters, digits and dashes (at most 63), got "${raw}".`);
  }
  return raw;
}

/**
 * Beyond this many paths one `/*` is cheaper (CloudFront bills per path; a wildcard is one).
 * LAMPHP_CDN_INVALIDATION_MAX_PATHS changes it: 1 sends `/*` for every change (one billed path,
 * the whole cache refilled from the origin after it).
 */
export const CDN_INVALIDATION_MAX_PATHS = 15;

export const DEFAULT_CACHE: CachePolicySettings = {
  versioned: 'public, max-age=31536000, immutable',
  static: 'public, max-age=86400',
  uploads: 'public, max-age=604800',
  phpPublic: 'public, max-age=0, s-maxage=60',
  phpPrivate: 'private, no-store',
};

/**
 * Anonymous pages in Lambda, where lamphp invalidates CloudFront after every change that alters
 * what visitors see (bridge/cdn): kept a day, then served stale for up to a week while CloudFront
 * fetches a fresh copy in the background. The traffic replay chose it (BENCHMARKS.md, "Traffic
 * replay"): against 60 s it takes the function off 90 % of page views' path and halves the bill
 * of a small site. Elsewhere, or with LAMPHP_CDN_INVALIDATION=false, pages keep DEFAULT_CACHE's
 * minute: nothing would tell a cache that a page changed.
 */
export const INVALIDATED_PAGES_CACHE = 'public, max-age=0, s-maxage=86400, stale-while-revalidate=604800';

/** The shared-cache lifetime of anonymous PHP pages when LAMPHP_CACHE_PHP_PUBLIC is not set. */
function defaultPagesCache(env: Env, inLambda: boolean): string {
  const invalidation = str(env, 'LAMPHP_CDN_INVALIDATION')?.toLowerCase();
  const off = invalidation === 'false' || invalidation === 'off' || invalidation === '0';
  return inLambda && !off ? INVALIDATED_PAGES_CACHE : DEFAULT_CACHE.phpPublic;
}

/** Reads the configuration; throws LamphpError(EINVALIDCONFIG) on a malformed value. */
export function readConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const inLambda = env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const documentRoot = path.resolve(str(env, 'LAMPHP_DOCUMENT_ROOT') ?? process.cwd());
  const config: Config = {
    documentRoot,
    createDocumentRoot: bool(env, 'LAMPHP_CREATE_DOCUMENT_ROOT', false),
    frontController: str(env, 'LAMPHP_FRONT_CONTROLLER') ?? 'index.php',
    responseMode: oneOf(env, 'LAMPHP_RESPONSE_MODE', ['buffered', 'stream'] as const, 'buffered'),
    originSecret: str(env, 'LAMPHP_ORIGIN_SECRET'),
    originSecretPrevious: str(env, 'LAMPHP_ORIGIN_SECRET_PREVIOUS'),
    originSecretHeader: (str(env, 'LAMPHP_ORIGIN_SECRET_HEADER') ?? 'x-lamphp-origin-secret').toLowerCase(),
    viewerAddressHeader: (str(env, 'LAMPHP_VIEWER_ADDRESS_HEADER') ?? 'cloudfront-viewer-address').toLowerCase(),
    canonicalHost: str(env, 'LAMPHP_CANONICAL_HOST'),
    siteId: siteIdFrom(env),
    trustedHops: int(env, 'LAMPHP_TRUSTED_HOPS', 0),
    trustForwardedHost: bool(env, 'LAMPHP_TRUST_FORWARDED_HOST', false),
    basePath: str(env, 'LAMPHP_BASE_PATH') ?? '',
    uploadsDir: DEFAULT_UPLOADS_DIR,
    uploadsBucket: str(env, 'LAMPHP_UPLOADS_BUCKET'),
    uploadsPrefix: (str(env, 'LAMPHP_UPLOADS_PREFIX') ?? '').replace(/^\/+/, ''),
    uploadsUrl: str(env, 'LAMPHP_UPLOADS_URL'),
    phpVersion: oneOf(env, 'LAMPHP_PHP_VERSION', PHP_VERSIONS, DEFAULT_PHP_VERSION),
    cdnInvalidationMaxPaths: int(env, 'LAMPHP_CDN_INVALIDATION_MAX_PATHS', CDN_INVALIDATION_MAX_PATHS, 1),
    logLevel: oneOf(env, 'LAMPHP_LOG_LEVEL', LOG_LEVELS, 'info'),
    workers: int(env, 'LAMPHP_WORKERS', inLambda ? 1 : Math.max(1, os.availableParallelism()), 1),
    queue: int(env, 'LAMPHP_QUEUE', 1000),
    requestTimeoutMs: int(env, 'LAMPHP_REQUEST_TIMEOUT_MS', 30_000, 1),
    deadlineMarginMs: str(env, 'LAMPHP_DEADLINE_MARGIN_MS') === undefined ? undefined : int(env, 'LAMPHP_DEADLINE_MARGIN_MS', 0),
    frontDoorTimeoutMs: str(env, 'LAMPHP_FRONT_DOOR_TIMEOUT_MS') === undefined ? undefined : int(env, 'LAMPHP_FRONT_DOOR_TIMEOUT_MS', 0, 1),
    maxRequestsPerRuntime: int(env, 'LAMPHP_MAX_REQUESTS_PER_RUNTIME', 1000, 1),
    // In Lambda the successor boots in the after-response slot, and two runtimes would not fit 512 MB.
    rotation: oneOf(env, 'LAMPHP_ROTATION', ['overlap', 'sequential'] as const, inLambda ? 'sequential' : 'overlap'),
    sessionDir: path.resolve(str(env, 'LAMPHP_SESSION_DIR') ?? path.join(os.tmpdir(), 'lamphp-sessions')),
    phpIni: str(env, 'LAMPHP_PHP_INI'),
    maxBodyBytes: int(env, 'LAMPHP_MAX_BODY_BYTES', 32 * 1024 * 1024, 1),
    console: bool(env, 'LAMPHP_CONSOLE', true),
    cronScript: (str(env, 'LAMPHP_CRON_SCRIPT') ?? 'wp-cron.php').replace(/^\/+/, ''),
    primePath: primePath(env),
    consoleOutputLimit: int(env, 'LAMPHP_CONSOLE_OUTPUT_LIMIT', 1024 * 1024),
    codeCache: bool(env, 'LAMPHP_CODE_CACHE', true),
    codeRevalidateMs: int(env, 'LAMPHP_CODE_REVALIDATE_MS', 2000),
    opcacheSnapshot: bool(env, 'LAMPHP_OPCACHE_SNAPSHOT', true),
    phpExtensions: extensions(env, 'LAMPHP_PHP_EXTENSIONS'),
    denyPaths: patterns(env, 'LAMPHP_DENY_PATHS'),
    allowPaths: patterns(env, 'LAMPHP_ALLOW_PATHS'),
    mailTransport: str(env, 'LAMPHP_MAIL_TRANSPORT') === undefined ? undefined : oneOf(env, 'LAMPHP_MAIL_TRANSPORT', MAIL_TRANSPORTS, 'off'),
    mailFrom: str(env, 'LAMPHP_MAIL_FROM'),
    mailDir: str(env, 'LAMPHP_MAIL_DIR') === undefined ? undefined : path.resolve(str(env, 'LAMPHP_MAIL_DIR')!),
    smtpUrl: str(env, 'LAMPHP_SMTP_URL'),
    awsRoute: oneOf(env, 'LAMPHP_AWS_ROUTE', ['direct', 'outbox'] as const, 'direct'),
    outboxRetryAfterMs: int(env, 'LAMPHP_OUTBOX_RETRY_MINUTES', 10, 1) * 60_000,
    cache: {
      versioned: str(env, 'LAMPHP_CACHE_VERSIONED') ?? DEFAULT_CACHE.versioned,
      static: str(env, 'LAMPHP_CACHE_STATIC') ?? DEFAULT_CACHE.static,
      uploads: str(env, 'LAMPHP_CACHE_UPLOADS') ?? DEFAULT_CACHE.uploads,
      phpPublic: str(env, 'LAMPHP_CACHE_PHP_PUBLIC') ?? defaultPagesCache(env, inLambda),
      phpPrivate: str(env, 'LAMPHP_CACHE_PHP_PRIVATE') ?? DEFAULT_CACHE.phpPrivate,
    },
  };
  const merged = { ...config, ...overrides, cache: { ...config.cache, ...overrides.cache } };
  // Judged against the document root the configuration ends with (an override may set it).
  merged.uploadsDir = uploadsDirWithin(merged.documentRoot, overrides.uploadsDir ?? str(env, 'LAMPHP_UPLOADS_DIR') ?? DEFAULT_UPLOADS_DIR);
  return merged;
}

/** LAMPHP_PRIME_PATH: a path on the site (`/` by default); `off` turns priming off. */
function primePath(env: Env): string | undefined {
  const value = str(env, 'LAMPHP_PRIME_PATH');
  if (value === undefined) return '/';
  if (value === 'off') return undefined;
  if (!value.startsWith('/') || /[\s#]/.test(value)) {
    throw new LamphpError('EINVALIDCONFIG', `LAMPHP_PRIME_PATH must be a path on the site starting with "/" (or "off"), got "${value}".`);
  }
  return value;
}

const DEFAULT_UPLOADS_DIR = 'wp-content/uploads';

/**
 * LAMPHP_UPLOADS_DIR as a path relative to the document root: given relative, or absolute inside
 * the root. Anything that is not a directory inside the root is refused (nothing would be synced).
 */
export function uploadsDirWithin(documentRoot: string, value: string): string {
  const root = path.resolve(documentRoot);
  const target = path.resolve(root, value);
  const rel = path.relative(root, target);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LamphpError(
      'EINVALIDCONFIG',
      `LAMPHP_UPLOADS_DIR must name a directory inside the document root ${root}, got "${value}". ` +
        `Give it relative to the root (wp-content/uploads) or as an absolute path inside it (${path.join(root, DEFAULT_UPLOADS_DIR)}).`,
    );
  }
  return rel.split(path.sep).join('/');
}
