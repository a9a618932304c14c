/** Boots one php-wasm runtime configured for lamphp. Runs inside a worker thread. */
import { PHP, PHPResponse, type PhpInstance } from './php-wasm-api.ts';
import { bindUserSpace, createNodeFsMountHandler, loadNodeRuntime } from './php-wasm-node.ts';
import { workerLockManager } from './worker-locks.ts';
import { CodeTreeCache, lendHostDescriptor } from './code-cache.ts';
import { instantiateShared } from './shared-wasm.ts';
import { restoreSnapshot, SNAPSHOT_INI } from './opcache-snapshot.ts';
import type { WorkerSpec } from './protocol.ts';
import { SODIUM_DIR, SUPPORT_DIR } from './php-support.ts';

/** Where php-wasm reads php.ini from (not exported by @php-wasm/universal's ESM build). */
const PHP_INI_PATH = '/internal/shared/php.ini';

/** The slice of php-wasm's user space (the functions its wasm imports for locks) this file wraps. */
interface UserSpace {
  flock(fd: number, op: number): number;
  fcntl64(fd: number, cmd: number, varargs: number): number;
}
interface UserSpaceContext {
  constants: { F_GETLK: number; F_SETLK: number; F_SETLKW: number };
  syscalls: { getStreamFromFD(fd: number): unknown };
}

/** Locks reach php-wasm with a host descriptor even on a stream the code-tree cache serves from memory. */
function lockableCachedStreams(space: UserSpace, context: UserSpaceContext): UserSpace {
  const { F_GETLK, F_SETLK, F_SETLKW } = context.constants;
  const lend = (fd: number) => {
    try {
      lendHostDescriptor(context.syscalls.getStreamFromFD(fd));
    } catch {
      // Not an open stream, or the file is gone: php-wasm answers the lock with the right error.
    }
  };
  return {
    ...space,
    flock: (fd: number, op: number) => {
      lend(fd);
      return space.flock(fd, op);
    },
    fcntl64: (fd: number, cmd: number, varargs: number) => {
      if (cmd === F_GETLK || cmd === F_SETLK || cmd === F_SETLKW) lend(fd);
      return space.fcntl64(fd, cmd, varargs);
    },
  };
}

export async function bootRuntime(spec: WorkerSpec): Promise<PhpInstance> {
  const fileLockManager = await workerLockManager(spec.locks);
  const runtimeId = await loadNodeRuntime(spec.phpVersion, {
    // WordPress trees (Debian's package, plugin checkouts) link out of the root.
    followSymlinks: true,
    ...(spec.extensions && spec.extensions.length > 0 && { extensions: spec.extensions }),
    emscriptenOptions: {
      processId: spec.processId, // unique per runtime: the shared lock table is keyed by it
      // Replaces php-wasm's default (native locks only) with native + the engine-wide table.
      bindUserSpace: (context: unknown) => lockableCachedStreams(bindUserSpace({ fileLockManager }, context) as UserSpace, context as UserSpaceContext),
      // Emscripten's hook: instantiate the module compiled once in the main thread.
      ...(spec.wasmModule && { instantiateWasm: instantiateShared(spec.wasmModule) }),
    },
  });
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
  php.chdir(spec.cwd);
  // Before PHP starts: opcache reads its file cache from here on the first request.
  if (snapshotIni) restoreSnapshot(php as unknown as Parameters<typeof restoreSnapshot>[0], spec.opcacheSnapshot!);
  // PHP's module startup (extensions, opcache memory) runs on the first request: pay it at boot,
  // not on the first visitor after a rotation.
  // Not for a console runtime: php.cli() must be its first run.
  if (!spec.cli) await PHPResponse.fromStreamedResponse(await php.runStream({ code: '<?php ' }));
  return php;
}
