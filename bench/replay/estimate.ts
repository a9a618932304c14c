/**
 * The ESTIMATE (until the stack twin replays the day): for each database mode and each monthly
 * volume, the generated day at that volume is expanded into viewer requests (a browser's page
 * plus the files it does not hold yet), run through a model of the template's CloudFront cache
 * (CloudFront's TTL rules on the Cache-Control each request class answered with when recorded),
 * and the origin invocations through a model of Lambda's environments at each idle keep-alive;
 * each request is costed by its recorded class; the bill follows from the template's resources.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeBill, HOURS_PER_MONTH, type Bill, type EfsUsage, type Usage } from './bill.ts';
import { behaviorFor, cronRateMinutes, readTemplate, stackShape, type StackShape, type Template } from './stack.ts';
import { generateDay } from './generate.ts';
import { cloudFrontTtl, edgeCache, simulateEnvironments, type EdgeRequest, type Invocation } from './model.ts';
import type { ReplaySettings } from './settings.ts';
import type { ClassCost, RecordedUsage } from './record.ts';
import type { TraceEvent } from './trace.ts';
import type { Db } from '../suite/site.ts';
import { renderEstimate, writeEstimate } from './report.ts';

export type Mode = 'sqlite' | 'mysql' | 'aurora';
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

interface ViewerRequest extends EdgeRequest {
  cls: string;
  actor: TraceEvent['actor'];
  pageView: boolean;
  anonymousPage: boolean;
  bytes: number;
  requestBytes: number;
}

export interface DayResult {
  mode: Mode;
  pageViewsPerMonth: number;
  idleTimeoutMin: number;
  cronRateMinutes: number | null;
  pageViewsPerDay: number;
  viewerRequests: number;
  cdnHitRatio: number;
  /** Anonymous readers' HTML pages answered by the function rather than the cache. */
  anonymousPagesToOrigin: number;
  invocationsPerDay: { viewer: number; cron: number };
  coldStartsPerDay: number;
  coldStartsBy: Record<string, number>;
  peakEnvironments: number;
  efsPerInvocation: EfsUsage;
  phpMsPerInvocation: number;
  bill: Bill;
}

function cost(classes: Record<string, ClassCost>, cls: string): ClassCost {
  const c = classes[cls] ?? classes[cls.split(':')[0]!] ?? (cls.startsWith('crawl:') ? classes[`page:${cls.slice(6)}`] : undefined);
  if (!c) throw new Error(`The recorded usage has no request class "${cls}"; record again with --record.`);
  return c;
}

/** Viewer requests of a day: each intent's request, and for a browser's page the files it does not hold yet. */
function expand(events: readonly TraceEvent[], recorded: RecordedUsage, shape: StackShape): { requests: ViewerRequest[]; cron: number[] } {
  const requests: ViewerRequest[] = [];
  const cron: number[] = [];
  const held = new Map<string, Set<string>>();
  const private_ = new Set<string>();
  for (const e of events) {
    if (e.kind === 'cron') {
      cron.push(e.t);
      continue;
    }
    if (e.kind === 'comment' || e.actor === 'editor') private_.add(e.actorId); // their cookies make every page private
    const cls = e.kind === 'page' || e.kind === 'crawl' ? `${e.kind}:${e.page}` : e.kind;
    const c = cost(recorded.classes, cls);
    const urlPath = e.target.startsWith('/') ? e.target.split('?')[0]! : e.target.startsWith('admin:') ? '/wp-admin/' : '/';
    const behavior = behaviorFor(shape, e.kind === 'login' ? '/wp-login.php' : urlPath);
    const cookie = private_.has(e.actorId) ? ` cookie:${e.actorId}` : '';
    const cacheable = e.method === 'GET' && !cookie;
    requests.push({
      t: e.t,
      method: e.method,
      key: `${e.target}${cookie}`,
      behavior,
      ttlS: cacheable ? cloudFrontTtl(c.cacheControl, behavior.ttl) : 0,
      cls,
      actor: e.actor,
      pageView: e.pageView,
      anonymousPage: e.kind === 'page' && !cookie,
      bytes: c.medianBytes ?? 0,
      requestBytes: c.medianRequestBytes ?? 0,
    });
    if (!(e.browser && e.kind === 'page')) continue;
    const mine = held.get(e.actorId) ?? new Set<string>();
    held.set(e.actorId, mine);
    for (const [i, r] of (recorded.resources[e.page!] ?? []).entries()) {
      const image = r.path.includes('/wp-content/uploads/');
      // Images belong to the page shown; styles and scripts are the same on every page.
      const key = image ? `${e.target}#image-${i}` : r.path;
      if (mine.has(key) || (!image && e.actorId.endsWith(':returning'))) continue;
      mine.add(key);
      const b = behaviorFor(shape, image ? '/wp-content/uploads/x.jpg' : r.path.split('?')[0]!);
      const rc = cost(recorded.classes, image ? 'image' : 'asset');
      requests.push({ t: e.t + 1, method: 'GET', key, behavior: b, ttlS: cloudFrontTtl(image ? UPLOADS_CACHE_CONTROL : rc.cacheControl, b.ttl), cls: image ? 'image' : 'asset', actor: e.actor, pageView: false, anonymousPage: false, bytes: r.bytes || (rc.medianBytes ?? 0), requestBytes: 0 });
    }
  }
  requests.sort((a, b) => a.t - b.t);
  return { requests, cron };
}

