/**
 * What intl and lamphp's sodium/prepend cost: each variant runs in fresh processes, runs
 * interleaved so load drifts hit all alike; medians over the runs.
 *
 *   node bench/apps/extensions.ts [--runs 5] [--warm 300]
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, warm: { type: 'string', default: '300' } } });
const runs = Number(values.runs);
const PROBE = path.join(import.meta.dirname, 'boot-probe.ts');

const VARIANTS: { name: string; env: Record<string, string> }[] = [
  { name: 'hello.php, no prepend (php.ini auto_prepend_file empty)', env: { PROBE_NO_PREPEND: '1' } },
  { name: 'hello.php, lamphp prepend (fastcgi_finish_request, sodium declared)', env: {} },
  { name: 'sodium secretbox round trip (sodium_compat loaded on first call)', env: { PROBE_SCRIPT: 'sodium.php' } },
  { name: 'hello.php, LAMPHP_PHP_EXTENSIONS=intl', env: { PROBE_EXTENSIONS: 'intl' } },
  { name: 'intl Normalizer + NumberFormatter, intl loaded', env: { PROBE_EXTENSIONS: 'intl', PROBE_SCRIPT: 'intl.php' } },
];

type Sample = { bootMs: number; firstMs: number; p50Ms: number; p90Ms: number; rssMiB: number };
const samples = new Map<string, Sample[]>(VARIANTS.map((v) => [v.name, []]));
for (let i = 0; i < runs; i++) {
  for (const v of VARIANTS) {
    const r = spawnSync(process.execPath, [PROBE], { env: { ...process.env, PROBE_WARM: values.warm, ...v.env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${v.name}: ${r.stderr}`);
    samples.get(v.name)!.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Sample);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (n: number, d = 1) => n.toFixed(d);
console.log(`${runs} runs × ${VARIANTS.length} variants, ${values.warm} warm requests each, 1-minute load ${f(os.loadavg()[0]!, 2)} on ${os.availableParallelism()} cores`);
console.log('| variant | process start → PHP ready ms | first request ms | warm p50 ms | warm p90 ms | RSS MiB |');
console.log('|---|---|---|---|---|---|');
for (const v of VARIANTS) {
  const s = samples.get(v.name)!;
  console.log(`| ${v.name} | ${f(median(s.map((x) => x.bootMs)), 0)} | ${f(median(s.map((x) => x.firstMs)))} | ${f(median(s.map((x) => x.p50Ms)), 3)} | ${f(median(s.map((x) => x.p90Ms)), 3)} | ${f(median(s.map((x) => x.rssMiB)), 0)} |`);
}
