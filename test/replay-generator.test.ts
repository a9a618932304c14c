import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateDay } from '../bench/replay/generate.ts';
import { readSettings, type ReplaySettings } from '../bench/replay/settings.ts';
import { summarizeTrace, DAY_MS, type TraceEvent } from '../bench/replay/trace.ts';
import { Random, Zipf } from '../bench/replay/random.ts';
import { virtualReplay } from '../bench/replay/driver.ts';
import { percentile } from '../bench/suite/stats.ts';
import { cronRateMinutes, readTemplate } from '../bench/replay/stack.ts';
import { ManualClock } from '../bench/ramp/clock.ts';

const settings = readSettings();
const cron = cronRateMinutes(readTemplate());
const day = generateDay(settings, { cronRateMinutes: cron });
/** A busier day of the same site: enough post views to see the popularity curve. */
const busy = generateDay({ ...settings, pageViewsPerDay: 30_000 }, { cronRateMinutes: cron });

const readers = (events: readonly TraceEvent[]) => events.filter((e) => e.actor === 'reader' && e.kind === 'page');

describe('the generated day', () => {
  it('is the same for the same seed and different for another', () => {
    expect(generateDay(settings, { cronRateMinutes: cron })).toEqual(day);
    const other = generateDay({ ...settings, seed: settings.seed + 1 }, { cronRateMinutes: cron });
    expect(other.events.map((e) => e.t)).not.toEqual(day.events.map((e) => e.t));
  });

  it('has exactly the page views the settings ask for, within one day, in time order', () => {
    expect(summarizeTrace(day).pageViews).toBe(settings.pageViewsPerDay);
    expect(summarizeTrace(busy).pageViews).toBe(30_000);
    for (let i = 1; i < day.events.length; i++) expect(day.events[i]!.t).toBeGreaterThanOrEqual(day.events[i - 1]!.t);
    expect(day.events.every((e) => e.t >= 0 && e.t < DAY_MS)).toBe(true);
  });

  it('runs WP-Cron on the template\'s schedule', () => {
    expect(cron).toBe(5);
    const times = day.events.filter((e) => e.kind === 'cron').map((e) => e.t);
    expect(times).toHaveLength(24 * 12 - 1);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(5 * 60_000);
  });

  it('chooses posts by Zipf popularity: rank frequencies fall as 1/rank^s', () => {
    const ranks = readers(busy.events).filter((e) => e.page === 'post').map((e) => e.rank!);
    const n = ranks.length;
    const zipf = new Zipf(settings.site.posts, settings.site.zipfExponent);
    const count = (k: number) => ranks.filter((r) => r === k).length;
    // Rank 1 within four standard deviations of its expected share.
    const p1 = zipf.p(1);
    expect(Math.abs(count(1) - n * p1)).toBeLessThan(4 * Math.sqrt(n * p1 * (1 - p1)));
    // Least-squares slope of log(frequency) against log(rank) over the top 20 ranks ≈ −s.
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 1; k <= 20; k++) {
      xs.push(Math.log(k));
      ys.push(Math.log(count(k)));
    }
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(-settings.site.zipfExponent - 0.15);
    expect(slope).toBeLessThan(-settings.site.zipfExponent + 0.15);
  });

  it('moves a post to the top of the popularity when it is published', () => {
    const publishes = busy.events.filter((e) => e.kind === 'publish');
    expect(publishes.length).toBe(4);
    for (const p of publishes) {
      const after = readers(busy.events).filter((e) => e.page === 'post' && e.t > p.t && e.rank === 1);
      const nextPublish = publishes.find((q) => q.t > p.t)?.t ?? DAY_MS;
      const between = after.filter((e) => e.t < nextPublish);
      expect(between.length).toBeGreaterThan(0);
      expect(new Set(between.map((e) => e.target))).toEqual(new Set([p.target]));
    }
  });

  it('spreads reader visits over the day by the diurnal weights', () => {
    const landings = new Map<string, number>();
    for (const e of readers(busy.events)) if (!landings.has(e.actorId)) landings.set(e.actorId, e.t);
    const perHour = new Array(24).fill(0) as number[];
    for (const t of landings.values()) perHour[Math.floor(t / 3_600_000)]!++;
    const total = perHour.reduce((a, b) => a + b);
    const weights = settings.diurnal.reduce((a, b) => a + b);
    for (let h = 0; h < 24; h++) {
      const expected = (total * settings.diurnal[h]!) / weights;
      expect(Math.abs(perHour[h]! - expected), `hour ${h}`).toBeLessThan(5 * Math.sqrt(expected) + 2);
    }
  });

  it('separates a reader\'s pages by think times with the configured mean', () => {
    const byVisitor = new Map<string, number[]>();
    for (const e of readers(busy.events)) byVisitor.set(e.actorId, [...(byVisitor.get(e.actorId) ?? []), e.t]);
    const gaps = [...byVisitor.values()].flatMap((ts) => ts.slice(1).map((t, i) => t - ts[i]!));
    const mean = gaps.reduce((a, b) => a + b) / gaps.length / 1000;
    // Exponential with mean 40 s, capped at 10 min (the cap trims the mean by e^-15: nothing).
    expect(mean).toBeGreaterThan(settings.readers.thinkSeconds * 0.9);
    expect(mean).toBeLessThan(settings.readers.thinkSeconds * 1.1);
    const pagesPerVisit = readers(busy.events).length / byVisitor.size;
    expect(pagesPerVisit).toBeGreaterThan(settings.readers.pagesPerVisit * 0.93);
    expect(pagesPerVisit).toBeLessThan(settings.readers.pagesPerVisit * 1.07);
  });

  it('has the configured mix of landing pages, crawlers, probes, feeds, comments and editors', () => {
    const firstPages = new Map<string, string>();
    for (const e of readers(busy.events)) if (!firstPages.has(e.actorId)) firstPages.set(e.actorId, e.page!);
    const n = firstPages.size;
    const landingTotal = Object.values(settings.readers.landing).reduce((a, b) => a + b);
    for (const [page, w] of Object.entries(settings.readers.landing)) {
      const share = [...firstPages.values()].filter((p) => p === page).length / n;
      expect(Math.abs(share - w / landingTotal), page).toBeLessThan(0.02);
    }
    const s = summarizeTrace(day);
    expect(s.byKind.crawl).toBe(Math.round(settings.pageViewsPerDay * settings.bots.crawlerRequestsPerPageView));
    expect(s.byKind.probe).toBe(settings.bots.probesPerDay);
    expect(s.byKind.comment).toBe(settings.comments.perDay);
    expect(s.byKind.publish).toBe(4);
    expect(s.byKind.upload).toBe(4 * settings.publishes.uploadsPerPublish);
    // Each feed reader polls on a fixed period between the bounds.
    const polls = day.events.filter((e) => e.actorId === 'feed-2').map((e) => e.t);
    const period = polls[1]! - polls[0]!;
    expect(period / 60_000).toBeGreaterThanOrEqual(settings.feeds.periodMinutes[0]);
    expect(period / 60_000).toBeLessThanOrEqual(settings.feeds.periodMinutes[1]);
    for (let i = 1; i < polls.length; i++) expect(polls[i]! - polls[i - 1]!).toBeCloseTo(period, 3);
    // Editors write with the block editor's heartbeat running until they publish.
    const publish = day.events.find((e) => e.kind === 'publish')!;
    const beats = day.events.filter((e) => e.kind === 'heartbeat' && e.actorId === publish.actorId && e.t < publish.t && e.t > publish.t - settings.editors.sessionMinutes * 60_000);
    expect(beats.length).toBeGreaterThanOrEqual(settings.editors.sessionMinutes - 2);
  });
});

