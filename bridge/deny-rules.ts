/**
 * What is never served, by name: the default-deny families and the site's own
 * `LAMPHP_DENY_PATHS` / `LAMPHP_ALLOW_PATHS`. The router judges every segment of a request path
 * with them before touching a file, and again the names of an existing file: the name it was
 * asked for (a symlink's own name) and its symlink-resolved target. Pure: no I/O.
 *
 * The families are listed once, in `DENY_FAMILIES` below: README's table and SECURITY.md's list
 * are generated from it (`node scripts/deny-families-docs.ts`), and test/deny-families.test.ts
 * checks both the documents and every example against the router.
 *
 * `LAMPHP_ALLOW_PATHS` may relax the backup, database and configuration families for the paths
 * it names — never dotfiles, PHP source or PHP in uploads. `LAMPHP_DENY_PATHS` denies more.
 */
import mime from 'mime-types';
import { globToRegExp } from './htaccess.ts';

/** Why a name is refused: a family's reason, or the site's LAMPHP_DENY_PATHS (`deny-pattern`). */
export const DENY_REASONS = [
  'dotfile',
  'wp-config',
  'php-source-copy',
  'trailing-dot-or-space',
  'php-in-uploads',
  'backup-or-log',
  'database',
  'config',
  'composer',
  'deny-pattern',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

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

/** Extensions some server somewhere executes as PHP (`php` also with digits: `.php5`); we only run `.php`. */
const PHP_LIKE_EXTENSIONS = ['php', 'phtml', 'pht', 'phps', 'phar', 'inc'] as const;
const PHP_EXTENSION = `(?:php\\d*|${PHP_LIKE_EXTENSIONS.slice(1).join('|')})`;
/** Never served as text: a PHP-like name. */
export const PHP_LIKE = new RegExp(`\\.${PHP_EXTENSION}$`, 'i');
/** In uploads also `shell.php.jpg`, which Apache's AddHandler would execute. */
const PHP_LIKE_ANYWHERE = new RegExp(`\\.${PHP_EXTENSION}(\\.|$)`, 'i');
/** A PHP-like extension followed by something that is not a letter or digit: a copy of the source. */
const PHP_WITH_SUFFIX = new RegExp(`\\.${PHP_EXTENSION}([^a-z0-9].*)$`, 'i');
/** What ends a backup's name, with or without a number after it: `.bak`, `.bak1`; on an existing file also `-old`, `_bak`. */
const BACKUP_WORDS = ['bak', 'bk', 'bac', 'backup', 'old', 'orig', 'save', 'sav', 'copy', 'tmp', 'temp', 'dist', 'swp', 'swo', 'swn', 'swx', 'rej', 'prev'] as const;
const BACKUP = new RegExp(`(~|\\.(${BACKUP_WORDS.join('|')})\\d*|\\.sql(\\.[a-z0-9]+)?|\\.dump|\\.log(\\.\\d+)?)$|^#.*#$|^error_log$`, 'i');
const BACKUP_FILE = new RegExp(`[-_ ](${BACKUP_WORDS.join('|')})\\d*$`, 'i');
const DATABASE_EXTENSIONS = ['sqlite', 'sqlite3', 'db', 'db3', 's3db', 'sl3'] as const;
const DATABASE_SIDECARS = ['-journal', '-wal', '-shm'] as const;
const DATABASE = new RegExp(`\\.(${DATABASE_EXTENSIONS.join('|')})(${DATABASE_SIDECARS.join('|')})?$`, 'i');
const CONFIG = /\.ini$/i;

/** One family as the documents name it, with the requests that show it (each checked against the router). */
export interface DenyFamily {
  /** Markdown, as README's table and SECURITY.md's list name the family. */
  title: string;
  /** The router's reasons for what this family refuses. */
  reasons: readonly string[];
  status: 403 | 404;
  /** LAMPHP_ALLOW_PATHS may open it for the paths it names. */
  relaxable: boolean;
  /** Request paths refused, an existing file behind each. */
  refuses: readonly string[];
  /** More of the same, checked but not listed in the documents. */
  alsoRefuses?: readonly string[];
  /** Look-alikes that are served or run (a real static type, a page with no file behind it: a path ending in `/`). */
  serves?: readonly string[];
  /** Markdown: the rest of what the family covers. */
  note?: string;
}

const list = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');

/** The default-deny families: the one list the router, README and SECURITY.md share. */
export const DENY_FAMILIES: readonly DenyFamily[] = [
  {
    title: 'dotfiles (except `/.well-known/`)',
    reasons: ['dotfile'],
    status: 404,
    relaxable: false,
    refuses: ['.env', '.git/config', '.htaccess', '.htpasswd', '.user.ini', '.ht.sqlite', 'wp-content/.env'],
    serves: ['.well-known/acme-challenge/token'],
    note: 'a file or directory whose name starts with a dot, at any depth',
  },
  {
    title: 'PHP source',
    reasons: ['script-source', 'wp-config', 'php-source-copy', 'trailing-dot-or-space'],
    status: 404,
    relaxable: false,
    refuses: ['x.phtml', 'x.php5', 'x.inc', 'x.phps', 'wp-config.php', 'wp-config.txt', 'wp-config-old', 'x.php.bak1', 'x.php-old', 'x.php_bak', 'x.php.dist', 'x.php~', 'x.php (copy)', 'x.php.', 'notes.txt.'],
    alsoRefuses: PHP_LIKE_EXTENSIONS.flatMap((e) => [...(e === 'php' ? [] : [`x.${e}`]), `x.${e}.old`, `x.${e}_`, `X.${e.toUpperCase()}.save2`, `x.${e}.txt.`, `wp-config.${e}`]),
    serves: ['x.php.css', 'index.php'],
    note:
      `PHP-like names (${list(PHP_LIKE_EXTENSIONS.map((e) => `.${e}`))}, \`.php\` with digits) are never sent as text — only \`.php\` runs, ` +
      'and only when its target is a `.php` file too; `wp-config` with any suffix; a PHP-like extension followed by anything but ' +
      'one real static type (`x.php.css` is a stylesheet); names ending in a dot or a space',
  },
  {
    title: 'PHP in the uploads directory',
    reasons: ['php-in-uploads'],
    status: 403,
    relaxable: false,
    refuses: ['wp-content/uploads/shell.php', 'wp-content/uploads/shell.php.jpg', 'wp-content/uploads/2024/x.phtml'],
    serves: ['wp-content/uploads/2024/photo.jpg'],
  },
  {
    title: 'backups and logs',
    reasons: ['backup-or-log'],
    status: 404,
    relaxable: true,
    refuses: [...BACKUP_WORDS.map((w) => `x.${w}`), 'x.bak1', 'x~', '#x#', 'dump.sql', 'dump.sql.gz', 'x.dump', 'x.log', 'x.log.1', 'error_log', 'x-old', 'x_bak'],
    alsoRefuses: BACKUP_WORDS.flatMap((w) => [`x.${w}2`, `X.${w.toUpperCase()}`, `x-${w}`, `x_${w}12`, `x ${w}`]),
    serves: ['the-good-old/'],
    note:
      'each suffix also with a number after it; on an existing file also those words after `-`, `_` or a space — a path with no ' +
      'file behind it, such as a post slug `/the-good-old/`, is left to the application',
  },
  {
    title: 'databases',
    reasons: ['database'],
    status: 404,
    relaxable: true,
    refuses: [...DATABASE_EXTENSIONS.map((e) => `x.${e}`), ...DATABASE_SIDECARS.map((s) => `x.sqlite${s}`)],
    alsoRefuses: DATABASE_EXTENSIONS.flatMap((e) => [`X.${e.toUpperCase()}`, ...DATABASE_SIDECARS.map((s) => `x.${e}${s}`)]),
  },
  {
    title: 'configuration',
    reasons: ['config', 'composer'],
    status: 404,
    relaxable: true,
    refuses: ['php.ini', 'x.ini', 'composer.json', 'composer.lock'],
    note: 'any `*.ini`, `composer.*`',
  },
];

/** Families a site may open with LAMPHP_ALLOW_PATHS; the rest hold whatever the settings say. */
const RELAXABLE = new Set<string>(DENY_FAMILIES.filter((f) => f.relaxable).flatMap((f) => f.reasons));

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
