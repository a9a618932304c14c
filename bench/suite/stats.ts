/** The arithmetic of the suite: medians, percentiles, differences and ratios, rounded once. */
import { percentile } from '../ramp/stats.ts';

export { percentile };

/** Rounds to `digits` decimals; null stays null. */
export function round(value: number | null | undefined, digits = 2): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Median (mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Percentiles {
  n: number;
  p50: number | null;
  p99: number | null;
  mean: number | null;
}

/** Nearest-rank p50/p99 and the mean of raw samples (ms), rounded to 3 decimals. */
export function summarize(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return { n: sorted.length, p50: round(percentile(sorted, 50), 3), p99: round(percentile(sorted, 99), 3), mean: round(mean, 3) };
}

/** lamphp / native; null when either is missing or the baseline is 0. */
export function ratio(lamphp: number | null | undefined, native: number | null | undefined, digits = 2): number | null {
  if (lamphp == null || native == null || native === 0 || !Number.isFinite(lamphp) || !Number.isFinite(native)) return null;
  return round(lamphp / native, digits);
}

/** a − b, the added cost of a path over its baseline; null when either is missing. */
export function difference(a: number | null | undefined, b: number | null | undefined, digits = 3): number | null {
  if (a == null || b == null) return null;
  return round(a - b, digits);
}

/** Bytes → MiB with one decimal. */
export function mib(bytes: number | null | undefined): number | null {
  return bytes == null ? null : round(bytes / (1024 * 1024), 1);
}
