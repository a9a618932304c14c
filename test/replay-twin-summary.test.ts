/**
 * What the report makes of a replay's raw records, on a hand-made run small enough to work out
 * by hand: CDN hits and origin answers, CloudFront's background refreshes, cold starts and who
 * paid them, the first visitor on a cron-started environment, EFS calls per invocation, and the
 * usage the bill prices.
 */
import { describe, expect, it } from 'vitest';
import { readSettings } from '../bench/replay/settings.ts';
import { readTemplate, stackShape } from '../bench/replay/stack.ts';
import { computeBill } from '../bench/replay/bill.ts';
import { efsFromLogs, requestsFromLogs, type TwinRunResult } from '../bench/replay/through-twin.ts';
import { pathClass, summarize } from '../bench/replay/twin-summary.ts';
import type { Exchange } from '../bench/replay/driver.ts';
import type { InvocationRecord } from '../infra/twin/lambda/instances.ts';
import { LOG_KEY } from '../bench/replay/efs-preload.ts';

const settings = readSettings();
const DAY0 = 1_000_000;
const FN = 'LamphpWordPress-WordPressFunction-ABC';

const x = (over: Partial<Exchange> & Pick<Exchange, 'path' | 'at'>): Exchange => ({
  event: 0, actor: 'reader', kind: 'page', method: 'GET', status: 200, ttfbMs: 5, totalMs: 6, bytes: 1000, wireBytes: 400, requestBytes: 0, cookies: false, cache: 'Hit from cloudfront', pageView: true, ...over,
});
const rec = (over: Partial<InvocationRecord> & Pick<InvocationRecord, 'requestId' | 'at' | 'instanceId' | 'invoker'>): InvocationRecord => ({
  function: FN, cold: false, durationMs: 100, billedDurationMs: 100, memorySizeMb: 2048, maxMemoryUsedMb: 400, outcome: 'success', ...over,
});
const line = (requestId: string, path: string, ms: number) => ({ stream: 's', message: JSON.stringify({ level: 'debug', msg: 'request', requestId, method: 'GET', path, status: 200, ms }) });
const efsLine = (stream: string, id: string, lstat: number, read: number, cpuMs?: number) => ({ stream, message: JSON.stringify({ [LOG_KEY]: id, counts: { total: lstat + read, byKind: { lstat, read }, byClass: {}, delayedMs: 0 }, ...(cpuMs !== undefined && { cpuMs }) }) });

const RELAY = stackShape(readTemplate()).relaySweep!.logicalId;