describe('Zipf sampling', () => {
  it('stays within 1..n and is reproducible', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.3, max: 2, noNaN: true }), fc.integer(), (n, s, seed) => {
        const z = new Zipf(n, s);
        const a = new Random(seed);
        const b = new Random(seed);
        for (let i = 0; i < 50; i++) {
          const k = z.sample(a);
          expect(k).toBeGreaterThanOrEqual(1);
          expect(k).toBeLessThanOrEqual(n);
          expect(z.sample(b)).toBe(k);
        }
        let total = 0;
        for (let k = 1; k <= n; k++) total += z.p(k);
        expect(total).toBeCloseTo(1, 9);
      }),
      { numRuns: 50 },
    );
  });
});

/**
 * A stand-in for the twin's manual clock: virtual ms that move only by `advance`, a schedule that
 * fires every `cronEveryMs` and keeps the twin busy for `cronWallMs` of wall time (as a cron
 * invocation does), all on a manual wall clock.
 */
function fakeTwin(wall: ManualClock, { cronEveryMs, cronWallMs }: { cronEveryMs: number; cronWallMs: number }) {
  let now = 1_000_000;
  let busyUntil = -1;
  const cronAt: number[] = [];
  const advances: number[] = [];
  let nextCron = now + cronEveryMs;
  return {
    cronAt,
    advances,
    now: () => now,
    advance: async (ms: number) => {
      expect(ms).toBeGreaterThan(0);
      advances.push(ms);
      now += ms;
      while (nextCron <= now) {
        cronAt.push(nextCron);
        busyUntil = Math.max(busyUntil, wall.now()) + cronWallMs;
        nextCron += cronEveryMs;
      }
    },
    busy: async () => wall.now() < busyUntil,
  };
}

