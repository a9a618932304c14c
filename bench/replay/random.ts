/**
 * Seeded randomness for the traffic generator: the same seed gives the same day on any machine
 * (no Math.random, no floating-point library calls whose last bit differs between platforms
 * beyond Math.log/exp, which V8 computes the same way everywhere).
 */

/** sfc32 from a 32-bit seed, warmed up; uniform floats in [0, 1). */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = ((c << 21) | (c >>> 11)) + t | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An independent stream for one part of the day, so adding a part never shifts another. */
  fork(label: string): Random {
    let h = 2166136261 ^ (this.next() * 4294967296);
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
    return new Random(h >>> 0);
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Whole number ≥ 0 with the given mean: a geometric count of extra steps. */
  geometric(mean: number): number {
    if (mean <= 0) return 0;
    const p = 1 / (1 + mean);
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  /** A key of `weights` with probability proportional to its weight. */
  pick<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [k, w] of entries) {
      if ((x -= w) < 0) return k;
    }
    return entries.at(-1)![0];
  }

  /** Index into `weights` (an array) with probability proportional to its weight. */
  pickIndex(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return i;
    return weights.length - 1;
  }
}

/**
 * Zipf over ranks 1..n with exponent s: P(rank k) ∝ 1/k^s. Sampled by inverse CDF on a
 * precomputed table (n is a few hundred posts at most).
 */
export class Zipf {
  readonly n: number;
  readonly s: number;
  readonly #cdf: Float64Array;

  constructor(n: number, s: number) {
    if (!(n >= 1)) throw new Error(`Zipf needs at least one rank, got ${n}.`);
    this.n = n;
    this.s = s;
    this.#cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 1; k <= n; k++) this.#cdf[k - 1] = sum += 1 / k ** s;
    for (let k = 0; k < n; k++) this.#cdf[k]! /= sum;
  }

  /** Probability of rank k (1-based). */
  p(k: number): number {
    return this.#cdf[k - 1]! - (k > 1 ? this.#cdf[k - 2]! : 0);
  }

  /** A rank, 1-based. */
  sample(random: Random): number {
    const x = random.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cdf[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo + 1;
  }
}
