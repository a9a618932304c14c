/**
 * Warm sequential requests to several servers of one tree, taken in turns: each round sends
 * `perRound` requests to every server in a rotated order, so load from elsewhere on the machine
 * falls on all of them alike. Each response is timed from its send to its last byte.
 */
import { Agent } from 'undici';
import { roundOrder } from '../suite/throughput.ts';
import { treeCpuMs } from '../suite/proc.ts';

export interface Target {
  /** Row label, unique in the run. */
  id: string;
  url: string;
  /** Processes that do the server's work (their CPU time is counted); none for a path served in this process. */
  pids?: number[];
}

export interface PageCheck {
  status: number;
  title: string | null;
  /** Links to posts on the page, in order: the same tree must give the same list everywhere. */
  postLinks: string[];
  /** PHP notices, warnings, deprecations or fatal errors printed into the page. */
  phpMessages: string[];
  bytes: number;
}

const agent = new Agent({ keepAliveTimeout: 60_000, connections: 4 });

/** One GET, timed from its send to its last byte; ms. */
export async function timedGet(url: string): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const response = await fetch(url, { redirect: 'manual', dispatcher: agent } as RequestInit);
  const body = await response.text();
  return { ms: performance.now() - t0, status: response.status, body };
}

/** What must agree between servers of one tree for their times to be comparable. */
export function checkPage(status: number, body: string): PageCheck {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim() ?? null;
  const postLinks = [...body.matchAll(/<h2[^>]*class="[^"]*wp-block-post-title[^"]*"[^>]*>\s*<a href="([^"]+)"/g)].map((m) => new URL(m[1]!, 'http://x').pathname);
  const phpMessages = [...body.matchAll(/<b>(Deprecated|Notice|Warning|Fatal error|Parse error)<\/b>:[^<]*/g)].map((m) => m[0].replace(/<\/?b>/g, ''));
  return { status, title, postLinks, phpMessages, bytes: Buffer.byteLength(body) };
}

/** Untimed requests to each target until each answered `count` times. */
export async function warmUp(targets: readonly Target[], path: string, count: number): Promise<void> {
  for (const target of targets) for (let i = 0; i < count; i++) await timedGet(target.url + path);
}

/** Rounds of `perRound` sequential GETs per target; samples in ms by target id. */
export async function interleaved(
  targets: readonly Target[],
  path: string,
  { rounds, perRound, onRound = () => {} }: { rounds: number; perRound: number; onRound?: (round: number) => void },
): Promise<{ samples: Map<string, number[]>; statuses: Map<string, Record<string, number>>; cpuMs: Map<string, number> }> {
  const samples = new Map(targets.map((t) => [t.id, [] as number[]]));
  const statuses = new Map(targets.map((t) => [t.id, {} as Record<string, number>]));
  // CPU time the server's processes spent on the timed requests: what a busy machine changes least.
  const cpuMs = new Map(targets.map((t) => [t.id, 0]));
  for (let round = 0; round < rounds; round++) {
    for (const target of roundOrder(targets, round)) {
      const cpuBefore = target.pids?.length ? treeCpuMs(target.pids) : 0;
      for (let i = 0; i < perRound; i++) {
        const r = await timedGet(target.url + path);
        samples.get(target.id)!.push(r.ms);
        const s = statuses.get(target.id)!;
        s[r.status] = (s[r.status] ?? 0) + 1;
      }
      if (target.pids?.length) cpuMs.set(target.id, cpuMs.get(target.id)! + treeCpuMs(target.pids) - cpuBefore);
    }
    onRound(round);
  }
  return { samples, statuses, cpuMs };
}