function run(): TwinRunResult {
  const exchanges: Exchange[] = [
    // Anonymous pages: two misses (origin), two hits.
    x({ path: '/', at: 60_000, cache: 'Miss from cloudfront', ttfbMs: 900 }), // met a new environment (cold)
    x({ path: '/', at: 61_000, ttfbMs: 2 }),
    x({ path: '/post-1/', at: 600_000, cache: 'Miss from cloudfront', ttfbMs: 700 }), // first visitor on the cron-started environment
    x({ path: '/post-1/', at: 601_000, ttfbMs: 3 }),
    // A static file from the function, and an image from S3 (no invocation).
    x({ kind: 'asset', path: '/wp-includes/css/style.css?ver=1', at: 60_500, cache: 'Miss from cloudfront', pageView: false, ttfbMs: 20 }),
    x({ kind: 'image', path: '/wp-content/uploads/2026/12/a.jpg', at: 60_600, cache: 'Miss from cloudfront', pageView: false, ttfbMs: 15 }),
    // An editor's screen: not an anonymous page.
    x({ actor: 'editor', kind: 'admin', path: '/wp-admin/', at: 700_000, cache: 'Miss from cloudfront', cookies: true, ttfbMs: 300 }),
  ];
  const records: InvocationRecord[] = [
    rec({ requestId: 'r-home', at: DAY0 + 60_000, instanceId: 'A', invoker: 'cloudfront', cold: true, initDurationMs: 800, durationMs: 620 }),
    rec({ requestId: 'r-css', at: DAY0 + 60_700, instanceId: 'A', invoker: 'cloudfront', durationMs: 2 }),
    rec({ requestId: 'r-home-bg', at: DAY0 + 300_000, instanceId: 'A', invoker: 'cloudfront', durationMs: 130 }), // no viewer waited: a background refresh
    rec({ requestId: 'r-cron', at: DAY0 + 500_000, instanceId: 'B', invoker: 'cron', cold: true, initDurationMs: 750, durationMs: 40 }),
    rec({ requestId: 'r-post', at: DAY0 + 600_000, instanceId: 'B', invoker: 'cloudfront', durationMs: 520 }),
    rec({ requestId: 'r-post-warm', at: DAY0 + 650_000, instanceId: 'A', invoker: 'cloudfront', durationMs: 125 }), // a crawler's miss elsewhere: warm post
    rec({ requestId: 'r-admin', at: DAY0 + 700_000, instanceId: 'A', invoker: 'cloudfront', durationMs: 300 }),
    rec({ requestId: 'r-install', at: DAY0 + 1, instanceId: 'I', invoker: 'install', function: 'Install', cold: true }),
    // The outbox relay: two sweeps on its schedule (the first cold), one run for a job.
    rec({ requestId: 'r-sweep-1', at: DAY0 + 5, instanceId: 'S', invoker: 'cron', function: `Stack-${RELAY}-X1`, cold: true, initDurationMs: 400, durationMs: 14 }),
    rec({ requestId: 'r-sweep-2', at: DAY0 + 300_005, instanceId: 'S', invoker: 'cron', function: `Stack-${RELAY}-X1`, durationMs: 10 }),
    rec({ requestId: 'r-job', at: DAY0 + 300_100, instanceId: 'S', invoker: 's3', function: `Stack-${RELAY}-X1`, durationMs: 30 }),
  ];
  exchanges.push(x({ actor: 'crawler', kind: 'crawl', path: '/post-1/', at: 650_000, cache: 'Miss from cloudfront', pageView: false, ttfbMs: 140 }));
  const logs = [
    line('r-home', '/', 600), line('r-css', '/wp-includes/css/style.css?ver=1', 1), line('r-home-bg', '/', 128), line('r-cron', '/wp-cron.php', 30),
    line('r-post', '/post-1/', 500), line('r-post-warm', '/post-1/', 120), line('r-admin', '/wp-admin/', 280),
    efsLine('A', 'init', 20, 0), efsLine('A', 'r-home', 150, 80, 500), efsLine('A', 'r-home', 0, 10), // a worker's late line adds to its invocation
    efsLine('A', 'r-css', 3, 1), efsLine('A', 'r-home-bg', 150, 90, 120), efsLine('B', 'r-cron', 40, 40), efsLine('B', 'r-post', 150, 90),
    efsLine('A', 'r-post-warm', 150, 90, 110), efsLine('A', 'r-admin', 200, 100, 250),
    { stream: 'A', message: 'START RequestId: r-home Version: $LATEST' },
  ];
  return {
    kind: 'replay-twin',
    run: { name: 'hand-made', db: 'sqlite', keepAliveMinutes: 15 },
    added: {}, context: {}, startedAt: '2026-12-04T00:00:00Z', finishedAt: '2026-12-04T00:10:00Z', load: { before: [0.5, 0, 0], after: [1, 0, 0] }, cores: 2, commit: 'x', command: 'test', seedMs: 0,
    trace: { seed: 17, pageViewsPerDay: 5, fromHour: 0, toHour: 24, events: 8, pageViews: 5 },
    run_: { wallMs: 1000, virtualMs: 86_400_000, lateMs: [], failures: [], jumps: 0, polls: 0 },
    exchanges, probeExchanges: [], records, requests: requestsFromLogs(logs), efs: efsFromLogs(logs), visibility: [],
    // The install's and the seeding's invalidations come before the day; the day's publish after it.
    invalidations: [
      { id: 'I1', distributionId: 'D', paths: ['/*'], createdAt: DAY0 - 3_600_000, completedAt: DAY0 - 3_600_000 },
      { id: 'I2', distributionId: 'D', paths: ['/', '/a/', '/b/'], createdAt: DAY0 - 1, completedAt: DAY0 - 1 },
      { id: 'I3', distributionId: 'D', paths: ['/', '/feed/', '/post-9/'], createdAt: DAY0 + 60_000, completedAt: DAY0 + 60_000 },
    ],
    template: readTemplate(), dayStart: DAY0,
  };
}

