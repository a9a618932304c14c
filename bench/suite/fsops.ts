/**
 * Host filesystem operations per warm WordPress request on the document root — each one a
 * network round trip once the tree is on EFS. `lamphp serve --workers 1` runs with
 * fsops-preload.ts, which counts in its PHP worker thread (bench/fsops patchFs) and answers
 * over the IPC channel; requests are sequential, so counts divide cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'undici';
import { freePort, stopProcess, waitForHttp } from '../ramp/processes.ts';
import { LamphpError } from '../../bridge/errors.ts';
import type { FsOpCounts } from '../fsops/counter.ts';
import { NODE, serveArgs, serveEnv } from './servers.ts';
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

export async function countFsops({ root, db, warmup, requests, workDir }: { root: string; db: Db; warmup: number; requests: number; workDir: string }): Promise<FsopsRow> {
  const port = await freePort();
  const logFile = path.join(workDir, `fsops-${port}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(NODE, ['--import', PRELOAD, ...serveArgs(root, port, 1)], {
    stdio: ['ignore', fd, fd, 'ipc'],
    env: serveEnv(workDir, { LAMPHP_BENCH_FSOPS_ROOT: root }),
  });
  fs.closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const client = new Client(url);
  try {
    await waitForHttp(url + '/hello.php', { timeoutMs: 60_000, child, describe: () => fs.readFileSync(logFile, 'utf8').slice(-2000) });
    const get = async () => {
      const { statusCode, body } = await client.request({ method: 'GET', path: '/' });
      await body.arrayBuffer();
      if (statusCode !== 200) throw new LamphpError('BENCH_STATUS', `WordPress home answered ${statusCode} while counting fs operations`);
    };
    for (let i = 0; i < warmup; i++) await get();
    await ask(child, { t: 'reset' }, 'ack');
    for (let i = 0; i < requests; i++) await get();
    const { counts } = await ask<{ counts: FsOpCounts }>(child, { t: 'report' }, 'counts');
    return { db, requests, ...perRequest(counts, requests), raw: counts };
  } finally {
    await client.close();
    await stopProcess(child);
  }
}
