/**
 * Tail latency and memory of one Lambda-shaped environment (Runtime API emulator, one
 * `runtime/lambda/bootstrap`, one PHP worker, default settings) serving WordPress requests sent
 * back to back: each GET of `/` leaves as soon as the previous answer arrived and is timed from
 * its own send, so work a runtime defers past a response (rotations, opcache snapshot writes,
 * uploads sync) still counts against the next request. The environment's resident memory is
 * read every `rssEvery` requests, and its peak (VmHWM, boot included) at the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'undici';
import { startLambdaFront } from './lambda-front.ts';
import { percentile, round, summarize, mib, median } from './stats.ts';
import { hwmBytes, treeRssBytes } from './proc.ts';
import type { Db } from './site.ts';
import type { TailResult } from './result.ts';

export interface TailOptions {
  root: string;
  db: Db;
  /** Timed requests, after `warmup` untimed ones (the first request of a fresh environment is a cold start). */
  requests: number;
  warmup: number;
  /** Requests between RSS readings. */
  rssEvery?: number;
  workDir: string;
  log?: (line: string) => void;
  /** Extra settings for the environment (LAMPHP_*). */
  env?: NodeJS.ProcessEnv;
}

export async function runTail({ root, db, requests, warmup, rssEvery = 100, workDir, log = () => {}, env = {} }: TailOptions): Promise<TailResult> {
  const logDir = fs.mkdtempSync(path.join(workDir, 'tail-'));
  const front = await startLambdaFront({
    root,
    instances: 1,
    logDir,
    // Info level: the runtime logs each rotation, counted below; requests are not logged.
    env: { LAMPHP_SESSION_DIR: path.join(logDir, 'sessions'), LAMPHP_LOG_LEVEL: 'info', ...env },
  });
  const pid = front.instances[0]!.child.pid!;
  const client = new Client(front.url);
  const times: number[] = [];
  const statusCodes: Record<string, number> = {};
  const rss: { after: number; mib: number | null }[] = [];
  let hwm: number | null = null;
  try {
    for (let i = 0; i < warmup + requests; i++) {
      const t0 = performance.now();
      const { statusCode, body } = await client.request({ method: 'GET', path: '/' });
      await body.arrayBuffer();
      const ms = performance.now() - t0;
      if (i < warmup) continue;
      times.push(ms);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      const done = i + 1 - warmup;
      if (done % rssEvery === 0) rss.push({ after: done, mib: mib(treeRssBytes([pid])) });
      if (done % 1000 === 0) log(`  tail: ${done} requests, p50 ${summarize(times).p50} ms, RSS ${rss.at(-1)?.mib} MiB`);
    }
    hwm = hwmBytes(pid);
  } finally {
    await client.close();
    await front.stop();
  }
  const logText = fs.readFileSync(front.instances[0]!.logFile, 'utf8');
  const rotations = logText.split('\n').filter((line) => line.includes('"msg":"PHP runtime rotated"')).length;
  fs.rmSync(logDir, { recursive: true, force: true });

  const sorted = [...times].sort((a, b) => a - b);
  const s = summarize(times);
  const readings = rss.filter((r): r is { after: number; mib: number } => r.mib !== null);
  const values = readings.map((r) => r.mib);
  return {
    db,
    warmup,
    requests,
    statusCodes,
    rotations,
    latencyMs: { ...s, p90: round(percentile(sorted, 90), 3), max: round(sorted.at(-1), 3) },
    p99OverP50: s.p50 ? round(s.p99! / s.p50, 2) : null,
    slowest: times
      .map((ms, i) => ({ request: i + 1, ms: round(ms, 1)! }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10),
    rss: {
      every: rssEvery,
      firstMiB: values[0] ?? null,
      medianMiB: median(values),
      maxMiB: values.length ? Math.max(...values) : null,
      lastMiB: values.at(-1) ?? null,
      peakMiB: mib(hwm),
      readings,
    },
  };
}
