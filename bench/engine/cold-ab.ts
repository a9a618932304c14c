/**
 * Cold start of two checkouts side by side (before/after a change): process start → first 200
 * through each checkout's own `runtime/lambda/bootstrap` (the suite's Lambda cold start), runs
 * alternating so load on the machine falls on both alike. Pages: hello.php and the site's home.
 *
 *   node bench/engine/cold-ab.ts --a <checkout> --b <checkout> --root <WordPress site> [--runs 7]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median, round } from '../suite/stats.ts';

type ColdLambda = (root: string, page: 'hello' | 'wordpress', workDir: string) => Promise<number>;

const { values } = parseArgs({ options: { a: { type: 'string' }, b: { type: 'string' }, root: { type: 'string' }, runs: { type: 'string', default: '7' } } });
if (!values.a || !values.b || !values.root) throw new Error('usage: --a <checkout> --b <checkout> --root <WordPress site with hello.php> [--runs 7]');
const root = path.resolve(values.root);
const trees = { a: path.resolve(values.a), b: path.resolve(values.b) };
const cold: Record<'a' | 'b', ColdLambda> = {
  a: ((await import(pathToFileURL(path.join(trees.a, 'bench/suite/cold-start.ts')).href)) as { coldLambda: ColdLambda }).coldLambda,
  b: ((await import(pathToFileURL(path.join(trees.b, 'bench/suite/cold-start.ts')).href)) as { coldLambda: ColdLambda }).coldLambda,
};
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-cold-ab-'));
const out: Record<string, number[]> = {};
try {
  for (let i = 0; i < Number(values.runs); i++) {
    for (const page of ['hello', 'wordpress'] as const) {
      for (const side of i % 2 ? (['b', 'a'] as const) : (['a', 'b'] as const)) {
        (out[`${page} ${side}`] ??= []).push(round(await cold[side](root, page, workDir), 1)!);
      }
    }
  }
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
for (const [key, runs] of Object.entries(out)) {
  const [page, side] = key.split(' ');
  process.stdout.write(`${JSON.stringify({ page, checkout: trees[side as 'a' | 'b'], medianMs: median(runs), runsMs: runs })}\n`);
}
process.stdout.write(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}\n`);
