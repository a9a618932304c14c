/**
 * Counts filesystem operations by kind (open, read, stat, lstat, readdir, …) and by path
 * class (php, sqlite, json, …), optionally holding each one for a configured time to model
 * a network filesystem such as EFS, where every call is a round trip.
 *
 * Three ways in, one counter:
 * - `wrapFs(fs, counter)`: a counting view of an fs-like object (sync, callback and
 *   `promises` calls); the original is untouched.
 * - `patchFs(fs, counter)`: counts in place on the `node:fs` module object until
 *   `restore()`; this is how calls made by code that holds its own `require('fs')` are seen —
 *   php-wasm's Emscripten NODEFS, for one, calls `fs.lstatSync`, `fs.openSync`, … on it.
 * - `nodefs.ts`: a php-wasm mount handler that counts at the NODEFS node/stream operations
 *   of one mount only, mapped to the host calls each makes.
 */
import { syncBuiltinESMExports } from 'node:module';

export type FsOpKind =
  | 'open'
  | 'close'
  | 'read'
  | 'write'
  | 'stat'
  | 'lstat'
  | 'fstat'
  | 'readdir'
  | 'readlink'
  | 'realpath'
  | 'access'
  | 'exists'
  | 'mkdir'
  | 'mkdtemp'
  | 'rmdir'
  | 'rm'
  | 'unlink'
  | 'rename'
  | 'copyFile'
  | 'link'
  | 'symlink'
  | 'chmod'
  | 'fchmod'
  | 'chown'
  | 'fchown'
  | 'utimes'
  | 'futimes'
  | 'truncate'
  | 'ftruncate'
  | 'fsync'
  | 'statfs'
  | 'readFile'
  | 'writeFile'
  | 'appendFile';

/** Which argument names the file: a path, a file descriptor, either, or the second path. */
type Target = 'path' | 'fd' | 'pathOrFd' | 'second';

/** fs method base names (`stat` covers `statSync`, `stat(cb)` and `promises.stat`). */
export const FS_METHODS: Readonly<Record<string, { kind: FsOpKind; target: Target }>> = {
  open: { kind: 'open', target: 'path' },
  close: { kind: 'close', target: 'fd' },
  read: { kind: 'read', target: 'fd' },
  readv: { kind: 'read', target: 'fd' },
  write: { kind: 'write', target: 'fd' },
  writev: { kind: 'write', target: 'fd' },
  stat: { kind: 'stat', target: 'path' },
  lstat: { kind: 'lstat', target: 'path' },
  fstat: { kind: 'fstat', target: 'fd' },
  readdir: { kind: 'readdir', target: 'path' },
  opendir: { kind: 'readdir', target: 'path' },
  readlink: { kind: 'readlink', target: 'path' },
  realpath: { kind: 'realpath', target: 'path' },
  access: { kind: 'access', target: 'path' },
  exists: { kind: 'exists', target: 'path' },
  mkdir: { kind: 'mkdir', target: 'path' },
  mkdtemp: { kind: 'mkdtemp', target: 'path' },
  rmdir: { kind: 'rmdir', target: 'path' },
  rm: { kind: 'rm', target: 'path' },
  unlink: { kind: 'unlink', target: 'path' },
  rename: { kind: 'rename', target: 'path' },
  copyFile: { kind: 'copyFile', target: 'path' },
  link: { kind: 'link', target: 'second' },
  symlink: { kind: 'symlink', target: 'second' },
  chmod: { kind: 'chmod', target: 'path' },
  lchmod: { kind: 'chmod', target: 'path' },
  fchmod: { kind: 'fchmod', target: 'fd' },
  chown: { kind: 'chown', target: 'path' },
  lchown: { kind: 'chown', target: 'path' },
  fchown: { kind: 'fchown', target: 'fd' },
  utimes: { kind: 'utimes', target: 'path' },
  lutimes: { kind: 'utimes', target: 'path' },
  futimes: { kind: 'futimes', target: 'fd' },
  truncate: { kind: 'truncate', target: 'path' },
  ftruncate: { kind: 'ftruncate', target: 'fd' },
  fsync: { kind: 'fsync', target: 'fd' },
  fdatasync: { kind: 'fsync', target: 'fd' },
  statfs: { kind: 'statfs', target: 'path' },
  readFile: { kind: 'readFile', target: 'pathOrFd' },
  writeFile: { kind: 'writeFile', target: 'pathOrFd' },
  appendFile: { kind: 'appendFile', target: 'pathOrFd' },
};

