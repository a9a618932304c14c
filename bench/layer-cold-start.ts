/**
 * Cold start from the Lambda layer: process start → first response, for hello.php and the
 * WordPress home page, with the unpacked layer (/opt stand-in) and with the repository's own
 * bootstrap running the TypeScript sources. Each run is a fresh process whose first invocation
 * is already waiting in the Runtime API emulator, as in Lambda; runs of the two setups alternate.
 *
 *   node bench/layer-cold-start.ts [--runs 7] [--zip dist/lamphp-layer-php8.3.zip] [--append]
 *
 * Builds the layer first unless --zip is given; --append adds the summary to BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildLayer } from '../layer/build.ts';
import { extractZip } from '../layer/zip.ts';
import { memoryLogger } from '../bridge/log.ts';
import { serve } from '../runtime/local/serve.ts';
import { startEmulator } from '../infra/twin/lambda/runtime-api.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const NODE = fs.realpathSync(process.execPath);

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    zip: { type: 'string' },
    append: { type: 'boolean' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 5) throw new Error('--runs must be a whole number ≥ 5 (the summary is a median).');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-cold-start-'));
const log = (line: string) => process.stderr.write(`${line}\n`);

function urlEvent(rawPath: string) {
  const event = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
  Object.assign(event, { rawPath, rawQueryString: '', body: undefined, isBase64Encoded: false });
  event.requestContext.http.path = rawPath;
  event.requestContext.http.method = 'GET';
  delete event.cookies;
  return event;
}

interface Sample {
  firstResponseMs: number;
  /** The runtime's own `initMs` (settings read, PHP booted) from its "runtime ready" line. */
  initMs?: number;
  /** Process start → the "runtime ready" line (modules loaded, PHP booted), from the line's timestamp. */
  readyMs?: number;
}

