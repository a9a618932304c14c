/**
 * The twin's time: cache lifetimes, keep-alive of idle Lambda instances and schedules are
 * measured on this clock, never on the wall clock directly, so a test can move time forward
 * instead of waiting. `realClock()` follows the wall clock; `manualClock()` moves only when
 * advanced (timers due by then fire in order).
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Calls `fn` once `ms` have passed on this clock; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
  readonly kind: 'real' | 'manual';
}

export interface ManualClock extends Clock {
  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void;
}

export function realClock(): Clock {
  return {
    kind: 'real',
    now: () => Date.now(),
    setTimer(ms, fn) {
      const t = setTimeout(fn, Math.max(0, ms));
      t.unref?.();
      return () => clearTimeout(t);
    },
  };
}

export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    kind: 'manual',
    now: () => now,
    setTimer(ms, fn) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return () => void timers.delete(id);
    },
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`The clock only moves forward; got ${ms} ms.`);
      const until = now + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
      }
      now = until;
    },
  };
}
