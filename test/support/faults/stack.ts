/**
 * The local front door over a real bridge and php-wasm engine, assembled by hand so a test can
 * plug in what `serve` does not expose (a faulty mount) and read every structured log line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBridge, readConfig, type Bridge, type Config } from '../../../bridge/index.ts';
import { createPhpWasmEngine, engineOptionsFromConfig, type MountInstrument, type PhpWasmEngine } from '../../../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../../../bridge/log.ts';
import { startLocalServer } from '../../../runtime/local/server.ts';

export interface Stack {
  url: string;
  port: number;
  config: Config;
  bridge: Bridge;
  engine: PhpWasmEngine;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startStack(options: {
  root: string;
  workers?: number;
  env?: Record<string, string>;
  instrumentMount?: MountInstrument;
}): Promise<Stack> {
  const sessionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-rel-sessions-'));
  const config = readConfig({ LAMPHP_SESSION_DIR: sessionDir, ...options.env }, { documentRoot: options.root, workers: options.workers ?? 1 });
  const logger = memoryLogger('info');
  // The settings → engine mapping both front doors use (rotation, a user php.ini, the code cache…).
  const engine = await createPhpWasmEngine({
    ...engineOptionsFromConfig(config),
    logger,
    ...(options.instrumentMount && { instrumentMount: options.instrumentMount }),
  });
  const bridge = createBridge({ config, engine, logger });
  const server = await startLocalServer({ bridge, config, logger, port: 0 });
  return {
    url: server.url,
    port: server.port,
    config,
    bridge,
    engine,
    logs: logger.records,
    async close() {
      await server.close();
      await bridge.close();
      fs.rmSync(sessionDir, { recursive: true, force: true });
    },
  };
}

/** Log records matching `msg`, newest last. */
export function logged(logs: Record<string, unknown>[], msg: string | RegExp): Record<string, unknown>[] {
  return logs.filter((r) => (typeof msg === 'string' ? r.msg === msg : msg.test(String(r.msg))));
}

/** Polls `check` until it holds (service recovery), or fails naming `what`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting: ${what}`);
}
