/**
 * What a request without the origin secret costs: a Function URL event that lacks (or guesses)
 * the secret is refused with 403 before any PHP runs. Measured on runtime/lambda/bootstrap
 * against the Runtime API emulator, interleaved with the same request carrying the secret
 * (hello.php, PHP runs) as the baseline. Times are the emulator's, from handing out the
 * invocation to receiving its result; the engine's request count shows PHP never ran for them.
 *
 *   node bench/origin/refused.ts [--runs 200]
 *
 * Writes bench/results/origin-refused.json and prints a Markdown table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLambdaProcess } from '../../test/support/lambda-process.ts';
import { median, percentile, round } from '../suite/stats.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' } } });
const RUNS = Number(values.runs);
const SECRET = 'bench-origin-secret-0123456789abcdef';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-bench-origin-'));
const site = path.join(tmp, 'site');
fs.mkdirSync(site);
fs.writeFileSync(path.join(site, 'hello.php'), "<?php echo 'Hello';\n");

function event(secret?: string) {
  const e = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
  Object.assign(e, { rawPath: '/hello.php', rawQueryString: '', body: undefined, cookies: undefined });
  e.requestContext.http.path = '/hello.php';
  e.requestContext.http.method = 'GET';
  e.headers = { ...e.headers };
  if (secret !== undefined) e.headers['x-lamphp-origin-secret'] = secret;
  return e;
}

const kinds = {
  'with the secret (hello.php: PHP runs)': { event: event(SECRET), status: 200 },
  'without the secret (403, no PHP)': { event: event(), status: 403 },
  'with a wrong secret (403, no PHP)': { event: event('guess'), status: 403 },
} as const;

const rt = await startLambdaProcess({ documentRoot: site, home: tmp, env: { LAMPHP_ORIGIN_SECRET: SECRET, LAMPHP_LOG_LEVEL: 'error' } });
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
let engine: { before: number; after: number } = { before: 0, after: 0 };
try {
  const invoke = async (e: unknown) => {
    const r = await rt.emu.invoke(e);
    if (r.kind !== 'response') throw new Error(`invocation failed: ${JSON.stringify(r)}\n${rt.output().slice(-2000)}`);
    return { ms: r.durationMs, json: r.json as { statusCode: number; command?: string; engine?: { requests: number } } };
  };
  const requests = async () => (await invoke({ warmer: true })).json.engine!.requests;
  for (const { event: e } of Object.values(kinds)) await invoke(e); // first PHP request, first refusal
  engine.before = await requests();
  for (let i = 0; i < RUNS; i++) {
    for (const [kind, { event: e, status }] of Object.entries(kinds)) {
      const { ms, json } = await invoke(e);
      if (json.statusCode !== status) throw new Error(`${kind}: status ${json.statusCode}, expected ${status}`);
      samples[kind]!.push(ms);
    }
  }
  engine = { ...engine, after: await requests() };
} finally {
  await rt.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

const rows = Object.entries(samples).map(([kind, ms]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { kind, n: ms.length, p50: round(median(ms), 3), p90: round(percentile(sorted, 90), 3), min: round(sorted[0]!, 3) };
});
const result = { date: new Date().toISOString(), node: process.version, machine: `${os.cpus().length} vCPU, ${os.type()} ${os.release()}`, loadavg: os.loadavg(), runs: RUNS, engine, rows };
fs.mkdirSync(path.join(REPO, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(REPO, 'bench/results/origin-refused.json'), JSON.stringify(result, null, 2) + '\n');
console.log('| request | n | p50 ms | p90 ms | min ms |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.kind} | ${r.n} | ${r.p50} | ${r.p90} | ${r.min} |`);
console.log(`\nPHP requests counted by the engine across the run: ${engine.before} → ${engine.after} (${RUNS} with the secret)`);
