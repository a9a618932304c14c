/**
 * The code-tree cache: each PHP worker keeps what PHP learns about the document root's code
 * (file attributes, missing paths, directory listings, symlink targets, the bytes of small
 * non-PHP files such as theme.json) in memory, so a warm request makes a handful of host
 * filesystem calls instead of hundreds. On EFS each of those calls is a network round trip.
 *
 * It is a layer over php-wasm's NODEFS mount: the mount is made the usual way (so locks and
 * `mount.type` checks still see NODEFS), and its nodes get operation tables that answer from
 * memory and fall through to NODEFS for everything else. Paths that change while the site runs
 * (uploads, the SQLite database, sessions, page caches) always pass through uncached.
 *
 * Freshness, in two tiers:
 * - a write into the code tree through PHP (plugin update, theme edit) empties this worker's
 *   cache and replaces the version marker `<root>/.lamphp-code-version`; every worker of every
 *   instance checks the marker (one lstat) before each request and empties its cache when it
 *   changed, so the next request anywhere sees the write;
 * - a change made behind lamphp's back (rsync, a deploy to EFS) is seen once its entry is
 *   revalidated: an entry older than `revalidateMs` is checked again with one lstat on its next
 *   use, the way opcache's `revalidate_freq` checks scripts. `revalidate()` does it at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

/** The version marker at the document root, replaced whenever PHP writes into the code tree. */
export const CODE_VERSION_FILE = '.lamphp-code-version';

/** Always passed through: SQLite databases and their journals, wherever they sit. */
const DATABASE_FILE = /(\.sqlite3?|\.db)(-journal|-wal|-shm)?$/i;

export interface CodeCacheSpec {
  /** Host directory of the code tree (the document root). */
  root: string;
  /** Host directories under the root that pass through uncached (uploads, database, sessions, caches). */
  exclude: string[];
  /** How long an entry is trusted before its next use checks it again with one lstat, ms. */
  revalidateMs: number;
  /** Largest non-PHP file whose bytes are kept in memory; larger ones are read from the host. */
  maxFileBytes?: number;
  /** Bytes of file contents kept in memory per worker, all files together. */
  maxTotalBytes?: number;
}

export interface CodeCacheStats {
  hits: number;
  misses: number;
  revalidations: number;
  flushes: number;
  markerBumps: number;
  entries: number;
  bytes: number;
}

/* The slice of Emscripten's FS and NODEFS this file touches. */
interface EmNode {
  id: number;
  name: string;
  mode: number;
  parent: EmNode;
  node_ops: Ops;
  stream_ops: Ops;
}
interface EmStream {
  node: EmNode;
  flags: number;
  nfd?: number;
  shared: { refcount: number };
  /** Set by this layer: the file's bytes, when the stream is served from memory. */
  lamphpBytes?: Uint8Array;
  /** Set by this layer: a directory opened for reading, answered without a host descriptor. */
  lamphpDir?: boolean;
  /** Set by this layer: the stream may write into the code tree. */
  lamphpWrites?: boolean;
  /** Set by this layer on a stream served from memory: its host file, for a descriptor lent when it is locked. */
  lamphpHostPath?: string;
  /** Set by lendHostDescriptor: `nfd` was opened for a lock and is closed with the stream. */
  lamphpLent?: boolean;
}
type Ops = Record<string, AnyFn>;
type AnyFn = (...args: any[]) => any;
interface Nodefs {
  node_ops: Ops;
  stream_ops: Ops;
  realPath(node: EmNode): string;
  createNode(parent: EmNode, name: string, mode: number, dev?: number): EmNode;
  tryFSOperation<T>(f: () => T): T;
}
interface EmFs {
  filesystems: Record<string, unknown>;
  ErrnoError: new (errno: number) => Error;
  mount(type: unknown, opts: { root: string }, mountpoint: string): unknown;
  unmount(mountpoint: string): void;
  lookupPath(path: string): { node: EmNode };
  analyzePath(path: string): { exists: boolean };
  mkdirTree(path: string): void;
  isFile(mode: number): boolean;
  isDir(mode: number): boolean;
}

interface Entry {
  /** lstat result; null = the path does not exist. */
  stat: fs.Stats | null;
  checkedAt: number;
  bytes?: Uint8Array;
  dirents?: string[];
  link?: string;
}

const ENOENT = 44;
const O_ACCMODE = 0o3;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const SEEK_END = 2;

const cacheOf = new WeakMap<object, CodeTreeCache>();

/** The cache a runtime's document-root mount uses, if any (set when the mount is made). */
export function codeCacheOf(php: object): CodeTreeCache | undefined {
  return cacheOf.get(php);
}

