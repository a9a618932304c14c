/**
 * The ramp benchmark: brings up each topology on 127.0.0.1, drives an open-loop linear ramp
 * through it, writes results JSON, the two charts as SVG and an HTML report to bench/results/.
 *
 *   node bench/ramp/cli.ts [--preset default|original] [--topology direct|nginx|lambda|all|a,b]
 *                          [--app lamphp|node] [--endpoint io|render|both]
 *                          [--instances N] [--threads T] [--queue Q] [--mode failfast|queue]
 *                          [--cap N] [--r0 R] [--r1 R] [--duration S] [--out DIR]
 *                          [--pacing] [--closed-loop C [--closed-loop-duration S]] [--report-only]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { realClock } from './clock.ts';
import { closedLoop } from './closed-loop.ts';
import { createHttpSender } from './load.ts';
import { ENDPOINT_PATH, NOMINAL_SERVICE_MS, PRESETS, type AppKind, type Endpoint, type Preset, type Topology } from './presets.ts';
import { freePort, spawnService, waitForHttp } from './processes.ts';
import { createProgress } from './progress.ts';
import { renderReport, latencyChart, secondsTable, throughputChart, verdict } from './report.ts';
import { buildResult, machineInfo, RESULT_SCHEMA, runName, type RampResult, type RunConfig } from './results.ts';
import { offeredRate, planArrivals, runPlan, type RampSpec } from './scheduler.ts';
import { isOk, latencySummary, sinkPacing } from './stats.ts';
import { REPO_ROOT, startTopology } from './topology.ts';

const TOPOLOGIES: Topology[] = ['direct', 'nginx', 'lambda'];

const USAGE = `usage: node bench/ramp/cli.ts [options]
  --preset default|original   default: 4 × 4 workers, 1 → 200 req/s over 100 s (scaled to 2 cores)
                              original: 4 × 20 workers, 1 → 1000 req/s over 300 s
  --topology T                direct | nginx | lambda | all | a comma list (default: direct,nginx)
  --app lamphp|node           lamphp serve (default) or the Node stand-in (harness calibration)
  --endpoint io|render|both   io.php waits 300 ms (default); render.php renders a small template
  --instances N --threads T --queue Q --cap N --r0 R --r1 R --duration S   override the preset
  --mode failfast|queue       admission of every instance (default: direct/lambda fail-fast, nginx queue)
  --out DIR                   results directory (default bench/results)
  --pacing                    only measure the generator's pacing against a sink server
  --closed-loop C             closed-loop throughput with autocannon at C connections instead of a ramp
  --closed-loop-duration S    (default 20)
  --report-only               rebuild the HTML report from the JSON already in --out
`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        preset: { type: 'string', default: 'default' },
        topology: { type: 'string' },
        app: { type: 'string', default: 'lamphp' },
        endpoint: { type: 'string', default: 'io' },
        instances: { type: 'string' },
        threads: { type: 'string' },
        queue: { type: 'string' },
        mode: { type: 'string' },
        cap: { type: 'string' },
        r0: { type: 'string' },
        r1: { type: 'string' },
        duration: { type: 'string' },
        'io-ms': { type: 'string' },
        out: { type: 'string', default: path.join(REPO_ROOT, 'bench', 'results') },
        pacing: { type: 'boolean', default: false },
        'closed-loop': { type: 'string' },
        'closed-loop-duration': { type: 'string', default: '20' },
        'report-only': { type: 'boolean', default: false },
        'keep-logs': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const base = PRESETS[values.preset];
  if (!base) return usageError(`unknown --preset ${values.preset}`);
  const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
  const preset: Preset = {
    ...base,
    instances: num(values.instances, base.instances),
    threads: num(values.threads, base.threads),
    queue: num(values.queue, base.queue),
    lambdaCap: num(values.cap, base.lambdaCap),
    r0: num(values.r0, base.r0),
    r1: num(values.r1, base.r1),
    durationS: num(values.duration, base.durationS),
  };
  for (const key of ['instances', 'threads', 'lambdaCap'] as const) {
    if (!Number.isInteger(preset[key]) || preset[key] < 1) return usageError(`${key} must be a positive integer`);
  }
  if (!Number.isInteger(preset.queue) || preset.queue < 0) return usageError('--queue must be an integer ≥ 0');
  const app = values.app as AppKind;
  if (app !== 'lamphp' && app !== 'node') return usageError(`unknown --app ${values.app}`);
  const topologies: Topology[] =
    values.topology === undefined ? preset.topologies : values.topology === 'all' ? TOPOLOGIES : (values.topology.split(',') as Topology[]);
  if (topologies.some((t) => !TOPOLOGIES.includes(t))) return usageError(`unknown --topology ${values.topology}`);
  const endpoints: Endpoint[] = values.endpoint === 'both' ? ['io', 'render'] : [values.endpoint as Endpoint];
  if (endpoints.some((e) => !(e in ENDPOINT_PATH))) return usageError(`unknown --endpoint ${values.endpoint}`);
  if (values.mode !== undefined && values.mode !== 'failfast' && values.mode !== 'queue') return usageError(`unknown --mode ${values.mode}`);
  const outDir = path.resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const command = `node bench/ramp/cli.ts ${argv.join(' ')}`.trim();
  const ioMs = values['io-ms'] === undefined ? undefined : Number(values['io-ms']);

  if (values['report-only']) {
    writeReport(outDir, preset.name, app);
    return 0;
  }
  if (values.pacing) return pacingOnly(preset, outDir);

  for (const endpoint of endpoints) {
    for (const topology of topologies) {
      const mode = (values.mode as 'failfast' | 'queue' | undefined) ?? (topology === 'nginx' ? 'queue' : 'failfast');
      const config: RunConfig = {
        preset: preset.name,
        topology,
        app,
        endpoint,
        path: ENDPOINT_PATH[endpoint],
        instances: topology === 'lambda' ? preset.lambdaCap : preset.instances,
        threads: topology === 'lambda' ? 1 : preset.threads,
        queue: mode === 'queue' ? preset.queue : 0,
        cap: topology === 'lambda' ? preset.lambdaCap : null,
        r0: preset.r0,
        r1: preset.r1,
        durationS: preset.durationS,
      };
      const closed = values['closed-loop'];
      const result = closed
        ? await runClosedLoop(config, Number(closed), Number(values['closed-loop-duration']), outDir, ioMs)
        : await runRamp(config, { command, outDir, keepLogs: values['keep-logs'], ...(ioMs !== undefined ? { ioMs } : {}) });
      if (result === undefined) return 1;
    }
  }
  if (!values['closed-loop']) {
    const html = writeReport(outDir, preset.name, app);
    process.stdout.write(`report: ${path.relative(process.cwd(), html)}\n`);
  }
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${USAGE}`);
  return 2;
}

const nameFor = (config: RunConfig) => {
  const defaultQueue = config.topology === 'nginx' ? config.queue > 0 : config.queue === 0;
  return `${runName(config)}${defaultQueue ? '' : config.queue > 0 ? '-queue' : '-failfast'}`;
};

async function runRamp(
  config: RunConfig,
  { command, outDir, keepLogs, ioMs }: { command: string; outDir: string; keepLogs: boolean; ioMs?: number },
): Promise<RampResult | undefined> {
  const name = nameFor(config);
  const workDir = mkdtempSync(path.join(os.tmpdir(), `lamphp-${name}-`));
  const say = (line: string) => process.stderr.write(`${name}: ${line}\n`);
  const machine = machineInfo();
  let topology;
  try {
    topology = await startTopology({
      topology: config.topology,
      app: config.app,
      instances: config.instances,
      threads: config.threads,
      queue: config.queue,
      ...(config.cap !== null ? { cap: config.cap } : {}),
      workDir,
      ...(ioMs !== undefined ? { ioMs } : {}),
      onStatus: say,
    });
  } catch (err) {
    say(`could not start: ${(err as Error).message} (logs in ${workDir})`);
    return undefined;
  }
  const plan = planArrivals(config);
  const sender = createHttpSender({ origin: topology.origin, path: config.path });
  const counts = { sent: 0, ok: 0, errors: 0 };
  const progress = createProgress({ label: `${config.topology} ${config.endpoint}`, totalMs: config.durationS * 1000 });
  const startedAt = performance.now();
  const state = () => {
    const elapsedMs = Math.min(performance.now() - startedAt, config.durationS * 1000);
    return { elapsedMs, offered: offeredRate(config, elapsedMs / 1000), ...counts, inFlight: counts.sent - counts.ok - counts.errors };
  };
  const ticker = setInterval(() => progress.update(state()), 250);
  let record;
  let arrivalsMs: number[] | null = null;
  try {
    say(`ramp ${config.r0} → ${config.r1} req/s over ${config.durationS} s (${plan.length} requests) to ${config.path}`);
    await topology.resetArrivals();
    record = await runPlan({
      plan,
      clock: realClock,
      send: () => {
        counts.sent++;
        return sender.send();
      },
      onSample: (sample) => (isOk(sample) ? counts.ok++ : counts.errors++),
      drainTimeoutMs: 40_000,
    });
    clearInterval(ticker);
    progress.done(state());
    arrivalsMs = await topology.arrivals().catch(() => null);
  } finally {
    clearInterval(ticker);
    await sender.close();
    await topology.stop();
  }
  const result = buildResult({
    name,
    config,
    samples: record.samples,
    plan,
    arrivalsMs,
    nominalServiceMs: config.app === 'node' && config.endpoint === 'io' && ioMs !== undefined ? ioMs : NOMINAL_SERVICE_MS[config.endpoint],
    command,
    machine,
  });
  writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  writeFileSync(path.join(outDir, `${name}-latency.svg`), `${latencyChart(result)}\n`);
  writeFileSync(path.join(outDir, `${name}-throughput.svg`), `${throughputChart(result)}\n`);
  process.stdout.write(`${name} (ceiling ${result.ceiling.reqPerS} req/s = ${result.ceiling.formula})\n${secondsTable(result)}\n`);
  process.stdout.write(`${name}: ${verdict(result)}\n`);
  const sink = result.pacing.sink;
  process.stdout.write(
    `${name}: pacing — sender late p50 ${result.pacing.senderLateMs.p50} ms, p99 ${result.pacing.senderLateMs.p99} ms; ` +
      (sink ? `at the balancer ${sink.arrivals}/${sink.planned} arrivals, gap error p50 ${sink.gapErrorMs.p50} ms p99 ${sink.gapErrorMs.p99} ms, bursts ${(sink.burstShare * 100).toFixed(2)} %\n` : 'arrivals not recorded\n'),
  );
  if (!keepLogs) rmSync(workDir, { recursive: true, force: true });
  else say(`logs kept in ${workDir}`);
  return result;
}

async function runClosedLoop(config: RunConfig, connections: number, durationS: number, outDir: string, ioMs?: number) {
  const name = `closed-${nameFor(config).replace(/^ramp-/, '')}-c${connections}`;
  const workDir = mkdtempSync(path.join(os.tmpdir(), `lamphp-${name}-`));
  const topology = await startTopology({
    topology: config.topology,
    app: config.app,
    instances: config.instances,
    threads: config.threads,
    queue: config.queue,
    ...(config.cap !== null ? { cap: config.cap } : {}),
    workDir,
    ...(ioMs !== undefined ? { ioMs } : {}),
    onStatus: (line) => process.stderr.write(`${name}: ${line}\n`),
  });
  try {
    process.stderr.write(`${name}: autocannon, ${connections} connections, ${durationS} s\n`);
    const result = await closedLoop({ url: `${topology.origin}${config.path}`, connections, durationS });
    const out = { schema: 'lamphp.bench.closed-loop/1', name, date: new Date().toISOString(), machine: machineInfo(), config, result };
    writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(out, null, 1)}\n`);
    process.stdout.write(
      `${name}: ${result.reqPerS.toFixed(1)} req/s, latency p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}\n`,
    );
    return result;
  } finally {
    await topology.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The generator alone against a sink server in its own process: how evenly can it send? */
