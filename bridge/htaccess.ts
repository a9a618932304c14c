/**
 * An application's own access rules, read from its `.htaccess` files the way Apache applies
 * them: `Require all denied` / `Deny from all` deny a directory and everything below it,
 * `<Files>` / `<FilesMatch>` deny file names there and below, and a later grant (`Require all
 * granted`, `Allow from all`) in a deeper directory or a file section opens again. Only access
 * rules: no rewrite engine, no other directive. A deny inside any `<IfModule>` (or `<IfVersion>`,
 * `<Limit>`…) branch denies — the safe reading of the usual Apache 2.2/2.4 pairs — and so does a
 * `Require` of anything lamphp cannot check (`ip`, `local`, `valid-user`…).
 *
 * The router runs on the main thread, so what it learns is cached per directory and revalidated
 * like the PHP workers' code tree: an entry is trusted for `revalidateMs`, then checked again with
 * one stat on its next use, and the whole cache is dropped when the code version marker changes
 * (looked at no more than once per `revalidateMs`). A warm request makes no filesystem call.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CODE_VERSION_FILE } from './engine/php-wasm/code-cache.ts';

export type Access = 'denied' | 'granted';

export interface FileRule {
  access: Access;
  /** `.htaccess` path relative to the document root, and the line of the section. */
  source: string;
  matches(name: string): boolean;
}

export interface HtaccessRules {
  /** The directory-wide decision of this file, if it makes one (deny wins within one file). */
  directory?: { access: Access; source: string };
  /** `<Files>`/`<FilesMatch>` sections, in file order. */
  files: FileRule[];
}

export interface AccessDecision {
  /** e.g. `conf/.htaccess:3`: the rule that denied. */
  source: string;
}

const SECTION_OPEN = /^<\s*([A-Za-z]+)\b\s*(.*?)\s*>$/;
const SECTION_CLOSE = /^<\/\s*([A-Za-z]+)\s*>$/;

/** Glob of `<Files "…">` (`*`, `?`, `[…]`) as a whole-name RegExp. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        out += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
}

function unquote(text: string): string {
  const t = text.trim();
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.at(-1) === t[0] ? t.slice(1, -1) : t;
}

/** A matcher for a `<Files …>` / `<FilesMatch …>` argument; one that cannot be read matches every name (deny stays safe). */
function fileMatcher(section: string, args: string): (name: string) => boolean {
  const regex = section === 'filesmatch' ? unquote(args) : /^~\s*/.test(args) ? unquote(args.replace(/^~\s*/, '')) : undefined;
  try {
    // Case-insensitive: a deny must not be dodged by `VERSION` vs `version` on a case-insensitive disk.
    const re = regex !== undefined ? new RegExp(regex, 'i') : globToRegExp(unquote(args));
    return (name) => re.test(name);
  } catch {
    return () => true;
  }
}

/** What one directive says about access, if anything. */
function directiveAccess(line: string): Access | undefined {
  const words = line.split(/\s+/);
  const name = words[0]!.toLowerCase();
  const rest = words.slice(1).map((w) => w.toLowerCase());
  if (name === 'require') {
    if (rest[0] === 'not') return undefined; // a negation narrows another rule; it grants nobody
    if (rest[0] === 'all') return rest[1] === 'granted' ? 'granted' : 'denied';
    return rest.length > 0 ? 'denied' : undefined; // ip, host, local, valid-user…: not something lamphp can check
  }
  if (name === 'deny' && rest[0] === 'from' && rest[1] === 'all') return 'denied';
  if (name === 'allow' && rest[0] === 'from' && rest[1] === 'all') return 'granted';
  return undefined;
}

/** Parses the access rules of one `.htaccess` file; `source` names it in decisions. */
export function parseHtaccess(text: string, source: string): HtaccessRules {
  const rules: HtaccessRules = { files: [] };
  const stack: { section: string; file?: FileRule & { granted: boolean; denied: boolean } }[] = [];
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  let dirGranted = false;
  let dirDenied: string | undefined;
  let dirGrantedAt: string | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `${source}:${index + 1}`;
    const close = SECTION_CLOSE.exec(line);
    if (close) {
      const top = stack.pop();
      if (top?.file) {
        const f = top.file;
        // Within one section a deny wins, as it does within a file.
        if (f.denied || f.granted) rules.files.push({ access: f.denied ? 'denied' : 'granted', source: f.source, matches: f.matches });
      }
      return;
    }
    const open = SECTION_OPEN.exec(line);
    if (open) {
      const section = open[1]!.toLowerCase();
      if (section === 'files' || section === 'filesmatch') {
        stack.push({ section, file: { access: 'denied', source: at, matches: fileMatcher(section, open[2]!), granted: false, denied: false } });
      } else stack.push({ section });
      return;
    }
    const access = directiveAccess(line);
    if (!access) return;
    const file = [...stack].reverse().find((s) => s.file)?.file;
    if (file) {
      if (access === 'denied') file.denied = true;
      else file.granted = true;
    } else if (access === 'denied') dirDenied ??= at;
    else {
      dirGranted = true;
      dirGrantedAt ??= at;
    }
  });
  if (dirDenied) rules.directory = { access: 'denied', source: dirDenied };
  else if (dirGranted) rules.directory = { access: 'granted', source: dirGrantedAt! };
  return rules;
}

