/**
 * Counting at php-wasm's NODEFS, for one mount only.
 *
 * `createNodeFsMountHandler` (from @php-wasm/node) mounts a host directory with
 * `FS.mount(FS.filesystems.NODEFS, { root }, path)`. Every node NODEFS creates gets the shared
 * `NODEFS.node_ops` / `NODEFS.stream_ops`, whose functions call Node's `fs` synchronously.
 * This handler mounts the same way (so `mount.type` is still NODEFS, which php-wasm's file
 * locking checks) and gives the mount's nodes wrapped copies of those operation tables: each
 * operation is counted as the host calls it makes in this Emscripten version —
 *
 *   lookup, getattr → lstat        stream getattr → fstat      open → open
 *   read, mmap → read              write, msync → write        close → close (last ref only)
 *   llseek(SEEK_END) → fstat       readdir, readlink, unlink, rmdir, rename, symlink, statfs
 *   mknod → mkdir | writeFile      setattr → chmod / utimes (+ lstat per missing time) / truncate
 *
 * — so its counts match `patchFs` around the same work (the test checks this). Mounts that
 * php-wasm makes itself (symlink targets with `followSymlinks`) are not counted here.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FsOpCounter, FsOpKind } from './counter.ts';

/* The slice of Emscripten's FS and NODEFS this file touches. */
interface EmNode {
  name: string;
  mode: number;
  parent: EmNode;
  mount: { mountpoint: string; opts: { root: string } };
  node_ops: Record<string, AnyFn>;
  stream_ops: Record<string, AnyFn>;
}
interface EmStream {
  node: EmNode;
  nfd?: number;
  shared: { refcount: number };
}
interface NodefsLike {
  node_ops: Record<string, AnyFn>;
  stream_ops: Record<string, AnyFn>;
  realPath(node: EmNode): string;
}
export interface EmFS {
  filesystems: Record<string, unknown>;
  mount(type: unknown, opts: { root: string }, mountpoint: string): unknown;
  unmount(mountpoint: string): void;
  lookupPath(path: string, opts?: object): { node: EmNode };
  mkdirTree(path: string): void;
  writeFile(path: string, data: string): void;
  analyzePath(path: string): { exists: boolean };
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
  rmdir(path: string): void;
  unlink(path: string): void;
}
type AnyFn = (...args: any[]) => any;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** Wrapped operation tables for one mount, counting into `counter`. */
export function countingOps(nodefs: NodefsLike, counter: FsOpCounter) {
  const baseNode = nodefs.node_ops;
  const baseStream = nodefs.stream_ops;
  const real = (node: EmNode) => nodefs.realPath(node);
  const child = (parent: EmNode, name: string) => path.posix.join(real(parent), name);
  const node_ops: Record<string, AnyFn> = {};
  const stream_ops: Record<string, AnyFn> = {};
  const adopt = (node: EmNode) => {
    if (node && typeof node === 'object') {
      node.node_ops = node_ops;
      node.stream_ops = stream_ops;
    }
    return node;
  };
  // Call through the base table at call time: php-wasm replaces some entries (readdir,
  // readlink) after the runtime starts.
  const call = (table: Record<string, AnyFn>, name: string, args: unknown[]) => table[name]!.apply(table, args);
  const count = (kind: FsOpKind, at: string) => counter.record(kind, at);

  const nodeCounting: Record<string, (...args: any[]) => void> = {
    getattr: (node: EmNode) => count('lstat', real(node)),
    setattr: (node: EmNode, attr: { mode?: number; atime?: unknown; mtime?: unknown; size?: number; dontFollow?: boolean }) => {
      const at = real(node);
      if (attr.mode != null && attr.dontFollow) return;
      if (attr.mode !== undefined) count('chmod', at);
      if (typeof (attr.atime ?? attr.mtime) === 'number') {
        if (attr.atime === undefined) count('lstat', at);
        if (attr.mtime === undefined) count('lstat', at);
        count('utimes', at);
      }
      if (attr.size !== undefined) count('truncate', at);
    },
    lookup: (parent: EmNode, name: string) => count('lstat', child(parent, name)),
    mknod: (parent: EmNode, name: string, mode: number) => count((mode & S_IFMT) === S_IFDIR ? 'mkdir' : 'writeFile', child(parent, name)),
    rename: (oldNode: EmNode) => count('rename', real(oldNode)),
    unlink: (parent: EmNode, name: string) => count('unlink', child(parent, name)),
    rmdir: (parent: EmNode, name: string) => count('rmdir', child(parent, name)),
    readdir: (node: EmNode) => count('readdir', real(node)),
    symlink: (parent: EmNode, name: string) => count('symlink', child(parent, name)),
    readlink: (node: EmNode) => count('readlink', real(node)),
    statfs: (at: string) => count('statfs', at),
  };
  const streamCounting: Record<string, (...args: any[]) => void> = {
    getattr: (s: EmStream) => count('fstat', real(s.node)),
    setattr: (s: EmStream, attr: { mode?: number; atime?: unknown; mtime?: unknown; size?: number }) => {
      const at = real(s.node);
      if (attr.mode !== undefined) count('fchmod', at);
      if (typeof (attr.atime ?? attr.mtime) === 'number') {
        if (attr.atime === undefined) count('fstat', at);
        if (attr.mtime === undefined) count('fstat', at);
        count('futimes', at);
      }
      if (attr.size !== undefined) count('ftruncate', at);
    },
    open: (s: EmStream) => count('open', real(s.node)),
    close: (s: EmStream) => {
      if (s.nfd && s.shared.refcount === 1) count('close', real(s.node));
    },
    read: (s: EmStream) => count('read', real(s.node)),
    write: (s: EmStream) => count('write', real(s.node)),
    llseek: (s: EmStream, _offset: number, whence: number) => {
      if (whence === 2 && (s.node.mode & S_IFMT) === S_IFREG) count('fstat', real(s.node));
    },
    mmap: (s: EmStream) => count('read', real(s.node)),
    msync: (s: EmStream) => count('write', real(s.node)),
  };

  for (const name of Object.keys(baseNode)) {
    node_ops[name] = (...args: unknown[]) => {
      nodeCounting[name]?.(...args);
      const result = call(baseNode, name, args);
      return name === 'lookup' || name === 'mknod' ? adopt(result as EmNode) : result;
    };
  }
  for (const name of Object.keys(baseStream)) {
    stream_ops[name] = (...args: unknown[]) => {
      streamCounting[name]?.(...args);
      return call(baseStream, name, args);
    };
  }
  return { node_ops, stream_ops, adopt };
}

