/**
 * What is never served, by name: the default-deny families and the site's own
 * `LAMPHP_DENY_PATHS` / `LAMPHP_ALLOW_PATHS`. The router judges every segment of a request path
 * with them before touching a file, and again the names of an existing file: the name it was
 * asked for (a symlink's own name) and its symlink-resolved target. Pure: no I/O.
 *
 * Families (case-insensitive; SECURITY.md lists the same):
 * - dotfiles (`.env`, `.git/`, `.htaccess`, `.user.ini`, `.ht.sqlite`), except `/.well-known/`;
 * - PHP source: names ending in a dot or a space (`x.php.`), `wp-config` with any suffix, and a
 *   PHP-like extension followed by any suffix that is not one real static type (`x.php.bak1`,
 *   `x.php-old`, `x.php_bak`, `x.php.dist`; `x.php.css` is a stylesheet); PHP-like names are
 *   never served as text, and any PHP file under the uploads directory is refused (403);
 * - backups and logs: `~`, `#x#`, `.bak`, `.backup`, `.old`, `.orig`, `.save`, `.copy`, `.tmp`,
 *   `.temp`, `.dist`, `.swp` and the like (with or without a number: `.bak1`), `.sql` dumps,
 *   `.log`, `error_log`; on an existing file also `-old`, `_bak`, `-backup`, `_copy`… (not on a
 *   path with no file behind it: a post slug such as `/the-good-old/` is a page, not a backup);
 * - databases: `*.sqlite`, `*.sqlite3`, `*.db` (and their `-journal`, `-wal`, `-shm` files);
 * - configuration: `php.ini` and any `*.ini`, `composer.*`.
 *
 * `LAMPHP_ALLOW_PATHS` may relax the backup, database and configuration families for the paths
 * it names — never dotfiles, PHP source or PHP in uploads. `LAMPHP_DENY_PATHS` denies more.
 */
import mime from 'mime-types';
import { globToRegExp } from './htaccess.ts';

export type DenyReason =
  | 'dotfile'
  | 'wp-config'
  | 'php-source-copy'
  | 'trailing-dot-or-space'
  | 'php-in-uploads'
  | 'backup-or-log'
  | 'database'
  | 'config'
  | 'composer'
  | 'deny-pattern';

/** Families a site may open with LAMPHP_ALLOW_PATHS; the rest hold whatever the settings say. */
const RELAXABLE = new Set<DenyReason>(['backup-or-log', 'database', 'config', 'composer']);

export interface Denial {
  status: 403 | 404;
  reason: DenyReason;
}

/** A compiled LAMPHP_DENY_PATHS / LAMPHP_ALLOW_PATHS pattern. */
export interface PathPattern {
  source: string;
  matches(segments: readonly string[]): boolean;
}

export interface PathRules {
  deny: readonly PathPattern[];
  allow: readonly PathPattern[];
}

export interface DenyOptions {
  /** Relative to the document root, e.g. `wp-content/uploads`. */
  uploadsDir: string;
  paths?: PathRules;
  /**
   * The segments name an existing file (a request's file, or a symlink's target): the families
   * that only make sense for a file (`-old`, `_bak`…) apply to its name.
   */
  file?: boolean;
}

/** Extensions some server somewhere executes as PHP; we only run `.php`, and never serve these. */
export const PHP_LIKE = /\.(php\d*|phtml|pht|phps|phar|inc)$/i;
/** In uploads also `shell.php.jpg`, which Apache's AddHandler would execute. */
const PHP_LIKE_ANYWHERE = /\.(php\d*|phtml|pht|phps|phar|inc)(\.|$)/i;
/** A PHP-like extension followed by something that is not a letter or digit: a copy of the source. */
const PHP_WITH_SUFFIX = /\.(?:php\d*|phtml|pht|phps|phar|inc)([^a-z0-9].*)$/i;
const BACKUP_WORDS = 'bak|bk|bac|backup|old|orig|save|sav|copy|tmp|temp|dist|swp|swo|swn|swx|rej|prev';
const BACKUP = new RegExp(`(~|\\.(${BACKUP_WORDS})\\d*|\\.sql(\\.[a-z0-9]+)?|\\.dump|\\.log(\\.\\d+)?)$|^#.*#$|^error_log$`, 'i');
const BACKUP_FILE = new RegExp(`[-_ ](${BACKUP_WORDS})\\d*$`, 'i');
const DATABASE = /\.(sqlite3?|db3?|s3db|sl3)(-journal|-wal|-shm)?$/i;
const CONFIG = /\.ini$/i;

