/**
 * Decides what a request is before PHP runs, the way nginx does with
 * `try_files $uri $uri/ /index.php?$args`, plus deny rules that keep secrets and source away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodePath, headerSafeQuery, normalisePath } from './paths.ts';

export type Route =
  | { kind: 'php'; scriptName: string; scriptFilename: string; pathInfo: string }
  | { kind: 'static'; filePath: string; urlPath: string }
  | { kind: 'redirect'; status: 301; location: string }
  | { kind: 'deny'; status: 403 | 404; reason: string }
  | { kind: 'bad'; status: 400; reason: string };

/** What exists at an absolute host path; follows symlinks. */
export type FileProbe = (absolutePath: string) => 'file' | 'dir' | null;

export interface RouterOptions {
  documentRoot: string;
  /** Script that handles everything else, relative to the root, e.g. `index.php`. */
  frontController: string;
  /** Relative to the root, e.g. `wp-content/uploads`. */
  uploadsDir: string;
  probe?: FileProbe;
  /** Resolves symlinks; defaults to fs.realpathSync.native. Tests with a fake probe pass their own. */
  realpath?: (absolutePath: string) => string;
  /** The application's own access rules (its `.htaccess` files, htaccess.ts). */
  access?: { check(segments: readonly string[]): { source: string } | null };
}

export const statProbe: FileProbe = (absolutePath) => {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(absolutePath, { throwIfNoEntry: false });
  } catch {
    return null; // ENAMETOOLONG, EACCES, ELOOP: nothing we may serve lives there
  }
  if (!stat) return null;
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'dir';
  return null;
};

// Case-insensitive: a case-insensitive filesystem (a laptop) must not leak `X.PHP` as text.
const PHP_SCRIPT = /\.php$/i;
/** Extensions some server somewhere executes as PHP; we only run `.php`, and never serve these. */
const PHP_LIKE = /\.(php\d*|phtml|pht|phps|phar|inc)$/i;
// In uploads also catch `shell.php.jpg`, which Apache's AddHandler would execute.
const PHP_LIKE_ANYWHERE = /\.(php\d*|phtml|pht|phps|phar|inc)(\.|$)/i;
const BACKUP = /(~|\.(sql(\.[a-z0-9]+)?|bak|log|swp|swo|old|orig|save))$|^#.*#$/i;
const DIRECTORY_INDEX = ['index.php', 'index.html'];

const deny = (status: 403 | 404, reason: string): Route => ({ kind: 'deny', status, reason });

/**
 * Deny rules on decoded segments. Trailing dots and spaces are ignored for matching because
 * some filesystems (and some copies from them) treat `x.php.` as `x.php`.
 */
export function denyRule(segments: readonly string[], uploadsDir: string): Route | null {
  const uploads = uploadsDir.split('/').filter(Boolean).map((s) => s.toLowerCase());
  const inUploads =
    uploads.length > 0 &&
    segments.length > uploads.length &&
    uploads.every((s, i) => segments[i].toLowerCase() === s);
  for (let i = 0; i < segments.length; i++) {
    const raw = segments[i];
    const name = raw.replace(/[. ]+$/, '') || raw;
    const lower = name.toLowerCase();
    if (raw.startsWith('.') && !(i === 0 && raw === '.well-known')) return deny(404, 'dotfile');
    if (lower.startsWith('wp-config.php')) return deny(404, 'wp-config');
    if (BACKUP.test(name) || lower === 'error_log') return deny(404, 'backup-or-log');
    if (lower.startsWith('composer.')) return deny(404, 'composer');
    if (inUploads && i >= uploads.length && PHP_LIKE_ANYWHERE.test(raw)) return deny(403, 'php-in-uploads');
  }
  return null;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function route(request: { path: string; query: string }, options: RouterOptions): Route {
  const probe = options.probe ?? statProbe;
  const realpath = options.realpath ?? fs.realpathSync.native;
  const root = path.resolve(options.documentRoot);

  const norm = normalisePath(request.path, { encodedSlash: 'keep' });
  if (!norm.ok) return { kind: 'bad', status: 400, reason: norm.reason };
  const { segments, trailingSlash } = norm;
  const denied = denyRule(segments, options.uploadsDir);
  if (denied) return denied;
  const appRule = options.access?.check(segments);
  if (appRule) return deny(403, `htaccess ${appRule.source}`);

  const hostPath = (segs: readonly string[]) => path.join(root, ...segs);
  const urlPath = (segs: readonly string[]) => '/' + segs.join('/');
  if (!isInside(root, hostPath(segments))) return deny(404, 'outside-root');

  // The symlink-resolved target must stay in the root and pass the same deny rules.
  const checkReal = (segs: readonly string[]): Route | null => {
    let realRoot: string;
    let realTarget: string;
    try {
      realRoot = realpath(root);
      realTarget = realpath(hostPath(segs));
    } catch {
      return deny(404, 'vanished');
    }
    if (!isInside(realRoot, realTarget)) return deny(404, 'symlink-outside-root');
    const rel = path.relative(realRoot, realTarget);
    return rel === '' ? null : denyRule(rel.split(path.sep), options.uploadsDir);
  };

  const php = (segs: readonly string[], pathInfo: string): Route => {
    const real = checkReal(segs);
    if (real) return real;
    return { kind: 'php', scriptName: urlPath(segs), scriptFilename: hostPath(segs), pathInfo };
  };

  const file = (segs: readonly string[]): Route => {
    const name = segs[segs.length - 1];
    if (PHP_SCRIPT.test(name)) return php(segs, '');
    if (PHP_LIKE.test(name)) return deny(404, 'script-source');
    const real = checkReal(segs);
    if (real) return real;
    return { kind: 'static', filePath: hostPath(segs), urlPath: urlPath(segs) };
  };

  // A `%2F` is only passed on inside PATH_INFO, after the script (nginx decodes it there too).
  const encodedSlash = segments.findIndex((s) => s.includes('/'));
  const kind = segments.length === 0 ? 'dir' : encodedSlash !== -1 ? null : probe(hostPath(segments));
  if (kind === 'file' && !trailingSlash) return file(segments);

  // `/script.php/extra/path`: the first `.php` segment that is a real file is the script.
  const lastCandidate = encodedSlash !== -1 ? encodedSlash : trailingSlash ? segments.length : segments.length - 1;
  for (let i = 0; i < lastCandidate; i++) {
    const prefix = segments.slice(0, i + 1);
    if (PHP_SCRIPT.test(segments[i]) && probe(hostPath(prefix)) === 'file') {
      const rest = segments.slice(i + 1);
      return php(prefix, '/' + rest.join('/') + (trailingSlash && rest.length > 0 ? '/' : ''));
    }
  }

  if (encodedSlash !== -1) return { kind: 'bad', status: 400, reason: 'encoded-slash' };

  if (kind === 'dir') {
    if (!trailingSlash) {
      const query = request.query ? '?' + headerSafeQuery(request.query) : '';
      // Built from the normalised path, so `//evil.example` can never become a protocol-relative URL.
      return { kind: 'redirect', status: 301, location: encodePath(norm.path) + '/' + query };
    }
    for (const index of DIRECTORY_INDEX) {
      const segs = [...segments, index];
      if (probe(hostPath(segs)) !== 'file') continue;
      return denyRule(segs, options.uploadsDir) ?? file(segs);
    }
  }

  const front = options.frontController.split('/').filter(Boolean);
  if (front.length === 0 || probe(hostPath(front)) !== 'file') return deny(404, 'no-front-controller');
  return php(front, '');
}
