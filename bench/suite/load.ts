/**
 * Closed-loop load with autocannon (C connections, each sending its next request when the
 * previous one answered) and sequential timing. autocannon's own latency histogram has 1 ms
 * resolution, useless for a 0.5 ms hello.php, so every response time is taken from its
 * `response` event (hrtime, fractional ms) and summarised here.
 */
import autocannon from 'autocannon';
import { summarize, round, type Percentiles } from './stats.ts';

export interface LoadResult {
  connections: number;
  /** Measured wall time of the run, s. */
  durationS: number;
  requests: number;
  reqPerS: number | null;
  latencyMs: Percentiles;
  /** Responses by status code. */
  statusCodes: Record<string, number>;
  errors: number;
  /** Every response time, ms, in arrival order. */
  samples: number[];
  /** From the start to the last response, s: requests cut off by the end are in neither count. */
  activeS: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void): void;
}

/** Runs for `durationS` seconds or `amount` requests, whichever is given. */
export function closedLoop({
  url,
  connections,
  durationS,
  amount,
}: {
  url: string;
  connections: number;
  durationS?: number;
  amount?: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let lastAt = started;
    const options = {
      url,
      connections,
      pipelining: 1,
      timeout: 60,
      ...(amount !== undefined ? { amount } : { duration: durationS ?? 10 }),
    };
    const instance = (autocannon as unknown as (o: object, cb: (err: Error | null, result: { errors: number; timeouts: number }) => void) => AutocannonInstance)(
      options,
      (err, result) => {
        if (err) return reject(err);
        const wall = (performance.now() - started) / 1000;
        const active = (lastAt - started) / 1000;
        resolve({
          connections,
          durationS: round(wall, 2)!,
          requests: latencies.length,
          reqPerS: active > 0 ? round(latencies.length / active, 1) : null,
          latencyMs: summarize(latencies),
          statusCodes,
          errors: result.errors + result.timeouts,
          samples: latencies,
          activeS: active,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      lastAt = performance.now();
      latencies.push(ms);
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    });
  });
}

/** Several slices of one measurement as one result (rates over the summed active time). */
export function mergeLoads(parts: readonly LoadResult[]): LoadResult {
  const samples = parts.flatMap((p) => p.samples);
  const activeS = parts.reduce((sum, p) => sum + p.activeS, 0);
  const statusCodes: Record<string, number> = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    connections: parts[0]?.connections ?? 0,
    durationS: round(parts.reduce((sum, p) => sum + p.durationS, 0), 2)!,
    requests: samples.length,
    reqPerS: activeS > 0 ? round(samples.length / activeS, 1) : null,
    latencyMs: summarize(samples),
    statusCodes,
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    samples,
    activeS,
  };
}

/** Share of responses that were not 2xx, for a warning in the report. */
export function non2xx(result: Pick<LoadResult, 'statusCodes'>): number {
  return Object.entries(result.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Times `count` sequential calls of `fn` (after `before`, untimed, if given); ms each. */
export async function timeSequential(count: number, fn: () => Promise<unknown>, before?: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    if (before) await before();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Fails unless `url` answers 200 now: a server that is up but serving errors must not be measured. */
export async function expectOk(url: string): Promise<void> {
  const response = await fetch(url, { redirect: 'manual' });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${url} answered ${response.status}, not 200: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  }
}
