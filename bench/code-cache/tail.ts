/**
 * The suite's `tail` part on a site of your own: WordPress requests sent back to back to one
 * Lambda-shaped environment, latency from each request's send, RSS read along the way.
 *
 *   node bench/code-cache/tail.ts --root <WordPress site> [--requests 10000] [--warmup 20] [--out FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runTail } from '../suite/tail.ts';
import { round } from '../suite/stats.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      db: { type: 'string', default: 'sqlite' },
      requests: { type: 'string', default: '10000' },
      warmup: { type: 'string', default: '20' },
      out: { type: 'string', default: path.join(REPO, 'bench/results/lambda-tail.json') },
    },
  });
  if (!values.root) throw new Error('--root <WordPress site> is required');
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-tail-'));
  try {
    const result = await runTail({
      root: path.resolve(values.root),
      db: values.db === 'mysql' ? 'mysql' : 'sqlite',
      requests: Number(values.requests),
      warmup: Number(values.warmup),
      workDir,
      log: (line) => process.stdout.write(`${line} (load ${os.loadavg()[0]!.toFixed(2)})\n`),
    });
    const out = {
      startedAt,
      finishedAt: new Date().toISOString(),
      command: `node bench/code-cache/tail.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim(), node: process.versions.node, loadBefore, loadAfter: os.loadavg().map((l) => round(l, 2)) },
      ...result,
    };
    fs.writeFileSync(values.out!, JSON.stringify(out, null, 2) + '\n');
    const { readings: _readings, ...rss } = result.rss;
    process.stdout.write(JSON.stringify({ statusCodes: result.statusCodes, rotations: result.rotations, latencyMs: result.latencyMs, p99OverP50: result.p99OverP50, rss, slowest: result.slowest }) + '\n');
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
