/**
 * Tail latency of WordPress requests sent back to back to one Lambda-shaped environment (Runtime
 * API emulator + one bootstrap, one PHP worker): each request is sent as soon as the previous
 * answer arrived, latency from its send time. Runtime rotations, opcache snapshot writes and the
 * rest of the after-response work fall between requests; p99 / p50 shows whether any request
 * pays for them.
 *
 *   node bench/code-cache/tail.ts --root <WordPress site> [--requests 5000] [--out FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { startLambdaFront } from '../suite/lambda-front.ts';
import { round, summarize } from '../suite/stats.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { root: { type: 'string' }, requests: { type: 'string', default: '5000' }, out: { type: 'string', default: path.join(REPO, 'bench/results/lambda-tail.json') } } });
  const root = path.resolve(values.root!);
  const requests = Number(values.requests);
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-tail-'));
  const front = await startLambdaFront({ root, instances: 1, logDir, env: { LAMPHP_SESSION_DIR: path.join(logDir, 'sessions') } });
  const client = new Client(front.url);
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  try {
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      const { statusCode, body } = await client.request({ method: 'GET', path: '/' });
      await body.arrayBuffer();
      times.push(performance.now() - t0);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if ((i + 1) % 500 === 0) process.stdout.write(`${i + 1} requests, p50 so far ${summarize(times).p50} ms (load ${os.loadavg()[0]!.toFixed(2)})\n`);
    }
  } finally {
    await client.close();
    await front.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
  const s = summarize(times);
  const sorted = [...times].sort((a, b) => a - b);
  const result = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `node bench/code-cache/tail.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: os.cpus().length, node: process.versions.node, loadBefore, loadAfter: os.loadavg().map((l) => round(l, 2)) },
    requests,
    statuses,
    latencyMs: { ...s, p90: round(sorted[Math.floor(sorted.length * 0.9)], 3), max: round(sorted.at(-1), 3) },
    p99OverP50: round(s.p99! / s.p50!, 2),
    slowest: times.map((ms, i) => ({ i, ms: round(ms, 1) })).sort((a, b) => b.ms! - a.ms!).slice(0, 20),
  };
  fs.writeFileSync(values.out!, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify({ statuses, latencyMs: result.latencyMs, p99OverP50: result.p99OverP50, slowest: result.slowest.slice(0, 10) }) + '\n');
}

if (import.meta.main) await main();
