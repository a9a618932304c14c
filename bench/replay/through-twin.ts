/**
 * The replay proper: the generated day sent through the stack twin's CloudFront — the template a
 * deploy would create, run locally (infra/twin) — on the twin's own clock. While nothing is in
 * flight the clock jumps, so idle gaps cost no wall time; while a page, a cron run or a cold
 * start is in flight, virtual time follows the wall clock (driver.ts, virtualReplay). The twin's
 * records give every invocation (who caused it, cold or warm, INIT, duration, memory); the
 * function's log gives each invocation's path and PHP time (the runtime's debug line) and its EFS
 * calls (efs-preload.ts). A run is one variant: database mode, keep-alive, cache setting,
 * traffic volume.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { startTwin, type TwinHandle } from '../../infra/twin/index.ts';
import type { InvocationRecord } from '../../infra/twin/lambda/instances.ts';
import type { InvalidationRecord } from '../../infra/twin/cloudfront/api.ts';
import { adminPassword } from '../../infra/twin/journey.ts';
import { realClock } from '../ramp/clock.ts';
import { Visitor } from '../../test/support/http-client.ts';
import { virtualReplay, type Exchange, type VirtualReplayRun, type VirtualTime } from './driver.ts';
import { browserPerform } from './browser.ts';
import { seedSite } from './seed.ts';
import { generateDay } from './generate.ts';
import { LOG_KEY } from './efs-preload.ts';
import { replayStack } from './twin-stack.ts';
import type { FsOpCounts } from '../fsops/counter.ts';
import type { ReplaySettings, TwinRun } from './settings.ts';
import type { Trace } from './trace.ts';

/** One invocation's line of the runtime's debug log: what the bridge served and how long PHP took. */
export interface RequestLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** A publish (or comment approval) and when anonymous visitors first saw it through CloudFront. */
export interface Visibility {
  kind: 'publish' | 'comment';
  path: string;
  /** Virtual ms since the day started, when the change was answered. */
  at: number;
  /** Virtual ms from the change to the first probe that saw it; null when not seen within the limit. */
  visibleAfterMs: number | null;
  probes: number;
  limitMs: number;
}

export interface TwinRunResult {
  kind: 'replay-twin';
  run: TwinRun;
  /** Environment added to the site function (measurement variables, the variant's settings). */
  added: Record<string, string>;
  context: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
  /** Load average (1, 5, 15 min) before the run and after it. */
  load: { before: number[]; after: number[] };
  cores: number;
  commit: string | null;
  command: string;
  seedMs: number;
  trace: { seed: number; pageViewsPerDay: number; fromHour: number; toHour: number; events: number; pageViews: number };
  run_: Omit<VirtualReplayRun, 'exchanges'>;
  exchanges: Exchange[];
  /** Exchanges of the publish-to-visible probes (not visitors: kept apart). */
  probeExchanges: Exchange[];
  records: InvocationRecord[];
  requests: RequestLine[];
  /** EFS calls per invocation id (`init:<instance>` for an environment's start). */
  efs: Record<string, FsOpCounts & { cpuMs?: number }>;
  invalidations: InvalidationRecord[];
  visibility: Visibility[];
  /** The template the twin ran (the bill reads its resources). */
  template: unknown;
  dayStart: number;
}

/**
 * undici connections to the twin's edge: its host port, the site's name for SNI, its CA; from
 * `localAddress` when given (any 127.x.y.z is this machine's loopback), so the edge, which learns
 * each viewer's address from the host forwarder, sees different viewers.
 */
export function edgeAgent(twin: Pick<TwinHandle, 'siteUrl' | 'port' | 'ca'>, localAddress?: string): Agent {
  const host = new URL(twin.siteUrl).hostname;
  const connect = buildConnector({ ca: twin.ca, servername: host, rejectUnauthorized: true, ...(localAddress && { localAddress }) } as tls.ConnectionOptions & { servername: string });
  return new Agent({
    keepAliveTimeout: 10_000,
    connections: 64,
    connect: (options, callback) => connect({ ...options, hostname: '127.0.0.1', host: '127.0.0.1', port: String(twin.port), servername: host }, callback),
  });
}

/**
 * One viewer address per actor, from a pool of `size` loopback addresses (127.1.x.y): readers,
 * crawlers and editors reach the site from addresses of their own, as on the internet (WordPress
 * keys its comment flood check on the address).
 */
