/**
 * A reproducible zip: entries in byte order of their names, one fixed timestamp, Unix
 * permissions chosen by the caller (never taken from the disk), a fixed compression level.
 * The same entries always give the same bytes, whatever the machine's clock, umask or time zone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync, zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  /** Forward slashes, no leading slash; directories end with `/`. */
  name: string;
  /** Absent for a directory. */
  data?: Uint8Array;
  /** Unix permission bits, e.g. 0o755 for an executable. */
  mode: number;
}

/**
 * 1980-01-01 00:00:00, the earliest zip date. Built from local fields because zip stores local
 * time: fflate reads them back with getFullYear() etc., so the bytes do not depend on the time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const UNIX = 3;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const MSDOS_DIRECTORY = 0x10;

/** Every directory that holds an entry, so the archive also fixes directory permissions. */
export function withDirectories(entries: ZipEntry[]): ZipEntry[] {
  const names = new Set(entries.map((e) => e.name));
  const dirs: ZipEntry[] = [];
  for (const entry of entries) {
    const parts = entry.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (dir !== '/' && !names.has(dir)) {
        names.add(dir);
        dirs.push({ name: dir, mode: 0o755 });
      }
    }
  }
  return [...entries, ...dirs];
}

const byName = (a: ZipEntry, b: ZipEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function reproducibleZip(entries: ZipEntry[], level: 0 | 6 | 9 = 9): Uint8Array {
  const files: Zippable = {};
  for (const entry of [...entries].sort(byName)) {
    const dir = entry.name.endsWith('/');
    if (dir !== (entry.data === undefined)) throw new Error(`zip entry ${entry.name}: directories end with "/" and have no data`);
    const mode = (dir ? S_IFDIR : S_IFREG) | (entry.mode & 0o7777);
    files[entry.name] = [
      entry.data ?? new Uint8Array(0),
      { level: dir ? 0 : level, mtime: FIXED_MTIME, os: UNIX, attrs: ((mode << 16) | (dir ? MSDOS_DIRECTORY : 0)) >>> 0 },
    ];
  }
  return zipSync(files);
}

export interface ZipListing {
  name: string;
  /** Unix mode from the external attributes (type and permission bits). */
  mode: number;
  /** The stored MS-DOS date and time, as written. */
  dosTime: number;
  method: number;
  data: Uint8Array;
}

/** Reads every entry of a zip (central directory order), with its Unix mode. */
export function readZip(zip: Uint8Array): ZipListing[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const out: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = view.getUint16(at + 10, true);
    const dosTime = view.getUint32(at + 12, true);
    const compressed = view.getUint32(at + 20, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const attrs = view.getUint32(at + 38, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLen));
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = zip.subarray(start, start + compressed);
    out.push({ name, mode: attrs >>> 16, dosTime, method, data: method === 8 ? inflateSync(raw) : raw });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Unpacks a zip into `dir` with the modes it stores (as Lambda does into /opt). */
export function extractZip(zip: Uint8Array, dir: string): void {
  for (const entry of readZip(zip)) {
    const target = path.join(dir, ...entry.name.split('/'));
    if (!path.resolve(target).startsWith(path.resolve(dir))) throw new Error(`zip entry escapes the directory: ${entry.name}`);
    if (entry.name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, entry.data);
    }
    fs.chmodSync(target, entry.mode & 0o7777);
  }
}
