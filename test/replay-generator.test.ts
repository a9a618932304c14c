import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateDay } from '../bench/replay/generate.ts';
import { readSettings, type ReplaySettings } from '../bench/replay/settings.ts';
import { summarizeTrace, DAY_MS, type TraceEvent } from '../bench/replay/trace.ts';
import { Random, Zipf } from '../bench/replay/random.ts';
import { replay, wallOffsets } from '../bench/replay/driver.ts';
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

describe('the replay driver, on an injected clock', () => {
  const compression = { compression: settings.replay.compression, realtimeBelowMs: settings.replay.realtimeBelowMs };

  it('keeps short gaps and compresses idle ones', () => {
    expect(wallOffsets([0, 500, 2500, 2_000 + 3_600_000 + 2500], { compression: 60, realtimeBelowMs: 2000 })).toEqual([0, 500, 2500, 2500 + 2000 + 3_600_000 / 60]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 1, maxLength: 50 }), (gaps) => {
        const times = gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? 0) + g], []);
        const wall = wallOffsets(times, compression);
        for (let i = 1; i < times.length; i++) {
          const gap = times[i]! - times[i - 1]!;
          const w = wall[i]! - wall[i - 1]!;
          expect(w).toBeLessThanOrEqual(gap + 1e-9); // never slower than the day itself
          if (gap <= compression.realtimeBelowMs) expect(w).toBeCloseTo(gap, 9);
          else expect(w).toBeGreaterThanOrEqual(compression.realtimeBelowMs);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('sends each intent at its wall time with the virtual clock at its planned time, one actor at a time', async () => {
    const wall = new ManualClock(1000);
    const virtualTimes: number[] = [];
    let virtualNow = 0;
    const virtual = {
      now: () => virtualNow,
      advanceTo: async (ms: number) => {
        virtualNow = Math.max(virtualNow, ms);
      },
    };
    // The day's first intents plus a reader clicking faster than pages answer.
    const quick = (t: number): TraceEvent => ({ t, actor: 'reader', actorId: 'reader-quick', kind: 'page', method: 'GET', target: '/', pageView: true });
    const events = [...day.events.slice(0, 60), quick(0), quick(100), quick(150)].sort((a, b) => a.t - b.t);
    const sentAt: number[] = [];
    const busyUntil = new Map<string, number>();
    const run = replay({
      ...compression,
      events,
      wall,
      virtual,
      perform: async (event, i) => {
        // One actor never has two intents in flight.
        expect(busyUntil.get(event.actorId) ?? -1).toBeLessThanOrEqual(wall.now());
        sentAt[i] = wall.now();
        virtualTimes[i] = virtual.now();
        busyUntil.set(event.actorId, wall.now() + 300);
        await wall.sleepUntil(wall.now() + 300); // each answer takes 300 ms of wall time
        return [{ event: i, actor: event.actor, kind: event.kind, method: event.method, path: event.target, status: 200, ttfbMs: 300, totalMs: 300, bytes: 1, requestBytes: 0, at: event.t, pageView: event.pageView }];
      },
    });
    await wall.run();
    const result = await run;
    expect(result.failures).toEqual([]);
    expect(result.exchanges).toHaveLength(events.length);
    const offsets = wallOffsets(events.map((e) => e.t), compression);
    events.forEach((e, i) => {
      expect(virtualTimes[i]).toBeGreaterThanOrEqual(e.t);
      // Open loop: an intent leaves on time unless its actor is still busy with the previous one.
      const previousSameActor = events.slice(0, i).map((p, j) => [p, j] as const).filter(([p]) => p.actorId === e.actorId).at(-1);
      const earliest = 1000 + offsets[i]!;
      if (!previousSameActor) expect(sentAt[i]).toBeCloseTo(earliest, 6);
      else expect(sentAt[i]).toBeCloseTo(Math.max(earliest, sentAt[previousSameActor[1]]! + 300), 6);
    });
    expect(result.lateMs.every((l) => l === 0)).toBe(true);
  });
});
