/**
 * The replay proper: the generated day sent through the stack twin's CloudFront with the twin's
 * clock as virtual time, the twin's per-invocation records as the function's usage. Runs once
 * the twin exists in this tree (infra/twin/index.ts); until then it says what is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Agent } from 'undici';
import { realClock } from '../ramp/clock.ts';
import { REPO } from '../suite/lambda-front.ts';
import { median, percentile, round } from '../suite/stats.ts';
import { replay, type Exchange } from './driver.ts';
import { browserPerform } from './browser.ts';
import { seedSite } from './seed.ts';
import type { ReplaySettings } from './settings.ts';
import type { Trace } from './trace.ts';
import type { InvocationRecord, StackTwin } from './twin.ts';

export const TWIN_MODULE = path.join(REPO, 'infra/twin/index.ts');

/** Visitor time to first byte, CDN hits and origin answers apart. */
export function ttfbSummary(exchanges: readonly Exchange[]): Record<'hit' | 'origin', { n: number; p50: number | null; p95: number | null; p99: number | null }> {
  const pick = (hit: boolean) => exchanges.filter((x) => /hit/i.test(x.cache ?? '') === hit).map((x) => x.ttfbMs).sort((a, b) => a - b);
  const summary = (list: number[]) => ({ n: list.length, p50: round(percentile(list, 50), 1), p95: round(percentile(list, 95), 1), p99: round(percentile(list, 99), 1) });
  return { hit: summary(pick(true)), origin: summary(pick(false)) };
}

/** Cold starts and who paid them (the viewer whose request met a new environment, or cron). */
export function coldStartsByInvoker(records: readonly InvocationRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) if (r.cold) out[r.invoker] = (out[r.invoker] ?? 0) + 1;
  return out;
}

/** The twin's handle as infra/twin/index.ts starts it (its own API; the replay adapts it below). */
interface TwinHandle {
  siteUrl: string;
  outputs: Record<string, string>;
  ca: string;
  advanceClock(ms: number): Promise<number>;
  invocations(since?: number): Promise<InvocationRecord[]>;
  setKeepAlive(ms: number): Promise<void>;
  ssmParameter(name: string): Promise<{ Value: string } | undefined>;
  close(): Promise<void>;
}

/** The replay's StackTwin over the twin's handle: its manual clock, its records, the admin the install created. */
export async function adaptTwin(handle: TwinHandle, idleTimeoutMs: number): Promise<StackTwin & { dispatcher: Agent }> {
  await handle.setKeepAlive(idleTimeoutMs);
  let now = await handle.advanceClock(0);
  const parameter = handle.outputs.AdminPasswordParameter;
  const password = parameter ? (await handle.ssmParameter(parameter))?.Value : undefined;
  if (!password) throw new Error('The twin gave no AdminPasswordParameter output or no value for it: the replay logs in as the installed admin.');
  return {
    baseUrl: handle.siteUrl.replace(/\/+$/, ''),
    dispatcher: new Agent({ keepAliveTimeout: 30_000, connect: { ca: handle.ca } }),
    admin: { user: 'admin', password },
    clock: {
      now: () => now,
      advanceTo: async (ms) => {
        if (ms > now) now = await handle.advanceClock(ms - now);
      },
    },
    invocations: (since) => handle.invocations(since),
    setIdleTimeout: (ms) => handle.setKeepAlive(ms),
    invalidations: async () => [],
    template: undefined,
    close: () => handle.close(),
  };
}

export async function replayThroughTwin({ settings, trace, write, log }: { settings: ReplaySettings; trace: Trace; write: boolean; log: (line: string) => void }): Promise<number> {
  if (!fs.existsSync(TWIN_MODULE)) {
    log(`The stack twin (${path.relative(REPO, TWIN_MODULE)}) is not in this tree yet; bench/replay/twin.ts lists what the replay needs from it. Run without --twin for the estimate.`);
    return 2;
  }
  const mod = (await import(TWIN_MODULE)) as { startTwin?: (o: { clock: 'manual'; keepAliveMs: number }) => Promise<TwinHandle> };
  if (typeof mod.startTwin !== 'function') {
    log(`${path.relative(REPO, TWIN_MODULE)} exports no startTwin({ clock: 'manual', keepAliveMs }); bench/replay/twin.ts lists what the replay needs from it.`);
    return 2;
  }
  const results: Array<Record<string, unknown>> = [];
  for (const idle of settings.replay.idleTimeoutsMinutes) {
    const twin = await adaptTwin(await mod.startTwin({ clock: 'manual', keepAliveMs: idle * 60_000 }), idle * 60_000);
    try {
      const dispatcher = twin.dispatcher;
      const site = await seedSite({ baseUrl: twin.baseUrl, admin: twin.admin, trace, dispatcher, log });
      const start = twin.clock.now();
      const published: Array<{ path: string; at: number }> = [];
      const perform = browserPerform({
        baseUrl: twin.baseUrl,
        trace,
        site,
        admin: twin.admin,
        dispatcher,
        now: () => twin.clock.now() - start,
        cron: async () => [], // the twin's EventBridge schedule fires on its own clock
        onPublish: (p, at) => published.push({ path: p, at }),
      });
      const run = await replay({ ...settings.replay, events: trace.events, wall: realClock, virtual: { now: () => twin.clock.now() - start, advanceTo: (ms) => twin.clock.advanceTo(start + ms) }, perform });
      const records = await twin.invocations(start);
      const summary = {
        idleTimeoutMin: idle,
        ttfb: ttfbSummary(run.exchanges),
        cdnHitRatio: run.exchanges.filter((x) => /hit/i.test(x.cache ?? '')).length / Math.max(1, run.exchanges.length),
        invocations: records.length,
        coldStarts: coldStartsByInvoker(records),
        medianBilledMs: round(median(records.map((r) => r.billedDurationMs)), 1),
        efsRecorded: records.some((r) => r.efs !== undefined),
        failures: run.failures.length,
        published: published.length,
      };
      log(`  keep-alive ${idle} min: ${JSON.stringify(summary)}`);
      results.push({ ...summary, exchanges: run.exchanges, records });
    } finally {
      await twin.close();
    }
  }
  if (write) fs.writeFileSync(path.join(REPO, 'bench/results/replay-twin.json'), JSON.stringify({ kind: 'replay', settings, results }, null, 2) + '\n');
  return 0;
}