export type PathClassifier = (path: string | undefined) => string;

/**
 * php, sqlite (database, journal, WAL), json, asset (what a web server would serve), other;
 * `fd?` for a descriptor whose open was not seen.
 */
export const classifyByExtension: PathClassifier = (path) => {
  if (path === undefined) return 'fd?';
  if (/\.(php|inc|phtml)$/i.test(path)) return 'php';
  if (/(\.sqlite3?|\.db)(-journal|-wal|-shm)?$/i.test(path)) return 'sqlite';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(js|mjs|css|map|png|jpe?g|gif|webp|avif|svg|ico|woff2?|ttf|eot|txt|html?|xml|mo|po)$/i.test(path)) return 'asset';
  return 'other';
};

/** First matching rule wins: `[class, prefix or RegExp]`; otherwise `fallback(path)`. */
export function classifyBy(rules: ReadonlyArray<readonly [string, string | RegExp]>, fallback: PathClassifier = classifyByExtension): PathClassifier {
  return (path) => {
    if (path !== undefined) {
      for (const [name, test] of rules) {
        if (typeof test === 'string' ? path.startsWith(test) : test.test(path)) return name;
      }
    }
    return fallback(path);
  };
}

export interface FsOp {
  kind: FsOpKind;
  path: string | undefined;
  pathClass: string;
}

export interface FsOpCounts {
  total: number;
  byKind: Partial<Record<FsOpKind, number>>;
  byClass: Record<string, Partial<Record<FsOpKind, number>>>;
  /** Time spent in the configured per-operation delay, ms. */
  delayedMs: number;
}

export interface FsOpCounterOptions {
  classify?: PathClassifier;
  /**
   * Held synchronously on every counted operation, ms: one number for all, or per kind. A
   * latency model (e.g. EFS ~1–3 ms per metadata round trip); 0 = none.
   */
  delayMs?: number | Partial<Record<FsOpKind, number>>;
  /** Keep the first `traceLimit` operations in `trace` (for debugging); default 0. */
  traceLimit?: number;
}

export class FsOpCounter {
  readonly classify: PathClassifier;
  readonly trace: FsOp[] = [];
  #traceLimit: number;
  #delay: FsOpCounterOptions['delayMs'];
  #total = 0;
  #byKind: Partial<Record<FsOpKind, number>> = {};
  #byClass: Record<string, Partial<Record<FsOpKind, number>>> = {};
  #delayedMs = 0;

  constructor({ classify = classifyByExtension, delayMs = 0, traceLimit = 0 }: FsOpCounterOptions = {}) {
    this.classify = classify;
    this.#delay = delayMs;
    this.#traceLimit = traceLimit;
  }

