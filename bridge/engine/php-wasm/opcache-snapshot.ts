/**
 * Opcache snapshots for cold starts. Each runtime keeps opcache in shared memory and, as a second
 * level, opcache's file cache in its own in-memory filesystem. The first worker that has served a
 * few requests for a code version writes that file cache to one file on the shared filesystem
 * (`<root>/.lamphp-opcache/<key>.bin`, after its response); a runtime that boots later restores
 * it before its first request, so WordPress's first page loads compiled scripts instead of
 * compiling ~450 of them. Opcache still checks each script's timestamp against the file cache
 * entry, so a snapshot taken before a change never serves old code.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { CODE_VERSION_FILE } from './code-cache.ts';

/** Where opcache's file cache lives inside each runtime (MEMFS). */
export const OPCACHE_DIR = '/internal/opcache';
export const SNAPSHOT_DIR = '.lamphp-opcache';

export interface OpcacheSnapshotSpec {
  /** Host file the snapshot is read from and written to. */
  file: string;
  /**
   * A missing snapshot is written after a worker's first request (so the next cold start already
   * has it) and written again after this many requests if more scripts were compiled meanwhile.
   */
  afterRequests: number;
}

/** The slice of php-wasm's PHP instance used here. */
interface SnapshotFs {
  mkdir(path: string): void;
  writeFile(path: string, data: Uint8Array): void;
  readFileAsBuffer(path: string): Uint8Array;
  listFiles(path: string): string[];
  isDir(path: string): boolean;
  unlink(path: string): void;
}

/**
 * The snapshot file for the code version at `root` now (its version marker) and this PHP version.
 * Not keyed by the rest of php.ini: opcache files its entries under a system id of its own and
 * ignores entries compiled under other settings.
 */
export function snapshotFile(root: string, phpVersion: string): string {
  let version = 'initial';
  try {
    version = fs.readFileSync(path.join(root, CODE_VERSION_FILE), 'utf8');
  } catch {
    // No marker yet: the tree was never changed through lamphp.
  }
  const key = createHash('sha256').update(`${phpVersion}\n${version}`).digest('hex').slice(0, 16);
  return path.join(root, SNAPSHOT_DIR, `php${phpVersion}-${key}.bin`);
}

/** php.ini lines that turn on the in-memory file cache next to shared memory. */
export const SNAPSHOT_INI = `opcache.file_cache = ${OPCACHE_DIR}\nopcache.file_cache_only = 0\nopcache.file_cache_consistency_checks = 0\n`;

/** Restores the snapshot into the runtime's file cache, if there is one; returns the files restored. */
export function restoreSnapshot(php: SnapshotFs, spec: OpcacheSnapshotSpec): number {
  mkdirs(php, OPCACHE_DIR);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(spec.file);
  } catch {
    return 0;
  }
  let files = 0;
  try {
    for (const [name, data] of entries(bytes)) {
      const target = path.posix.join(OPCACHE_DIR, name);
      mkdirs(php, path.posix.dirname(target));
      php.writeFile(target, data);
      files++;
    }
  } catch {
    return files; // a torn or foreign file: what was restored is whole files; opcache compiles the rest
  }
  return files;
}

/**
 * Writes the runtime's file cache as the snapshot: when none exists, or over one this runtime
 * wrote itself (`replace`, once more scripts are compiled). Temp file + rename, so readers see all
 * or nothing. Returns the files written, 0 when it wrote nothing.
 */
export function saveSnapshot(php: SnapshotFs, spec: OpcacheSnapshotSpec, replace = false): number {
  if (!replace && fs.existsSync(spec.file)) return 0;
  fs.mkdirSync(path.dirname(spec.file), { recursive: true });
  removeStaleTemps(path.dirname(spec.file));
  const temp = `${spec.file}.${process.pid}-${threadId}.tmp`;
  // One file at a time: the ~20 MB never sit in this thread's heap at once (it stays in the runtime's RSS).
  const fd = fs.openSync(temp, 'w');
  let files = 0;
  try {
    const walk = (dir: string) => {
      for (const name of php.listFiles(dir)) {
        const full = `${dir}/${name}`;
        if (php.isDir(full)) walk(full);
        else {
          const rel = Buffer.from(path.posix.relative(OPCACHE_DIR, full));
          const data = php.readFileAsBuffer(full);
          writeAll(fd, Buffer.concat([u32(rel.length), rel, u32(data.byteLength)]));
          writeAll(fd, data);
          files++;
        }
      }
    };
    walk(OPCACHE_DIR);
  } finally {
    fs.closeSync(fd);
  }
  if (files === 0) {
    fs.rmSync(temp, { force: true });
    return 0;
  }
  fs.renameSync(temp, spec.file);
  return files;
}

/** Temp files of writers stopped mid-way (a frozen or killed instance), older than a minute. */
function removeStaleTemps(dir: string): void {
  const before = Date.now() - 60_000;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.tmp')) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs < before) fs.rmSync(file, { force: true });
    } catch {
      // Another instance removed it first.
    }
  }
}

/** Files in the runtime's file cache now. */
export function fileCacheCount(php: SnapshotFs): number {
  let files = 0;
  const walk = (dir: string) => {
    for (const name of php.listFiles(dir)) {
      const full = `${dir}/${name}`;
      if (php.isDir(full)) walk(full);
      else files++;
    }
  };
  walk(OPCACHE_DIR);
  return files;
}

/**
 * Drops the runtime's copy of the file cache once the snapshot is settled: the scripts the pages
 * use are in shared memory by then, and MEMFS holds file contents in the JS heap (~20 MB for
 * WordPress). Scripts compiled later are filed again as usual.
 */
export function releaseFileCache(php: SnapshotFs): void {
  const walk = (dir: string) => {
    for (const name of php.listFiles(dir)) {
      const full = `${dir}/${name}`;
      if (php.isDir(full)) walk(full);
      else php.unlink(full);
    }
  };
  walk(OPCACHE_DIR);
}

function* entries(bytes: Buffer): Generator<[string, Uint8Array]> {
  let at = 0;
  while (at < bytes.length) {
    const nameLength = bytes.readUInt32LE(at);
    const name = bytes.toString('utf8', at + 4, at + 4 + nameLength);
    at += 4 + nameLength;
    const dataLength = bytes.readUInt32LE(at);
    if (name.includes('..') || at + 4 + dataLength > bytes.length) throw new Error('invalid opcache snapshot');
    yield [name, bytes.subarray(at + 4, at + 4 + dataLength)];
    at += 4 + dataLength;
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let at = 0; at < data.byteLength; ) at += fs.writeSync(fd, data, at, data.byteLength - at);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function mkdirs(php: SnapshotFs, dir: string): void {
  const parts = dir.split('/').filter(Boolean);
  let current = '';
  for (const part of parts) {
    current += `/${part}`;
    if (!php.isDir(current)) php.mkdir(current);
  }
}
