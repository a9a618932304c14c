/**
 * The code-tree cache against the plain NODEFS mount, on one WordPress (SQLite) site, in one
 * run: host filesystem operations per warm home-page request by class, and the home page's
 * latency with and without an EFS latency model (every document-root call held for
 * `--delay` ms), next to native php-fpm + nginx on the same tree in the same run.
 *
 *   node bench/code-cache/cli.ts [--requests 40] [--warmup 20] [--rounds 2] [--delay 0.5] [--out FILE]
 *
 * Each (variant, delay) pair runs `lamphp serve --workers 1` with preload.ts; rounds
 * alternate the variants so a change in the machine's load touches both alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { freePort, stopProcess, waitForHttp } from '../ramp/processes.ts';
import { startNative } from '../native/native.ts';
import { prepareTrees } from '../suite/site.ts';
import { NODE, serveArgs, serveEnv } from '../suite/servers.ts';
import { round, summarize } from '../suite/stats.ts';
import { createLogger } from '../../bridge/log.ts';
import type { FsOpCounts } from '../fsops/counter.ts';

const PRELOAD = path.join(import.meta.dirname, 'preload.ts');
const REPO = path.resolve(import.meta.dirname, '../..');

interface Variant {
  name: 'naive' | 'code cache' | 'code cache, marker only';
  env: Record<string, string>;
}
const VARIANTS: Variant[] = [
  { name: 'naive', env: { LAMPHP_CODE_CACHE: 'off' } },
  // The default: entries checked again after 2 s (changes made outside lamphp).
  { name: 'code cache', env: { LAMPHP_CODE_CACHE: 'on', LAMPHP_CODE_REVALIDATE_MS: '2000' } },
  // Only the version marker: what a tree changed through lamphp alone costs.
  { name: 'code cache, marker only', env: { LAMPHP_CODE_CACHE: 'on', LAMPHP_CODE_REVALIDATE_MS: '3600000' } },
];

interface Sample {
  variant: Variant['name'];
  delayMs: number;
  round: number;
  latencyMs: number[];
  opsPerRequest: Record<string, number>;
  raw: FsOpCounts;
}

function ask<T>(child: ChildProcess, message: { t: string }, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${reply}" from the PHP worker`)), 10_000);
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

async function timedHome(client: Client, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const { statusCode, body } = await client.request({ method: 'GET', path: '/' });
    await body.arrayBuffer();
    times.push(performance.now() - t0);
    if (statusCode !== 200) throw new Error(`WordPress home answered ${statusCode}`);
  }
  return times;
}

function perRequest(counts: FsOpCounts, requests: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cls, kinds] of Object.entries(counts.byClass)) {
    const n = Object.values(kinds).reduce((a, b) => a + (b ?? 0), 0);
    out[cls.replace(/^root:/, '')] = round(n / requests, 1)!;
  }
  return out;
}

async function measureLamphp(root: string, workDir: string, variant: Variant, delayMs: number, warmup: number, requests: number): Promise<Omit<Sample, 'round'>> {
  const port = await freePort();
  const logFile = path.join(workDir, `serve-${port}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(NODE, ['--import', PRELOAD, ...serveArgs(root, port, 1)], {
    stdio: ['ignore', fd, fd, 'ipc'],
    env: serveEnv(workDir, { ...variant.env, LAMPHP_BENCH_FSOPS_ROOT: root, LAMPHP_BENCH_EFS_DELAY_MS: String(delayMs) }),
  });
  fs.closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const client = new Client(url);
  try {
    await waitForHttp(url + '/hello.php', { timeoutMs: 120_000, child, describe: () => fs.readFileSync(logFile, 'utf8').slice(-2000) });
    await timedHome(client, warmup);
    await ask(child, { t: 'reset' }, 'ack');
    const latencyMs = await timedHome(client, requests);
    const { counts } = await ask<{ counts: FsOpCounts }>(child, { t: 'report' }, 'counts');
    return { variant: variant.name, delayMs, latencyMs, opsPerRequest: perRequest(counts, requests), raw: counts };
  } finally {
    await client.close();
    await stopProcess(child);
  }
}

async function measureNative(root: string, workDir: string, warmup: number, requests: number): Promise<number[]> {
  const port = await freePort();
  const native = await startNative({ root, port, dir: path.join(workDir, `native-${port}`), children: 1 });
  const client = new Client(native.url);
  try {
    await timedHome(client, warmup);
    return await timedHome(client, requests);
  } finally {
    await client.close();
    await native.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '40' },
      warmup: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '2' },
      delay: { type: 'string', default: '0.5' },
      out: { type: 'string', default: path.join(REPO, 'bench/results/code-cache.json') },
    },
  });
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  const rounds = Number(values.rounds);
  const delays = [0, Number(values.delay)];
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-code-cache-'));
  const log = (line: string) => process.stdout.write(line + '\n');
  const trees = await prepareTrees({ workDir, dbs: ['sqlite'], logger: createLogger({ level: 'warn' }) });
  const root = trees.sites.sqlite!.dir;
  const samples: Sample[] = [];
  const native: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      for (const delayMs of delays) {
        const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const variant of order) {
          const s = { ...(await measureLamphp(root, workDir, variant, delayMs, warmup, requests)), round: r };
          samples.push(s);
          log(`round ${r} delay ${delayMs} ms ${variant.name}: p50 ${summarize(s.latencyMs).p50} ms, ops/request ${JSON.stringify(s.opsPerRequest)} (load ${os.loadavg()[0]!.toFixed(2)})`);
        }
      }
      const n = await measureNative(root, workDir, warmup, requests);
      native.push(...n);
      log(`round ${r} native: p50 ${summarize(n).p50} ms`);
    }
  } finally {
    await trees.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const nativeP50 = summarize(native).p50!;
  const rows = delays.flatMap((delayMs) =>
    VARIANTS.map((v) => {
      const mine = samples.filter((s) => s.variant === v.name && s.delayMs === delayMs);
      const latency = summarize(mine.flatMap((s) => s.latencyMs));
      const ops: Record<string, number> = {};
      for (const s of mine) for (const [k, n] of Object.entries(s.opsPerRequest)) ops[k] = round((ops[k] ?? 0) + n / mine.length, 1)!;
      return { variant: v.name, delayMs, p50: latency.p50, p99: latency.p99, mean: latency.mean, ratioToNative: round(latency.p50! / nativeP50, 2), opsPerRequest: ops };
    }),
  );
  const result = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `node bench/code-cache/cli.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim(), node: process.versions.node, loadBefore, loadAfter: os.loadavg().map((l) => round(l, 2)) },
    requests,
    warmup,
    rounds,
    native: summarize(native),
    rows,
    samples,
  };
  fs.mkdirSync(path.dirname(values.out!), { recursive: true });
  fs.writeFileSync(values.out!, JSON.stringify(result, null, 2) + '\n');
  log(`native p50 ${nativeP50} ms`);
  for (const row of rows) log(JSON.stringify(row));
  log(`wrote ${path.relative(REPO, values.out!)}`);
}

if (import.meta.main) await main();