  record(kind: FsOpKind, path?: string): void {
    const pathClass = this.classify(path);
    this.#total++;
    this.#byKind[kind] = (this.#byKind[kind] ?? 0) + 1;
    const forClass = (this.#byClass[pathClass] ??= {});
    forClass[kind] = (forClass[kind] ?? 0) + 1;
    if (this.trace.length < this.#traceLimit) this.trace.push({ kind, path, pathClass });
    const delay = typeof this.#delay === 'number' ? this.#delay : (this.#delay?.[kind] ?? 0);
    if (delay > 0) {
      sleepSync(delay);
      this.#delayedMs += delay;
    }
  }

  get total(): number {
    return this.#total;
  }

  counts(): FsOpCounts {
    return structuredClone({ total: this.#total, byKind: this.#byKind, byClass: this.#byClass, delayedMs: this.#delayedMs });
  }

  reset(): void {
    this.#total = 0;
    this.#byKind = {};
    this.#byClass = {};
    this.#delayedMs = 0;
    this.trace.length = 0;
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (filesystem calls being modelled are synchronous too). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

type AnyFn = (...args: unknown[]) => unknown;

function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.pathname;
  if (Buffer.isBuffer(value)) return value.toString();
  return undefined;
}

/**
 * Per-wrapping state: which path each open descriptor came from (so fd calls get a path
 * class), and how deep we are in synchronous fs calls — `writeFileSync` calls `fs.openSync`,
 * `fs.writeSync`, `fs.closeSync` through the module object, and those are one operation.
 */
class FdPaths {
  depth = 0;
  #paths = new Map<number, string>();
  set(fd: unknown, path: string | undefined) {
    if (typeof fd === 'number' && path !== undefined) this.#paths.set(fd, path);
  }
  get(fd: unknown): string | undefined {
    return typeof fd === 'number' ? this.#paths.get(fd) : undefined;
  }
  delete(fd: unknown) {
    if (typeof fd === 'number') this.#paths.delete(fd);
  }
}

type Flavor = 'sync' | 'callback' | 'promise';

function instrument(original: AnyFn, base: string, flavor: Flavor, counter: FsOpCounter, fds: FdPaths): AnyFn {
  const { kind, target } = FS_METHODS[base]!;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const path =
      target === 'second'
        ? pathOf(args[1])
        : target === 'fd' || (target === 'pathOrFd' && typeof first === 'number')
          ? fds.get(first)
          : pathOf(first);
    if (flavor === 'sync') {
      if (fds.depth > 0) return original.apply(this, args);
      counter.record(kind, path);
      if (kind === 'close') fds.delete(first);
      fds.depth++;
      try {
        const result = original.apply(this, args);
        if (kind === 'open') fds.set(result, path);
        return result;
      } finally {
        fds.depth--;
      }
    }
    counter.record(kind, path);
    if (kind === 'close') fds.delete(first);
    if (kind !== 'open') return original.apply(this, args);
    if (flavor === 'callback') {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (err: unknown, fd: unknown) => {
          if (!err) fds.set(fd, path);
          (callback as AnyFn)(err, fd);
        };
      }
      return original.apply(this, args);
    }
    return (original.apply(this, args) as Promise<{ fd: number }>).then((handle) => {
      fds.set(handle?.fd, path);
      return handle;
    });
  };
  // Keep properties such as realpathSync.native and util.promisify.custom working.
  for (const key of Reflect.ownKeys(original)) {
    if (key !== 'length' && key !== 'name' && key !== 'prototype' && !(key in wrapped)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(original, key)!;
      Reflect.defineProperty(wrapped, key, descriptor);
    }
  }
  const native = (original as { native?: unknown }).native;
  if (typeof native === 'function') {
    (wrapped as unknown as { native: AnyFn }).native = instrument(native as AnyFn, base, flavor, counter, fds);
  }
  return wrapped;
}

/** `statSync` → ['stat', 'sync']; `stat` → ['stat', 'callback']; unknown names → undefined. */
function methodOf(name: string, inPromises: boolean): [string, Flavor] | undefined {
  if (inPromises) return name in FS_METHODS ? [name, 'promise'] : undefined;
  if (name.endsWith('Sync') && name.slice(0, -4) in FS_METHODS) return [name.slice(0, -4), 'sync'];
  if (name in FS_METHODS) return [name, 'callback'];
  return undefined;
}

/** A counting view of `fs` (or `fs.promises`); the original object is not changed. */
export function wrapFs<T extends object>(fs: T, counter: FsOpCounter, fds = new FdPaths(), inPromises = false): T {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(fs, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string') return value;
      if (cache.has(property)) return cache.get(property);
      let result: unknown = value;
      if (property === 'promises' && !inPromises && value && typeof value === 'object') {
        result = wrapFs(value, counter, fds, true);
      } else if (typeof value === 'function') {
        const method = methodOf(property, inPromises);
        if (method) result = instrument(value as AnyFn, method[0], method[1], counter, fds);
      }
      cache.set(property, result);
      return result;
    },
  });
}

/**
 * Counts every call made through `fs` (normally the `node:fs` module object) until the
 * returned `restore()` is called. The `promises` object is left alone. When `fs` is the
 * built-in module, ESM named imports are synced as well.
 */
export function patchFs(fs: Record<string, unknown>, counter: FsOpCounter): () => void {
  const fds = new FdPaths();
  const originals = new Map<string, unknown>();
  for (const name of Object.keys(fs)) {
    const method = methodOf(name, false);
    const value = fs[name];
    if (!method || typeof value !== 'function') continue;
    originals.set(name, value);
    fs[name] = instrument(value as AnyFn, method[0], method[1], counter, fds);
  }
  syncBuiltinESMExports();
  return () => {
    for (const [name, value] of originals) fs[name] = value;
    syncBuiltinESMExports();
  };
}
