/**
 * What a replay through the twin measured, reduced to what a site owner asks: how long visitors
 * waited (CDN hits and origin answers apart), how much reached the function, cold starts and who
 * paid them, EFS calls and PHP time per invocation, whether a cron-started environment leaves the
 * next visitor the first-run compilation, publish-to-visible — and the usage the bill prices.
 */
import { computeBill, HOURS_PER_MONTH, type Bill, type EfsUsage, type Usage } from './bill.ts';
import { behaviorFor, stackShape, type StackShape, type Template } from './stack.ts';
import { efsFromCounts } from './record.ts';
import { percentile, median, round } from '../suite/stats.ts';
import type { ReplaySettings } from './settings.ts';
import type { Exchange } from './driver.ts';
import type { TwinRunResult } from './through-twin.ts';
import type { InvocationRecord } from '../../infra/twin/lambda/instances.ts';
import type { FsOpCounts } from '../fsops/counter.ts';

export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export interface Percentiles {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export const percentiles = (values: readonly number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), p99: round(percentile(sorted, 99), 1) };
};

/** CloudFront answered from its cache (`Hit`, or `RefreshHit` after a 304 from the origin). */
export const isHit = (x: Pick<Exchange, 'cache'>) => /^(Hit|RefreshHit) from cloudfront/i.test(x.cache ?? '');
/** CloudFront asked the origin for it (a miss, or a revalidation answered 304). */
export const wentToOrigin = (x: Pick<Exchange, 'cache'>) => /^(Miss|RefreshHit) from cloudfront/i.test(x.cache ?? '');
/** An anonymous reader's HTML page (no cookie of the cache key): the view the CDN should answer. */
export const isAnonymousPage = (x: Exchange) => x.actor === 'reader' && x.kind === 'page' && x.method === 'GET' && !x.cookies;

