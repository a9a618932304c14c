/**
 * Counts the host filesystem calls a Lambda runtime makes on its EFS mount, per invocation, for
 * the traffic replay through the stack twin. Bundled into the replay's copy of the layer
 * (/opt/lamphp-bench/efs-count.mjs) and loaded with NODE_OPTIONS=--import into the runtime's
 * main thread and its PHP worker threads (which inherit the option); with LAMPHP_BENCH_EFS_ROOT
 * unset it does nothing.
 *
 * Invocation boundaries are the runtime's own calls to the Runtime API, seen through Node's
 * diagnostics channels: the answer to `GET …/invocation/next` names the invocation that starts
 * (`Lambda-Runtime-Aws-Request-Id`), the next `GET …/invocation/next` ends it (its after-response
 * work included, as Lambda bills it). At each end the main thread adds its own calls to the
 * workers' (asked over a BroadcastChannel) and writes one line to stderr, which Lambda (and the
 * twin) puts in the function's log:
 *
 *   {"lamphpBenchEfs":"<request id>|init","counts":{…FsOpCounts: EFS calls by kind…},"cpuMs":…}
 *
 * `cpuMs` (on the main thread's line) is the CPU time the whole process used (all threads) over
 * the invocation, after-response work included.
 *
 * `init` is what the environment did before its first invocation. The main thread's line and
 * each worker's answer are lines of their own (the reader adds them up by id). A worker's calls
 * are taken when it handles the question, so calls made in the instant between two invocations
 * may land in either; the totals are exact.
 */
import dc from 'node:diagnostics_channel';
import fs from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { FsOpCounter, patchFs, type FsOpCounts } from '../fsops/counter.ts';

export const CHANNEL = 'lamphp-bench-efs';
export const LOG_KEY = 'lamphpBenchEfs';

const root = process.env.LAMPHP_BENCH_EFS_ROOT;

/** Adds `b` into `a`. */
export function addCounts(a: FsOpCounts, b: FsOpCounts): FsOpCounts {
  a.total += b.total;
  for (const [k, n] of Object.entries(b.byKind)) a.byKind[k as keyof FsOpCounts['byKind']] = (a.byKind[k as keyof FsOpCounts['byKind']] ?? 0) + (n ?? 0);
  for (const [cls, kinds] of Object.entries(b.byClass)) {
    const into = (a.byClass[cls] ??= {});
    for (const [k, n] of Object.entries(kinds)) into[k as keyof typeof into] = (into[k as keyof typeof into] ?? 0) + (n ?? 0);
  }
  a.delayedMs += b.delayedMs;
  return a;
}

if (root) {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const counter = new FsOpCounter({ classify: (p) => (p !== undefined && (p === root || p.startsWith(prefix)) ? 'efs' : 'other') });
  patchFs(fs as unknown as Record<string, unknown>, counter);
  const take = (): FsOpCounts => {
    const c = counter.counts();
    counter.reset();
    // Only the EFS calls travel; the rest (the layer, /tmp) is not metered.
    return { total: Object.values(c.byClass.efs ?? {}).reduce((s, n) => s + (n ?? 0), 0), byKind: { ...(c.byClass.efs ?? {}) }, byClass: { efs: c.byClass.efs ?? {} }, delayedMs: 0 };
  };
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  if (!isMainThread) {
    channel.onmessage = (event) => {
      const msg = (event as MessageEvent).data as { t: string; id: string };
      if (msg.t === 'report') channel.postMessage({ t: 'counts', id: msg.id, threadId, counts: take() });
    };
  } else {
    const write = (id: string, counts: FsOpCounts, cpuMs?: number) => process.stderr.write(`${JSON.stringify({ [LOG_KEY]: id, counts, ...(cpuMs !== undefined && { cpuMs }) })}\n`);
    // CPU time of the whole process (every thread: PHP's worker, V8's compiler and GC threads) per invocation.
    let cpu = process.cpuUsage();
    const cpuSince = () => {
      const d = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      return Math.round((d.user + d.system) / 100) / 10;
    };
    // Each worker's answer is a line of its own: a late one still counts for its invocation.
    channel.onmessage = (event) => {
      const msg = (event as MessageEvent).data as { t: string; id: string; counts: FsOpCounts };
      if (msg.t === 'counts' && msg.counts.total > 0) write(msg.id, msg.counts);
    };
    let current: string | undefined = 'init';
    const isNext = (req: ClientRequest) => req.method === 'GET' && /\/runtime\/invocation\/next$/.test(req.path);
    dc.subscribe('http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      if (!isNext(request) || current === undefined) return;
      const ended = current;
      current = undefined;
      write(ended, take(), cpuSince());
      channel.postMessage({ t: 'report', id: ended });
    });
    dc.subscribe('http.client.response.finish', (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      if (!isNext(request)) return;
      const id = response.headers['lambda-runtime-aws-request-id'];
      if (typeof id === 'string' && id) current = id;
    });
  }
}
