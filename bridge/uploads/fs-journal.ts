/**
 * The uploads journal: which files under the uploads directory a PHP request created,
 * changed or deleted. It runs inside the engine's worker and observes php-wasm's Emscripten
 * filesystem, so it sees every write whatever made it — WordPress's media code, GD or Imagick
 * writing a generated size, a plugin, or a PHP app that is not WordPress at all.
 *
 * Every PHP file operation reaches the FS object through a handful of methods (`open` with
 * O_CREAT/O_TRUNC, `write`, `truncate`/`ftruncate`, `rename`, `unlink`); wrapping those on
 * the instance records the path after the operation succeeded. The journal only names paths:
 * the sync looks at the file as it is afterwards, so the order of operations within a request
 * does not matter.
 */
import path from 'node:path';

export type UploadOp = 'write' | 'delete';

export interface TouchedUpload {
  /** Relative to the uploads directory, posix separators, no leading slash. */
  path: string;
  op: UploadOp;
}

/** The part of Emscripten's FS the journal wraps and reads. */
interface EmscriptenFs {
  open(path: string | object, flags: number | string, mode?: number): { path: string };
  write(stream: { path: string }, ...rest: unknown[]): number;
  truncate(path: string | object, len: number): void;
  ftruncate(fd: number, len: number): void;
  rename(oldPath: string, newPath: string): void;
  unlink(path: string): void;
  getPath(node: object): string;
  getStream(fd: number): { path: string } | null;
  cwd(): string;
  readdir(path: string): string[];
  stat(path: string): { mode: number };
  isDir(mode: number): boolean;
}

/** Emscripten's open flags (musl values). */
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_ACCMODE = 0o3;

const WRAPPED = Symbol.for('lamphp.uploadsJournal');

export interface UploadsJournal {
  /** Forgets what was recorded so far (call before a request). */
  reset(): void;
  /** What was touched since the last reset/take, one entry per path (the last operation wins). */
  take(): TouchedUpload[];
}

/**
 * Wraps `fs` so every change under `vfsUploadsDir` is recorded. Wrapping the same FS twice is
 * a no-op that returns the first journal.
 */
