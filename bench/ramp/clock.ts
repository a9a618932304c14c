/**
 * Time source for the ramp runner. The real clock reads `performance.now()` and waits on
 * timers; the manual clock is driven by a test, so a run over a plan is deterministic.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (origin is arbitrary). */
  now(): number;
  /**
   * Resolves at or after `atMs`; right away (on a later tick) if that is past; early, and
   * without holding the process open, once `signal` aborts.
   */
  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleepUntil(atMs, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const waitMs = atMs - performance.now();
      if (waitMs <= 0) return void setImmediate(resolve);
      // Timers have 1 ms granularity and may fire a little early; rounding up keeps sends
      // from leaving before their time (the runner re-checks), at the cost of ≤ 1 ms late.
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.ceil(waitMs));
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface Waiter {
  atMs: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told to: `run()` repeatedly jumps to the earliest pending
 * `sleepUntil` and wakes it, letting all promise continuations settle in between (a small
 * discrete-event loop). Waiters due at the same instant wake in the order they slept.
 */
export class ManualClock implements Clock {
  #nowMs = 0;
  #seq = 0;
  #waiters: Waiter[] = [];

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const waiter: Waiter = { atMs: Math.max(atMs, this.#nowMs), seq: this.#seq++, resolve };
      this.#waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) this.#waiters.splice(at, 1);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward without waking anyone: a stalled event loop, as seen by the runner. */
  stall(ms: number): void {
    this.#nowMs += ms;
  }

  get pending(): number {
    return this.#waiters.length;
  }

  /** Wakes waiters in time order until none is left; bounded by `maxSteps`. */
  async run(maxSteps = 10_000_000): Promise<void> {
    for (let step = 0; step < maxSteps; step++) {
      await settle();
      if (this.#waiters.length === 0) return;
      let next = 0;
      for (let i = 1; i < this.#waiters.length; i++) {
        const w = this.#waiters[i]!;
        const best = this.#waiters[next]!;
        if (w.atMs < best.atMs || (w.atMs === best.atMs && w.seq < best.seq)) next = i;
      }
      const [waiter] = this.#waiters.splice(next, 1);
      this.#nowMs = Math.max(this.#nowMs, waiter!.atMs);
      waiter!.resolve();
    }
    throw new Error(`ManualClock.run gave up after ${maxSteps} steps`);
  }
}

/** A macrotask boundary: every queued promise continuation has run when it resolves. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
