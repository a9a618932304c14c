/**
 * Open-loop arrivals for a linear ramp, and the runner that sends them.
 *
 * The offered rate rises linearly, r(t) = r0 + (r1 - r0)·t/D for 0 ≤ t < D, so the expected
 * number of arrivals by time t is the integral N(t) = r0·t + (r1 - r0)·t²/(2D) and the whole
 * ramp holds N(D) = (r0 + r1)·D/2 arrivals. Arrival k is placed where N(t) = k: evenly spaced
 * at every instant (no per-second bursts), each gap the reciprocal of the rate at that point.
 *
 * The runner sends each arrival at its planned time whether or not earlier ones have
 * answered, and measures latency from the planned time, so a stalled sender or a full
 * connection pool shows up as latency instead of silently lowering the load (no coordinated
 * omission).
 */
import { LamphpError } from '../../bridge/errors.ts';
import type { Clock } from './clock.ts';

export interface RampSpec {
  /** Offered rate at the start, requests per second. */
  r0: number;
  /** Offered rate at the end, requests per second. */
  r1: number;
  durationS: number;
}

/** More arrivals than this is a typo in the spec, not a benchmark. */
export const MAX_ARRIVALS = 5_000_000;

export function validateRamp({ r0, r1, durationS }: RampSpec): void {
  for (const [name, value] of [['r0', r0], ['r1', r1], ['durationS', durationS]] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new LamphpError('BENCH_BAD_RAMP', `${name} must be a finite number ≥ 0 (got ${value}).`);
    }
  }
  if (durationS <= 0) throw new LamphpError('BENCH_BAD_RAMP', 'The ramp duration must be positive.');
  if (totalArrivals({ r0, r1, durationS }) > MAX_ARRIVALS) {
    throw new LamphpError(
      'BENCH_BAD_RAMP',
      `The ramp ${r0} → ${r1} req/s over ${durationS} s would send more than ${MAX_ARRIVALS} requests.`,
    );
  }
}

/** Offered rate at `tS` seconds into the ramp, requests per second. */
export function offeredRate({ r0, r1, durationS }: RampSpec, tS: number): number {
  return r0 + ((r1 - r0) * tS) / durationS;
}

/** Expected arrivals in [0, tS): the integral of the rate. */
export function plannedCount({ r0, r1, durationS }: RampSpec, tS: number): number {
  return r0 * tS + ((r1 - r0) * tS * tS) / (2 * durationS);
}

/** The integral over the whole ramp, (r0 + r1)·D/2. */
export function totalArrivals(spec: RampSpec): number {
  return plannedCount(spec, spec.durationS);
}

/**
 * Send offsets in milliseconds from the start of the ramp, ascending. There are
 * ⌊N(D)⌋ of them (the integral, to within float rounding); the first is at 0.
 */
export function planArrivals(spec: RampSpec): number[] {
  validateRamp(spec);
  const { r0, r1, durationS } = spec;
  // Float rounding must not turn an integral of exactly 150150 into 150149.
  const count = Math.floor(totalArrivals(spec) + 1e-9);
  const a = (r1 - r0) / (2 * durationS);
  const offsets = new Array<number>(count);
  for (let k = 0; k < count; k++) {
    // Root of a·t² + r0·t − k = 0 in the form that stays exact when a → 0 or r0 = 0.
    const tS = k === 0 ? 0 : (2 * k) / (r0 + Math.sqrt(r0 * r0 + 4 * a * k));
    offsets[k] = Math.min(tS, durationS) * 1000;
  }
  return offsets;
}

/** What a sender reports for one request. */
export interface SendOutcome {
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Why no response arrived (an `err.code` such as `ECONNREFUSED`), when status is 0. */
  error?: string;
}

export interface Sample {
  index: number;
  /** Planned send time, ms from the start of the run. */
  scheduledMs: number;
  /** How late the request actually left, ms. */
  lateMs: number;
  /** From the planned send time to the end of the response, ms. */
  latencyMs: number;
  status: number;
  error?: string;
}

export interface RunOptions {
  plan: readonly number[];
  clock: Clock;
  send: (index: number) => Promise<SendOutcome>;
  /** Called once per settled request, in completion order. */
  onSample?: (sample: Sample) => void;
  /**
   * Requests still open beyond this count are not sent but recorded as `CLIENT_OVERLOAD`:
   * a guard for the load generator's own memory, far above any sane benchmark.
   */
  maxInFlight?: number;
  /** After the last send, how long to wait for stragglers before recording `DRAIN_TIMEOUT`. */
  drainTimeoutMs?: number;
}

export interface RunRecord {
  startMs: number;
  samples: Sample[];
}

export async function runPlan(options: RunOptions): Promise<RunRecord> {
  const { plan, clock, send, onSample, maxInFlight = 50_000, drainTimeoutMs = 60_000 } = options;
  const samples: Sample[] = [];
  const open = new Map<number, number>(); // index → scheduled ms
  let wakeDrain: (() => void) | undefined;
  const startMs = clock.now();

  const record = (sample: Sample) => {
    samples.push(sample);
    onSample?.(sample);
  };

  for (let index = 0; index < plan.length; index++) {
    const scheduledMs = plan[index]!;
    const dueMs = startMs + scheduledMs;
    for (let tries = 0; clock.now() < dueMs && tries < 100; tries++) await clock.sleepUntil(dueMs);
    const lateMs = clock.now() - dueMs;
    if (open.size >= maxInFlight) {
      record({ index, scheduledMs, lateMs, latencyMs: 0, status: 0, error: 'CLIENT_OVERLOAD' });
      continue;
    }
    open.set(index, scheduledMs);
    send(index).then(
      (outcome) => settleOne(index, lateMs, outcome),
      (err: unknown) => settleOne(index, lateMs, { status: 0, error: errorCode(err) }),
    );
  }

  function settleOne(index: number, lateMs: number, outcome: SendOutcome) {
    const scheduledMs = open.get(index);
    if (scheduledMs === undefined) return; // already written off by the drain timeout
    open.delete(index);
    const sample: Sample = {
      index,
      scheduledMs,
      lateMs,
      latencyMs: clock.now() - (startMs + scheduledMs),
      status: outcome.status,
    };
    if (outcome.error !== undefined) sample.error = outcome.error;
    record(sample);
    if (open.size === 0) wakeDrain?.();
  }

  if (open.size > 0) {
    const drained = new Promise<void>((resolve) => (wakeDrain = resolve));
    const stopTimer = new AbortController();
    await Promise.race([drained, clock.sleepUntil(clock.now() + drainTimeoutMs, stopTimer.signal)]);
    stopTimer.abort();
    for (const [index, scheduledMs] of open) {
      record({
        index,
        scheduledMs,
        lateMs: 0,
        latencyMs: clock.now() - (startMs + scheduledMs),
        status: 0,
        error: 'DRAIN_TIMEOUT',
      });
    }
    open.clear();
  }
  samples.sort((x, y) => x.index - y.index);
  return { startMs, samples };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'SEND_FAILED';
}
