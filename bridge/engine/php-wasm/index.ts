/**
 * The php-wasm engine: PHP compiled to WebAssembly, one runtime per worker thread, so the main
 * thread can stop a runaway script at its deadline and several requests run at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError, type PhpEngine } from '../engine.ts';
import type { Logger } from '../../log.ts';
import { DEFAULT_INI_URL } from './files.ts';
import { buildIniText } from './ini.ts';
import { WorkerPool } from './pool.ts';
import { LockHub } from './locks.ts';
import type { MessageHook } from './php-worker.ts';
import { runCli, type CliRun, type CliResult } from './cli.ts';
import { sharedPhpModule } from './shared-wasm.ts';
import type { WorkerSpec } from './protocol.ts';
import type { MountInstrument } from './protocol.ts';
import { snapshotFile, SNAPSHOT_DIR } from './opcache-snapshot.ts';
import { phpSupport } from './php-support.ts';

export type { MessageHook } from './php-worker.ts';
export type { CliRun, CliResult } from './cli.ts';
export { TIMED_OUT_EXIT_CODE } from './cli.ts';
export type { MountInstrument } from './protocol.ts';

/** lamphp's own php.ini at the repository (or layer) root. */
export const DEFAULT_INI_FILE = fileURLToPath(DEFAULT_INI_URL);

export interface PhpWasmEngineOptions {
  /** Host directory, mounted at the same absolute path inside PHP, so SCRIPT_FILENAME needs no mapping. */
  documentRoot: string;
  /** Worker threads, one PHP runtime each, one request at a time each. */
  workers: number;
  /** Requests allowed to wait when every worker is busy; beyond that EBUSY at once (0 = fail fast). */
  queue: number;
  /** Requests a runtime serves before it is replaced (php-wasm leaks 2 fds per request, aborts near 2045). */
  maxRequestsPerRuntime: number;
  /** Compile PHP's wasm once and share it with every worker (default); false: each runtime compiles its own. */
  shareWasm?: boolean;
  /** How a runtime is replaced at its quota (see WorkerPool): `overlap` (default) or `sequential`. */
  rotation?: 'overlap' | 'sequential';
  /** Host directory for session files, mounted at the same path in every worker. */
  sessionDir: string;
  /** PHP version, e.g. '8.3'. */
  phpVersion: string;
  /** lamphp's php.ini (default: the repository root's). */
  iniFile?: string;
  /** The user's php.ini (config.phpIni), applied after ours. */
  userIniFile?: string;
  /** Single settings applied last, e.g. `{ upload_max_filesize: '64M' }` for a local server. */
  iniOverrides?: Record<string, string>;
  /** More host directories mounted at the same path (e.g. a SQLite directory outside the root). */
  extraMounts?: string[];
  /** Target of PHP's `post_message_to_js($json)`; its result is returned to PHP. */
  onMessage?: MessageHook;
  /** Host uploads directory: each response lists the files PHP wrote or deleted under it (`touched`). */
  uploadsDir?: string;
  /** Mount handler module used in every worker in place of php-wasm's NODEFS handler (tests, benchmarks). */
  instrumentMount?: MountInstrument;
  /**
   * Serve the document root's code from memory in each worker, revalidated by a version marker
   * (code-cache.ts); the uploads, session and extra directories and SQLite files pass through.
   */
  codeCache?: { revalidateMs: number; exclude?: string[] };
  /** Keep opcache's file cache as a snapshot on the document root's filesystem for cold starts (opcache-snapshot.ts). */
  opcacheSnapshot?: { afterRequests: number };
  /** php-wasm's loadable extensions, e.g. `['intl']` (LAMPHP_PHP_EXTENSIONS). */
  extensions?: string[];
  logger: Logger;
}

/**
 * Directories under a WordPress root that change while the site runs: never cached. SQLite files
 * (and their journals) pass through wherever they are, so wp-content/database's other files
 * (index.php, .htaccess, checked on every request) are still cached.
 */
export const CODE_CACHE_EXCLUDE = ['wp-content/cache', 'wp-content/upgrade', 'wp-content/uploads'];

export interface PhpWasmEngine extends PhpEngine {
  /** Resolves when no runtime is booting (rotation successors, replacements). */
  idle(): Promise<void>;
  /** Runs a PHP script with the `cli` SAPI in a one-off runtime and thread of its own (cli.ts). */
  cli(run: CliRun): Promise<CliResult>;
}

