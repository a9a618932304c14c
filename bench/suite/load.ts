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
        resolve({
          connections,
          durationS: round(wall, 2)!,
          requests: latencies.length,
          reqPerS: round(latencies.length / wall, 1),
          latencyMs: summarize(latencies),
          statusCodes,
          errors: result.errors + result.timeouts,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    });
  });
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