describe('a replay through the twin, summarized', () => {
  const s = summarize(run(), settings);

  it('tells CDN hits from origin answers, for anonymous pages and for everything', () => {
    expect(s.viewerRequests).toBe(8);
    expect(s.cdnHitRatio).toBeCloseTo(2 / 8, 9);
    expect({ anonymous: s.anonymousPages, toOrigin: s.anonymousToOrigin }).toEqual({ anonymous: 4, toOrigin: 2 });
    expect(s.anonymousToOriginByKind).toEqual({ home: 1, post: 1 });
    expect(s.ttfb.anonymousHit).toMatchObject({ n: 2 });
    expect(s.ttfb.anonymousOrigin).toMatchObject({ n: 2, p50: 700 });
    // Origin answers exclude the uploads behavior (S3): home, post, css, admin, the crawler's post.
    expect(s.ttfb.allOrigin.n).toBe(5);
  });

  it('counts invocations of the site function by cause, and CloudFront\'s refreshes no viewer waited for', () => {
    expect(s.invocations).toEqual({ cloudfront: 6, cron: 1 });
    expect(s.backgroundRefreshes).toBe(1); // 6 invocations, 5 answers taken from the function
    expect(s.otherFunctions).toEqual({ Install: 1, [`Stack-${RELAY}-X1`]: 3 });
    // The relay's sweeps, not its job runs, priced as the schedule's: mean duration and INIT per sweep.
    expect(s.usage.sweep).toEqual({ billedMs: 12, initMs: 200, logBytes: settings.estimate.logBytesPerInvocation });
  });

  it('says who paid each cold start', () => {
    expect(s.coldStarts).toEqual({ total: 2, byInvoker: { cloudfront: 1, cron: 1 }, byActor: { reader: 1, cron: 1 } });
    expect(s.initMs).toMatchObject({ n: 2 });
  });

  it('compares the first visitor on each new environment with the warm median of its kind of page', () => {
    // Cron started B; the post that came next took 500 ms against 120 warm.
    expect(s.firstRun.afterCron).toEqual([{ instance: 'B', path: '/post-1/', cls: 'post', phpMs: 500, warmMedianMs: 120, extraMs: 380 }]);
    // A visitor started A: 600 ms against the warm home of 128.
    expect(s.firstRun.visitorCold).toEqual([{ instance: 'A', path: '/', cls: 'home', phpMs: 600, initMs: 800, warmMedianMs: 128, extraMs: 472 }]);
    expect(s.warmPhpMs).toBe(124); // warm anonymous pages: home 128 (background), post 120
  });

  it('averages EFS calls per invocation, adding every line of one invocation', () => {
    // Visitors: (150+90) + (3+1) + (150+90) + (150+90) + (150+90) + (200+100) lstat+read, the home's 80+10 reads.
    expect(s.efs.perVisitorInvocation.metadataOps).toBeCloseTo((150 + 3 + 150 + 150 + 150 + 200) / 6, 9);
    expect(s.efs.perVisitorInvocation.dataReads).toBeCloseTo((90 + 1 + 90 + 90 + 90 + 100) / 6, 9);
    expect(s.efs.perCron).toMatchObject({ metadataOps: 40, dataReads: 40 });
    expect(s.efs.perInit).toMatchObject({ metadataOps: 20, dataReads: 0 });
    // CPU of warm visitor invocations against their duration: (120 + 110 + 250) / (130 + 125 + 300).
    expect(s.cpu.shareOfDuration).toBeCloseTo(0.86, 2);
  });

  it('turns the day into the usage a month of the same traffic bills', () => {
    expect(s.pageViewsPerMonth).toBe(Math.round(5 * 730 / 24));
    expect(s.usage.perPageView.originInvocations).toBeCloseTo(6 / 5, 9);
    expect(s.usage.perPageView.s3Gets).toBeCloseTo(1 / 5, 9);
    expect(s.usage.perPageView.cdnRequests).toBeCloseTo(8 / 5, 9);
    expect(s.usage.perPageView.bytesOut).toBeCloseTo((8 * 400) / 5, 9);
    // Billed visitor duration excludes INIT, which is billed once per cold start.
    expect(s.usage.perInvocation.billedMs).toBeCloseTo((620 + 2 + 130 + 520 + 125 + 300) / 6, 9);
    expect(s.usage.coldStarts).toMatchObject({ initMs: 775, perMonthFixed: 2 * 730 / 24 });
    const lambda = s.bill.lines.find((l) => /INIT/.test(l.item))!;
    expect(lambda.quantity).toBeCloseTo((2 * 730 / 24) * 0.775 * 2, 6); // GB-s at 2 GB
  });

  it('bills the invalidation paths of the day\'s changes a month, whatever the traffic', () => {
    expect(s.invalidations).toBe(1);
    expect(s.usage.perMonth.invalidationPaths).toBeCloseTo(3 * 730 / 24, 9);
    const paths = s.bill.lines.find((l) => l.item === 'invalidation paths')!;
    expect(paths.quantity).toBeCloseTo(3 * 730 / 24, 9);
    // Ten times the page views, the same changes: the same paths.
    const busier = computeBill(stackShape(readTemplate()), s.usage, s.pageViewsPerMonth * 10);
    expect(busier.lines.find((l) => l.item === 'invalidation paths')!.quantity).toBeCloseTo(3 * 730 / 24, 9);
  });

  it('classifies request paths into kinds of page', () => {
    expect(['/', '/post-12/', '/category/news/', '/?s=lambda', '/feed/', '/wp-admin/edit.php', '/wp-json/wp/v2/posts', '/wp-includes/js/x.js?ver=1', '/wp-content/uploads/a.jpg', '/sitemap.xml', '/xmlrpc.php'].map(pathClass))
      .toEqual(['home', 'post', 'archive', 'search', 'feed', 'admin', 'rest', 'static', 'upload', 'other', 'other']);
  });
});
