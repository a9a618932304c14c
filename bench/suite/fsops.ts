/**
 * Host filesystem operations per warm WordPress request on the document root — each one a
 * network round trip once the tree is on EFS — counted two ways, one worker, sequential
 * requests (so counts divide cleanly):
 * - in `lamphp serve`: `node --import fsops-preload.ts` patches `node:fs` in the PHP worker
 *   thread (bench/fsops patchFs), read over IPC — every host call the server really makes;
 * - at the engine's `instrumentMount` hook (fsops-mount.ts: bench/fsops' counting NODEFS
 *   tables, counts in shared memory), engine and bridge in this process — the document root
 *   mount alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'undici';
import { freePort, stopProcess, waitForHttp } from '../ramp/processes.ts';
import { NODE, serveArgs, serveEnv } from './servers.ts';
import { createPhpWasmEngine } from '../../bridge/engine/php-wasm/index.ts';
import { createBridge } from '../../bridge/handler.ts';
import { readConfig } from '../../bridge/config.ts';
import { createLogger } from '../../bridge/log.ts';
import { LamphpError } from '../../bridge/errors.ts';
import type { HttpRequest } from '../../bridge/http.ts';
import type { FsOpCounts } from '../fsops/counter.ts';
import { SharedFsOpCounts } from './fsops-mount.ts';
import { round } from './stats.ts';
import type { Db } from './site.ts';
import type { FsopsRow } from './result.ts';

const PRELOAD = path.join(import.meta.dirname, 'fsops-preload.ts');

function ask<T>(child: ChildProcess, message: { t: string }, reply: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new LamphpError('BENCH_FSOPS', `no "${reply}" from the PHP worker within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: { t: string }) => {
      if (msg?.t !== reply) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(msg as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** Document-root totals from raw counts (classes `root:*`), divided by `requests`. */
export function perRequest(counts: FsOpCounts, requests: number): Omit<FsopsRow, 'db' | 'requests' | 'raw'> {
  const byKind: Record<string, number> = {};
  const byClass: Record<string, number> = {};
  let documentRoot = 0;
  for (const [cls, kinds] of Object.entries(counts.byClass)) {
    if (!cls.startsWith('root:')) continue;
    for (const [kind, n] of Object.entries(kinds)) {
      byKind[kind] = (byKind[kind] ?? 0) + (n ?? 0);
      byClass[cls.slice(5)] = (byClass[cls.slice(5)] ?? 0) + (n ?? 0);
      documentRoot += n ?? 0;
    }
  }
  const per = (n: number) => round(n / requests, 1)!;
  return {
    perRequest: { total: per(counts.total), documentRoot: per(documentRoot), outside: per(counts.total - documentRoot) },
    byKind: Object.fromEntries(Object.entries(byKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, per(n)])),
    byClass: Object.fromEntries(Object.entries(byClass).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, per(n)])),
  };
}

/** Counts at the engine's document-root mount (instrumentMount hook), in this process. */
export async function countFsopsMount({ root, warmup, requests, workDir }: { root: string; warmup: number; requests: number; workDir: string }): Promise<{ counts: FsOpCounts }> {
  const counter = new SharedFsOpCounts(root);
  const logger = createLogger({ level: 'warn' });
  const config = readConfig({ ...process.env, LAMPHP_DOCUMENT_ROOT: root, LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), LAMPHP_WORKERS: '1' });
  fs.mkdirSync(config.sessionDir, { recursive: true });
  const engine = await createPhpWasmEngine({
    documentRoot: root,
    workers: 1,
    queue: 10,
    maxRequestsPerRuntime: config.maxRequestsPerRuntime,
    sessionDir: config.sessionDir,
    phpVersion: config.phpVersion,
    instrumentMount: counter.instrument,
    logger,
  });
  const bridge = createBridge({ config, engine, logger });
  try {
    const get = async () => {
      const response = await bridge.handle(homeRequest(), { deadline: Date.now() + 60_000 });
      if (response.status !== 200) throw new LamphpError('BENCH_STATUS', `WordPress home answered ${response.status} while counting fs operations`);
    };
    for (let i = 0; i < warmup; i++) await get();
    counter.reset();
    for (let i = 0; i < requests; i++) await get();
    return { counts: counter.counts() };
  } finally {
    await bridge.close();
  }
}

export interface CountingServer {
  url: string;
  /** Zeroes the PHP worker's counts. */
  reset(): Promise<void>;
  /** The PHP worker's counts since the last reset. */
  report(): Promise<FsOpCounts>;
  stop(): Promise<void>;
}

/** `lamphp serve --workers 1` with fsops-preload.ts: every host fs call of its PHP worker thread is counted. */
export async function startCountingServe({ root, workDir, env = {} }: { root: string; workDir: string; env?: NodeJS.ProcessEnv }): Promise<CountingServer> {
  const port = await freePort();
  const logFile = path.join(workDir, `fsops-${port}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(NODE, ['--import', PRELOAD, ...serveArgs(root, port, 1)], {
    stdio: ['ignore', fd, fd, 'ipc'],
    env: serveEnv(workDir, { LAMPHP_BENCH_FSOPS_ROOT: root, ...env }),
  });
  fs.closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url + '/hello.php', { timeoutMs: 60_000, child, describe: () => fs.readFileSync(logFile, 'utf8').slice(-2000) });
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return {
    url,
    reset: async () => {
      await ask(child, { t: 'reset' }, 'ack');
    },
    report: async () => (await ask<{ counts: FsOpCounts }>(child, { t: 'report' }, 'counts')).counts,
    stop: () => stopProcess(child),
  };
}

/** Counts in `lamphp serve`'s PHP worker thread (every host fs call it makes), via fsops-preload.ts. */
export async function countFsopsServe({ root, warmup, requests, workDir }: { root: string; warmup: number; requests: number; workDir: string }): Promise<ReturnType<typeof perRequest>> {
  const server = await startCountingServe({ root, workDir });
  const client = new Client(server.url);
  try {
    const get = async () => {
      const { statusCode, body } = await client.request({ method: 'GET', path: '/' });
      await body.arrayBuffer();
      if (statusCode !== 200) throw new LamphpError('BENCH_STATUS', `WordPress home answered ${statusCode} while counting fs operations`);
    };
    for (let i = 0; i < warmup; i++) await get();
    await server.reset();
    for (let i = 0; i < requests; i++) await get();
    return perRequest(await server.report(), requests);
  } finally {
    await client.close();
    await server.stop();
  }
}

/**
 * Both counts for one site: the serve worker's host calls (what the running server does,
 * whatever layer makes them) and the engine's mount hook (the document root mount alone);
 * they agree while the mount is plain NODEFS.
 */
export async function countFsops(options: { root: string; db: Db; warmup: number; requests: number; workDir: string }): Promise<FsopsRow> {
  const serve = await countFsopsServe(options);
  const { counts } = await countFsopsMount(options);
  const mount = perRequest(counts, options.requests);
  return { db: options.db, requests: options.requests, ...serve, mountHook: { perRequest: mount.perRequest, byKind: mount.byKind }, raw: counts };
}

function homeRequest(): HttpRequest {
  return {
    method: 'GET',
    path: '/',
    query: '',
    headers: { host: ['127.0.0.1:8080'], 'user-agent': ['lamphp-bench'] },
    body: new Uint8Array(0),
    clientAddress: '127.0.0.1',
    clientPort: 40000,
    scheme: 'http',
    host: '127.0.0.1',
    port: 8080,
    protocol: 'HTTP/1.1',
    requestId: randomUUID(),
    receivedAt: Date.now(),
  };
}
