/**
 * The JSON a ramp run leaves in bench/results/: what ran, on what, the ceiling, per-second
 * rows, totals, where errors began, and the pacing achieved. The report reads only this.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import type { RampSpec, Sample } from './scheduler.ts';
import {
  ceilingReqPerS,
  findOnset,
  perSecond,
  sinkPacing,
  totals,
  latencySummary,
  type Onset,
  type Pacing,
  type SecondStats,
  type Totals,
} from './stats.ts';
import type { AppKind, Endpoint, Topology } from './presets.ts';

export const RESULT_SCHEMA = 'lamphp.bench.ramp/1';

export interface Machine {
  nproc: number;
  uname: string;
  node: string;
  loadAvgAtStart: number[];
}

export interface RunConfig extends RampSpec {
  preset: string;
  topology: Topology;
  app: AppKind;
  endpoint: Endpoint;
  path: string;
  instances: number;
  threads: number;
  /** Per-instance queue bound; 0 = fail-fast. */
  queue: number;
  /** Lambda topology: concurrent requests before 429. */
  cap: number | null;
}

export interface RampResult {
  schema: typeof RESULT_SCHEMA;
  name: string;
  date: string;
  command: string;
  machine: Machine;
  config: RunConfig;
  ceiling: {
    reqPerS: number;
    formula: string;
    serviceMs: number;
    /** `nominal` for the 300 ms wait; `measured` (median OK latency early in the ramp) otherwise. */
    serviceMsSource: 'nominal' | 'measured';
  };
  totals: Totals;
  onset: Onset;
  pacing: Pacing;
  seconds: SecondStats[];
}

export function machineInfo(): Machine {
  let uname = `${os.type()} ${os.release()} ${os.arch()}`;
  try {
    uname = execFileSync('uname', ['-a'], { encoding: 'utf8' }).trim();
  } catch {
    // uname(1) missing: keep what os reports.
  }
  return {
    nproc: os.availableParallelism(),
    uname,
    node: process.version,
    loadAvgAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export function runName(config: Pick<RunConfig, 'preset' | 'topology' | 'endpoint' | 'app'>): string {
  return `ramp-${config.preset}-${config.topology}-${config.endpoint}${config.app === 'node' ? '-standin' : ''}`;
}

export function buildResult({
  name,
  config,
  samples,
  plan,
  arrivalsMs,
  nominalServiceMs,
  command,
  machine,
  date = new Date(),
}: {
  name?: string;
  config: RunConfig;
  samples: readonly Sample[];
  plan: readonly number[];
  arrivalsMs: readonly number[] | null;
  nominalServiceMs: number | undefined;
  command: string;
  machine: Machine;
  date?: Date;
}): RampResult {
  const seconds = perSecond(samples, config);
  const instanceThreads =
    config.topology === 'lambda'
      ? { instances: config.cap ?? config.instances, threads: 1 }
      : { instances: config.instances, threads: config.threads };
  let serviceMs = nominalServiceMs;
  let serviceMsSource: 'nominal' | 'measured' = 'nominal';
  if (serviceMs === undefined) {
    const head = seconds.slice(0, Math.max(1, Math.ceil(seconds.length / 10)));
    const p50s = head.map((row) => row.latency.p50).filter((v): v is number => v !== null).sort((a, b) => a - b);
    serviceMs = Math.max(0.1, p50s[Math.floor(p50s.length / 2)] ?? 1);
    serviceMsSource = 'measured';
  }
  const reqPerS = Math.round(ceilingReqPerS({ ...instanceThreads, serviceMs }) * 10) / 10;
  return {
    schema: RESULT_SCHEMA,
    name: name ?? runName(config),
    date: date.toISOString(),
    command,
    machine,
    config,
    ceiling: {
      reqPerS,
      formula: `${instanceThreads.instances} × ${instanceThreads.threads} × 1000 / ${serviceMs} ms`,
      serviceMs,
      serviceMsSource,
    },
    totals: totals(samples),
    onset: findOnset(seconds, reqPerS),
    pacing: {
      senderLateMs: latencySummary(samples.map((s) => s.lateMs)),
      sink: arrivalsMs ? sinkPacing(arrivalsMs, plan, config) : null,
    },
    seconds,
  };
}
