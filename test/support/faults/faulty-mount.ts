/**
 * A document-root mount that can be made slow or failing while PHP runs, the way a network
 * filesystem (EFS) misbehaves: every host operation of the mount first asks a control cell
 * shared by all PHP workers — pass, hold it `delayMs`, or fail it with EIO.
 *
 * Built on bench/fsops (the same NODEFS operation tables the fs-op counter wraps). Plugged into
 * the engine with `instrumentMount: faultyMount(control)`; the test flips the control.
 */
import { realpathSync } from 'node:fs';
import { FsOpCounter, sleepSync, type FsOpKind } from '../../../bench/fsops/counter.ts';
import { countingOps, type EmFS } from '../../../bench/fsops/nodefs.ts';
import type { MountInstrument } from '../../../bridge/engine/php-wasm/index.ts';

/** Emscripten's errno for EIO. */
const EIO = 29;
const MODE = 0;
const DELAY = 1;
const HITS = 2;
const PASS = 0;
const SLOW = 1;
const FAIL = 2;

/** The test's side: a few Int32 cells every worker thread sees. */
export class FsFaults {
  readonly buffer = new SharedArrayBuffer(4 * 4);
  readonly #cells = new Int32Array(this.buffer);

  healthy(): void {
    Atomics.store(this.#cells, MODE, PASS);
  }
  /** Every host filesystem call of the mount takes `ms` longer. */
  slow(ms: number): void {
    Atomics.store(this.#cells, DELAY, ms);
    Atomics.store(this.#cells, MODE, SLOW);
  }
  /** Every host filesystem call of the mount fails with EIO. */
  failing(): void {
    Atomics.store(this.#cells, MODE, FAIL);
  }
  /** Operations that met a fault (delayed or failed) since the start. */
  get hits(): number {
    return Atomics.load(this.#cells, HITS);
  }
}

export function faultyMount(faults: FsFaults): MountInstrument {
  return { module: import.meta.url, options: faults.buffer };
}

type ErrnoErrorClass = new (errno: number) => Error;

class FaultGate extends FsOpCounter {
  readonly #cells: Int32Array;
  readonly #ErrnoError: ErrnoErrorClass;
  constructor(buffer: SharedArrayBuffer, ErrnoError: ErrnoErrorClass) {
    super();
    this.#cells = new Int32Array(buffer);
    this.#ErrnoError = ErrnoError;
  }
  override record(kind: FsOpKind, path?: string): void {
    const mode = Atomics.load(this.#cells, MODE);
    if (mode === PASS) return;
    Atomics.add(this.#cells, HITS, 1);
    // `close` still runs: failing it would leak the host descriptor, not model the outage.
    if (mode === FAIL && kind !== 'close') throw new this.#ErrnoError(EIO);
    if (mode === SLOW) sleepSync(Atomics.load(this.#cells, DELAY));
    void path;
  }
}

/** Runs in each PHP worker (see MountInstrument): NODEFS for `hostDir`, gated by the shared cells. */
export function instrumentMount(hostDir: string, options: unknown) {
  return (_php: unknown, FS: EmFS & { ErrnoError: ErrnoErrorClass }, vfsMountPoint: string) => {
    const root = realpathSync(hostDir);
    if (!FS.analyzePath(vfsMountPoint).exists) FS.mkdirTree(vfsMountPoint);
    const nodefs = FS.filesystems.NODEFS as Parameters<typeof countingOps>[0];
    FS.mount(nodefs, { root }, vfsMountPoint);
    const ops = countingOps(nodefs, new FaultGate(options as SharedArrayBuffer, FS.ErrnoError));
    ops.adopt(FS.lookupPath(vfsMountPoint).node);
    return () => FS.unmount(vfsMountPoint);
  };
}
