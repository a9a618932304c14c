/**
 * From raw samples to what a ramp run reports: per-second counts and percentiles, the
 * theoretical ceiling, where errors begin, how latency behaved before that, and how evenly
 * the arrivals were actually paced.
 */
import { offeredRate, type RampSpec, type Sample } from './scheduler.ts';

/**
 * Throughput ceiling of `instances` × `threads` workers that each hold a request for
 * `serviceMs`: instances × threads × 1000 / serviceMs requests per second.
 */
export function ceilingReqPerS({
  instances,
  threads,
  serviceMs,
}: {
  instances: number;
  threads: number;
  serviceMs: number;
}): number {
  if (!(instances > 0 && threads > 0 && serviceMs > 0)) {
    throw new RangeError('ceiling needs instances, threads and serviceMs > 0');
  }
  return (instances * threads * 1000) / serviceMs;
}

/** Nearest-rank percentile of an ascending array; undefined when empty. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export function latencySummary(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)),
  };
}

/** One second of the ramp, by planned send time. */
export interface SecondStats {
  t: number;
  /** Offered rate at the middle of this second, req/s. */
  offered: number;
  sent: number;
  ok: number;
  /** Error count by status ("503", "502", "429") or client error code ("ECONNRESET"). */
  errors: Record<string, number>;
  /** Latency of the successful (2xx/3xx) responses, ms from the planned send time. */
  latency: LatencySummary;
}

export function isOk(sample: Pick<Sample, 'status'>): boolean {
  return sample.status >= 200 && sample.status < 400;
}

export function errorKey(sample: Pick<Sample, 'status' | 'error'>): string {
  return sample.status > 0 ? String(sample.status) : (sample.error ?? 'NO_RESPONSE');
}

export function perSecond(samples: readonly Sample[], spec: RampSpec): SecondStats[] {
  const seconds = Math.ceil(spec.durationS);
  const okLatencies: number[][] = Array.from({ length: seconds }, () => []);
  const rows: SecondStats[] = Array.from({ length: seconds }, (_, t) => ({
    t,
    offered: Math.round(offeredRate(spec, Math.min(t + 0.5, spec.durationS)) * 100) / 100,
    sent: 0,
    ok: 0,
    errors: {},
    latency: { p50: null, p90: null, p99: null, max: null },
  }));
  for (const sample of samples) {
    const t = Math.min(seconds - 1, Math.floor(sample.scheduledMs / 1000));
    const row = rows[t]!;
    row.sent++;
    if (isOk(sample)) {
      row.ok++;
      okLatencies[t]!.push(sample.latencyMs);
    } else {
      const key = errorKey(sample);
      row.errors[key] = (row.errors[key] ?? 0) + 1;
    }
  }
  rows.forEach((row, t) => (row.latency = latencySummary(okLatencies[t]!)));
  return rows;
}

export function errorCount(row: Pick<SecondStats, 'errors'>): number {
  let n = 0;
  for (const count of Object.values(row.errors)) n += count;
  return n;
}

export interface Totals {
  sent: number;
  ok: number;
  errors: Record<string, number>;
  latencyOk: LatencySummary;
  latencyAll: LatencySummary;
}

export function totals(samples: readonly Sample[]): Totals {
  const errors: Record<string, number> = {};
  const ok: number[] = [];
  const all: number[] = [];
  for (const sample of samples) {
    all.push(sample.latencyMs);
    if (isOk(sample)) ok.push(sample.latencyMs);
    else errors[errorKey(sample)] = (errors[errorKey(sample)] ?? 0) + 1;
  }
  return { sent: samples.length, ok: ok.length, errors, latencyOk: latencySummary(ok), latencyAll: latencySummary(all) };
}

export interface Onset {
  /** First second with any error, or null. */
  firstErrorS: number | null;
  /**
   * First second from which errors are sustained: at least `ONSET_SHARE` of what was sent in
   * a window of `ONSET_WINDOW_S` seconds, and errors in most seconds of it. Null if never.
   */
  errorOnsetS: number | null;
  /** Offered rate at that second, req/s. */
  errorOnsetRate: number | null;
  /** errorOnsetRate / ceiling. */
  onsetToCeiling: number | null;
  /** Median of the per-second OK p50 over the first tenth of the ramp, ms. */
  baselineP50: number | null;
  /** Highest per-second OK p99 in the `ONSET_WINDOW_S`·2 seconds before the onset, ms. */
  preOnsetP99: number | null;
  /** preOnsetP99 / baselineP50: ≈ 1 is flat, ≫ 1 means requests queued first. */
  latencyRise: number | null;
  /** Highest OK count in any one second. */
  peakOkPerS: number;
}

