/** Worker side of locks.ts: php-wasm's lock manager for this runtime. */
import fs from 'node:fs';
import { FileLockManagerComposite, consumeAPISync, type FileLockManager } from './php-wasm-api.ts';
import { FileLockManagerForPosix } from './php-wasm-node.ts';
import { heldViews, type WorkerLockLink } from './locks.ts';

/** Worker thread: the lock manager handed to php-wasm's user space. */
export async function workerLockManager(link: WorkerLockLink): Promise<FileLockManager> {
  const shared = await consumeAPISync<FileLockManager>(link.port);
  const native = recordingLockManager(new FileLockManagerForPosix(), heldViews(link.heldFds));
  return new FileLockManagerComposite({ nativeLockManager: native, wasmLockManager: shared });
}

function recordingLockManager(inner: FileLockManager, { fds: slots, inodes }: ReturnType<typeof heldViews>): FileLockManager {
  const add = (fd: number) => {
    const known = slots.indexOf(fd + 1);
    const slot = known !== -1 ? known : slots.indexOf(0);
    if (slot === -1) return;
    try {
      inodes[slot] = fs.fstatSync(fd).ino; // refreshed: the number may now name another file
    } catch {
      return;
    }
    Atomics.store(slots, slot, fd + 1);
  };
  const remove = (fd: number) => {
    const at = slots.indexOf(fd + 1);
    if (at !== -1) Atomics.store(slots, at, 0);
  };
  return {
    lockWholeFile(path, op) {
      const ok = inner.lockWholeFile(path, op);
      if (ok && op.type !== 'unlock') add(op.fd);
      else if (op.type === 'unlock') remove(op.fd);
      return ok;
    },
    lockFileByteRange(path, lock, wait) {
      const ok = inner.lockFileByteRange(path, lock, wait);
      if (ok && lock.type !== 'unlocked') add(lock.fd);
      return ok;
    },
    findFirstConflictingByteRangeLock: (path, lock) => inner.findFirstConflictingByteRangeLock(path, lock),
    releaseLocksForProcess: (pid) => inner.releaseLocksForProcess(pid),
    releaseLocksOnFdClose(pid, fd, path) {
      inner.releaseLocksOnFdClose(pid, fd, path);
      remove(fd);
    },
  };
}