/** Replaces the version marker of the code tree at `root` (also for writers outside PHP, e.g. the installer). */
export function bumpCodeVersion(root: string): void {
  const marker = path.join(root, CODE_VERSION_FILE);
  const temp = `${marker}.${process.pid}-${threadId}.tmp`;
  // A new file renamed into place: a new inode, so an lstat tells every reader it changed.
  fs.writeFileSync(temp, `${Date.now()} ${process.pid} ${threadId} ${Math.random().toString(36).slice(2)}\n`);
  fs.renameSync(temp, marker);
}

export class CodeTreeCache {
  readonly root: string;
  #exclude: string[];
  #revalidateMs: number;
  #maxFileBytes: number;
  #maxTotalBytes: number;
  #now: () => number;
  #entries = new Map<string, Entry>();
  #bytes = 0;
  #marker: string;
  #markerSeen: string | undefined;
  /** A write into the code tree happened since the marker was last replaced. */
  #dirty = false;
  #stats = { hits: 0, misses: 0, revalidations: 0, flushes: 0, markerBumps: 0 };

  constructor(spec: CodeCacheSpec, now: () => number = Date.now) {
    this.root = realpathOrSelf(spec.root);
    this.#exclude = spec.exclude.map((dir) => this.#hostPath(dir));
    this.#revalidateMs = spec.revalidateMs;
    this.#maxFileBytes = spec.maxFileBytes ?? 1024 * 1024;
    this.#maxTotalBytes = spec.maxTotalBytes ?? 64 * 1024 * 1024;
    this.#now = now;
    this.#marker = path.join(this.root, CODE_VERSION_FILE);
  }