export const ONSET_WINDOW_S = 5;
export const ONSET_SHARE = 0.05;

export function findOnset(rows: readonly SecondStats[], ceiling: number): Onset {
  const firstError = rows.find((row) => errorCount(row) > 0);
  let onset: SecondStats | undefined;
  for (let i = 0; i < rows.length && !onset; i++) {
    if (errorCount(rows[i]!) === 0) continue;
    const window = rows.slice(i, i + ONSET_WINDOW_S);
    const sent = window.reduce((n, row) => n + row.sent, 0);
    const errors = window.reduce((n, row) => n + errorCount(row), 0);
    const secondsWithErrors = window.filter((row) => errorCount(row) > 0).length;
    if (sent > 0 && errors / sent >= ONSET_SHARE && secondsWithErrors * 2 > window.length) onset = rows[i];
  }
  const head = rows.slice(0, Math.max(1, Math.ceil(rows.length / 10)));
  const baselineP50 = median(head.map((row) => row.latency.p50).filter((v): v is number => v !== null));
  let preOnsetP99: number | null = null;
  if (onset) {
    const before = rows.slice(Math.max(0, onset.t - 2 * ONSET_WINDOW_S), onset.t);
    const p99s = before.map((row) => row.latency.p99).filter((v): v is number => v !== null);
    preOnsetP99 = p99s.length > 0 ? Math.max(...p99s) : null;
  }
  const round2 = (v: number) => Math.round(v * 100) / 100;
  return {
    firstErrorS: firstError?.t ?? null,
    errorOnsetS: onset?.t ?? null,
    errorOnsetRate: onset ? onset.offered : null,
    onsetToCeiling: onset ? round2(onset.offered / ceiling) : null,
    baselineP50,
    preOnsetP99,
    latencyRise: baselineP50 && preOnsetP99 !== null ? round2(preOnsetP99 / baselineP50) : null,
    peakOkPerS: rows.reduce((max, row) => Math.max(max, row.ok), 0),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  return percentile([...values].sort((a, b) => a - b), 50) ?? null;
}

export interface Pacing {
  /** How late the sender released requests against the plan, ms. */
  senderLateMs: LatencySummary;
  /** Arrivals recorded at the first server in the path (the balancer or a sink). */
  sink: SinkPacing | null;
}

export interface SinkPacing {
  arrivals: number;
  planned: number;
  /** |observed gap − planned gap| between consecutive arrivals, ms. */
  gapErrorMs: LatencySummary;
  /** Share of gaps shorter than a quarter of the planned gap: how bursty delivery was. */
  burstShare: number;
  /** Largest |arrivals − planned arrivals| in any one second. */
  maxSecondDeviation: number;
}

/**
 * Compares arrival times seen by a server with the plan. Arrivals are matched to the plan by
 * order and aligned on the first one; gaps straddling a missing arrival are not compared.
 */
export function sinkPacing(arrivalsMs: readonly number[], plan: readonly number[], spec: RampSpec): SinkPacing {
  const sorted = [...arrivalsMs].sort((a, b) => a - b);
  const origin = sorted[0] ?? 0;
  const comparable = sorted.length === plan.length;
  const gapErrors: number[] = [];
  let bursts = 0;
  let gaps = 0;
  if (comparable) {
    for (let i = 1; i < sorted.length; i++) {
      const planned = plan[i]! - plan[i - 1]!;
      const observed = sorted[i]! - sorted[i - 1]!;
      gapErrors.push(Math.abs(observed - planned));
      gaps++;
      if (observed < planned / 4) bursts++;
    }
  }
  const seconds = Math.ceil(spec.durationS);
  const observed = countPerSecond(sorted.map((at) => at - origin), seconds);
  const planned = countPerSecond(plan, seconds);
  let maxSecondDeviation = 0;
  for (let t = 0; t < seconds; t++) {
    maxSecondDeviation = Math.max(maxSecondDeviation, Math.abs(observed[t]! - planned[t]!));
  }
  return {
    arrivals: sorted.length,
    planned: plan.length,
    gapErrorMs: latencySummary(gapErrors),
    burstShare: gaps > 0 ? Math.round((bursts / gaps) * 10_000) / 10_000 : 0,
    maxSecondDeviation,
  };
}

/** How many of the offsets (ms) fall in each whole second; later ones count in the last. */
export function countPerSecond(offsetsMs: readonly number[], seconds: number): number[] {
  const counts = new Array<number>(seconds).fill(0);
  for (const at of offsetsMs) counts[Math.min(seconds - 1, Math.max(0, Math.floor(at / 1000)))]!++;
  return counts;
}
