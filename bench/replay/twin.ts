/**
 * What the replay needs from the stack twin (the synthesized template run locally), written as
 * the interface the replay drives; through-twin.ts adapts the twin's own handle to it. Until the
 * twin is in the tree `npm run bench:replay` estimates from a recorded-usage input and says so.
 *
 * Needed, beyond what the twin's handle offers today (siteUrl, ca, outputs, advanceClock,
 * invocations, setKeepAlive, ssmParameter):
 * - `advanceClock` resolves only once everything due by then has happened: cached objects
 *   expired, idle environments reclaimed, EventBridge's cron invocations finished;
 * - CloudFront answers carry `x-cache` (Hit / Miss / RefreshHit from cloudfront) and `age`, so
 *   visitor time to first byte splits into CDN hits and origin answers;
 * - each invocation record carries the EFS operations it made on the access point (metadata,
 *   data reads and writes with bytes: what Elastic throughput meters), the bytes it logged, and the
 *   viewer path and status that caused it;
 * - with the outbox relay: relay invocations in the records, the SES stand-in's messages, and the
 *   CloudFront invalidations the relay created with the virtual time each completed (publish to
 *   visible).
 */
import type { EfsUsage } from './bill.ts';

/**
 * The twin's injectable clock, in virtual milliseconds. CloudFront TTLs and s-maxage, Lambda's
 * idle-environment reclaim and EventBridge schedules all read it, so an idle hour passes at once.
 */
export interface VirtualClock {
  now(): number;
  /**
   * Moves time forward to `ms` (never back) and resolves once everything due by then has
   * happened: cached objects expired, idle environments reclaimed, scheduled rules fired (their
   * invocations finished), as AWS would have done in that interval.
   */
  advanceTo(ms: number): Promise<void>;
}

/** Who caused an invocation: a viewer through CloudFront, the cron schedule, the install, a direct API call. */
export type Invoker = 'cloudfront' | 'cron' | 'install' | 'api';

/** One invocation of a function, as the twin's Lambda stand-in observed it. */
export interface InvocationRecord {
  requestId: string;
  function: string;
  /** Execution environment that served it (to follow one environment's life). */
  instanceId: string;
  invoker: Invoker;
  /** Twin-clock time when the invocation arrived. */
  at: number;
  /** A new execution environment was started for it. */
  cold: boolean;
  /** INIT of that environment (start to its first request for work), ms; cold starts only. */
  initDurationMs?: number;
  /** Until the runtime asked for its next event (what Lambda bills). */
  durationMs: number;
  /** Until the response was posted (what the caller waited, INIT excluded). */
  responseMs?: number;
  /** Whole milliseconds billed, INIT included on cold starts (billed since August 2025). */
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  outcome: 'success' | 'error' | 'timeout' | 'throttled' | 'crash';
  /** Needed from the twin, not yet recorded by it: EFS operations, log bytes, the viewer path. */
  efs?: EfsUsage;
  logBytes?: number;
  path?: string;
}

export interface StackTwin {
  /** The local CloudFront distribution's base URL (scheme, host, port), no trailing slash. */
  baseUrl: string;
  clock: VirtualClock;
  /** Admin credentials of the installed site (the install custom resource's result). */
  admin: { user: string; password: string };
  /** Every site-function invocation since `since` (virtual ms), in start order. */
  invocations(since?: number): Promise<InvocationRecord[]>;
  /** How long an idle execution environment is kept before it is reclaimed (undocumented in AWS; the replay reports 5, 15 and 30 min). */
  setIdleTimeout(ms: number): Promise<void>;
  /** CloudFront invalidations created so far (by the outbox relay), with the virtual time each completed. */
  invalidations(): Promise<Array<{ paths: string[]; createdAt: number; completedAt: number }>>;
  /** The template the twin runs (the bill reads its resources). */
  template: unknown;
  close(): Promise<void>;
}
