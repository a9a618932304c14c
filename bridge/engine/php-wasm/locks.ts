/**
 * File locks that hold between workers of this process and between processes (SQLite on EFS,
 * session files). Native POSIX locks (fs-ext) alone are not enough here: fcntl() locks belong
 * to the process, so two workers of one process never conflict. php-wasm's answer, used as in
 * Playground's CLI: one in-memory lock table in the main thread, reached synchronously from
 * each worker, composed with the native locks.
 *
 * A worker terminated at its deadline never closes its host fds, so its locks would outlive it;
 * each worker records the native fds it locked in shared memory and the main thread closes them.
 * This module is the main-thread side; worker-locks.ts is the worker side.
 */
import fs from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { FileLockManagerInMemory, exposeSyncAPI } from './php-wasm-api.ts';

/** Slots for native fds holding locks in one runtime; SQLite holds a handful per database. */
export const HELD_FD_SLOTS = 256;

export interface WorkerLockLink {
  /** Transferred to the worker: synchronous access to the shared lock table. */
  port: MessagePort;
  /** Native fds the worker holds locks on (+1, 0 = free slot) and their inode numbers. */
  heldFds: SharedArrayBuffer;
}

/** Main thread: the lock table shared by every worker of this engine. */
export class LockHub {
  #table = new FileLockManagerInMemory();
  #ports = new WeakMap<SharedArrayBuffer, MessagePort>();

  link(): WorkerLockLink {
    const { port1, port2 } = new MessageChannel();
    void exposeSyncAPI(this.#table, port1);
    port1.unref(); // the channel must not keep the process alive after close()
    const heldFds = new SharedArrayBuffer(HELD_FD_SLOTS * 12);
    this.#ports.set(heldFds, port1);
    return { port: port2, heldFds };
  }

  /** After a worker is gone: drop its table entries and close the host fds its locks live on. */
  release(processId: number, link: WorkerLockLink): void {
    this.#table.releaseLocksForProcess(processId);
    const { fds, inodes } = heldViews(link.heldFds);
    for (let i = 0; i < fds.length; i++) {
      const fd = Atomics.exchange(fds, i, 0) - 1;
      if (fd < 0) continue;
      try {
        // Only if the number still names the locked file: a closed fd's number may be reused.
        if (fs.fstatSync(fd).ino === inodes[i]) fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.#ports.get(link.heldFds)?.close();
  }
}

/** Typed views of a worker's record of locked fds. */
export function heldViews(buffer: SharedArrayBuffer) {
  return { inodes: new Float64Array(buffer, 0, HELD_FD_SLOTS), fds: new Int32Array(buffer, HELD_FD_SLOTS * 8, HELD_FD_SLOTS) };
}
