/** Boots one php-wasm runtime configured for lamphp. Runs inside a worker thread. */
import { PHP, PHPResponse, type PhpInstance } from './php-wasm-api.ts';
import { bindUserSpace, createNodeFsMountHandler, loadNodeRuntime } from './php-wasm-node.ts';
import { workerLockManager } from './worker-locks.ts';
import { CodeTreeCache, lendHostDescriptor } from './code-cache.ts';
import { instantiateShared } from './shared-wasm.ts';
import { restoreSnapshot, SNAPSHOT_INI } from './opcache-snapshot.ts';
import type { WorkerSpec } from './protocol.ts';
import { SODIUM_DIR, SUPPORT_DIR } from './php-support.ts';
import { freshHostNodes, type FreshNodes, type NodeTableFs } from './fresh-nodes.ts';

/** Where php-wasm reads php.ini from (not exported by @php-wasm/universal's ESM build). */
const PHP_INI_PATH = '/internal/shared/php.ini';

/** The slice of php-wasm's user space (the functions its wasm imports for locks) this file wraps. */
interface UserSpace {
  flock(fd: number, op: number): number;
  fcntl64(fd: number, cmd: number, varargs: number): number;
}
interface UserSpaceContext {
  constants: Record<'F_GETLK' | 'F_SETLK' | 'F_SETLKW' | 'F_RDLCK' | 'F_WRLCK' | 'LOCK_SH' | 'LOCK_EX' | 'LOCK_NB' | 'LOCK_UN', number>;
  syscalls: { getStreamFromFD(fd: number): unknown };
  memory: { HEAP32: { set(offset: number, value: number): void } };
  /** JSPI builds wrap every export in a promise, __errno_location included. */
  wasmExports: { __errno_location?: () => number | Promise<number> };
}

/**
 * php-wasm's flock() checks the operation against the handle's access mode as if it were an
 * fcntl() lock type, and LOCK_SH has F_WRLCK's value (1): a blocking shared lock on a read-only
 * handle ("r", the usual way to read a cache file under a lock) failed with EBADF. flock(2) takes
 * any lock on any handle. php-wasm reads only the LOCK_SH/EX/NB/UN bits of the operation, so an
 * operation equal to a lock type goes through with one more, unused bit: same lock, no false check.
 */
function flockOperation(op: number, constants: UserSpaceContext['constants']): number {
  const { F_RDLCK, F_WRLCK, LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN } = constants;
  const spare = 16;
  if ((spare & (LOCK_SH | LOCK_EX | LOCK_NB | LOCK_UN)) !== 0) return op;
  return op === F_RDLCK || op === F_WRLCK ? op | spare : op;
}

/**
 * Locks as native PHP takes them: flock() on a read-only handle (flockOperation), a refused
 * LOCK_NB reported as would-block (flock()'s third argument), and with a host descriptor even on
 * a stream the code-tree cache serves from memory.
 */
function nativeLocks(space: UserSpace, context: UserSpaceContext): { space: UserSpace; ready: Promise<unknown> } {
  const { F_GETLK, F_SETLK, F_SETLKW } = context.constants;
  // errno's address is fixed for the life of the module; asked once, before the first request.
  let errnoAddress: number | undefined;
  const ready = Promise.resolve(context.wasmExports.__errno_location?.()).then((at) => (errnoAddress = at));
  const setErrno = (errno: number) => {
    if (errnoAddress !== undefined) context.memory.HEAP32.set(errnoAddress >> 2, errno);
  };
  const lend = (fd: number) => {
    try {
      lendHostDescriptor(context.syscalls.getStreamFromFD(fd));
    } catch {
      // Not an open stream, or the file is gone: php-wasm answers the lock with the right error.
    }
  };
  const wrapped: UserSpace = {
    ...space,
    flock: (fd: number, op: number) => {
      lend(fd);
      const result = space.flock(fd, flockOperation(op, context.constants));
      // php-wasm returns -errno without setting errno: PHP reads errno to set $wouldblock.
      if (result < 0) setErrno(-result);
      return result;
    },
    fcntl64: (fd: number, cmd: number, varargs: number) => {
      if (cmd === F_GETLK || cmd === F_SETLK || cmd === F_SETLKW) lend(fd);
      return space.fcntl64(fd, cmd, varargs);
    },
  };
  return { space: wrapped, ready };
}

