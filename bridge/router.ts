/**
 * Decides what a request is before PHP runs, the way nginx does with
 * `try_files $uri $uri/ /index.php?$args`, plus deny rules that keep secrets and source away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodePath, headerSafeQuery, normalisePath } from './paths.ts';
import { denyRule, PHP_LIKE, type DenyOptions, type PathRules } from './deny-rules.ts';

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
  /** LAMPHP_DENY_PATHS / LAMPHP_ALLOW_PATHS, compiled (deny-rules.ts). */
  paths?: PathRules;
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
const DIRECTORY_INDEX = ['index.php', 'index.html'];

export { denyRule } from './deny-rules.ts';

const deny = (status: 403 | 404, reason: string): Route => ({ kind: 'deny', status, reason });

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function route(request: { path: string; query: string }, options: RouterOptions): Route {
  const probe = options.probe ?? statProbe;
  const realpath = options.realpath ?? fs.realpathSync.native;
  const root = path.resolve(options.documentRoot);
  const rules: DenyOptions = { uploadsDir: options.uploadsDir, ...(options.paths && { paths: options.paths }) };
  const denied = (segs: readonly string[], file = false): Route | null => {
    const d = denyRule(segs, { ...rules, file });
    return d && deny(d.status, d.reason);
  };

  const norm = normalisePath(request.path, { encodedSlash: 'keep' });
  if (!norm.ok) return { kind: 'bad', status: 400, reason: norm.reason };
  const { segments, trailingSlash } = norm;
  const pathDenied = denied(segments);
  if (pathDenied) return pathDenied;
  const appRule = options.access?.check(segments);
  if (appRule) return deny(403, `htaccess ${appRule.source}`);

  const hostPath = (segs: readonly string[]) => path.join(root, ...segs);
  const urlPath = (segs: readonly string[]) => '/' + segs.join('/');
  if (!isInside(root, hostPath(segments))) return deny(404, 'outside-root');

  let realRoot: string | undefined;
  /** Where a path really is, relative to the real root; null when it resolves outside (or vanished). */
  const realRelative = (segs: readonly string[]): string[] | null => {
    try {
      realRoot ??= realpath(root);
      const target = realpath(hostPath(segs));
      if (!isInside(realRoot, target)) return null;
      const rel = path.relative(realRoot, target);
      return rel === '' ? [] : rel.split(path.sep);
    } catch {
      return null;
    }
  };
  // What resolves outside the root does not exist for the router: a symlinked directory pointing
  // elsewhere answers the same for its present and absent files.
  const exists = (segs: readonly string[]): 'file' | 'dir' | null => {
    const kind = probe(hostPath(segs));
    return kind !== null && realRelative(segs) !== null ? kind : null;
  };

  // An existing file is judged by the name it was asked for and by its symlink-resolved target.
  const checkReal = (segs: readonly string[], as: 'php' | 'static'): Route | null => {
    const own = denied(segs, true);
    if (own) return own;
    const rel = realRelative(segs);
    if (rel === null) return deny(404, 'vanished');
    if (rel.length === 0) return null;
    const target = denied(rel, true);
    if (target) return target;
    const name = rel[rel.length - 1]!;
    // A harmless name never serves a script's source; a script name never runs what is not a script.
    if (as === 'static' && (PHP_SCRIPT.test(name) || PHP_LIKE.test(name))) return deny(404, 'script-source');
    if (as === 'php' && !PHP_SCRIPT.test(name)) return deny(404, 'not-a-script');
    return null;
  };

  const php = (segs: readonly string[], pathInfo: string): Route => {
    const real = checkReal(segs, 'php');
    if (real) return real;
    return { kind: 'php', scriptName: urlPath(segs), scriptFilename: hostPath(segs), pathInfo };
  };

  const file = (segs: readonly string[]): Route => {
    const name = segs[segs.length - 1];
    if (PHP_SCRIPT.test(name)) return php(segs, '');
    if (PHP_LIKE.test(name)) return deny(404, 'script-source');
    const real = checkReal(segs, 'static');
    if (real) return real;
    return { kind: 'static', filePath: hostPath(segs), urlPath: urlPath(segs) };
  };

  // A `%2F` is only passed on inside PATH_INFO, after the script (nginx decodes it there too).
  const encodedSlash = segments.findIndex((s) => s.includes('/'));
  const kind = segments.length === 0 ? 'dir' : encodedSlash !== -1 ? null : exists(segments);
  if (kind === 'file' && !trailingSlash) return file(segments);

  // `/script.php/extra/path`: the first `.php` segment that is a real file is the script.
  const lastCandidate = encodedSlash !== -1 ? encodedSlash : trailingSlash ? segments.length : segments.length - 1;
  for (let i = 0; i < lastCandidate; i++) {
    const prefix = segments.slice(0, i + 1);
    if (PHP_SCRIPT.test(segments[i]) && exists(prefix) === 'file') {
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
      if (exists(segs) !== 'file') continue;
      return denied(segs) ?? file(segs);
    }
  }

  const front = options.frontController.split('/').filter(Boolean);
  if (front.length === 0 || exists(front) !== 'file') return deny(404, 'no-front-controller');
  return php(front, '');
}
