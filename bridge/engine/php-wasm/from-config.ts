/** The engine options that follow from lamphp's settings: one mapping for every front door. */
import type { Config } from '../../config.ts';
import type { PhpWasmEngineOptions } from './index.ts';

export type ConfiguredEngineOptions = Pick<
  PhpWasmEngineOptions,
  | 'documentRoot'
  | 'workers'
  | 'queue'
  | 'maxRequestsPerRuntime'
  | 'rotation'
  | 'sessionDir'
  | 'phpVersion'
  | 'userIniFile'
  | 'codeCache'
  | 'opcacheSnapshot'
  | 'extensions'
>;

export function engineOptionsFromConfig(config: Config): ConfiguredEngineOptions {
  return {
    documentRoot: config.documentRoot,
    workers: config.workers,
    queue: config.queue,
    maxRequestsPerRuntime: config.maxRequestsPerRuntime,
    rotation: config.rotation,
    sessionDir: config.sessionDir,
    phpVersion: config.phpVersion,
    ...(config.phpIni && { userIniFile: config.phpIni }),
    ...(config.codeCache && { codeCache: { revalidateMs: config.codeRevalidateMs } }),
    ...(config.opcacheSnapshot && { opcacheSnapshot: { afterRequests: 3 } }),
    ...(config.phpExtensions.length > 0 && { extensions: config.phpExtensions }),
  };
}