export function journalUploads(fs: EmscriptenFs, vfsUploadsDir: string, onChange?: (t: TouchedUpload) => void): UploadsJournal {
  const existing = (fs as unknown as Record<symbol, UploadsJournal | undefined>)[WRAPPED];
  if (existing) return existing;

  const root = path.posix.normalize(vfsUploadsDir).replace(/\/+$/, '');
  let touched = new Map<string, UploadOp>();

  const relative = (p: string | undefined | null): string | undefined => {
    if (typeof p !== 'string' || p === '') return undefined;
    // Fast path for the common case (PHP's output streams, code, the database): clearly elsewhere.
    if (p.startsWith('/') && !p.startsWith(root) && !p.includes('/.')) return undefined;
    const abs = path.posix.normalize(p.startsWith('/') ? p : `${fs.cwd()}/${p}`);
    if (!abs.startsWith(`${root}/`)) return undefined;
    return abs.slice(root.length + 1).replace(/\/+$/, '') || undefined;
  };
  const note = (p: string | undefined | null, op: UploadOp) => {
    const rel = relative(p);
    if (rel === undefined) return;
    const before = touched.get(rel);
    // Re-insert so iteration order is the order of the last operation on each path.
    touched.delete(rel);
    touched.set(rel, op);
    if (before !== op) onChange?.({ path: rel, op });
  };
  /** Every file below a directory that was moved into or out of the uploads directory. */
  const filesBelow = (dir: string, out: string[] = []): string[] => {
    for (const name of fs.readdir(dir)) {
      if (name === '.' || name === '..') continue;
      const child = `${dir}/${name}`;
      if (fs.isDir(fs.stat(child).mode)) filesBelow(child, out);
      else out.push(child);
    }
    return out;
  };
  const pathOf = (target: string | object): string | undefined =>
    typeof target === 'string' ? target : safe(() => fs.getPath(target));

  const original = {
    open: fs.open,
    write: fs.write,
    truncate: fs.truncate,
    ftruncate: fs.ftruncate,
    rename: fs.rename,
    unlink: fs.unlink,
  };
  fs.open = function (this: EmscriptenFs, target, flags, mode) {
    const stream = original.open.call(this, target, flags, mode);
    const changes =
      typeof flags === 'number' ? (flags & O_ACCMODE) !== 0 && (flags & (O_CREAT | O_TRUNC)) !== 0 : /[wa]/.test(flags);
    if (changes) note(stream.path, 'write');
    return stream;
  };
  fs.write = function (this: EmscriptenFs, stream, ...rest) {
    const written = original.write.call(this, stream, ...rest);
    note(stream.path, 'write');
    return written;
  };
  fs.truncate = function (this: EmscriptenFs, target, len) {
    original.truncate.call(this, target, len);
    note(pathOf(target), 'write');
  };
  fs.ftruncate = function (this: EmscriptenFs, fd, len) {
    original.ftruncate.call(this, fd, len);
    note(safe(() => fs.getStream(fd)?.path), 'write');
  };
  fs.rename = function (this: EmscriptenFs, oldPath, newPath) {
    original.rename.call(this, oldPath, newPath);
    const moved = safe(() => fs.isDir(fs.stat(newPath).mode)) ? safe(() => filesBelow(newPath)) ?? [] : [newPath];
    for (const now of moved) {
      note(oldPath + now.slice(newPath.length), 'delete');
      note(now, 'write');
    }
  };
  fs.unlink = function (this: EmscriptenFs, target) {
    original.unlink.call(this, target);
    note(target, 'delete');
  };

  const journal: UploadsJournal = {
    reset() {
      touched = new Map();
    },
    take() {
      const list = [...touched].map(([p, op]) => ({ path: p, op }));
      touched = new Map();
      return list;
    },
  };
  Object.defineProperty(fs, WRAPPED, { value: journal });
  return journal;
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** The slice of @php-wasm/universal's PHP class the journal needs. */
interface PhpLike {
  addEventListener(type: 'runtime.initialized', listener: () => void): void;
}

/**
 * Journals a PHP instance, including the fresh runtimes that rotation swaps in (each has its
 * own FS). `fsOf` returns the current runtime's FS — with @php-wasm/universal:
 * `() => php[__private__dont__use].FS`.
 */
export function journalPhpUploads(
  php: PhpLike,
  fsOf: () => unknown,
  vfsUploadsDir: string,
  onChange?: (t: TouchedUpload) => void,
): UploadsJournal {
  let current = journalUploads(fsOf() as EmscriptenFs, vfsUploadsDir, onChange);
  let carried: TouchedUpload[] = [];
  php.addEventListener('runtime.initialized', () => {
    // A rotation mid-request must not drop what the old runtime already recorded.
    carried = [...carried, ...current.take()];
    current = journalUploads(fsOf() as EmscriptenFs, vfsUploadsDir, onChange);
  });
  return {
    reset() {
      carried = [];
      current.reset();
    },
    take() {
      const merged = new Map<string, UploadOp>();
      for (const t of [...carried, ...current.take()]) {
        merged.delete(t.path);
        merged.set(t.path, t.op);
      }
      carried = [];
      return [...merged].map(([p, op]) => ({ path: p, op }));
    },
  };
}

/** The symbol under which @php-wasm/universal keeps a PHP instance's Emscripten module. */
function runtimeSymbol(universal: Record<string, unknown>): symbol {
  const symbol = universal.__private__dont__use;
  if (typeof symbol !== 'symbol') throw new Error('@php-wasm/universal no longer exposes the runtime; the uploads journal needs updating.');
  return symbol;
}

/**
 * Journals a php-wasm PHP instance (from @php-wasm/universal) for an uploads directory given as
 * its path inside PHP's filesystem. `onChange` hears of each path as soon as it is touched (a
 * request stopped at its deadline never returns its list).
 */
export async function journalPhpWasmUploads(
  php: unknown,
  vfsUploadsDir: string,
  onChange?: (t: TouchedUpload) => void,
): Promise<UploadsJournal> {
  const symbol = runtimeSymbol((await import('@php-wasm/universal')) as unknown as Record<string, unknown>);
  const instance = php as PhpLike & Record<symbol, { FS: unknown }>;
  return journalPhpUploads(instance, () => instance[symbol]!.FS, vfsUploadsDir, onChange);
}