/** One static type, as the static responder would serve it (`.css`, `.png`, `.txt`), not a generic or unknown one. */
function isStaticType(suffix: string): boolean {
  if (!/^\.[a-z0-9]+$/i.test(suffix)) return false;
  const type = mime.lookup(`x${suffix}`);
  return type !== false && type !== 'application/octet-stream';
}

/** The family a single name belongs to, or null. `first`: the name is the first segment of the path. */
export function nameFamily(raw: string, options: { first?: boolean; file?: boolean } = {}): DenyReason | null {
  if (raw.startsWith('.') && !(options.first && raw === '.well-known')) return 'dotfile';
  const lower = raw.toLowerCase();
  if (lower.startsWith('wp-config')) return 'wp-config';
  if (/[. ]$/.test(raw)) return 'trailing-dot-or-space';
  const copy = PHP_WITH_SUFFIX.exec(raw);
  if (copy && !isStaticType(copy[1]!)) return 'php-source-copy';
  if (BACKUP.test(raw) || (options.file && BACKUP_FILE.test(raw))) return 'backup-or-log';
  if (DATABASE.test(raw)) return 'database';
  if (CONFIG.test(raw)) return 'config';
  if (lower.startsWith('composer.')) return 'composer';
  return null;
}

/**
 * The denial for a path's decoded segments (relative to the document root), or null. Every
 * segment is judged, so a directory named like a secret hides what is under it.
 */
export function denyRule(segments: readonly string[], options: DenyOptions): Denial | null {
  const uploads = options.uploadsDir.split('/').filter(Boolean).map((s) => s.toLowerCase());
  const inUploads = uploads.length > 0 && segments.length > uploads.length && uploads.every((s, i) => segments[i]!.toLowerCase() === s);
  const paths = options.paths;
  for (let i = 0; i < segments.length; i++) {
    const raw = segments[i]!;
    // A decoded `%2F` is never a file name: the router only passes it on in PATH_INFO.
    if (raw.includes('/')) continue;
    const prefix = segments.slice(0, i + 1);
    if (paths?.deny.some((p) => p.matches(prefix))) return { status: 404, reason: 'deny-pattern' };
    const family = nameFamily(raw, { first: i === 0, file: options.file === true && i === segments.length - 1 });
    if (family && !(RELAXABLE.has(family) && paths?.allow.some((p) => p.matches(prefix)))) return { status: 404, reason: family };
    if (inUploads && i >= uploads.length && PHP_LIKE_ANYWHERE.test(raw)) return { status: 403, reason: 'php-in-uploads' };
  }
  return null;
}

/**
 * A pattern relative to the document root: `*` and `?` stay within a name, `**` spans
 * directories; with no `/` it names a file or directory at any depth (`*.csv`), with one it is
 * a path from the root (`private/**`, `data/export-*.sql`). Case-insensitive.
 */
export function compilePathPattern(source: string): PathPattern {
  const parts = source.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean);
  const anyDepth = parts.length === 1;
  const compiled = parts.map((p) => (p === '**' ? '**' : globToRegExp(p)));
  const match = (segs: readonly string[], s: number, p: number): boolean => {
    if (p === compiled.length) return s === segs.length;
    const part = compiled[p]!;
    if (part === '**') {
      for (let k = s; k <= segs.length; k++) if (match(segs, k, p + 1)) return true;
      return false;
    }
    return s < segs.length && part.test(segs[s]!) && match(segs, s + 1, p + 1);
  };
  return {
    source,
    matches: (segments) => (anyDepth ? segments.length > 0 && (compiled[0] === '**' || (compiled[0] as RegExp).test(segments.at(-1)!)) : match(segments, 0, 0)),
  };
}

/** Problems with a pattern list setting, one sentence each (empty when all are usable). */
export function pathPatternProblems(patterns: readonly string[]): string[] {
  return patterns.flatMap((p) => {
    const parts = p.replace(/^\/+/, '').split('/');
    if (p.trim() === '' || parts.every((s) => s === '')) return [`"${p}" is empty`];
    if (parts.some((s) => s === '.' || s === '..')) return [`"${p}" uses . or .. (patterns are relative to the document root)`];
    if (/[\\\u0000-\u001f]/.test(p)) return [`"${p}" holds a backslash or a control character`];
    return [];
  });
}

export function compilePathRules(deny: readonly string[], allow: readonly string[]): PathRules {
  return { deny: deny.map(compilePathPattern), allow: allow.map(compilePathPattern) };
}
