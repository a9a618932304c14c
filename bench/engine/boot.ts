/**
 * Engine start-up with and without the shared PHP module: each variant in a fresh process,
 * alternating, `--runs` times; prints the median time to a ready engine and the workers' boots.
 *   node bench/engine/boot.ts [--runs 5] [--workers 2]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPhpWasmEngine } from '../../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../../bridge/config.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, workers: { type: 'string', default: '2' }, variant: { type: 'string' } } });
if (values.variant) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-boot-'));
  const logger = memoryLogger('debug');
  const started = performance.now();
  const engine = await createPhpWasmEngine({
    documentRoot: root, workers: Number(values.workers), queue: 10, maxRequestsPerRuntime: 1000, sessionDir: root,
    phpVersion: DEFAULT_PHP_VERSION, shareWasm: values.variant === 'shared', logger,
  });
  const readyMs = performance.now() - started;
  await engine.close();
  fs.rmSync(root, { recursive: true, force: true });
  const boots = logger.records.find((r) => r.msg === 'PHP workers ready')?.bootMs;
  process.stdout.write(JSON.stringify({ variant: values.variant, readyMs, boots }) + '\n');
  process.exit(0);
}
const results: Record<string, { ready: number[]; boots: number[] }> = { shared: { ready: [], boots: [] }, own: { ready: [], boots: [] } };
for (let i = 0; i < Number(values.runs); i++) {
  for (const variant of i % 2 ? ['own', 'shared'] : ['shared', 'own']) {
    const out = JSON.parse(execFileSync(process.execPath, [import.meta.filename, '--variant', variant, '--workers', values.workers!], { encoding: 'utf8' }));
    results[variant]!.ready.push(out.readyMs);
    results[variant]!.boots.push(...(out.boots as number[]));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [variant, r] of Object.entries(results)) {
  console.log(JSON.stringify({ variant, runs: r.ready.length, medianReadyMs: Math.round(median(r.ready)), medianWorkerBootMs: Math.round(median(r.boots)) }));
}
