/**
 * Two small models the estimate projects with (the stack twin measures both for real):
 * - the edge cache: CloudFront's documented TTL rules applied to each response's Cache-Control
 *   and the behavior's cache policy, one cache for the whole site;
 * - the execution environments: an invocation goes to an idle environment, else a new one starts
 *   (a cold start); an environment idle longer than the keep-alive is reclaimed.
 */
import type { Behavior } from './stack.ts';

/**
 * Seconds CloudFront keeps a response (0: not cached), per
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html:
 * `no-store`, `no-cache` or `private` → not cached while the minimum TTL is 0, else the minimum;
 * `s-maxage`, else `max-age`, clamped to [minimum, maximum]; no directive → the default TTL.
 */
export function cloudFrontTtl(cacheControl: string | null | undefined, ttl: Behavior['ttl']): number {
  const directives = new Map<string, string | true>();
  for (const part of (cacheControl ?? '').toLowerCase().split(',')) {
    const [name, value] = part.trim().split('=');
    if (name) directives.set(name, value === undefined ? true : value.replace(/"/g, ''));
  }
  if (directives.has('no-store') || directives.has('no-cache') || directives.has('private')) return ttl.min;
  const age = directives.get('s-maxage') ?? directives.get('max-age');
  if (typeof age === 'string' && /^\d+$/.test(age)) return Math.min(ttl.max, Math.max(ttl.min, Number(age)));
  return ttl.default;
}

export interface EdgeRequest {
  t: number;
  method: string;
  /** Path and query, plus anything else in the cache key (cookies the policy forwards). */
  key: string;
  behavior: Behavior;
  /** TTL the response gets if it comes from the origin now, s. */
  ttlS: number;
}

/** Hit or miss for each request, in time order (`requests` sorted by t). */
export function edgeCache(requests: readonly EdgeRequest[]): boolean[] {
  const expires = new Map<string, number>();
  return requests.map((r) => {
    if (!r.behavior.cachedMethods.includes(r.method)) return false;
    const key = `${r.method === 'HEAD' ? 'GET' : r.method} ${r.key}`;
    const until = expires.get(key);
    if (until !== undefined && r.t < until) return true;
    if (r.ttlS > 0) expires.set(key, r.t + r.ttlS * 1000);
    else expires.delete(key);
    return false;
  });
}

export interface Invocation {
  t: number;
  /** Warm duration, ms. */
  ms: number;
  /** Who sent it: reader, crawler, probe, feed, editor, cron. */
  actor: string;
}

export interface EnvironmentRun {
  coldStarts: Array<{ t: number; actor: string }>;
  /** Billed ms of each invocation (a cold one includes the slower first run, not INIT). */
  billedMs: number[];
  peakEnvironments: number;
}

/**
 * Environments for invocations sorted by t: the most recently used idle one takes the next
 * invocation; none idle → a cold start (INIT, then a first run `firstExtraMs` slower than warm).
 */
export function simulateEnvironments(invocations: readonly Invocation[], { idleTimeoutMs, initMs, firstExtraMs }: { idleTimeoutMs: number; initMs: number; firstExtraMs: number }): EnvironmentRun {
  let envs: Array<{ busyUntil: number }> = [];
  const coldStarts: EnvironmentRun['coldStarts'] = [];
  const billedMs: number[] = [];
  let peak = 0;
  for (const inv of invocations) {
    envs = envs.filter((e) => e.busyUntil > inv.t || inv.t - e.busyUntil <= idleTimeoutMs);
    const idle = envs.filter((e) => e.busyUntil <= inv.t).sort((a, b) => b.busyUntil - a.busyUntil)[0];
    if (idle) {
      idle.busyUntil = inv.t + inv.ms;
      billedMs.push(inv.ms);
    } else {
      const ms = inv.ms + firstExtraMs;
      envs.push({ busyUntil: inv.t + initMs + ms });
      coldStarts.push({ t: inv.t, actor: inv.actor });
      billedMs.push(ms);
    }
    peak = Math.max(peak, envs.length);
  }
  return { coldStarts, billedMs, peakEnvironments: peak };
}
