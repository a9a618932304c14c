/**
 * Closed-loop throughput with autocannon: C connections, each sending its next request when
 * the previous one answered. This is the right tool for "how many requests per second at
 * concurrency C" and the wrong one for a ramp: its load is bounded by its connections (a slow
 * server slows the sender, hiding the queue), and with a rate set it sends each second's
 * quota in one burst. The ramp uses scheduler.ts instead.
 */
import autocannon from 'autocannon';

export interface ClosedLoopResult {
  connections: number;
  durationS: number;
  reqPerS: number;
  total: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export async function closedLoop({ url, connections, durationS }: { url: string; connections: number; durationS: number }): Promise<ClosedLoopResult> {
  const result = await autocannon({ url, connections, duration: durationS, pipelining: 1, timeout: 30 });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(count);
  return {
    connections,
    durationS,
    reqPerS: result.requests.average,
    total: result.requests.total,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
}
