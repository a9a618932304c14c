/**
 * Cold start (process start → first WordPress 200) without and with the opcache snapshot, on
 * one SQLite site, through `lamphp serve --workers 1` and the Lambda-shaped bootstrap (the
 * suite's cold-start code). The snapshot is written by a warm server first; runs alternate.
 *
 *   node bench/code-cache/cold.ts [--runs 5] [--out FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { prepareTrees } from '../suite/site.ts';
import { coldLambda, coldServe } from '../suite/cold-start.ts';
import { startServer } from '../suite/servers.ts';
import { median, round } from '../suite/stats.ts';
import { createLogger } from '../../bridge/log.ts';
import { SNAPSHOT_DIR } from '../../bridge/engine/php-wasm/opcache-snapshot.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, out: { type: 'string', default: path.join(REPO, 'bench/results/opcache-snapshot-cold.json') } } });
  const runs = Number(values.runs);
  const log = (line: string) => process.stdout.write(line + '\n');
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-cold-snapshot-'));
  const trees = await prepareTrees({ workDir, dbs: ['sqlite'], logger: createLogger({ level: 'warn' }) });
  const root = trees.sites.sqlite!.dir;
  const rows: { variant: string; server: string; runsMs: number[]; medianMs: number | null }[] = [];
  try {
    // A warm server writes the snapshot for this code version after its first requests.
    fs.rmSync(path.join(root, SNAPSHOT_DIR), { recursive: true, force: true });
    const warm = await startServer('serve', { root, parallel: 1, workDir, readyPath: '/hello.php' });
    const client = new Client(warm.url);
    for (let i = 0; i < 5; i++) await (await client.request({ method: 'GET', path: '/' })).body.arrayBuffer();
    await client.close();
    await warm.stop();
    const snapshots = fs.readdirSync(path.join(root, SNAPSHOT_DIR));
    log(`snapshot: ${snapshots.join(', ')} (${fs.statSync(path.join(root, SNAPSHOT_DIR, snapshots[0]!)).size} bytes)`);
    const variants = [
      { variant: 'no snapshot (LAMPHP_OPCACHE_SNAPSHOT=off)', env: 'off' },
      // The first cold start of a new code version: the file cache is on and being filled, nothing to restore.
      { variant: 'snapshot on, none written yet', env: 'on', hide: true },
      { variant: 'snapshot restored', env: 'on' },
    ];
    const snapshotDir = path.join(root, SNAPSHOT_DIR);
    const results = new Map<string, number[]>();
    for (let i = 0; i < runs; i++) {
      for (const server of ['serve', 'lambda'] as const) {
        for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
          process.env.LAMPHP_OPCACHE_SNAPSHOT = v.env;
          if (v.hide) fs.renameSync(snapshotDir, snapshotDir + '.aside');
          let ms: number;
          try {
            ms = round(await (server === 'serve' ? coldServe : coldLambda)(root, 'wordpress', workDir), 1)!;
          } finally {
            if (v.hide) {
              fs.rmSync(snapshotDir, { recursive: true, force: true });
              fs.renameSync(snapshotDir + '.aside', snapshotDir);
            }
          }
          const key = `${v.variant}|${server}`;
          results.set(key, [...(results.get(key) ?? []), ms]);
          log(`run ${i} ${server} ${v.variant}: ${ms} ms (load ${os.loadavg()[0]!.toFixed(2)})`);
        }
      }
    }
    for (const [key, runsMs] of results) {
      const [variant, server] = key.split('|') as [string, string];
      rows.push({ variant, server, runsMs, medianMs: round(median(runsMs), 1) });
    }
  } finally {
    await trees.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const result = { startedAt, finishedAt: new Date().toISOString(), command: `node bench/code-cache/cold.ts ${process.argv.slice(2).join(' ')}`.trim(), machine: { cpus: os.cpus().length, node: process.versions.node, loadBefore, loadAfter: os.loadavg().map((l) => round(l, 2)) }, rows };
  fs.writeFileSync(values.out!, JSON.stringify(result, null, 2) + '\n');
  for (const row of rows) log(JSON.stringify(row));
}

if (import.meta.main) await main();
