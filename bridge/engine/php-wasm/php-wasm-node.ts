/**
 * The slice of @php-wasm/node the worker uses. Only worker-side modules import this: loading
 * @php-wasm/node costs ~50 ms, which the main thread would add to every cold start.
 */
import * as node from '@php-wasm/node';
import type { FileLockManager, MountHandler, NodeRuntimeOptions } from './php-wasm-api.ts';

type LockManagerClass = new () => FileLockManager;

export const loadNodeRuntime = (
  node as unknown as { loadNodeRuntime(version: string, options?: NodeRuntimeOptions): Promise<number> }
).loadNodeRuntime;

export const createNodeFsMountHandler = (node as unknown as { createNodeFsMountHandler(localPath: string): MountHandler })
  .createNodeFsMountHandler;

const n = node as unknown as {
  FileLockManagerForPosix: LockManagerClass;
  bindUserSpace(kernel: { fileLockManager: FileLockManager }, userSpaceContext: unknown): unknown;
};
export const { FileLockManagerForPosix, bindUserSpace } = n;