export function viewerAgents(twin: Pick<TwinHandle, 'siteUrl' | 'port' | 'ca'>, size = 250): { agentFor: (actorId: string) => Agent; close: () => Promise<void> } {
  const agents = new Map<number, Agent>();
  const slot = (actorId: string) => {
    let h = 2166136261;
    for (let i = 0; i < actorId.length; i++) h = Math.imul(h ^ actorId.charCodeAt(i), 16777619) >>> 0;
    return h % size;
  };
  return {
    agentFor: (actorId) => {
      const n = slot(actorId);
      let a = agents.get(n);
      if (!a) agents.set(n, (a = edgeAgent(twin, `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`)));
      return a;
    },
    close: async () => {
      await Promise.all([...agents.values()].map((a) => a.close().catch(() => {})));
    },
  };
}

/** Sums the counter lines of the function's log by invocation (an environment's start by its stream). */
export function efsFromLogs(lines: ReadonlyArray<{ stream: string; message: string }>): Record<string, FsOpCounts & { cpuMs?: number }> {
  const out: Record<string, FsOpCounts & { cpuMs?: number }> = {};
  for (const { stream, message } of lines) {
    if (!message.includes(LOG_KEY)) continue;
    let parsed: { [LOG_KEY]: string; counts: FsOpCounts; cpuMs?: number };
    try {
      parsed = JSON.parse(message);
    } catch {
      continue;
    }
    const id = parsed[LOG_KEY] === 'init' ? `init:${stream}` : parsed[LOG_KEY];
    const into = (out[id] ??= { total: 0, byKind: {}, byClass: {}, delayedMs: 0 });
    into.total += parsed.counts.total;
    if (parsed.cpuMs !== undefined) into.cpuMs = (into.cpuMs ?? 0) + parsed.cpuMs;
    for (const [k, n] of Object.entries(parsed.counts.byKind)) into.byKind[k as keyof FsOpCounts['byKind']] = (into.byKind[k as keyof FsOpCounts['byKind']] ?? 0) + (n ?? 0);
  }
  return out;
}

/** The runtime's per-request debug lines (bridge/handler.ts: `request`, with method, path, status, ms). */
export function requestsFromLogs(lines: ReadonlyArray<{ message: string }>): RequestLine[] {
  const out: RequestLine[] = [];
  for (const { message } of lines) {
    if (!message.startsWith('{') || !message.includes('"msg":"request"')) continue;
    try {
      const m = JSON.parse(message);
      if (m.msg === 'request' && m.level === 'debug' && typeof m.requestId === 'string') out.push({ requestId: m.requestId, method: m.method, path: m.path, status: m.status, ms: m.ms });
    } catch {
      // Not a log line of the runtime.
    }
  }
  return out;
}

/** The day a run replays: the settings, with the run's traffic changes (one level deep) applied. */
export function trafficOf(settings: ReplaySettings, run: TwinRun): ReplaySettings {
  const out = { ...settings } as Record<string, unknown>;
  for (const [key, value] of Object.entries(run.traffic ?? {})) {
    const base = out[key];
    out[key] = base && typeof base === 'object' && !Array.isArray(base) && value && typeof value === 'object' && !Array.isArray(value) ? { ...base, ...value } : value;
  }
  return out as unknown as ReplaySettings;
}

const loadavg = () => os.loadavg().map((v) => Math.round(v * 100) / 100);

/** Lets virtual time pass with nothing but the twin's schedules running (cron), jumping while idle. */
async function settle(clock: Parameters<typeof virtualReplay>[0]['clock'], ms: number, stepMs: number, pollMs: number): Promise<VirtualReplayRun> {
  const driver = virtualReplay({ events: [], dayStart: clock.now(), clock, wall: realClock, perform: async () => [], stepMs, pollMs });
  void driver.time.sleep(ms);
  return driver.run();
}

/**
 * Polls, as an anonymous visitor through CloudFront, the changed post and the home page until
 * both show the change, every `everyMs` of virtual time up to `limitMs`.
 */