/** What a request path is, for PHP time per kind of page. */
export function pathClass(p: string): string {
  const [pathname = '/', query = ''] = p.split('?');
  if (pathname.startsWith('/wp-content/uploads/')) return 'upload';
  if (/\.(css|js|mjs|png|jpe?g|gif|webp|svg|ico|woff2?|ttf|txt|xml)$/i.test(pathname) && !pathname.endsWith('sitemap.xml')) return 'static';
  if (pathname.startsWith('/wp-admin/admin-ajax.php')) return 'ajax';
  if (pathname.startsWith('/wp-admin')) return 'admin';
  if (pathname.startsWith('/wp-json') || /(^|&)rest_route=/.test(query)) return 'rest';
  if (pathname === '/wp-cron.php') return 'cron';
  if (pathname === '/wp-login.php') return 'login';
  if (pathname === '/wp-comments-post.php') return 'comment';
  if (/\/feed\/?$/.test(pathname)) return 'feed';
  if (/(^|&)s=/.test(query)) return 'search';
  if (pathname === '/' && !query) return 'home';
  if (/^\/(category|tag|author|\d{4})\//.test(pathname)) return 'archive';
  if (/^\/(new-)?post-\d+\/$/.test(pathname)) return 'post';
  return 'other';
}

export interface FirstRun {
  /** Environments started by something other than a visitor (cron), and the visitor that came next. */
  afterCron: Array<{ instance: string; path: string; cls: string; phpMs: number; warmMedianMs: number | null; extraMs: number | null }>;
  /** Environments a visitor started: that visitor's PHP time against the warm median of its kind. */
  visitorCold: Array<{ instance: string; path: string; cls: string; phpMs: number; initMs: number; warmMedianMs: number | null; extraMs: number | null }>;
}

export interface TwinSummary {
  name: string;
  db: 'sqlite' | 'mysql';
  keepAliveMinutes: number;
  note?: string;
  environment: Record<string, string>;
  context: Record<string, unknown>;
  traffic: Record<string, unknown>;
  pageViews: number;
  /** The replayed share of a day (1 for a whole day). */
  dayShare: number;
  pageViewsPerMonth: number;
  viewerRequests: number;
  cdnHitRatio: number;
  anonymousPages: number;
  /** Anonymous pages CloudFront did not answer from its cache. */
  anonymousToOrigin: number;
  /** Those by kind of page ('not found' for a 404 of any path): what caching could and could not have answered. */
  anonymousToOriginByKind: Record<string, number>;
  /** Viewer-side invocations beyond the answers CloudFront took from the function: its background refreshes of stale copies. */
  backgroundRefreshes: number;
  ttfb: { anonymousHit: Percentiles; anonymousOrigin: Percentiles; allHit: Percentiles; allOrigin: Percentiles };
  /** Median PHP time (bridge) of warm anonymous pages (not a cold start, not the first visitor on a new environment), ms: "warm PHP" in the targets. */
  warmPhpMs: number | null;
  invocations: Record<string, number>;
  coldStarts: { total: number; byInvoker: Record<string, number>; byActor: Record<string, number> };
  initMs: Percentiles;
  efs: { perVisitorInvocation: EfsUsage; perCron: EfsUsage; perInit: EfsUsage; invocationsCounted: number };
  phpMs: { visitor: Percentiles; cron: Percentiles; byClass: Record<string, Percentiles> };
  billedMs: { visitorMean: number; cronMean: number };
  /** CPU time of the environment's process (all threads) per warm visitor invocation, and its share of the billed duration. */
  cpu: { visitorMs: Percentiles; shareOfDuration: number | null };
  maxMemoryUsedMb: number;
  memorySizeMb: number;
  peakConcurrency: number;
  outcomes: Record<string, number>;
  errors5xx: number;
  failures: number;
  firstRun: FirstRun;
  visibility: TwinRunResult['visibility'];
  invalidations: number;
  /** Invocations of the stack's other functions during the day (by function name). */
  otherFunctions: Record<string, number>;
  probes: { requests: number; originAnswers: number };
  wallMs: number;
  virtualMs: number;
  cronRateMinutes: number | null;
  bill: Bill;
  usage: Usage;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const zeroEfs = (): EfsUsage => ({ metadataOps: 0, dataReads: 0, dataReadBytes: 0, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 });
function meanEfs(list: readonly FsOpCounts[]): EfsUsage {
  const out = zeroEfs();
  if (!list.length) return out;
  for (const c of list) {
    const e = efsFromCounts({ ...c, byClass: { 'root:efs': c.byKind } });
    for (const k of Object.keys(out) as Array<keyof EfsUsage>) out[k] += e[k];
  }
  for (const k of Object.keys(out) as Array<keyof EfsUsage>) out[k] /= list.length;
  return out;
}

/** The actor whose request an origin invocation served: the non-hit exchange for its path nearest before it. */
function actorOf(record: InvocationRecord, path: string | undefined, exchanges: readonly Exchange[], dayStart: number): string {
  if (!path) return 'unknown';
  const at = record.at - dayStart;
  let best: Exchange | undefined;
  for (const x of exchanges) {
    if (isHit(x) || x.at > at + 50) continue;
    const xp = x.path.split('#')[0]!;
    if (xp !== path && xp.split('?')[0] !== path.split('?')[0]) continue;
    if (at - x.at > 60_000) continue;
    if (!best || x.at > best.at) best = x;
  }
  return best ? best.actor : 'background';
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

export function summarize(result: TwinRunResult, settings: ReplaySettings): TwinSummary {
  const { run, exchanges, records, dayStart } = result;
  const template = result.template as Template;
  const shape: StackShape = stackShape(template);
  const dayShare = (result.trace.toHour - result.trace.fromHour) / 24;
  const perDay = (n: number) => n / dayShare;
  const pageViews = result.trace.pageViews;
  const pageViewsPerMonth = Math.round((pageViews / dayShare) * DAYS_PER_MONTH);
  const requestById = new Map(result.requests.map((r) => [r.requestId, r]));
  // The site function is the one CloudFront invokes; other functions (install, a relay) are counted apart.
  const names = new Map<string, number>();
  for (const r of records) if (r.invoker === 'cloudfront') names.set(r.function, (names.get(r.function) ?? 0) + 1);
  const siteName = [...names].sort((a, b) => b[1] - a[1])[0]?.[0];
  const site = records.filter((r) => r.function === siteName);
  const otherFunctions: Record<string, number> = {};
  for (const r of records) if (r.function !== siteName) otherFunctions[r.function] = (otherFunctions[r.function] ?? 0) + 1;
  const visitorRecords = site.filter((r) => r.invoker === 'cloudfront' && r.outcome !== 'throttled');
  const cronRecords = site.filter((r) => r.invoker === 'cron' && r.outcome !== 'throttled');

  const anonymous = exchanges.filter(isAnonymousPage);
  const anonymousOrigin = anonymous.filter((x) => !isHit(x));
  const uploadsBehavior = (p: string) => behaviorFor(shape, p.split('?')[0]!).s3Origin;
  const originExchanges = exchanges.filter((x) => wentToOrigin(x) && !uploadsBehavior(x.path));

  // Warm: not a cold start, and not the first visitor on an environment started during the day
  // (after a cron start that one may still compile PHP's code as it runs).
  const firstVisitorOf = new Map<string, string>();
  const startedToday = new Set(site.filter((r) => r.cold).map((r) => r.instanceId));
  for (const r of [...visitorRecords].sort((a, b) => a.at - b.at)) if (startedToday.has(r.instanceId) && !firstVisitorOf.has(r.instanceId)) firstVisitorOf.set(r.instanceId, r.requestId);
  const firstVisitors = new Set(firstVisitorOf.values());
  const isWarm = (r: InvocationRecord) => !r.cold && !firstVisitors.has(r.requestId);
  // PHP time (the runtime's per-request line) of warm invocations, by kind of page.
  const phpOf = (r: InvocationRecord) => requestById.get(r.requestId)?.ms;
  const byClass = new Map<string, number[]>();
  for (const r of visitorRecords) {
    const line = requestById.get(r.requestId);
    if (!line || !isWarm(r)) continue;
    const cls = pathClass(line.path);
    byClass.set(cls, [...(byClass.get(cls) ?? []), line.ms]);
  }
  const warmMedian = (cls: string) => {
    const list = byClass.get(cls);
    return list?.length ? round(median(list), 1) : null;
  };
  const anonymousPaths = new Set(anonymous.map((x) => x.path));
  const warmAnonymous = visitorRecords.filter((r) => isWarm(r) && anonymousPaths.has(requestById.get(r.requestId)?.path ?? '')).map((r) => phpOf(r)!).filter((v) => v !== undefined);
  // Every answer CloudFront took from the function, visitors' and probes'; invocations beyond them are its background refreshes.
  const probeOrigin = result.probeExchanges.filter((x) => wentToOrigin(x) && !uploadsBehavior(x.path)).length;
  const backgroundRefreshes = Math.max(0, visitorRecords.length - originExchanges.length - probeOrigin);

  // Cold starts and who paid them.
  const cold = site.filter((r) => r.cold);
  const byInvoker: Record<string, number> = {};
  const byActor: Record<string, number> = {};
  // Who may have paid: the day's actors ('probe' is the generator's hostile bot), and the publish-to-visible probes.
  const payers = [...exchanges.map((x) => (x.actor === 'probe' ? { ...x, actor: 'hostile probe' } : x)), ...result.probeExchanges.map((x) => ({ ...x, actor: 'publish probe' }))] as Exchange[];
  for (const r of cold) {
    byInvoker[r.invoker] = (byInvoker[r.invoker] ?? 0) + 1;
    const who = r.invoker === 'cloudfront' ? actorOf(r, requestById.get(r.requestId)?.path, payers, dayStart) : r.invoker;
    byActor[who] = (byActor[who] ?? 0) + 1;
  }

  // First-run compilation: what the first visitor on each new environment paid.
  const firstRun: FirstRun = { afterCron: [], visitorCold: [] };
  const byInstance = new Map<string, InvocationRecord[]>();
  for (const r of site) if (r.instanceId) byInstance.set(r.instanceId, [...(byInstance.get(r.instanceId) ?? []), r]);
  for (const [instance, list] of byInstance) {
    list.sort((a, b) => a.at - b.at);
    const first = list[0]!;
    if (!first.cold) continue; // started before the day
    const firstVisitor = list.find((r) => r.invoker === 'cloudfront');
    const line = firstVisitor ? requestById.get(firstVisitor.requestId) : undefined;
    if (!firstVisitor || !line) continue;
    const cls = pathClass(line.path);
    const warm = warmMedian(cls);
    if (first.invoker === 'cloudfront' && firstVisitor === first) {
      firstRun.visitorCold.push({ instance, path: line.path, cls, phpMs: line.ms, initMs: first.initDurationMs ?? 0, warmMedianMs: warm, extraMs: warm === null ? null : round(line.ms - warm, 1) });
    } else if (first.invoker !== 'cloudfront' && list.indexOf(firstVisitor) > 0) {
      firstRun.afterCron.push({ instance, path: line.path, cls, phpMs: line.ms, warmMedianMs: warm, extraMs: warm === null ? null : round(line.ms - warm, 1) });
    }
  }

  // Peak concurrency: invocations overlapping in virtual time.
  const edges = site.filter((r) => r.outcome !== 'throttled').flatMap((r) => [[r.at, 1], [r.at + (r.initDurationMs ?? 0) + r.durationMs, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let peakConcurrency = 0;
  for (const [, d] of edges) peakConcurrency = Math.max(peakConcurrency, (live += d));

  const efsOf = (r: InvocationRecord) => result.efs[r.requestId];
  const visitorEfs = visitorRecords.map(efsOf).filter((c): c is FsOpCounts => c !== undefined);
  const cronEfs = cronRecords.map(efsOf).filter((c): c is FsOpCounts => c !== undefined);
  const initEfs = Object.entries(result.efs).filter(([k]) => k.startsWith('init:')).map(([, c]) => c);

  const outcomes: Record<string, number> = {};
  for (const r of site) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;

  const shapeCron = shape.cronRateMinutes;
  const pv = pageViews || 1;
  const functionBehavior = (p: string) => behaviorFor(shape, p.split('?')[0]!).viewerFunction;
  const comments = exchanges.filter((x) => x.kind === 'comment' && x.status < 400).length;
  const uploads = exchanges.filter((x) => x.kind === 'upload' && x.status < 300).length;
  // The day's changes only: the install's and the seeding's invalidations came before it.
  const dayInvalidations = result.invalidations.filter((i) => i.createdAt >= dayStart);
  const invalidationPaths = sum(dayInvalidations.map((i) => i.paths?.length ?? 0));
  const visitorBilled = visitorRecords.map((r) => r.durationMs);
  const cronBilled = cronRecords.map((r) => r.durationMs);
  const initList = cold.map((r) => r.initDurationMs ?? 0);
  // The outbox relay's sweep: the relay function as the schedule invoked it (its INIT spread over its runs).
  const sweeps = shape.relaySweep ? records.filter((r) => r.function !== siteName && r.invoker === 'cron' && r.function.includes(shape.relaySweep!.logicalId) && r.outcome !== 'throttled') : [];
  const usage: Usage = {
    source: `measured: ${pageViews} page views (${result.trace.fromHour}–${result.trace.toHour} h of the day, seed ${result.trace.seed}) replayed through the stack twin (${run.name}, ${result.finishedAt.slice(0, 10)})`,
    measured: true,
    perPageView: {
      cdnRequests: exchanges.length / pv,
      cdnFunctionRequests: exchanges.filter((x) => functionBehavior(x.path)).length / pv,
      bytesOut: sum(exchanges.map((x) => x.wireBytes ?? x.bytes)) / pv,
      bytesToOrigin: sum(exchanges.filter((x) => !isHit(x)).map((x) => x.requestBytes)) / pv,
      originInvocations: visitorRecords.length / pv,
      s3Gets: exchanges.filter((x) => uploadsBehavior(x.path) && !isHit(x)).length / pv,
      mails: comments / pv,
    },
    perMonth: { invalidationPaths: perDay(invalidationPaths) * DAYS_PER_MONTH, s3Puts: perDay(uploads * settings.estimate.objectsPerUpload) * DAYS_PER_MONTH },
    perInvocation: {
      billedMs: visitorBilled.length ? sum(visitorBilled) / visitorBilled.length : 0,
      efs: meanEfs(visitorEfs),
      logBytes: settings.estimate.logBytesPerInvocation,
      natBytes: 0,
      dbIo: 0,
      originBytes: originExchanges.length ? sum(originExchanges.map((x) => (x.wireBytes ?? x.bytes) + x.requestBytes)) / originExchanges.length : 0,
    },
    cron: { billedMs: cronBilled.length ? sum(cronBilled) / cronBilled.length : 0, efs: meanEfs(cronEfs), logBytes: settings.estimate.logBytesPerInvocation },
    ...(sweeps.length && { sweep: { billedMs: sum(sweeps.map((r) => r.durationMs)) / sweeps.length, initMs: sum(sweeps.map((r) => r.initDurationMs ?? 0)) / sweeps.length, logBytes: settings.estimate.logBytesPerInvocation } }),
    coldStarts: { initMs: initList.length ? round(median(initList), 1)! : 0, perMonthFixed: perDay(cold.length) * DAYS_PER_MONTH, perOriginInvocation: 0 },
    storage: { efsGb: settings.estimate.storage.mediaGb + settings.estimate.storage.codeAndDataGb, efsMediaGb: settings.estimate.storage.mediaGb, s3Gb: settings.estimate.storage.mediaGb, dbGb: settings.estimate.storage.auroraGb },
    aurora: { averageAcu: settings.estimate.auroraAcuAwake, awakeShare: 1 },
  };
  return {
    name: run.name,
    db: run.db,
    keepAliveMinutes: run.keepAliveMinutes,
    note: run.note,
    environment: run.environment ?? {},
    context: run.context ?? {},
    traffic: run.traffic ?? {},
    pageViews,
    dayShare,
    pageViewsPerMonth,
    viewerRequests: exchanges.length,
    cdnHitRatio: exchanges.length ? exchanges.filter(isHit).length / exchanges.length : 0,
    anonymousPages: anonymous.length,
    anonymousToOrigin: anonymousOrigin.length,
    anonymousToOriginByKind: countBy(anonymousOrigin.map((x) => (x.status === 404 ? 'not found' : pathClass(x.path)))),
    backgroundRefreshes,
    ttfb: {
      anonymousHit: percentiles(anonymous.filter(isHit).map((x) => x.ttfbMs)),
      anonymousOrigin: percentiles(anonymousOrigin.map((x) => x.ttfbMs)),
      allHit: percentiles(exchanges.filter(isHit).map((x) => x.ttfbMs)),
      allOrigin: percentiles(originExchanges.map((x) => x.ttfbMs)),
    },
    warmPhpMs: warmAnonymous.length ? round(median(warmAnonymous), 1) : null,
    invocations: Object.fromEntries(['cloudfront', 'cron', 'api', 'install'].map((k) => [k, site.filter((r) => r.invoker === k).length]).filter(([, n]) => n)),
    coldStarts: { total: cold.length, byInvoker, byActor },
    initMs: percentiles(initList),
    efs: { perVisitorInvocation: meanEfs(visitorEfs), perCron: meanEfs(cronEfs), perInit: meanEfs(initEfs), invocationsCounted: visitorEfs.length + cronEfs.length },
    phpMs: {
      visitor: percentiles(visitorRecords.map(phpOf).filter((v): v is number => v !== undefined)),
      cron: percentiles(cronRecords.map(phpOf).filter((v): v is number => v !== undefined)),
      byClass: Object.fromEntries([...byClass].map(([k, v]) => [k, percentiles(v)])),
    },
    billedMs: { visitorMean: round(usage.perInvocation.billedMs, 1)!, cronMean: round(usage.cron.billedMs, 1)! },
    cpu: (() => {
      const warm = visitorRecords.filter((r) => isWarm(r) && result.efs[r.requestId]?.cpuMs !== undefined);
      const cpuMs = warm.map((r) => result.efs[r.requestId]!.cpuMs!);
      const wall = sum(warm.map((r) => r.durationMs));
      return { visitorMs: percentiles(cpuMs), shareOfDuration: wall > 0 ? round(sum(cpuMs) / wall, 2) : null };
    })(),
    maxMemoryUsedMb: Math.max(0, ...site.map((r) => r.maxMemoryUsedMb)),
    memorySizeMb: shape.siteFunction.memoryMb,
    peakConcurrency,
    outcomes,
    errors5xx: exchanges.filter((x) => x.status >= 500).length,
    failures: result.run_.failures.length,
    firstRun,
    visibility: result.visibility,
    invalidations: dayInvalidations.length,
    otherFunctions,
    probes: { requests: result.probeExchanges.length, originAnswers: probeOrigin },
    wallMs: result.run_.wallMs,
    virtualMs: result.run_.virtualMs,
    cronRateMinutes: shapeCron,
    bill: computeBill(shape, usage, pageViewsPerMonth),
    usage,
  };
}
