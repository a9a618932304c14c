/** Shared by the php-wasm engine suites: fixture paths, CGI environments, a small engine factory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CgiRequest, CgiResponse } from '../bridge/engine/engine.ts';
import { createPhpWasmEngine, type PhpWasmEngine, type PhpWasmEngineOptions } from '../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';

export const PHP_ROOT = fileURLToPath(new URL('./fixtures/php', import.meta.url));

let counter = 0;

/** A CGI environment like the bridge builds for `GET http://example.com/<script>`. */
export function cgi(script: string, env: Record<string, string> = {}, body: Uint8Array | string = ''): CgiRequest {
  const [scriptPath, query = ''] = script.split('?');
  return {
    requestId: `req-${++counter}`,
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
    env: {
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      SERVER_SOFTWARE: 'lamphp',
      REQUEST_METHOD: 'GET',
      REQUEST_URI: `/${script}`,
      QUERY_STRING: query,
      SCRIPT_NAME: `/${scriptPath}`,
      SCRIPT_FILENAME: path.join(PHP_ROOT, scriptPath),
      DOCUMENT_ROOT: PHP_ROOT,
      SERVER_NAME: 'example.com',
      SERVER_PORT: '80',
      HTTP_HOST: 'example.com',
      REMOTE_ADDR: '198.51.100.7',
      ...env,
    },
  };
}

export const text = (r: CgiResponse) => new TextDecoder().decode(r.body);
export const json = (r: CgiResponse) => JSON.parse(text(r));
export const inSeconds = (s: number) => Date.now() + s * 1000;

export async function startEngine(options: Partial<PhpWasmEngineOptions> = {}) {
  const logger = memoryLogger();
  const sessionDir = options.sessionDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-sessions-'));
  const engine: PhpWasmEngine = await createPhpWasmEngine({
    documentRoot: PHP_ROOT,
    workers: 2,
    queue: 10,
    maxRequestsPerRuntime: 1000,
    sessionDir,
    phpVersion: DEFAULT_PHP_VERSION,
    logger,
    ...options,
  });
  return { engine, logger, sessionDir };
}

/** The code of the error a promise rejects with, or 'resolved'. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