async function probeVisibility({ kind, path: changed, marker, time, baseUrl, dispatcher, everyMs, limitMs, exchanges }: { kind: Visibility['kind']; path: string; marker: (home: string, post: string) => boolean; time: VirtualTime; baseUrl: string; dispatcher: Agent; everyMs: number; limitMs: number; exchanges: Exchange[] }): Promise<Visibility> {
  const at = time.now();
  const viewer = new Visitor(baseUrl, { dispatcher });
  let probes = 0;
  for (;;) {
    const sentAt = time.now();
    // One after the other, as one reader would: two at once would need a second environment.
    const [post, home] = await time.working((async () => [await viewer.get(changed), await viewer.get('/')] as const)());
    viewer.cookies.clear();
    probes++;
    for (const [p, r] of [[changed, post], ['/', home]] as const) {
      exchanges.push({ event: -1, actor: 'probe', kind: 'page', method: 'GET', path: p, status: r.status, ttfbMs: r.ttfbMs, totalMs: r.totalMs, bytes: r.bytes.length, requestBytes: 0, cache: r.headers.get('x-cache') ?? undefined, cacheControl: r.headers.get('cache-control') ?? undefined, at: p === '/' ? time.now() - r.totalMs : sentAt, pageView: false });
    }
    if (post.status === 200 && home.status === 200 && marker(home.text, post.text)) return { kind, path: changed, at, visibleAfterMs: sentAt - at, probes, limitMs };
    if (time.now() - at >= limitMs) return { kind, path: changed, at, visibleAfterMs: null, probes, limitMs };
    await time.sleep(everyMs);
  }
}