async function pacingOnly(spec: RampSpec & { name: string }, outDir: string): Promise<number> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'lamphp-pacing-'));
  const port = await freePort();
  const sink = spawnService({
    name: 'sink',
    command: process.execPath,
    args: [path.join(REPO_ROOT, 'bench', 'ramp', 'sink.ts'), '--port', String(port)],
    logFile: path.join(workDir, 'sink.log'),
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${origin}/__bench/health`, { timeoutMs: 15_000, child: sink.child, describe: sink.tail });
    await fetch(`${origin}/__bench/reset`, { method: 'POST' });
    const plan = planArrivals(spec);
    const sender = createHttpSender({ origin, path: '/' });
    const progress = createProgress({ label: 'pacing', totalMs: spec.durationS * 1000 });
    const started = performance.now();
    let sent = 0;
    const ticker = setInterval(
      () => progress.update({ elapsedMs: performance.now() - started, offered: offeredRate(spec, (performance.now() - started) / 1000), sent, ok: 0, errors: 0, inFlight: 0 }),
      250,
    );
    const record = await runPlan({ plan, clock: realClock, send: () => (sent++, sender.send()) });
    clearInterval(ticker);
    await sender.close();
    const { arrivalsMs } = (await (await fetch(`${origin}/__bench/arrivals`)).json()) as { arrivalsMs: number[] };
    const pacing = { senderLateMs: latencySummary(record.samples.map((s) => s.lateMs)), sink: sinkPacing(arrivalsMs, plan, spec) };
    const out = { schema: 'lamphp.bench.pacing/1', date: new Date().toISOString(), machine: machineInfo(), spec, pacing };
    writeFileSync(path.join(outDir, `pacing-${spec.name}.json`), `${JSON.stringify(out, null, 1)}\n`);
    process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify(pacing, null, 1)}\n`);
    return 0;
  } finally {
    await sink.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Rebuilds `ramp-<preset>[-standin].html` from every matching results JSON in `outDir`. */
function writeReport(outDir: string, presetName: string, app: AppKind): string {
  const prefix = `ramp-${presetName}-`;
  const order = (r: RampResult) => `${r.config.endpoint}-${TOPOLOGIES.indexOf(r.config.topology)}-${r.name}`;
  const results = readdirSync(outDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(outDir, f), 'utf8')) as RampResult)
    .filter((r) => r.schema === RESULT_SCHEMA && r.config.app === app)
    .sort((a, b) => order(a).localeCompare(order(b)));
  const file = path.join(outDir, `ramp-${presetName}${app === 'node' ? '-standin' : ''}.html`);
  writeFileSync(file, renderReport(results, { title: `lamphp ramp benchmark — preset ${presetName}, ${app === 'node' ? 'Node stand-in app' : 'lamphp serve'}` }));
  return file;
}

if (import.meta.main) {
  // Exit through process.exit so the child processes are killed on the way out.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  process.exitCode = await main(process.argv.slice(2));
}