describe('the replay driver, on the twin\'s clock (injected)', () => {
  const reader = (t: number, id = 'reader-1'): TraceEvent => ({ t, actor: 'reader', actorId: id, kind: 'page', method: 'GET', target: '/', pageView: true });

  it('jumps over idle time: a day of short intents costs only their own wall time', async () => {
    const wall = new ManualClock(0);
    const twin = fakeTwin(wall, { cronEveryMs: 300_000, cronWallMs: 0 });
    const events = day.events.filter((e) => e.kind !== 'cron');
    const sentVirtual: number[] = [];
    const driver = virtualReplay({
      events,
      dayStart: twin.now(),
      clock: twin,
      wall,
      stepMs: 1000,
      pollMs: 25,
      perform: async (event, i) => {
        sentVirtual[i] = driver.time.now();
        await wall.sleepUntil(wall.now() + 100); // every answer takes 100 ms
        return [];
      },
    });
    const running = driver.run();
    await wall.run();
    const result = await running;
    expect(result.failures).toEqual([]);
    // Each intent left at its planned virtual time (late only behind a busy actor or another answer in flight).
    events.forEach((e, i) => expect(sentVirtual[i]).toBeGreaterThanOrEqual(e.t - 0.5));
    const late = events.map((e, i) => sentVirtual[i]! - e.t);
    expect(percentile([...late].sort((a, b) => a - b), 50)).toBeLessThan(1);
    // Wall time is the answers' own: never more than 100 ms per intent (overlapping ones share it), far less than a day.
    expect(result.wallMs).toBeLessThanOrEqual(events.length * 100 + 1000);
    expect(result.virtualMs).toBeGreaterThan(23 * 3_600_000);
    // No jump is longer than the step, so a schedule fires within a second of its time.
    expect(Math.max(...twin.advances)).toBeLessThanOrEqual(1000);
    expect(twin.cronAt.length).toBeGreaterThanOrEqual(287);
  });

  it('lets virtual time follow the wall clock while something is in flight', async () => {
    const wall = new ManualClock(0);
    const twin = fakeTwin(wall, { cronEveryMs: 600_000, cronWallMs: 2_000 });
    const spans: Array<{ virtual: number; wall: number }> = [];
    const events = [reader(10_000), reader(11_000, 'reader-2'), reader(650_000), reader(3_600_000, 'reader-3')];
    const driver = virtualReplay({
      events,
      dayStart: twin.now(),
      clock: twin,
      wall,
      stepMs: 1000,
      pollMs: 25,
      perform: async () => {
        const v0 = driver.time.now();
        const w0 = wall.now();
        await wall.sleepUntil(w0 + 1500);
        spans.push({ virtual: driver.time.now() - v0, wall: wall.now() - w0 });
        return [];
      },
    });
    const running = driver.run();
    await wall.run();
    const result = await running;
    // 1.5 s of wall time in flight is (within a poll) 1.5 s of virtual time, not a jump.
    for (const s of spans) {
      expect(s.wall).toBe(1500);
      expect(s.virtual).toBeGreaterThanOrEqual(1500 - 25 - 1);
      expect(s.virtual).toBeLessThanOrEqual(1500 + 25 + 1);
    }
    // The cron run at 10 min held the clock to wall speed for its 2 s; the hour's idle rest cost nothing.
    expect(result.wallMs).toBeLessThan(4 * 1500 + 6 * 2_000 + 500);
    expect(result.virtualMs).toBeGreaterThanOrEqual(3_600_000 + 1500);
  });

  it('runs one actor\'s intents in order, others alongside', async () => {
    const wall = new ManualClock(0);
    const twin = fakeTwin(wall, { cronEveryMs: 3_600_000, cronWallMs: 0 });
    // A reader clicking faster than pages answer, and another reader meanwhile.
    const events = [reader(0), reader(100), reader(150), reader(120, 'reader-2')].sort((a, b) => a.t - b.t);
    const log: string[] = [];
    let inFlight = new Map<string, number>();
    const driver = virtualReplay({
      events,
      dayStart: twin.now(),
      clock: twin,
      wall,
      stepMs: 1000,
      pollMs: 10,
      perform: async (event, i) => {
        expect(inFlight.get(event.actorId) ?? 0).toBe(0);
        inFlight.set(event.actorId, 1);
        log.push(`start ${i} ${event.actorId}`);
        await wall.sleepUntil(wall.now() + 300);
        inFlight.set(event.actorId, 0);
        log.push(`end ${i}`);
        return [];
      },
    });
    const running = driver.run();
    await wall.run();
    await running;
    const order = log.filter((l) => l.includes('reader-1')).map((l) => Number(l.split(' ')[1]));
    expect(order).toEqual([0, 1, 3]);
    // reader-2 started while reader-1's first page was still in flight.
    expect(log.indexOf('start 2 reader-2')).toBeLessThan(log.indexOf('end 0'));
    inFlight = new Map();
  });

  it('wakes sleepers on virtual time, jumping when nothing runs', async () => {
    const wall = new ManualClock(0);
    const twin = fakeTwin(wall, { cronEveryMs: 3_600_000, cronWallMs: 0 });
    const driver = virtualReplay({ events: [], dayStart: twin.now(), clock: twin, wall, stepMs: 1000, pollMs: 25, perform: async () => [] });
    const woke: number[] = [];
    void driver.time.sleep(90_000).then(() => woke.push(driver.time.now()));
    void driver.time.sleep(30_000).then(() => woke.push(driver.time.now()));
    const running = driver.run();
    await wall.run();
    const result = await running;
    expect(woke.map((t) => Math.round(t))).toEqual([30_000, 90_000]);
    expect(result.wallMs).toBe(0);
  });
});