interface DirEntry {
  /** stat signature of the directory; null: not a directory. */
  dir: string | null;
  /** stat signature of its `.htaccess`; null: none. */
  file: string | null;
  rules?: HtaccessRules;
  checkedAt: number;
}

export interface HtaccessOptions {
  /** How long a directory's entry is trusted before its next use checks it again (one stat each). */
  revalidateMs: number;
  now?: () => number;
}

const signature = (stat: fs.Stats | undefined) => (stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : null);

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, EACCES, ELOOP: nothing to read there
  }
}

/** The `.htaccess` rules of one document root, cached per directory. */
export class HtaccessAccess {
  readonly root: string;
  #revalidateMs: number;
  #now: () => number;
  #dirs = new Map<string, DirEntry>();
  #marker: string | null | undefined;
  #markerCheckedAt = -Infinity;

  constructor(root: string, options: HtaccessOptions) {
    this.root = path.resolve(root);
    this.#revalidateMs = options.revalidateMs;
    this.#now = options.now ?? Date.now;
  }

  /** Forgets everything (a write into the code tree was reported). */
  flush(): void {
    this.#dirs.clear();
  }

  /**
   * The deny that applies to a request for these decoded URL segments, if any: the rules of every
   * directory the path goes through, then the file sections for the name the path ends on.
   */
  check(segments: readonly string[]): AccessDecision | null {
    this.#checkMarker();
    let directory: { access: Access; source: string } | undefined;
    const files: FileRule[] = [];
    // The name Apache matches `<Files>` against: the first segment that is not a directory.
    let name: string | undefined;
    for (let depth = 0; depth <= segments.length; depth++) {
      const entry = this.#entry(segments.slice(0, depth).join('/'));
      if (entry.dir === null) {
        name = segments[depth - 1];
        break;
      }
      if (entry.rules?.directory) directory = entry.rules.directory;
      if (entry.rules) files.push(...entry.rules.files);
    }
    let decision = directory;
    if (name !== undefined) for (const rule of files) if (rule.matches(name)) decision = rule;
    return decision?.access === 'denied' ? { source: decision.source } : null;
  }

  #checkMarker(): void {
    const now = this.#now();
    if (now - this.#markerCheckedAt < this.#revalidateMs) return;
    this.#markerCheckedAt = now;
    const seen = signature(statOf(path.join(this.root, CODE_VERSION_FILE)));
    if (this.#marker !== undefined && seen !== this.#marker) this.flush();
    this.#marker = seen;
  }

  #entry(rel: string): DirEntry {
    const now = this.#now();
    const cached = this.#dirs.get(rel);
    if (cached && now - cached.checkedAt < this.#revalidateMs) return cached;
    const dirPath = path.join(this.root, rel);
    const dirStat = statOf(dirPath);
    const dir = dirStat?.isDirectory() ? signature(dirStat) : null;
    const htPath = path.join(dirPath, '.htaccess');
    const file = dir === null ? null : signature(statOf(htPath));
    if (cached && cached.dir === dir && cached.file === file) {
      cached.checkedAt = now;
      return cached;
    }
    const entry: DirEntry = { dir, file, checkedAt: now };
    if (file !== null) {
      try {
        entry.rules = parseHtaccess(fs.readFileSync(htPath, 'latin1'), path.posix.join(rel, '.htaccess'));
      } catch {
        // Present but unreadable: deny the directory rather than guess what it said.
        entry.rules = { directory: { access: 'denied', source: path.posix.join(rel, '.htaccess') }, files: [] };
      }
    }
    this.#dirs.set(rel, entry);
    return entry;
  }
}

const byRoot = new Map<string, HtaccessAccess>();

/** The one cache per document root in this process, shared by the router and the uploads sync. */
export function htaccessAccess(root: string, options: HtaccessOptions): HtaccessAccess {
  const key = path.resolve(root);
  let access = byRoot.get(key);
  if (!access) {
    access = new HtaccessAccess(key, options);
    byRoot.set(key, access);
  }
  return access;
}
