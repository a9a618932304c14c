/**
 * Plays a generated day against a base URL. Each intent leaves at its planned wall time whether
 * or not earlier ones answered (open loop), so bursts stay bursts; one actor's intents run in
 * order, as a person waits for a page before the next click. Gaps up to `realtimeBelowMs` pass
 * in real time; longer ones are compressed `compression` times on the wall clock while the
 * virtual clock (the twin's) advances by the whole gap, so TTLs, idle environments and cron see
 * the real day.
 */
import type { Clock } from '../ramp/clock.ts';
import type { TraceEvent } from './trace.ts';
import type { VirtualClock } from './twin.ts';

export interface Compression {
  compression: number;
  realtimeBelowMs: number;
}

/** Wall-clock offset of each event from the first, ms. */
export function wallOffsets(times: readonly number[], { compression, realtimeBelowMs }: Compression): number[] {
  const out: number[] = [];
  let wall = 0;
  for (let i = 0; i < times.length; i++) {
    if (i > 0) {
      const gap = times[i]! - times[i - 1]!;
      wall += gap <= realtimeBelowMs ? gap : realtimeBelowMs + (gap - realtimeBelowMs) / compression;
    }
    out.push(wall);
  }
  return out;
}

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
  bytes: number;
  requestBytes: number;
  /** CloudFront's verdict (`x-cache`: Hit / Miss / RefreshHit / Error), when present. */
  cache?: string;
  /** The response's Cache-Control (what a CDN's TTL follows). */
  cacheControl?: string;
  /** Virtual time of the send. */
  at: number;
  pageView: boolean;
}

/** Performs one intent (and what a browser loads with it); returns the exchanges it made. */
export type Perform = (event: TraceEvent, index: number) => Promise<Exchange[]>;

export interface ReplayOptions extends Compression {
  events: readonly TraceEvent[];
  wall: Clock;
  virtual: VirtualClock;
  perform: Perform;
  /** Called after each intent finished (progress). */
  onDone?: (index: number, exchanges: Exchange[]) => void;
  signal?: AbortSignal;
}

export interface ReplayRun {
  exchanges: Exchange[];
  /** Wall ms from the first send to the last answer. */
  wallMs: number;
  /** How late each intent left against its plan, ms. */
  lateMs: number[];
  failures: Array<{ event: number; message: string }>;
}

export async function replay(o: ReplayOptions): Promise<ReplayRun> {
  const offsets = wallOffsets(o.events.map((e) => e.t), o);
  const start = o.wall.now();
  const exchanges: Exchange[] = [];
  const lateMs: number[] = [];
  const failures: ReplayRun['failures'] = [];
  const chains = new Map<string, Promise<void>>();
  const running: Array<Promise<void>> = [];
  for (let i = 0; i < o.events.length; i++) {
    if (o.signal?.aborted) break;
    const event = o.events[i]!;
    await o.wall.sleepUntil(start + offsets[i]!, o.signal);
    await o.virtual.advanceTo(event.t);
    lateMs.push(o.wall.now() - (start + offsets[i]!));
    const previous = chains.get(event.actorId) ?? Promise.resolve();
    const done = previous.then(async () => {
      try {
        const made = await o.perform(event, i);
        exchanges.push(...made);
        o.onDone?.(i, made);
      } catch (err) {
        failures.push({ event: i, message: (err as Error).message });
      }
    });
    chains.set(event.actorId, done);
    running.push(done);
  }
  await Promise.all(running);
  return { exchanges: exchanges.sort((a, b) => a.event - b.event || a.at - b.at), wallMs: o.wall.now() - start, lateMs, failures };
}