export async function runOnTwin({ settings, run, layerZip, command, commit, log }: { settings: ReplaySettings; run: TwinRun; layerZip: string; command: string; commit: string | null; log: (line: string) => void }): Promise<TwinRunResult> {
  const t = settings.twin;
  const pageViewsPerDay = run.pageViewsPerDay ?? settings.pageViewsPerDay;
  const day = trafficOf(settings, run);
  const full: Trace = generateDay({ ...day, pageViewsPerDay }, { cronRateMinutes: null });
  const [fromHour, toHour] = run.hours ?? [0, 24];
  const events = full.events.filter((e) => e.kind !== 'cron' && e.t >= fromHour * 3_600_000 && e.t < toHour * 3_600_000).map((e) => ({ ...e, t: e.t - fromHour * 3_600_000 }));
  const trace: Trace = { ...full, events };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-replay-twin-'));
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const context = { database: run.db, ...run.context };
  const stack = await replayStack({ dir: path.join(dir, 'assembly'), layerZip, context, environment: run.environment, log: () => {} });
  log(`  ${run.name}: starting the twin (${run.db}, keep-alive ${run.keepAliveMinutes} min${Object.keys(run.environment ?? {}).length ? `, ${JSON.stringify(run.environment)}` : ''}${Object.keys(run.context ?? {}).length ? `, context ${JSON.stringify(run.context)}` : ''})`);
  const twin = await startTwin({ assembly: stack.assembly, clock: 'manual', keepAliveMs: run.keepAliveMinutes * 60_000, log: () => {} });
  const dispatcher = edgeAgent(twin);
  const viewers = viewerAgents(twin);
  try {
    const admin = await adminPassword(twin);
    if (!admin) throw new Error('The twin gave no admin password (AdminPasswordParameter output): the replay logs in as the installed admin.');
    const instances = async () => Object.values(await twin.instances()).flat();
    const clock = {
      now: () => now,
      advance: async (ms: number) => {
        now = await twin.advanceClock(ms);
      },
      busy: async () => (await instances()).some((i) => i.state !== 'idle'),
    };
    let now = await twin.advanceClock(0);
    const seedStart = performance.now();
    const site = await seedSite({ baseUrl: twin.siteUrl, admin, trace, dispatcher, log });
    const seedMs = performance.now() - seedStart;
    log(`  ${run.name}: seeded ${site.posts.size} posts in ${(seedMs / 1000).toFixed(0)} s; settling ${t.settleMinutes} min of virtual time`);
    const settled = await settle(clock, t.settleMinutes * 60_000, t.stepMs, t.pollMs);
    log(`  ${run.name}: settled in ${(settled.wallMs / 1000).toFixed(1)} s wall (${settled.jumps} jumps, ${settled.polls} polls)`);
    const warmupHours = run.warmupHours ?? 0;
    if (warmupHours > 0) {
      // Yesterday's anonymous traffic, unmeasured: the cache as a site that ran the day before holds it.
      // Its own new posts do not exist here: those intents are left out.
      const isNewPost = (target: string) => /^post:(\d+)$/.test(target) && Number(target.slice(5)) > settings.site.posts;
      const yesterday = generateDay({ ...day, seed: settings.seed + 1, pageViewsPerDay }, { cronRateMinutes: null });
      const anonymous = yesterday.events.filter((e) => e.method === 'GET' && (e.actor === 'reader' || e.actor === 'crawler' || e.actor === 'feed') && e.kind !== 'comment' && !isNewPost(e.target) && e.t >= (24 - warmupHours) * 3_600_000).map((e) => ({ ...e, t: e.t - (24 - warmupHours) * 3_600_000, actorId: `yesterday-${e.actorId}` }));
      let warmTime!: VirtualTime;
      const warm = virtualReplay({
        events: anonymous,
        dayStart: now,
        clock,
        wall: realClock,
        perform: browserPerform({ baseUrl: twin.siteUrl, trace: { ...yesterday, events: anonymous }, site, admin, dispatcher, dispatcherFor: viewers.agentFor, now: () => warmTime.now(), cron: async () => [] }),
        stepMs: t.stepMs,
        pollMs: t.pollMs,
      });
      warmTime = warm.time;
      const warmed = await warm.run();
      log(`  ${run.name}: warm-up, ${anonymous.length} anonymous intents of the day before in ${(warmed.wallMs / 1000).toFixed(0)} s wall (${warmed.failures.length} failed)`);
    }
    const dayStart = now;
    const probeExchanges: Exchange[] = [];
    const visibility: Array<Promise<Visibility>> = [];
    // Bound once the replay exists: perform runs only inside it.
    let time!: VirtualTime;
    const probe = (kind: Visibility['kind'], p: string, marker: (home: string, post: string) => boolean) =>
      visibility.push(probeVisibility({ kind, path: p, marker, time, baseUrl: twin.siteUrl, dispatcher, everyMs: t.probe.everySeconds * 1000, limitMs: t.probe.limitSeconds * 1000, exchanges: probeExchanges }));
    const perform = browserPerform({
      baseUrl: twin.siteUrl,
      trace,
      site,
      admin,
      dispatcher,
      dispatcherFor: viewers.agentFor,
      now: () => time.now(),
      cron: async () => [],
      // The new post's address on the home page (slugs are unique: post-N/).
      onPublish: (p) => probe('publish', p, (home) => home.includes(`${p}"`)),
    });
    let done = 0;
    const replayed = virtualReplay({
      events,
      dayStart,
      clock,
      wall: realClock,
      perform,
      stepMs: t.stepMs,
      pollMs: t.pollMs,
      onDone: () => {
        if (++done % 500 === 0) log(`  ${run.name}: ${done} of ${events.length} intents, virtual ${(time.now() / 3_600_000).toFixed(2)} h`);
      },
    });
    time = replayed.time;
    const result = await replayed.run();
    const seen = await Promise.all(visibility);
    const records = await twin.invocations(dayStart);
    const lines = await twin.logs();
    const loadAfter = loadavg();
    log(`  ${run.name}: ${result.exchanges.length} exchanges, ${records.length} invocations, ${result.failures.length} failures, ${(result.wallMs / 1000).toFixed(0)} s wall for ${(result.virtualMs / 3_600_000).toFixed(2)} h virtual`);
    return {
      kind: 'replay-twin',
      run,
      added: stack.added,
      context: stack.context,
      startedAt,
      finishedAt: new Date().toISOString(),
      load: { before: loadBefore, after: loadAfter },
      cores: os.cpus().length,
      commit,
      command,
      seedMs: Math.round(seedMs),
      trace: { seed: settings.seed, pageViewsPerDay, fromHour, toHour, events: events.length, pageViews: events.filter((e) => e.pageView).length },
      run_: { wallMs: result.wallMs, virtualMs: result.virtualMs, lateMs: result.lateMs, failures: result.failures, jumps: result.jumps, polls: result.polls },
      exchanges: result.exchanges,
      probeExchanges,
      records,
      requests: requestsFromLogs(lines),
      efs: efsFromLogs(lines),
      invalidations: await twin.invalidations(),
      visibility: seen,
      template: await twin.template(),
      dayStart,
    };
  } finally {
    await dispatcher.close().catch(() => {});
    await viewers.close();
    await twin.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
