/**
 * Latency of non-HTTP invocations on a warm Lambda runtime: a warm-up event (answered without
 * PHP) against a PHP page, a scheduled cron run of a trivial script and a console invocation
 * (which boots a CLI runtime of its own each time). runtime/lambda/bootstrap serves them from
 * the Runtime API emulator; kinds are interleaved so drift hits each alike. Times are the
 * emulator's, from handing out the invocation to receiving its response.
 *
 *   node bench/operations/warmup.ts [--runs 50] [--console-runs 10]
 *
 * Writes bench/results/operations-warmup.json and prints a Markdown table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLambdaProcess } from '../../test/support/lambda-process.ts';
import { median, percentile, round } from '../suite/stats.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, 'console-runs': { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);
const CONSOLE_RUNS = Number(values['console-runs']);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-bench-ops-'));
const site = path.join(tmp, 'site');
fs.mkdirSync(site);
fs.writeFileSync(path.join(site, 'hello.php'), "<?php echo 'Hello';\n");
fs.writeFileSync(path.join(site, 'cron.php'), "<?php echo 'cron';\n");

function pageEvent() {
  const event = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
  event.rawPath = '/hello.php';
  event.rawQueryString = '';
  event.requestContext.http.path = '/hello.php';
  event.requestContext.http.method = 'GET';
  event.body = undefined;
  delete event.cookies;
  return event;
}

const kinds = {
  'warm-up `{"warmer":true}`': { warmer: true },
  'PHP page (hello.php, Function URL event)': pageEvent(),
  'cron (`{"lamphp":{"command":"cron"}}`, trivial script)': { lamphp: { command: 'cron' } },
} as const;
const consoleKind = 'console (`php -r \'echo 1;\'`, new CLI runtime each time)';

const rt = await startLambdaProcess({ documentRoot: site, home: tmp, env: { LAMPHP_CRON_SCRIPT: 'cron.php', LAMPHP_LOG_LEVEL: 'warn' } });
const samples: Record<string, number[]> = Object.fromEntries([...Object.keys(kinds), consoleKind].map((k) => [k, []]));
let requestsBefore = 0;
let requestsAfter = 0;
try {
  const invoke = async (event: unknown): Promise<{ ms: number; json: any }> => {
    const r = await rt.emu.invoke(event);
    if (r.kind !== 'response') throw new Error(`invocation failed: ${JSON.stringify(r)}\n${rt.output().slice(-2000)}`);
    return { ms: r.durationMs, json: r.json };
  };
  // Warm every path once (first PHP request, first cron) before measuring.
  for (const event of Object.values(kinds)) await invoke(event);
  await invoke({ lamphp: { command: 'php', args: ['-r', 'echo 1;'] } });
  for (let i = 0; i < RUNS; i++) {
    for (const [kind, event] of Object.entries(kinds)) {
      const { ms, json } = await invoke(event);
      if ('warm' in json) {
        // The warm-up ran no PHP: the engine's request count is what it was after the last page.
        if (i === 0) requestsBefore = json.engine.requests;
        requestsAfter = json.engine.requests;
      }
      samples[kind]!.push(ms);
    }
  }
  for (let i = 0; i < CONSOLE_RUNS; i++) {
    const { ms, json } = await invoke({ lamphp: { command: 'php', args: ['-r', 'echo 1;'] } });
    if (json.stdout !== '1') throw new Error(`console answered ${JSON.stringify(json)}`);
    samples[consoleKind]!.push(ms);
  }
} finally {
  await rt.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

const rows = Object.entries(samples).map(([kind, ms]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { kind, n: ms.length, p50: round(median(ms), 2), p90: round(percentile(sorted, 90), 2), min: round(sorted[0], 2) };
});
const result = {
  date: new Date().toISOString(),
  node: process.version,
  machine: `${os.cpus().length} vCPU, ${os.type()} ${os.release()}`,
  runs: RUNS,
  consoleRuns: CONSOLE_RUNS,
  // PHP requests the engine counted across the measured warm-ups: each page adds one, warm-ups none.
  engineRequests: { firstWarmup: requestsBefore, lastWarmup: requestsAfter },
  rows,
};
fs.mkdirSync(path.join(REPO, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(REPO, 'bench/results/operations-warmup.json'), JSON.stringify(result, null, 2) + '\n');
console.log('| invocation | n | p50 ms | p90 ms | min ms |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.kind} | ${r.n} | ${r.p50} | ${r.p90} | ${r.min} |`);
console.log(`\nengine requests at the first and last measured warm-up: ${requestsBefore} → ${requestsAfter} (${RUNS - 1} pages and ${RUNS - 1} cron runs in between)`);