/** What the uploads sync stores with each object (bridge/cache-control.ts's uploads row, the default). */
const UPLOADS_CACHE_CONTROL = 'public, max-age=604800';

function sumEfs(list: readonly EfsUsage[]): EfsUsage {
  const out: EfsUsage = { metadataOps: 0, dataReads: 0, dataReadBytes: 0, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 };
  for (const e of list) for (const k of Object.keys(out) as Array<keyof EfsUsage>) out[k] += e[k];
  return out;
}
const scaleEfs = (e: EfsUsage, f: number): EfsUsage => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v * f])) as unknown as EfsUsage;

export function estimateDay({ settings, mode, shape, recorded, pageViewsPerMonth, idleTimeoutMin }: { settings: ReplaySettings; mode: Mode; shape: StackShape; recorded: RecordedUsage; pageViewsPerMonth: number; idleTimeoutMin: number }): DayResult {
  const pageViewsPerDay = pageViewsPerMonth / DAYS_PER_MONTH;
  const day = generateDay({ ...settings, pageViewsPerDay: Math.round(pageViewsPerDay) }, { cronRateMinutes: shape.cronRateMinutes });
  const { requests, cron } = expand(day.events, recorded, shape);
  const hits = edgeCache(requests);
  const invocations: Invocation[] = [];
  const efs: EfsUsage[] = [];
  let s3Gets = 0;
  let anonymousPages = 0;
  let anonymousToOrigin = 0;
  requests.forEach((r, i) => {
    if (r.anonymousPage) anonymousPages++;
    if (hits[i]) return;
    if (r.behavior.s3Origin) {
      s3Gets++;
      return;
    }
    if (r.anonymousPage) anonymousToOrigin++;
    const c = cost(recorded.classes, r.cls);
    invocations.push({ t: r.t, ms: c.medianMs ?? 0, actor: r.actor });
    efs.push(r.cls === 'asset' ? STATIC_FILE_EFS : c.efs);
  });
  const cronCost = cost(recorded.classes, 'cron');
  const all = [...invocations, ...cron.map((t) => ({ t, ms: cronCost.medianMs ?? 0, actor: 'cron' }))].sort((a, b) => a.t - b.t);
  const warmHome = cost(recorded.classes, 'page:home').medianMs ?? 0;
  const envs = simulateEnvironments(all, {
    idleTimeoutMs: idleTimeoutMin * 60_000,
    initMs: recorded.coldStart.initMs ?? 0,
    firstExtraMs: Math.max(0, (recorded.coldStart.firstInvocationMs ?? warmHome) - warmHome),
  });
  const coldStartsBy: Record<string, number> = {};
  for (const c of envs.coldStarts) coldStartsBy[c.actor] = (coldStartsBy[c.actor] ?? 0) + 1;
  const viewerBilled = all.map((inv, i) => (inv.actor === 'cron' ? 0 : envs.billedMs[i]!)).reduce((a, b) => a + b, 0);
  const cronBilled = all.map((inv, i) => (inv.actor === 'cron' ? envs.billedMs[i]! : 0)).reduce((a, b) => a + b, 0);
  const pv = day.events.filter((e) => e.pageView).length;
  const perPv = (n: number) => (pv ? n / pv : 0);
  const uploads = day.events.filter((e) => e.kind === 'upload').length;
  const comments = day.events.filter((e) => e.kind === 'comment').length;
  const viewerEfs = sumEfs(efs);
  const originBytes = requests.filter((r, i) => !hits[i] && !r.behavior.s3Origin).reduce((s, r) => s + r.bytes + r.requestBytes, 0);
  const { storage } = settings.estimate;
  // Aurora at 0 ACU pauses once no connection came for the pause interval; every invocation connects.
  const pauseMs = settings.estimate.auroraPauseAfterMinutes * 60_000;
  let awake = 0;
  for (let i = 0; i < all.length; i++) awake += Math.min(pauseMs, (all[i + 1]?.t ?? day.durationMs) - all[i]!.t);
  const usage: Usage = {
    source: `ESTIMATE: generated day (seed ${settings.seed}) through a model of the template's CloudFront cache and of Lambda environments (idle keep-alive ${idleTimeoutMin} min), costed by the usage recorded ${recorded.recordedAt.slice(0, 10)} (${recorded.db}, ${recorded.note})`,
    measured: false,
    perPageView: {
      cdnRequests: perPv(requests.length),
      cdnFunctionRequests: perPv(requests.filter((r) => r.behavior.viewerFunction).length),
      bytesOut: perPv(requests.reduce((s, r) => s + r.bytes, 0)),
      bytesToOrigin: perPv(requests.reduce((s, r) => s + r.requestBytes, 0)),
      originInvocations: perPv(invocations.length),
      s3Gets: perPv(s3Gets),
      mails: perPv(comments),
    },
    // The model sends no invalidations (it predates the outbox relay); uploads are the day's, a month of days.
    perMonth: { invalidationPaths: 0, s3Puts: uploads * settings.estimate.objectsPerUpload * (86_400_000 / day.durationMs) * DAYS_PER_MONTH },
    perInvocation: {
      billedMs: invocations.length ? viewerBilled / invocations.length : 0,
      efs: invocations.length ? scaleEfs(viewerEfs, 1 / invocations.length) : viewerEfs,
      logBytes: settings.estimate.logBytesPerInvocation,
      natBytes: 0,
      dbIo: 0,
      originBytes: invocations.length ? originBytes / invocations.length : 0,
    },
    cron: { billedMs: cron.length ? cronBilled / cron.length : 0, efs: cronCost.efs, logBytes: settings.estimate.logBytesPerInvocation },
    coldStarts: { initMs: recorded.coldStart.initMs ?? 0, perMonthFixed: envs.coldStarts.length * DAYS_PER_MONTH, perOriginInvocation: 0 },
    storage: { efsGb: storage.mediaGb + storage.codeAndDataGb, efsMediaGb: storage.mediaGb, s3Gb: storage.mediaGb, dbGb: storage.auroraGb },
    aurora: { averageAcu: settings.estimate.auroraAcuAwake, awakeShare: Math.min(1, awake / day.durationMs) },
  };
  return {
    mode,
    pageViewsPerMonth,
    idleTimeoutMin,
    cronRateMinutes: shape.cronRateMinutes,
    pageViewsPerDay: pv,
    viewerRequests: requests.length,
    cdnHitRatio: requests.length ? hits.filter(Boolean).length / requests.length : 0,
    anonymousPagesToOrigin: anonymousPages ? anonymousToOrigin / anonymousPages : 0,
    invocationsPerDay: { viewer: invocations.length, cron: cron.length },
    coldStartsPerDay: envs.coldStarts.length,
    coldStartsBy,
    peakEnvironments: envs.peakEnvironments,
    efsPerInvocation: usage.perInvocation.efs,
    phpMsPerInvocation: usage.perInvocation.billedMs,
    bill: computeBill(shape, usage, pageViewsPerMonth),
  };
}