/**
 * Like `createNodeFsMountHandler(localPath)` from @php-wasm/node, counting every host call
 * the mount makes. Use as `await php.mount('/srv', countingNodeFsMountHandler(dir, counter))`.
 */
export function countingNodeFsMountHandler(localPath: string, counter: FsOpCounter) {
  return (_php: unknown, FS: EmFS, vfsMountPoint: string) => {
    const root = realpathSync(localPath);
    let created = false;
    if (!FS.analyzePath(vfsMountPoint).exists) {
      if (statSync(root).isDirectory()) FS.mkdirTree(vfsMountPoint);
      else {
        FS.mkdirTree(path.posix.dirname(vfsMountPoint));
        FS.writeFile(vfsMountPoint, '');
      }
      created = true;
    }
    const nodefs = FS.filesystems.NODEFS as NodefsLike;
    FS.mount(nodefs, { root }, vfsMountPoint);
    const ops = countingOps(nodefs, counter);
    ops.adopt(FS.lookupPath(vfsMountPoint).node);
    return () => {
      FS.unmount(vfsMountPoint);
      if (created) {
        const { node } = FS.lookupPath(vfsMountPoint);
        if (FS.isDir(node.mode)) FS.rmdir(vfsMountPoint);
        else FS.unlink(vfsMountPoint);
      }
    };
  };
}