export async function bootRuntime(spec: WorkerSpec): Promise<PhpInstance> {
  const fileLockManager = await workerLockManager(spec.locks);
  let locksReady: Promise<unknown> = Promise.resolve();
  const runtimeId = await loadNodeRuntime(spec.phpVersion, {
    // WordPress trees (Debian's package, plugin checkouts) link out of the root.
    followSymlinks: true,
    ...(spec.extensions && spec.extensions.length > 0 && { extensions: spec.extensions }),
    emscriptenOptions: {
      processId: spec.processId, // unique per runtime: the shared lock table is keyed by it
      // Replaces php-wasm's default (native locks only) with native + the engine-wide table.
      bindUserSpace: (context: unknown) => {
        const locks = nativeLocks(bindUserSpace({ fileLockManager }, context) as UserSpace, context as UserSpaceContext);
        locksReady = locks.ready;
        return locks.space;
      },
      // Emscripten's hook: instantiate the module compiled once in the main thread.
      ...(spec.wasmModule && { instantiateWasm: instantiateShared(spec.wasmModule) }),
    },
  });
  await locksReady;
  const php = new PHP(runtimeId);
  // Opcache stays inert under php-wasm's default SAPI name; `cli`/`cgi-fcgi` change app behaviour,
  // so `cli` is only for console runtimes, which run PHP's own CLI.
  await php.setSapiName(spec.cli ? 'cli' : 'fpm-fcgi');
  const snapshotIni = spec.opcacheSnapshot && !spec.cli ? `[opcache]\n${SNAPSHOT_INI}` : '';
  php.writeFile(PHP_INI_PATH, php.readFileAsText(PHP_INI_PATH) + '\n' + spec.iniText + snapshotIni);
  const instrument = spec.instrumentMount;
  const mountHandler = instrument
    ? ((await import(instrument.module)) as { instrumentMount(dir: string, options: unknown): unknown }).instrumentMount
    : undefined;
  const codeCache = spec.codeCache && !mountHandler ? new CodeTreeCache(spec.codeCache) : undefined;
  for (const dir of spec.mounts) {
    php.mkdir(dir);
    const handler = mountHandler
      ? mountHandler(dir, instrument!.options)
      : codeCache && dir === spec.codeCache!.root
        ? codeCache.mountHandler(dir)
        : createNodeFsMountHandler(dir);
    await php.mount(dir, handler);
  }
  if (spec.support) {
    php.mkdir(SUPPORT_DIR);
    for (const [name, text] of Object.entries(spec.support.files)) php.writeFile(`${SUPPORT_DIR}/${name}`, text);
    php.mkdir(SODIUM_DIR);
    await php.mount(SODIUM_DIR, createNodeFsMountHandler(spec.support.sodiumHostDir));
  }
  freshNodes.set(php, freshHostNodes(await emscriptenFs(php)));
  php.chdir(spec.cwd);
  // Before PHP starts: opcache reads its file cache from here on the first request.
  if (snapshotIni) restoreSnapshot(php as unknown as Parameters<typeof restoreSnapshot>[0], spec.opcacheSnapshot!);
  // PHP's module startup (extensions, opcache memory) runs on the first request: pay it at boot,
  // not on the first visitor after a rotation.
  // Not for a console runtime: php.cli() must be its first run.
  if (!spec.cli) await PHPResponse.fromStreamedResponse(await php.runStream({ code: '<?php ' }));
  return php;
}

const freshNodes = new WeakMap<object, FreshNodes>();

/** The host-node check of a runtime booted here (see fresh-nodes.ts): the worker starts each request with it. */
export function freshNodesOf(php: object): FreshNodes | undefined {
  return freshNodes.get(php);
}

/** A runtime's Emscripten FS, kept by @php-wasm/universal under its private symbol. */
async function emscriptenFs(php: object): Promise<NodeTableFs> {
  const symbol = ((await import('@php-wasm/universal')) as unknown as Record<string, unknown>).__private__dont__use;
  const fs = typeof symbol === 'symbol' ? (php as Record<symbol, { FS?: NodeTableFs } | undefined>)[symbol]?.FS : undefined;
  if (!fs || typeof fs.lookupNode !== 'function') throw new Error('@php-wasm/universal no longer exposes the runtime filesystem; fresh-nodes.ts needs updating.');
  return fs;
}
