/**
 * The engine's deadline inside Lambda's. PHP must be stopped and a 504 posted before Lambda's
 * own deadline, or Lambda kills the sandbox and the caller gets a bare timeout error.
 */

/** Automatic margin: 10 % of the time left, at least MIN and at most MAX milliseconds. */
export const AUTO_MARGIN = { ratio: 0.1, minMs: 100, maxMs: 1000 } as const;

/**
 * Epoch ms by which the engine must answer. `marginMs` (LAMPHP_DEADLINE_MARGIN_MS) overrides
 * the automatic margin. Never earlier than `now`: a request that arrives too late fails fast.
 */
export function engineDeadline(deadlineMs: number, marginMs?: number, now: number = Date.now()): number {
  const remaining = deadlineMs - now;
  if (!Number.isFinite(remaining) || remaining <= 0) return now;
  const margin =
    marginMs ?? Math.min(AUTO_MARGIN.maxMs, Math.max(AUTO_MARGIN.minMs, Math.round(remaining * AUTO_MARGIN.ratio)));
  return Math.max(now, deadlineMs - margin);
}
