/**
 * Where a warm WordPress request's time goes: one Lambda-shaped environment (Runtime API
 * emulator, one bootstrap, one PHP worker, default settings) runs under V8's sampling profiler
 * (`--cpu-prof`, every thread); after `--warmup` requests, `--requests` more are sent one at a
 * time, and the PHP worker thread's samples inside that window are split by what ran: PHP's
 * own code compiled to wasm (by area: the VM, memory, opcache, compiler, SQLite, PCRE, the
 * rest), php-wasm's JavaScript (Emscripten's filesystem and syscalls), host filesystem calls,
 * lamphp's code, Node internals, garbage collection, and V8 time not attributed to a function.
 *
 *   node bench/profile/warm.ts --root <WordPress site> [--warmup 50] [--requests 100] [--path /] [--out FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { startLambdaFront } from '../suite/lambda-front.ts';
import { round, summarize } from '../suite/stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; codeType?: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** PHP's C code by area, from the wasm function names (the build keeps them). */
const WASM_AREAS: [string, RegExp][] = [
  ['PHP VM (opcode handlers, calls)', /^(ZEND_\w+_HANDLER|execute_ex|zend_execute|zend_leave_helper|zend_vm_|ZEND_)/],
  ['PHP memory (emalloc/efree, arrays)', /^(_?e(m|re|c)alloc|_?efree|zend_mm_|dlmalloc|dlfree|dlrealloc|__mem(set|cpy|move)|memset|memcpy|zend_array_(destroy|dup)|zend_hash_destroy|rc_dtor|zval_ptr_dtor|gc_)/],
  ['PHP hash tables and strings', /^(zend_hash_|_zend_hash_|zend_string_|zend_str|zend_symtable_|smart_str)/],
  ['opcache (loading cached scripts)', /^(zend_accel|accel_|persistent_|zend_file_cache|zend_persist|zend_shared_|validate_timestamp)/],
  ['PHP compiler (scripts not in opcache)', /^(zend_compile|compile_file|lex_scan|zendparse|zend_ast_|zend_optimize|zend_emit|pass\d)/],
  ['SQLite', /^(sqlite3|pdo_sqlite|yy_|pager|btree|vdbe|whereLoop)/i],
  ['PCRE', /^(php_pcre|pcre2_|pcre_|match\b|internal_dfa)/],
  ['JSON', /^(php_json|json_)/],
];

export function classify(node: ProfileNode): string {
  const { functionName: f, url } = node.callFrame;
  if (f === '(idle)') return 'idle';
  if (f === '(garbage collector)') return 'garbage collection (JS heap)';
  if (f === '(program)') return 'V8, not attributed (wasm↔JS transitions, compilation)';
  if (f === '(root)') return 'idle';
  if (node.callFrame.codeType === 'wasm' || url.includes('.wasm')) {
    for (const [area, re] of WASM_AREAS) if (re.test(f)) return `wasm: ${area}`;
    return 'wasm: PHP, other';
  }
  if (url.includes('@php-wasm')) return "php-wasm's JavaScript (Emscripten filesystem, syscalls)";
  if (url === '' && /^(lstat|stat|fstat|open|close|read|write|readdir|readlink|realpath|access|fsync|ftruncate|rename|unlink|mkdir|rmdir|utimes|futimes)(Sync)?$/.test(f)) return 'host filesystem calls';
  if (/\/(bridge|runtime)\//.test(url)) return "lamphp's code";
  if (url.startsWith('node:') || url === '') return 'Node internals (messages, buffers)';
  return 'other JavaScript';
}

/** Self time in µs per category for samples within [fromUs, toUs] (the profile's clock). */
export function splitProfile(profile: CpuProfile, fromUs: number, toUs: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample's weight is the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const cat = classify(byId.get(profile.samples[i]!)!);
    out.set(cat, (out.get(cat) ?? 0) + weight);
  }
  return out;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      warmup: { type: 'string', default: '50' },
      requests: { type: 'string', default: '100' },
      path: { type: 'string', default: '/' },
      out: { type: 'string' },
    },
  });
  if (!values.root) throw new Error('--root <WordPress site> is required');
  const requests = Number(values.requests);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-profile-'));
  const profDir = path.join(dir, 'profiles');
  const wrapper = path.join(dir, 'node');
  // The bootstrap runs whatever LAMPHP_NODE names; this one adds the profiler (worker threads inherit it).
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' --cpu-prof --cpu-prof-dir='${profDir}' --cpu-prof-interval 250 "$@"\n`, { mode: 0o755 });
  const front = await startLambdaFront({ root: path.resolve(values.root), instances: 1, logDir: dir, env: { LAMPHP_NODE: wrapper, LAMPHP_SESSION_DIR: path.join(dir, 'sessions') } });
  const client = new Client(front.url);
  const get = async () => {
    const t0 = performance.now();
    const { statusCode, body } = await client.request({ method: 'GET', path: values.path! });
    await body.arrayBuffer();
    if (statusCode !== 200) throw new Error(`GET ${values.path} answered ${statusCode}`);
    return performance.now() - t0;
  };
  const times: number[] = [];
  let from = 0;
  let to = 0;
  try {
    for (let i = 0; i < Number(values.warmup); i++) await get();
    from = nowUs();
    for (let i = 0; i < requests; i++) times.push(await get());
    to = nowUs();
  } finally {
    await client.close();
    await front.stop(); // the profiles are written as the threads exit
  }
  // Thread 0 is the main thread; the PHP worker's profile is the busiest of the others.
  const profiles = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => JSON.parse(fs.readFileSync(path.join(profDir, f), 'utf8')) as CpuProfile);
  const splits = profiles.map((p) => splitProfile(p, from, to));
  const busy = (m: Map<string, number>) => [...m].filter(([k]) => k !== 'idle').reduce((a, [, v]) => a + v, 0);
  const worker = splits.reduce((best, m) => (busy(m) > busy(best) ? m : best));
  const total = busy(worker);
  const rows = [...worker].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]);
  const latency = summarize(times);
  const result = {
    command: `node bench/profile/warm.ts ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim(), node: process.versions.node, load: os.loadavg().map((l) => round(l, 2)) },
    requests,
    latencyMs: latency,
    workerBusyMsPerRequest: round(total / 1000 / requests, 2),
    categories: rows.map(([name, us]) => ({ name, msPerRequest: round(us / 1000 / requests, 2), share: round((100 * us) / total, 1) })),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  if (values.out) fs.writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`${requests} requests, p50 ${latency.p50} ms; PHP worker busy ${result.workerBusyMsPerRequest} ms per request\n\n`);
  process.stdout.write('| where | ms per request | share of the worker\'s time |\n|---|---:|---:|\n');
  for (const c of result.categories) process.stdout.write(`| ${c.name} | ${c.msPerRequest} | ${c.share} % |\n`);
}

if (import.meta.main) await main();