  stats(): CodeCacheStats {
    return { ...this.#stats, entries: this.#entries.size, bytes: this.#bytes };
  }

  /** Before each request: one lstat of the marker; a new marker (a write elsewhere) empties the cache. */
  beginRequest(): void {
    const seen = signature(lstatOrNull(this.#marker));
    if (this.#markerSeen !== undefined && seen !== this.#markerSeen) this.flush();
    this.#markerSeen = seen;
  }

  /** After each request: a request that wrote into the code tree replaces the marker once more. */
  endRequest(): void {
    if (this.#dirty) this.#bump();
  }

  /** Checks every entry again on its next use (changes made behind lamphp's back), and the marker now. */
  revalidate(): void {
    for (const entry of this.#entries.values()) entry.checkedAt = -Infinity;
    this.beginRequest();
  }

  flush(): void {
    this.#entries.clear();
    this.#bytes = 0;
    this.#stats.flushes++;
  }

  /** True for host paths that are never cached: outside the root, excluded directories, databases. */
  passesThrough(hostPath: string): boolean {
    if (hostPath !== this.root && !hostPath.startsWith(this.root + '/')) return true;
    if (hostPath === this.#marker || DATABASE_FILE.test(hostPath)) return true;
    return this.#exclude.some((dir) => hostPath === dir || hostPath.startsWith(dir + '/'));
  }

  /** A php-wasm mount handler for the code tree: `php.mount(dir, cache.mountHandler(dir))`. */
  mountHandler(hostDir: string) {
    return (php: object, FS: EmFs, vfsMountPoint: string) => {
      cacheOf.set(php, this);
      if (!FS.analyzePath(vfsMountPoint).exists) FS.mkdirTree(vfsMountPoint);
      const nodefs = FS.filesystems.NODEFS as Nodefs;
      FS.mount(nodefs, { root: realpathOrSelf(hostDir) }, vfsMountPoint);
      const ops = this.#ops(nodefs, FS);
      ops.adopt(FS.lookupPath(vfsMountPoint).node);
      return () => FS.unmount(vfsMountPoint);
    };
  }

  /** A fresh entry for `p`: from memory while younger than revalidateMs, else checked with one lstat. */
  #entry(p: string): Entry {
    const now = this.#now();
    const entry = this.#entries.get(p);
    if (entry && now - entry.checkedAt < this.#revalidateMs) {
      this.#stats.hits++;
      return entry;
    }
    const stat = lstatOrNull(p);
    if (entry) {
      this.#stats.revalidations++;
      if (signature(stat) === signature(entry.stat)) {
        entry.checkedAt = now;
        return entry;
      }
      this.#drop(p);
    } else {
      this.#stats.misses++;
    }
    const fresh: Entry = { stat, checkedAt: now };
    this.#entries.set(p, fresh);
    return fresh;
  }

  #drop(p: string): void {
    const entry = this.#entries.get(p);
    if (entry?.bytes) this.#bytes -= entry.bytes.byteLength;
    this.#entries.delete(p);
  }

  /** PHP wrote into the code tree: forget everything here, tell the other workers and instances. */
  #changed(hostPath: string): void {
    if (this.passesThrough(hostPath)) return;
    this.flush();
    if (!this.#dirty) this.#bump(); // at once, and again at the end of the request (endRequest)
    this.#dirty = true;
  }

  #bump(): void {
    try {
      bumpCodeVersion(this.root);
      this.#stats.markerBumps++;
      this.#markerSeen = signature(lstatOrNull(this.#marker));
      this.#dirty = false;
    } catch {
      // A read-only tree cannot be written by PHP either; nothing to announce.
    }
  }

  #hostPath(dir: string): string {
    const resolved = realpathOrSelf(path.resolve(dir));
    return resolved.replace(/\/+$/, '');
  }

  #ops(nodefs: Nodefs, FS: EmFs) {
    const base = { node: nodefs.node_ops, stream: nodefs.stream_ops };
    const node_ops: Ops = {};
    const stream_ops: Ops = {};
    const adopt = (node: EmNode) => {
      if (node && typeof node === 'object') {
        node.node_ops = node_ops;
        node.stream_ops = stream_ops;
      }
      return node;
    };
    // Through the base table at call time: php-wasm replaces some entries (readdir, readlink) after boot.
    const call = (table: Ops, name: string, args: unknown[]) => table[name]!.apply(table, args);
    const real = (node: EmNode) => nodefs.realPath(node);
    const child = (parent: EmNode, name: string) => path.posix.join(real(parent), name);
    const entryOf = (p: string) => nodefs.tryFSOperation(() => this.#entry(p));
    const existing = (p: string): fs.Stats => {
      const { stat } = entryOf(p);
      if (!stat) throw new FS.ErrnoError(ENOENT);
      return stat;
    };
    const attr = (node: EmNode, stat: fs.Stats) => ({
      dev: stat.dev,
      ino: node.id,
      mode: stat.mode,
      nlink: stat.nlink,
      uid: stat.uid,
      gid: stat.gid,
      rdev: stat.rdev,
      size: stat.size,
      atime: stat.atime,
      mtime: stat.mtime,
      ctime: stat.ctime,
      blksize: stat.blksize,
      blocks: stat.blocks,
    });

    for (const name of Object.keys(base.node)) node_ops[name] = (...args: unknown[]) => call(base.node, name, args);
    for (const name of Object.keys(base.stream)) stream_ops[name] = (...args: unknown[]) => call(base.stream, name, args);

    node_ops.getattr = (node: EmNode) => {
      const p = real(node);
      if (this.passesThrough(p)) return call(base.node, 'getattr', [node]);
      return attr(node, existing(p));
    };
    node_ops.lookup = (parent: EmNode, name: string) => {
      const p = child(parent, name);
      if (this.passesThrough(p)) return adopt(call(base.node, 'lookup', [parent, name]));
      return adopt(nodefs.createNode(parent, name, existing(p).mode));
    };
    node_ops.readdir = (node: EmNode) => {
      const p = real(node);
      if (this.passesThrough(p)) return call(base.node, 'readdir', [node]);
      const entry = entryOf(p);
      entry.dirents ??= call(base.node, 'readdir', [node]) as string[];
      return [...entry.dirents];
    };
    node_ops.readlink = (node: EmNode) => {
      const p = real(node);
      if (this.passesThrough(p)) return call(base.node, 'readlink', [node]);
      const entry = entryOf(p);
      entry.link ??= call(base.node, 'readlink', [node]) as string;
      return entry.link;
    };
    node_ops.mknod = (parent: EmNode, name: string, ...rest: unknown[]) => {
      const node = adopt(call(base.node, 'mknod', [parent, name, ...rest]));
      this.#changed(child(parent, name));
      return node;
    };
    node_ops.setattr = (node: EmNode, ...rest: unknown[]) => {
      call(base.node, 'setattr', [node, ...rest]);
      this.#changed(real(node));
    };
    node_ops.rename = (oldNode: EmNode, newDir: EmNode, newName: string) => {
      const from = real(oldNode);
      const to = child(newDir, newName);
      call(base.node, 'rename', [oldNode, newDir, newName]);
      this.#changed(from);
      this.#changed(to);
    };
    for (const op of ['unlink', 'rmdir', 'symlink'] as const) {
      node_ops[op] = (parent: EmNode, name: string, ...rest: unknown[]) => {
        const result = call(base.node, op, [parent, name, ...rest]);
        this.#changed(child(parent, name));
        return result;
      };
    }

    stream_ops.open = (stream: EmStream) => {
      const p = real(stream.node);
      const writes = (stream.flags & O_ACCMODE) !== 0 || (stream.flags & (O_CREAT | O_TRUNC)) !== 0;
      if (!writes && !this.passesThrough(p) && FS.isDir(stream.node.mode)) {
        // Listing goes through node_ops.readdir by path; the descriptor NODEFS would open is never read.
        existing(p);
        stream.lamphpDir = true;
        return;
      }
      if (writes || this.passesThrough(p) || !FS.isFile(stream.node.mode)) {
        call(base.stream, 'open', [stream]);
        if (writes && !this.passesThrough(p)) {
          stream.lamphpWrites = true;
          this.#changed(p);
        }
        return;
      }
      const entry = entryOf(p);
      if (!entry.stat) throw new FS.ErrnoError(ENOENT);
      if (entry.bytes) {
        stream.lamphpBytes = entry.bytes;
        stream.lamphpHostPath = p;
        return;
      }
      if (entry.stat.size > this.#maxFileBytes) return void call(base.stream, 'open', [stream]);
      // One host call instead of open, fstat, reads and close.
      const bytes = nodefs.tryFSOperation(() => fs.readFileSync(p));
      stream.lamphpBytes = bytes;
      stream.lamphpHostPath = p;
      // PHP scripts are compiled once into opcache; keeping their source too would double the memory.
      if (!p.endsWith('.php') && this.#bytes + bytes.byteLength <= this.#maxTotalBytes && bytes.byteLength === entry.stat.size) {
        entry.bytes = bytes;
        this.#bytes += bytes.byteLength;
      }
    };
    stream_ops.read = (stream: EmStream, buffer: Uint8Array, offset: number, length: number, position: number) => {
      const bytes = stream.lamphpBytes;
      if (!bytes) return call(base.stream, 'read', [stream, buffer, offset, length, position]);
      if (position >= bytes.byteLength) return 0;
      const n = Math.min(length, bytes.byteLength - position);
      new Uint8Array(buffer.buffer, buffer.byteOffset + offset, n).set(bytes.subarray(position, position + n));
      return n;
    };
    stream_ops.llseek = (stream: EmStream, offset: number, whence: number) => {
      if (!stream.lamphpBytes || whence !== SEEK_END) return call(base.stream, 'llseek', [stream, offset, whence]);
      const position = offset + stream.lamphpBytes.byteLength;
      if (position < 0) throw new FS.ErrnoError(28);
      return position;
    };
    stream_ops.getattr = (stream: EmStream) => {
      if (!stream.lamphpBytes && !stream.lamphpDir) return call(base.stream, 'getattr', [stream]);
      return node_ops.getattr!(stream.node);
    };
    stream_ops.setattr = (stream: EmStream, attrs: unknown) => {
      if (stream.lamphpBytes || stream.lamphpDir) return node_ops.setattr!(stream.node, attrs);
      call(base.stream, 'setattr', [stream, attrs]);
      if (stream.lamphpWrites) this.#changed(real(stream.node));
    };
    stream_ops.write = (stream: EmStream, ...rest: unknown[]) => {
      const written = call(base.stream, 'write', [stream, ...rest]);
      if (stream.lamphpWrites) this.#changed(real(stream.node));
      return written;
    };
    stream_ops.close = (stream: EmStream) => {
      if (stream.lamphpLent && stream.nfd !== undefined) {
        fs.closeSync(stream.nfd);
        stream.nfd = undefined;
        stream.lamphpLent = false;
      }
      if (stream.lamphpBytes || stream.lamphpDir) return;
      call(base.stream, 'close', [stream]);
      if (stream.lamphpWrites) this.#changed(real(stream.node));
    };
    stream_ops.mmap = (stream: EmStream, ...rest: unknown[]) => {
      if (!stream.lamphpBytes || stream.lamphpLent) return call(base.stream, 'mmap', [stream, ...rest]);
      // NODEFS maps by reading through the stream's host descriptor: lend it one.
      const p = real(stream.node);
      stream.nfd = nodefs.tryFSOperation(() => fs.openSync(p, 'r'));
      try {
        return call(base.stream, 'mmap', [stream, ...rest]);
      } finally {
        fs.closeSync(stream.nfd);
        stream.nfd = undefined;
      }
    };
    return { adopt };
  }
}

/**
 * php-wasm locks a file (flock(), fcntl() locks) through its stream's host descriptor; a stream
 * served from memory has none, so every lock on it failed. Called just before a lock: such a
 * stream gets a read-only host descriptor, closed with the stream.
 */
export function lendHostDescriptor(stream: unknown): void {
  const s = stream as EmStream | undefined;
  if (!s || !s.lamphpBytes || !s.lamphpHostPath || s.nfd !== undefined) return;
  s.nfd = fs.openSync(s.lamphpHostPath, 'r');
  s.lamphpLent = true;
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}

/** What a change to a file alters: a replaced file gets a new inode, an edited one a new mtime or size. */
function signature(stat: fs.Stats | null): string {
  return stat ? `${stat.ino}:${stat.mode}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : 'none';
}

function realpathOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
