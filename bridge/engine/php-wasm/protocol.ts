import type { WorkerLockLink } from './locks.ts';
import type { CodeCacheSpec } from './code-cache.ts';
import type { OpcacheSnapshotSpec } from './opcache-snapshot.ts';
import type { WasmModule } from './shared-wasm.ts';
import type { PhpSupport } from './php-support.ts';

/**
 * V8 heap limits of a PHP worker thread. PHP's own memory is the wasm heap; the thread's JS
 * heap holds little beyond php-wasm's glue and each response on its way out, but V8 would let
 * its young generation grow to tens of MB of garbage between scavenges. 12 MB (4 MB semi-spaces)
 * keeps a Lambda environment's peak RSS ~25 MiB lower at no measurable cost per request
 * (bench/suite tail part, BENCHMARKS.md).
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 12 } as const;

/** Messages between the pool (main thread) and a PHP worker. Bodies travel as transferred ArrayBuffers. */

export interface WorkerSpec {
  phpVersion: string;
  processId: number;
  /** Appended to php-wasm's default php.ini before the first request. */
  iniText: string;
  /** Host directories mounted at the same path inside PHP's filesystem. */
  mounts: string[];
  /** Working directory for PHP. */
  cwd: string;
  /** Whether `post_message_to_js()` is forwarded to the main thread. */
  forwardMessages: boolean;
  /** Shared lock table access and the record of locked fds (see locks.ts). */
  locks: WorkerLockLink;
  /** Absolute uploads directory whose changes each response reports (`touched`). */
  uploadsDir?: string;
  /** A one-off console runtime: `cli` SAPI, one `php.cli()` run (cli-worker.ts) instead of requests. */
  cli?: boolean;
  /** Replaces the host mount handler (fault injection, fs-op counting); see index.ts. */
  instrumentMount?: MountInstrument;
  /** Serve the code tree at `codeCache.root` from memory, revalidated by a version marker (code-cache.ts). */
  codeCache?: CodeCacheSpec;
  /** PHP's module, compiled once in the main thread (shared-wasm.ts); absent: php-wasm compiles its own. */
  wasmModule?: WasmModule;
  /** Restore opcache's file cache from this snapshot before the first request; write it when missing (opcache-snapshot.ts). */
  opcacheSnapshot?: OpcacheSnapshotSpec;
  /** lamphp's files under /internal/lamphp: auto_prepend_file, sodium_compat, CA bundle (php-support.ts). */
  support?: PhpSupport;
  /** php-wasm's loadable extensions to load, e.g. `intl` (LAMPHP_PHP_EXTENSIONS). */
  extensions?: string[];
}

/**
 * A module (URL) exporting `instrumentMount(hostDir, options)`, which returns the php-wasm
 * mount handler used for each host directory in place of `createNodeFsMountHandler(hostDir)`.
 * `options` crosses into the worker by structured clone (a SharedArrayBuffer stays shared).
 */
export interface MountInstrument {
  module: string;
  options?: unknown;
}

export type ToWorker =
  | { t: 'run'; id: number; env: Record<string, string>; body: ArrayBuffer | null }
  | { t: 'reply'; callId: number; result: string; error?: string };

export type FromWorker =
  /** `sharedModule`: PHP was instantiated from the module compiled in the main thread. */
  | { t: 'ready'; bootMs: number; sharedModule: boolean }
  | { t: 'boot-error'; message: string; stack?: string }
  | {
      t: 'done';
      id: number;
      status: number;
      headers: Record<string, string[]>;
      badHeaderLines?: string[];
      headerBlockUnreadable?: boolean;
      body: ArrayBuffer;
      errors: string;
      exitCode: number;
      touched?: { path: string; op: 'write' | 'delete' }[];
    }
  /** `fastcgi_finish_request()`: the response so far; the script goes on until its `done`. */
  | { t: 'early'; id: number; status: number; headers: Record<string, string[]>; badHeaderLines?: string[]; body: ArrayBuffer }
  | { t: 'crash'; id: number; message: string; stack?: string }
  | { t: 'message'; id: number; callId: number; data: string }
  /** A file under the uploads directory was touched (as it happens, for requests that never finish). */
  | { t: 'touched'; id: number; path: string; op: 'write' | 'delete' };

/** An ArrayBuffer holding exactly the view's bytes, safe to transfer (copies shared or pooled memory). */
export function ownBuffer(view: Uint8Array): ArrayBuffer {
  const { buffer } = view;
  if (buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === buffer.byteLength) return buffer;
  return view.slice().buffer as ArrayBuffer;
}
