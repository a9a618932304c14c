/**
 * Recorded usage: what each kind of request of the generated day costs at the origin, measured
 * on this machine by playing a sample of the day's intents one at a time through the replay's
 * own browser code against `lamphp serve --workers 1` (fs calls of its PHP worker counted) on a
 * seeded WordPress, plus Lambda-shaped cold starts. No CDN and no EFS are involved: this is the
 * input the bill estimate uses until the stack twin measures the day itself, and it says so.
 */
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../infra/twin/lambda/runtime-api.ts';
import { spawnService } from '../ramp/processes.ts';
import { BOOTSTRAP, lambdaEnv, waitForPollers } from '../suite/lambda-front.ts';
import { functionUrlEvent } from '../suite/lambda-event.ts';
import { primeSnapshot } from '../suite/cold-start.ts';
import { startCountingServe } from '../suite/fsops.ts';
import { median, percentile, round } from '../suite/stats.ts';
import type { FsOpCounts } from '../fsops/counter.ts';
import type { BenchSite } from '../suite/site.ts';
import { browserPerform, pageResources } from './browser.ts';
import { seedSite } from './seed.ts';
import type { EfsUsage } from './bill.ts';
import type { Exchange } from './driver.ts';
import type { Trace, TraceEvent } from './trace.ts';

export interface ClassCost {
  n: number;
  medianMs: number | null;
  p90Ms: number | null;
  medianBytes: number | null;
  medianRequestBytes: number | null;
  statuses: Record<string, number>;
  /** The Cache-Control the origin answered with most often (a CDN's TTL follows it). */
  cacheControl: string | null;
  /** Median host filesystem calls on the document root per request, by what EFS meters. */
  efs: EfsUsage;
}

export interface RecordedUsage {
  kind: 'recorded-usage';
  note: string;
  recordedAt: string;
  command: string;
  db: 'sqlite' | 'mysql';
  phpVersion: string;
  /** Cost per request class (see classOf). */
  classes: Record<string, ClassCost>;
  /** Same-origin files each page type references (first view), with their sizes. */
  resources: Record<string, Array<{ path: string; bytes: number }>>;
  /** Lambda-shaped, opcache snapshot restored: INIT (start → first poll) and the first invocation after it. */
  coldStart: { runs: number; initMs: number | null; firstInvocationMs: number | null };
  /** Load average (1 min) when the recording began and ended: other work on the machine inflates the times. */
  load: { before: number; after: number };
}

/** The cost class of one exchange: what the estimate looks a request up by. */
export function classOf(x: Pick<Exchange, 'kind'>, event: Pick<TraceEvent, 'page'>): string {
  if (x.kind === 'page' || x.kind === 'crawl') return `${x.kind}:${event.page ?? 'other'}`;
  return x.kind;
}

const METADATA_WRITES = new Set(['mkdir', 'mkdtemp', 'rmdir', 'rm', 'unlink', 'rename', 'copyFile', 'link', 'symlink', 'chmod', 'fchmod', 'chown', 'fchown', 'utimes', 'futimes', 'truncate', 'ftruncate', 'fsync']);

/** Document-root calls as EFS meters them: data reads and writes apart from metadata operations. */
export function efsFromCounts(counts: FsOpCounts): EfsUsage {
  const e: EfsUsage = { metadataOps: 0, dataReads: 0, dataReadBytes: 0, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 };
  for (const [cls, kinds] of Object.entries(counts.byClass)) {
    if (!cls.startsWith('root:')) continue;
    for (const [kind, n] of Object.entries(kinds)) {
      if (kind === 'read') e.dataReads += n ?? 0;
      else if (kind === 'write') e.dataWrites += n ?? 0;
      else if (METADATA_WRITES.has(kind)) e.metadataWrites += n ?? 0;
      else e.metadataOps += n ?? 0;
    }
  }
  return e;
}

/** Up to `perClass` intents of each kind and page type, in day order; every editor intent (they depend on each other). */
export function sampleIntents(events: readonly TraceEvent[], perClass: number): TraceEvent[] {
  const taken = new Map<string, number>();
  return events.filter((e) => {
    if (e.actor === 'editor') return true;
    const key = `${e.kind}:${e.page ?? ''}`;
    const n = taken.get(key) ?? 0;
    if (n >= perClass) return false;
    taken.set(key, n + 1);
    return true;
  });
}

async function coldStarts(site: BenchSite, workDir: string, runs: number, env: NodeJS.ProcessEnv): Promise<RecordedUsage['coldStart']> {
  await primeSnapshot(site.dir, workDir, 3, env);
  const init: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < runs; i++) {
    const emulator = await startEmulator({ timeoutMs: 60_000 });
    const t0 = performance.now();
    const service = spawnService({ name: 'cold', command: BOOTSTRAP, args: [], logFile: path.join(workDir, `record-cold-${i}.log`), env: lambdaEnv(emulator, site.dir, { LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), ...env }) });
    try {
      await waitForPollers(emulator, 1, [service]);
      init.push(performance.now() - t0);
      const result = await emulator.invoke(functionUrlEvent({ method: 'GET', url: '/', rawHeaders: ['host', '127.0.0.1:9000'], body: Buffer.alloc(0), sourceIp: '127.0.0.1', port: 9000 }));
      if (result.kind !== 'response') throw new Error(`cold start: the first invocation ended with ${result.kind}`);
      first.push(result.durationMs);
    } finally {
      await service.stop();
      await emulator.close();
    }
  }
  return { runs, initMs: round(median(init), 1), firstInvocationMs: round(median(first), 1) };
}

