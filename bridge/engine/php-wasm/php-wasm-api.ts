/**
 * The slice of @php-wasm/universal the engine uses (php-wasm-node.ts: @php-wasm/node), typed here because the
 * packages' .d.ts re-export extensionless paths (`export * from './lib'`), which TypeScript's
 * nodenext resolution cannot follow. Names and shapes mirror the 3.1.x declarations.
 */
import * as universal from '@php-wasm/universal';

export type HttpMethod = 'GET' | 'POST' | 'HEAD' | 'OPTIONS' | 'PATCH' | 'PUT' | 'DELETE';

export interface PhpRunOptions {
  relativeUri?: string;
  scriptPath?: string;
  protocol?: string;
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: Uint8Array;
  env?: Record<string, string>;
  $_SERVER?: Record<string, string>;
  code?: string;
}

export interface PhpResponseData {
  readonly headers: Record<string, string[]>;
  readonly bytes: Uint8Array;
  readonly errors: string;
  readonly exitCode: number;
  readonly httpStatusCode: number;
}

export type MountHandler = unknown;

/** What `runStream` resolves with (StreamedPHPResponse): parts arrive while PHP runs. */
export interface StreamedResponse {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly exitCode: Promise<number>;
  /** The header block's bytes as PHP's SAPI wrote them (read by bridge/response-headers.ts). */
  getHeadersStream(): ReadableStream<Uint8Array>;
  readonly stderrText: Promise<string>;
}

export interface PhpInstance {
  setSapiName(name: string): Promise<void>;
  readFileAsText(path: string): string;
  writeFile(path: string, data: string | Uint8Array): void;
  mkdir(path: string): void;
  fileExists(path: string): boolean;
  chdir(path: string): void;
  mount(vfsPath: string, handler: MountHandler): Promise<unknown>;
  /** Unlike run(), resolves with the response for any exit code; rejects only if the runtime broke. */
  runStream(options: PhpRunOptions): Promise<unknown>;
  onMessage(listener: (data: string) => Promise<string> | string): unknown;
  /** Runs `handler` (a createSpawnHandler() result) when PHP spawns `command`, whatever the spawn handler. */
  setCommandSpawnHandler(command: string, handler: unknown): void;
}

export interface NodeRuntimeOptions {
  followSymlinks?: boolean;
  extensions?: string[];
  emscriptenOptions?: { processId?: number; bindUserSpace?: (context: unknown) => unknown };
}

export const PHP = (universal as unknown as { PHP: new (runtimeId: number) => PhpInstance }).PHP;

export const PHPResponse = (
  universal as unknown as { PHPResponse: { fromStreamedResponse(streamed: unknown): Promise<PhpResponseData> } }
).PHPResponse;

/** php-wasm's lock manager contract (file-lock-manager.d.ts); ops are passed through untouched. */
export interface FileLockManager {
  lockWholeFile(path: string, op: { pid: number; fd: number; type: string; waitForLock?: boolean }): boolean;
  lockFileByteRange(path: string, lock: { pid: number; fd: number; type: string }, waitForLock: boolean): boolean;
  findFirstConflictingByteRangeLock(path: string, lock: { pid: number; fd: number; type: string }): unknown;
  releaseLocksForProcess(pid: number): void;
  releaseLocksOnFdClose(pid: number, fd: number, path: string): void;
}

type LockManagerClass = new () => FileLockManager;
const u = universal as unknown as {
  FileLockManagerInMemory: LockManagerClass;
  FileLockManagerComposite: new (parts: { nativeLockManager: FileLockManager; wasmLockManager: FileLockManager }) => FileLockManager;
  exposeSyncAPI(api: unknown, port: unknown): Promise<unknown>;
  consumeAPISync<T>(port: unknown): Promise<T>;
};
export const { FileLockManagerInMemory, FileLockManagerComposite, exposeSyncAPI, consumeAPISync } = u;