/** One cold start: the invocation is queued, then the bootstrap starts; timed until the response. */
async function coldStart(bootstrap: string, cwd: string, root: string, rawPath: string, expect: string): Promise<Sample> {
  const emu = await startEmulator({ timeoutMs: 120_000 });
  const pending = emu.invoke(urlEvent(rawPath));
  const started = performance.now();
  const startedAt = Date.now();
  const child = spawn(bootstrap, [NODE, '/var/runtime/index.mjs'], {
    cwd,
    env: {
      PATH: '/usr/bin:/bin',
      HOME: tmp,
      TMPDIR: os.tmpdir(),
      AWS_LAMBDA_RUNTIME_API: emu.url,
      AWS_LAMBDA_FUNCTION_NAME: 'lamphp-cold-start',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      LAMPHP_DOCUMENT_ROOT: root,
      LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const r = await Promise.race([pending, exited.then(() => Promise.reject(new Error(`runtime exited:\n${output}`)))]);
    const firstResponseMs = performance.now() - started;
    if (r.kind !== 'response') throw new Error(`no response: ${JSON.stringify(r).slice(0, 300)}\n${output}`);
    const body = r.json as { statusCode: number; body: string; isBase64Encoded?: boolean };
    const text = body.isBase64Encoded ? Buffer.from(body.body, 'base64').toString() : body.body;
    if (body.statusCode !== 200 || !text.includes(expect)) throw new Error(`unexpected answer ${body.statusCode}: ${text.slice(0, 300)}`);
    const ready = /"time":"([^"]+)","level":"info","msg":"runtime ready","initMs":(\d+)/.exec(output);
    return {
      firstResponseMs,
      initMs: ready ? Number(ready[2]) : undefined,
      readyMs: ready ? Date.parse(ready[1]!) - startedAt : undefined,
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
    await emu.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  // The layer, unpacked into an empty /opt stand-in.
  const zip = values.zip ? path.resolve(values.zip) : (await buildLayer({ outDir: path.join(tmp, 'dist'), print: () => {} })).zip;
  const opt = path.join(tmp, 'opt');
  fs.mkdirSync(opt);
  extractZip(fs.readFileSync(zip), opt);
  log(`layer ${zip} unpacked into ${opt}`);

  // A WordPress site on SQLite, installed once with the repository's code.
  const siteDir = path.join(tmp, 'site');
  const serving = await serve(
    { port: 0, workers: 1, siteDir, install: true, title: 'Cold Start', adminUser: 'admin', adminPassword: 'cold-start-pw', adminEmail: 'a@example.com' },
    { ...process.env, LAMPHP_CACHE_DIR: path.join(REPO, '.cache', 'lamphp-test'), LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'), DB_HOST: '' },
    memoryLogger('warn'),
  );
  await serving.close();
  fs.writeFileSync(path.join(siteDir, 'hello.php'), "<?php echo 'Hello from PHP';\n");
  log(`WordPress site ready in ${siteDir}`);

  const setups = [
    { name: 'layer', bootstrap: path.join(opt, 'lamphp/bootstrap'), cwd: opt },
    { name: 'source', bootstrap: path.join(REPO, 'runtime/lambda/bootstrap'), cwd: REPO },
  ];
  const pages = [
    { name: 'hello.php', rawPath: '/hello.php', expect: 'Hello from PHP' },
    { name: 'WordPress home', rawPath: '/', expect: '<title>Cold Start' },
  ];
  const samples = new Map<string, Sample[]>();
  for (const page of pages) {
    for (let i = 0; i < runs; i++) {
      for (const setup of i % 2 ? [...setups].reverse() : setups) {
        const s = await coldStart(setup.bootstrap, setup.cwd, siteDir, page.rawPath, page.expect);
        const key = `${page.name}|${setup.name}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
        log(`${page.name.padEnd(15)} ${setup.name.padEnd(7)} run ${i + 1}/${runs}: ${s.firstResponseMs.toFixed(0)} ms (init ${s.initMs ?? '?'} ms)`);
      }
    }
  }

  const rows = [...samples].map(([key, s]) => {
    const [page, setup] = key.split('|') as [string, string];
    const first = s.map((x) => x.firstResponseMs);
    const med = (k: 'initMs' | 'readyMs') => {
      const xs = s.map((x) => x[k]).filter((x): x is number => x !== undefined);
      return xs.length ? median(xs).toFixed(0) : '–';
    };
    return `| ${page} | ${setup} | ${median(first).toFixed(0)} | ${Math.min(...first).toFixed(0)}–${Math.max(...first).toFixed(0)} | ${med('readyMs')} | ${med('initMs')} |`;
  });
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const phpWasm = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/@php-wasm/node/package.json'), 'utf8')).version;
  const section = [
    '## Cold start from the Lambda layer',
    '',
    `\`node bench/layer-cold-start.ts --runs ${runs}\` — ${new Date().toISOString().slice(0, 10)}, ${os.availableParallelism()} vCPU ` +
      `(${cpu}, ${os.type()} ${os.release()}), Node ${process.versions.node}, \`@php-wasm/node\` ${phpWasm}, PHP 8.3, ` +
      `WordPress on SQLite. Process start (the bootstrap, exec-wrapper shape) → first response, the invocation already ` +
      `queued in the Runtime API emulator; "layer" runs the unpacked \`${path.basename(zip)}\` (${(fs.statSync(zip).size / 1048576).toFixed(1)} MB zipped), ` +
      `"source" runs \`runtime/lambda/bootstrap\` in the repository (TypeScript by type stripping, packages from node_modules). ` +
      `${runs} runs each, alternating; opcache starts empty every run. Load average (1 min) ${loadAtStart.toFixed(1)} at the start, ` +
      `${os.loadavg()[0]!.toFixed(1)} at the end (a shared machine: compare the rows with each other, not with other days).`,
    '',
    '| page | from | start → first response, median ms | min–max ms | start → "runtime ready", median ms | of which `initMs` (boot), median |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(`\n${section}\n`);
  if (values.append) {
    fs.appendFileSync(path.join(REPO, 'BENCHMARKS.md'), `\n${section}`);
    log('appended to BENCHMARKS.md');
  }
}

try {
  await main();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