export async function recordUsage({
  site,
  trace,
  workDir,
  perClass,
  coldRuns,
  env = {},
  command,
  log = () => {},
}: {
  site: BenchSite;
  trace: Trace;
  workDir: string;
  perClass: number;
  coldRuns: number;
  env?: NodeJS.ProcessEnv;
  command: string;
  log?: (line: string) => void;
}): Promise<RecordedUsage> {
  const loadBefore = os.loadavg()[0]!;
  const server = await startCountingServe({ root: site.dir, workDir, env });
  const samples = new Map<string, Array<{ x: Exchange; efs?: EfsUsage }>>();
  const resources: RecordedUsage['resources'] = {};
  const sizes = new Map<string, number>();
  try {
    log(`  seeding ${trace.posts.filter((p) => p.publishedAt === undefined).length} posts`);
    const map = await seedSite({ baseUrl: server.url, admin: site.admin, trace, log });
    let virtualNow = 0;
    const perform = browserPerform({
      baseUrl: server.url,
      trace,
      site: map,
      admin: site.admin,
      now: () => virtualNow,
      cron: async () => {
        const t0 = performance.now();
        const r = await fetch(`${server.url}/wp-cron.php?doing_wp_cron=${(Date.now() / 1000).toFixed(4)}`);
        const bytes = (await r.arrayBuffer()).byteLength;
        const ms = performance.now() - t0;
        return [{ event: -1, actor: 'cron', kind: 'cron', method: 'GET', path: '/wp-cron.php', status: r.status, ttfbMs: ms, totalMs: ms, bytes, requestBytes: 0, at: virtualNow, pageView: false }];
      },
    });
    // Warm the PHP worker and opcache on the pages first, as a site in use is.
    for (const p of ['/', '/feed/', '/wp-login.php']) for (let i = 0; i < 5; i++) await (await fetch(server.url + p)).arrayBuffer();
    const intents = sampleIntents(trace.events, perClass);
    log(`  playing ${intents.length} intents one at a time`);
    for (const [i, event] of intents.entries()) {
      virtualNow = event.t;
      await server.reset();
      const made = await perform(event, i);
      const efs = efsFromCounts(await server.report());
      made.forEach((x, k) => {
        if (x.status === 200) sizes.set(x.path, x.bytes);
        const key = classOf(x, event);
        // The PHP worker's calls belong to the intent's first request (a page's files are static).
        samples.set(key, [...(samples.get(key) ?? []), { x, ...(k === 0 && { efs }) }]);
      });
      if (event.kind === 'page' && event.page && !resources[event.page] && made[0]?.status === 200) {
        const html = await (await fetch(server.url + made[0].path)).text();
        resources[event.page] = pageResources(html, server.url).map((p) => ({ path: p, bytes: -1 }));
      }
      if ((i + 1) % 50 === 0) log(`  ${i + 1} of ${intents.length}`);
    }
  } finally {
    await server.stop();
  }
  // Sizes as served to any visitor during the recording (a page's own exchange may have been skipped: the browser held it).
  for (const list of Object.values(resources)) for (const r of list) r.bytes = sizes.get(r.path) ?? 0;
  const classes: Record<string, ClassCost> = {};
  for (const [key, list] of samples) {
    const ms = list.map((s) => s.x.totalMs).sort((a, b) => a - b);
    const withEfs = list.filter((s) => s.efs).map((s) => s.efs!);
    const med = (pick: (e: EfsUsage) => number) => round(median(withEfs.map(pick)), 1) ?? 0;
    const statuses: Record<string, number> = {};
    const headers = new Map<string, number>();
    for (const s of list) {
      statuses[s.x.status] = (statuses[s.x.status] ?? 0) + 1;
      headers.set(s.x.cacheControl ?? '', (headers.get(s.x.cacheControl ?? '') ?? 0) + 1);
    }
    const commonest = [...headers].sort((a, b) => b[1] - a[1])[0]?.[0];
    classes[key] = {
      n: list.length,
      medianMs: round(median(ms), 2),
      p90Ms: round(percentile(ms, 90), 2),
      medianBytes: round(median(list.map((s) => s.x.bytes)), 0),
      medianRequestBytes: round(median(list.map((s) => s.x.requestBytes)), 0),
      statuses,
      cacheControl: commonest ? commonest : null,
      efs: { metadataOps: med((e) => e.metadataOps), dataReads: med((e) => e.dataReads), dataReadBytes: 0, metadataWrites: med((e) => e.metadataWrites), dataWrites: med((e) => e.dataWrites), dataWriteBytes: 0 },
    };
  }
  log('  cold starts');
  const coldStart = coldRuns > 0 ? await coldStarts(site, workDir, coldRuns, env) : { runs: 0, initMs: null, firstInvocationMs: null };
  return {
    kind: 'recorded-usage',
    note: 'Recorded on one machine through `lamphp serve --workers 1` (PHP worker fs calls counted) and Lambda-shaped cold starts: no CloudFront, no EFS, no AWS. An input for the estimate, not a measurement of the stack.',
    recordedAt: new Date().toISOString(),
    command,
    db: site.db,
    phpVersion: env.LAMPHP_PHP_VERSION ?? process.env.LAMPHP_PHP_VERSION ?? 'default',
    classes,
    resources,
    coldStart,
    load: { before: round(loadBefore, 2)!, after: round(os.loadavg()[0]!, 2)! },
  };
}