/** A static file read by the function: open, fstat, one read, close (it is not PHP, so not counted in the worker). */
const STATIC_FILE_EFS: EfsUsage = { metadataOps: 3, dataReads: 1, dataReadBytes: 0, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 };

/** The template of each mode: the committed one for SQLite, the others synthesized with the placeholder layer. */
export async function templates(modes: readonly Mode[]): Promise<Partial<Record<Mode, Template>>> {
  const out: Partial<Record<Mode, Template>> = {};
  if (modes.includes('sqlite')) out.sqlite = readTemplate();
  const others = modes.filter((m) => m !== 'sqlite');
  if (!others.length) return out;
  const { buildApp, DEFAULT_STACK_NAME } = await import('../../infra/app.ts');
  const { writePlaceholderLayer } = await import('../../infra/synth.ts');
  const { writePlaceholderWordPress } = await import('../../infra/wordpress-asset.ts');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-replay-synth-'));
  try {
    // Stand-ins for the layer and the WordPress asset, as for the committed template: resources only.
    const overrides = { layerZip: writePlaceholderLayer(tmp), wordpressZip: writePlaceholderWordPress(tmp) };
    for (const mode of others) {
      const built = await buildApp({ outdir: path.join(tmp, mode), context: { database: mode }, overrides });
      out[mode] = built.app.synth().getStackByName(DEFAULT_STACK_NAME).template as Template;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

export async function runEstimate({
  settings,
  dbs,
  recordedFile,
  write,
  command,
  log,
}: {
  settings: ReplaySettings;
  dbs: readonly Db[];
  recordedFile: (db: Db) => string;
  write: boolean;
  command: string;
  log: (line: string) => void;
}): Promise<number> {
  const recorded: Partial<Record<Db, RecordedUsage>> = {};
  for (const db of dbs) {
    const file = recordedFile(db);
    if (!fs.existsSync(file)) {
      log(`No recorded usage for ${db} (${path.relative(process.cwd(), file)}): run npm run bench:replay -- --record first.`);
      return 2;
    }
    recorded[db] = JSON.parse(fs.readFileSync(file, 'utf8')) as RecordedUsage;
  }
  const modes: Mode[] = [...(recorded.sqlite ? (['sqlite'] as const) : []), ...(recorded.mysql ? (['mysql', 'aurora'] as const) : [])];
  log(`templates: ${modes.join(', ')}`);
  const tpl = await templates(modes);
  const results: DayResult[] = [];
  for (const mode of modes) {
    const shape = stackShape(tpl[mode]!);
    if (shape.cronRateMinutes !== cronRateMinutes(tpl[mode]!)) throw new Error('cron schedule read twice differently');
    for (const volume of settings.estimate.volumesPerMonth) {
      for (const idle of settings.replay.idleTimeoutsMinutes) {
        const r = estimateDay({ settings, mode, shape, recorded: recorded[mode === 'sqlite' ? 'sqlite' : 'mysql']!, pageViewsPerMonth: volume, idleTimeoutMin: idle });
        results.push(r);
        log(`  ${mode} ${volume.toLocaleString('en')} page views/month, keep-alive ${idle} min: hit ratio ${(r.cdnHitRatio * 100).toFixed(1)} %, ${r.invocationsPerDay.viewer} viewer invocations/day, ${r.coldStartsPerDay} cold starts/day, bill $${r.bill.totalUsd.toFixed(2)} ($${r.bill.afterFreeTierUsd.toFixed(2)} after the always-free allowances)`);
      }
    }
  }
  const report = renderEstimate({ settings, results, recorded, command });
  if (write) {
    const written = writeEstimate(report, results, settings);
    log(`wrote ${written.join(', ')}`);
  } else log(report.markdown);
  return 0;
}
