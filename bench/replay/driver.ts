/**
 * Plays a generated day through the stack twin on the twin's own clock (virtualReplay): idle gaps
 * cost no wall time, work in flight runs at wall speed, one actor's intents run in order.
 */
import type { Clock } from '../ramp/clock.ts';
import type { TraceEvent } from './trace.ts';

/** One HTTP exchange the replay made, timed from its send. */
export interface Exchange {
  event: number;
  actor: TraceEvent['actor'];
  kind: TraceEvent['kind'] | 'asset' | 'image';
  method: string;
  path: string;
  status: number;
  /** Send → response headers, ms (time to first byte as the visitor sees it). */
  ttfbMs: number;
  totalMs: number;
  /** Body bytes as the application got them (decompressed). */
  bytes: number;
  /** Body bytes on the wire (Content-Length: compressed when the CDN compressed), what transfer is billed on. */
  wireBytes?: number;
  requestBytes: number;
  /** The request carried a WordPress cookie of the cache key (logged in, commenter, post password): not an anonymous view. */
  cookies?: boolean;
  /** CloudFront's verdict (`x-cache`: Hit / Miss / RefreshHit / Error), when present. */
  cache?: string;
  /** The response's Cache-Control (what a CDN's TTL follows). */
  cacheControl?: string;
  /** Virtual time of the send (virtual time follows the wall clock while a request is in flight). */
  at: number;
  pageView: boolean;
}

/** Performs one intent (and what a browser loads with it); returns the exchanges it made. */
export type Perform = (event: TraceEvent, index: number) => Promise<Exchange[]>;

export interface ReplayRun {
  exchanges: Exchange[];
  /** Wall ms from the first send to the last answer. */
  wallMs: number;
  /** How late each intent left against its plan, ms. */
  lateMs: number[];
  failures: Array<{ event: number; message: string }>;
}

/**
 * The twin's manual clock as the replay drives it: `now()` in virtual ms (absolute), `advance`
 * moves it forward (timers due by then fire in order: cron schedules, idle environments reclaimed),
 * `busy()` says whether the twin is still working on something (a function instance starting or
 * invoked: a page, a cron run, a CloudFront background refresh).
 */
export interface TwinClockControl {
  now(): number;
  advance(ms: number): Promise<void>;
  busy(): Promise<boolean>;
}

export interface VirtualReplayOptions {
  /** The day's intents; `t` is relative to `dayStart`. */
  events: readonly TraceEvent[];
  /** Virtual time the day starts at (absolute, on the twin's clock). */
  dayStart: number;
  clock: TwinClockControl;
  /** Wall clock the driver polls on while something is in flight. */
  wall: Clock;
  perform: Perform;
  /** Longest jump while nothing is in flight (a schedule that fires inside it starts up to this late). */
  stepMs: number;
  /** Wall interval at which the virtual clock follows the wall clock while something is in flight. */
  pollMs: number;
  onDone?: (index: number, exchanges: Exchange[]) => void;
  signal?: AbortSignal;
}

/** What a driven day gives a perform function: virtual time, and timers on it (e.g. polling for a published post). */
export interface VirtualTime {
  /** Virtual ms since the day started. */
  now(): number;
  /** Resolves once the virtual clock has passed `ms` more (a pending wait keeps the run going; the clock may jump meanwhile). */
  sleep(ms: number): Promise<void>;
  /** Marks work of a background task (a request) as in flight, so the clock follows the wall clock until it settles. */
  working<T>(work: Promise<T>): Promise<T>;
}

export interface VirtualReplayRun extends ReplayRun {
  /** Virtual ms the day took (to the last answer). */
  virtualMs: number;
  /** Clock jumps made while idle, and wall polls while busy. */
  jumps: number;
  polls: number;
}

/**
 * Plays a day on the twin's own clock: while nothing is in flight, the clock jumps to the next
 * intent (in steps of at most `stepMs`, so schedules fire near their time); while a request, a
 * cron run or a cold start is in flight, virtual time follows the wall clock, so what the twin
 * measures (timeouts, cache ages, idle keep-alive) sees the real durations. Idle gaps cost no
 * wall time. One actor's intents run in order, as a person waits for a page before the next
 * click; different actors overlap as their times say.
 */
export function virtualReplay(o: VirtualReplayOptions): { time: VirtualTime; run: () => Promise<VirtualReplayRun> } {
  interface Item { t: number; seq: number; go: () => void }
  const queue: Item[] = [];
  let seq = 0;
  let inflight = 0;
  const push = (t: number, go: () => void) => {
    queue.push({ t, seq: seq++, go });
    queue.sort((a, b) => a.t - b.t || a.seq - b.seq);
  };
  const rel = () => o.clock.now() - o.dayStart;
  const time: VirtualTime = {
    now: rel,
    sleep: (ms) => new Promise<void>((resolve) => push(rel() + ms, resolve)),
    working: (work) => {
      inflight++;
      return work.finally(() => {
        inflight--;
      });
    },
  };
  const run = async (): Promise<VirtualReplayRun> => {
    const exchanges: Exchange[] = [];
    const lateMs: number[] = [];
    const failures: ReplayRun['failures'] = [];
    const chains = new Map<string, Promise<void>>();
    const started = o.wall.now();
    let jumps = 0;
    let polls = 0;
    o.events.forEach((event, i) => push(event.t, () => {
      lateMs.push(Math.max(0, rel() - event.t));
      inflight++;
      const previous = chains.get(event.actorId) ?? Promise.resolve();
      const done = previous.then(async () => {
        try {
          const made = await o.perform(event, i);
          exchanges.push(...made);
          o.onDone?.(i, made);
        } catch (err) {
          failures.push({ event: i, message: (err as Error).message });
        } finally {
          inflight--;
        }
      });
      chains.set(event.actorId, done);
    }));
    let lastWall = o.wall.now();
    for (;;) {
      if (o.signal?.aborted) break;
      const next = queue[0];
      // Half a millisecond of slack: the twin's clock is a float far from zero, too coarse for less.
      if (next && rel() + 0.5 >= next.t) {
        queue.shift();
        next.go();
        continue;
      }
      const busy = inflight > 0 || (await o.clock.busy());
      if (!next && !busy) break;
      if (busy) {
        // Something runs: let it, and move virtual time as the wall clock moves.
        await o.wall.sleepUntil(o.wall.now() + o.pollMs, o.signal);
        const now = o.wall.now();
        const elapsed = now - lastWall;
        lastWall = now;
        polls++;
        // Whole milliseconds, at least one: smaller steps vanish in the clock's float.
        const ms = Math.max(1, Math.ceil(next ? Math.min(elapsed, next.t - rel()) : elapsed));
        await o.clock.advance(ms);
        continue;
      }
      // Nothing in flight: jump (no wall time passes).
      await o.clock.advance(Math.max(1, Math.ceil(Math.min(o.stepMs, next!.t - rel()))));
      lastWall = o.wall.now();
      jumps++;
    }
    return {
      exchanges: exchanges.sort((a, b) => a.event - b.event || a.at - b.at),
      wallMs: o.wall.now() - started,
      virtualMs: rel(),
      lateMs,
      failures,
      jumps,
      polls,
    };
  };
  return { time, run };
}