/** Resolves once every worker has booted PHP; rejects with EngineError('EBOOT') otherwise. */
export async function createPhpWasmEngine(options: PhpWasmEngineOptions): Promise<PhpWasmEngine> {
  const documentRoot = path.resolve(options.documentRoot);
  const sessionDir = path.resolve(options.sessionDir);
  const iniText = buildIniText({
    iniFile: options.iniFile ?? DEFAULT_INI_FILE,
    userIniFile: options.userIniFile,
    overrides: options.iniOverrides,
    enforced: { 'session.save_path': sessionDir },
  });
  const mounts = mountList([documentRoot, sessionDir, ...(options.extraMounts ?? [])]);
  const codeCache = options.codeCache && {
    root: documentRoot,
    revalidateMs: options.codeCache.revalidateMs,
    exclude: [
      ...[...CODE_CACHE_EXCLUDE, ...(options.codeCache.exclude ?? [])].map((dir) => path.resolve(documentRoot, dir)),
      sessionDir,
      path.join(documentRoot, SNAPSHOT_DIR),
      ...(options.uploadsDir ? [path.resolve(options.uploadsDir)] : []),
      ...(options.extraMounts ?? []).map((dir) => path.resolve(dir)),
    ],
  };
  let nextProcessId = 1;
  const locks = new LockHub();
  const release = (spec: WorkerSpec) => locks.release(spec.processId, spec.locks);
  const support = phpSupport();
  const wasmModule = options.shareWasm === false ? undefined : await sharedPhpModule(options.phpVersion);
  const spec = (): WorkerSpec => ({
    phpVersion: options.phpVersion,
    ...(wasmModule && { wasmModule }),
    processId: nextProcessId++,
    iniText,
    mounts,
    cwd: documentRoot,
    forwardMessages: options.onMessage !== undefined,
    locks: locks.link(),
    support,
    ...(options.extensions && options.extensions.length > 0 && { extensions: options.extensions }),
    ...(options.uploadsDir && { uploadsDir: path.resolve(options.uploadsDir) }),
    ...(options.instrumentMount && { instrumentMount: options.instrumentMount }),
    ...(codeCache && { codeCache }),
    // Keyed by the code version each runtime boots with.
    ...(options.opcacheSnapshot && { opcacheSnapshot: { file: snapshotFile(documentRoot, options.phpVersion), afterRequests: options.opcacheSnapshot.afterRequests } }),
  });
  const pool = new WorkerPool({
    workers: options.workers,
    queue: options.queue,
    maxRequestsPerRuntime: options.maxRequestsPerRuntime,
    ...(options.rotation && { rotation: options.rotation }),
    logger: options.logger,
    onMessage: options.onMessage,
    onWorkerExit: release,
    spec,
  });
  await pool.start();
  const consoles = new Set<ReturnType<typeof runCli>>();
  let closed = false;
  return {
    handle: (request, deadline) => pool.handle(request, deadline),
    stats: () => pool.stats(),
    idle: () => pool.idle(),
    async cli(run) {
      if (closed) throw new EngineError('ECLOSED', 'The PHP engine is shut down.');
      const running = runCli(spec(), run, { onExit: release, onMessage: options.onMessage, logger: options.logger });
      consoles.add(running);
      try {
        return await running.result;
      } finally {
        consoles.delete(running);
      }
    },
    async close() {
      closed = true;
      await Promise.all([...consoles].map((c) => c.stop()));
      await pool.close();
    },
  };
}

/**
 * Absolute, de-duplicated, and without directories already inside another mount. A directory
 * reached through a symlink is mounted at its real path too, so either spelling of a script works.
 */
export function mountList(dirs: string[]): string[] {
  const resolved = dirs.map((d) => path.resolve(d));
  const unique = [...new Set([...resolved, ...resolved.map(realpathOrSelf)])].sort();
  return unique.filter((dir) => !unique.some((other) => other !== dir && (other === '/' || dir.startsWith(other + path.sep))));
}

function realpathOrSelf(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir; // a missing directory fails at mount time, with its name in the message
  }
}
export { engineOptionsFromConfig, type ConfiguredEngineOptions } from './from-config.ts';
