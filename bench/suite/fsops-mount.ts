/**
 * The engine's `instrumentMount` hook for counting: each PHP worker mounts every host
 * directory through bench/fsops' counting NODEFS operation tables, and adds each host call to
 * cells of a SharedArrayBuffer that the benchmark process reads. Cells are indexed by
 * (mount, kind, file class); mount 0 is the document root, 1 everything else mounted.
 */
import { realpathSync } from 'node:fs';
import { FsOpCounter, FS_METHODS, classifyByExtension, type FsOpKind, type FsOpCounts } from '../fsops/counter.ts';
import { countingOps, type EmFS } from '../fsops/nodefs.ts';
import type { MountInstrument } from '../../bridge/engine/php-wasm/index.ts';

export const KINDS: readonly FsOpKind[] = [...new Set(Object.values(FS_METHODS).map((m) => m.kind))];
export const CLASSES = ['php', 'sqlite', 'json', 'asset', 'other', 'fd?'] as const;
const MOUNTS = 2;

export function cellIndex(mount: number, kind: FsOpKind, pathClass: string): number {
  const k = KINDS.indexOf(kind);
  const c = Math.max(0, CLASSES.indexOf(pathClass as (typeof CLASSES)[number]));
  return (mount * KINDS.length + k) * CLASSES.length + c;
}

export interface SharedFsOps {
  root: string;
  buffer: SharedArrayBuffer;
}

/** The benchmark's side: a fresh set of cells for the engine option, read and reset here. */
export class SharedFsOpCounts {
  readonly options: SharedFsOps;
  readonly #cells: Int32Array;
  constructor(root: string) {
    const buffer = new SharedArrayBuffer(4 * MOUNTS * KINDS.length * CLASSES.length);
    this.options = { root: realpathSync(root), buffer };
    this.#cells = new Int32Array(buffer);
  }
  get instrument(): MountInstrument {
    return { module: import.meta.url, options: this.options };
  }
  reset(): void {
    for (let i = 0; i < this.#cells.length; i++) Atomics.store(this.#cells, i, 0);
  }
  /** Counts in bench/fsops' shape; classes of the document root as `root:<class>`, the rest `outside`. */
  counts(): FsOpCounts {
    const out: FsOpCounts = { total: 0, byKind: {}, byClass: {}, delayedMs: 0 };
    for (let mount = 0; mount < MOUNTS; mount++) {
      for (const kind of KINDS) {
        for (const cls of CLASSES) {
          const n = Atomics.load(this.#cells, cellIndex(mount, kind, cls));
          if (n === 0) continue;
          const name = mount === 0 ? `root:${cls}` : 'outside';
          out.total += n;
          out.byKind[kind] = (out.byKind[kind] ?? 0) + n;
          const forClass = (out.byClass[name] ??= {});
          forClass[kind] = (forClass[kind] ?? 0) + n;
        }
      }
    }
    return out;
  }
}

class SharedCounter extends FsOpCounter {
  readonly #cells: Int32Array;
  readonly #mount: number;
  constructor(buffer: SharedArrayBuffer, mount: number) {
    super();
    this.#cells = new Int32Array(buffer);
    this.#mount = mount;
  }
  override record(kind: FsOpKind, path?: string): void {
    Atomics.add(this.#cells, cellIndex(this.#mount, kind, classifyByExtension(path)), 1);
  }
}

/** Runs in each PHP worker (MountInstrument): NODEFS for `hostDir`, every host call counted. */
export function instrumentMount(hostDir: string, options: unknown) {
  const { root, buffer } = options as SharedFsOps;
  return (_php: unknown, FS: EmFS, vfsMountPoint: string) => {
    const real = realpathSync(hostDir);
    if (!FS.analyzePath(vfsMountPoint).exists) FS.mkdirTree(vfsMountPoint);
    const nodefs = FS.filesystems.NODEFS as Parameters<typeof countingOps>[0];
    FS.mount(nodefs, { root: real }, vfsMountPoint);
    const ops = countingOps(nodefs, new SharedCounter(buffer, real === root ? 0 : 1));
    ops.adopt(FS.lookupPath(vfsMountPoint).node);
    return () => FS.unmount(vfsMountPoint);
  };
}
