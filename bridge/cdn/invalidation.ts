/**
 * CloudFront invalidations after publishing. The must-use plugin (lamphp-cdn.php) tells the
 * bridge which paths a request made stale through `post_message_to_js()`; the engine hands
 * those messages to `onMessage`; the bridge `take`s a request's paths once PHP has answered and
 * runs `invalidate` in the after-response slot: one `cdn-invalidation` job, performed at once or
 * written to the outbox for the relay, as LAMPHP_AWS_ROUTE says (bridge/outbox/submit.ts). A
 * failure is logged, never the page's problem.
 *
 * The distribution id comes from LAMPHP_CLOUDFRONT_DISTRIBUTION_ID or, in the CDK stack (where
 * the function cannot name its own distribution without a dependency cycle), from the id the
 * install invocation recorded beside the site. LAMPHP_CDN_INVALIDATION=false turns it all off.
 */
import { envValue } from '../aws-env.ts';
import { CDN_INVALIDATION_MAX_PATHS, type Env } from '../config.ts';
import type { Logger } from '../log.ts';
import { newJobId, type CdnInvalidationJob } from '../outbox/job.ts';
import type { JobSubmitter } from '../outbox/submit.ts';
import { readInstallState } from '../wordpress/install-state.ts';

/** Message type the must-use plugin sends: `{"lamphp":"cdn-invalidate","paths":["/",…]}`. */
export const INVALIDATE_MESSAGE = 'cdn-invalidate';
/** The default cap on paths per invalidation (bridge/config.ts, LAMPHP_CDN_INVALIDATION_MAX_PATHS). */
export const MAX_PATHS = CDN_INVALIDATION_MAX_PATHS;
/** A path CloudFront accepts: absolute, printable ASCII (WordPress percent-encodes the rest). */
const VALID_PATH = /^\/[\x21-\x7e]*$/;
const MAX_PATH_LENGTH = 4000;

export interface CdnInvalidator {
  /** A `post_message_to_js` target: records a request's paths; answers '' to other messages. */
  onMessage(requestId: string, json: string): Promise<string>;
  /** The paths a request asked for (deduplicated), forgotten afterwards; undefined when none. */
  take(requestId: string): string[] | undefined;
  /** Creates (or queues) one invalidation for `paths`; logs and resolves whatever happens. */
  invalidate(paths: string[], log?: Logger): Promise<InvalidationOutcome>;
}

export type InvalidationOutcome =
  | { kind: 'created'; distributionId: string; paths: string[]; invalidationId?: string }
  | { kind: 'queued'; distributionId: string; paths: string[]; key: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: string };

export interface CdnInvalidatorOptions {
  /** The distribution's id, or where to find it (read at each invalidation: an install may record a new one). */
  distributionId: () => Promise<string | undefined> | string | undefined;
  /** Where the job goes (bridge/outbox/submit.ts). */
  jobs: JobSubmitter;
  logger: Logger;
  /** Beyond this many paths one `/*` is sent instead (MAX_PATHS unless set). */
  maxPaths?: number;
}

/** The paths to send: valid, deduplicated, sorted; `/*` alone when there are too many or one is `/*`. */
export function invalidationPaths(paths: Iterable<string>, max = MAX_PATHS): string[] {
  const unique = new Set<string>();
  for (const raw of paths) {
    if (typeof raw !== 'string' || raw.length > MAX_PATH_LENGTH || !VALID_PATH.test(raw)) continue;
    unique.add(raw);
  }
  if (unique.has('/*') || unique.size > max) return ['/*'];
  return [...unique].sort();
}

export function createCdnInvalidator({ distributionId, jobs, logger, maxPaths = MAX_PATHS }: CdnInvalidatorOptions): CdnInvalidator {
  const pending = new Map<string, Set<string>>();
  return {
    async onMessage(requestId, json) {
      let message: { lamphp?: unknown; paths?: unknown };
      try {
        message = JSON.parse(json) as typeof message;
      } catch {
        return ''; // not ours (see bridge/messages.ts)
      }
      if (message?.lamphp !== INVALIDATE_MESSAGE) return '';
      if (!Array.isArray(message.paths)) return JSON.stringify({ ok: false, error: 'paths must be a list' });
      let set = pending.get(requestId);
      if (!set) pending.set(requestId, (set = new Set()));
      for (const p of message.paths) if (typeof p === 'string') set.add(p);
      return JSON.stringify({ ok: true });
    },
    take(requestId) {
      const set = pending.get(requestId);
      pending.delete(requestId);
      return set && set.size > 0 ? [...set] : undefined;
    },
    async invalidate(requested, log = logger) {
      const paths = invalidationPaths(requested, maxPaths);
      if (paths.length === 0) return { kind: 'skipped', reason: 'no valid path' };
      let id: string | undefined;
      try {
        id = await distributionId();
      } catch (err) {
        log.warn('cdn invalidation skipped: the distribution id could not be read', { err });
        return { kind: 'skipped', reason: 'distribution id unreadable' };
      }
      if (!id) {
        log.debug('cdn invalidation skipped: no distribution id', { paths });
        return { kind: 'skipped', reason: 'no distribution id' };
      }
      const job: CdnInvalidationJob = {
        v: 1,
        id: newJobId(),
        kind: 'cdn-invalidation',
        createdAt: new Date().toISOString(),
        invalidation: { distributionId: id, paths },
      };
      try {
        const done = await jobs.submit(job);
        if (done.route === 'outbox') {
          log.info('cdn invalidation queued for the relay', { distributionId: id, paths, job: job.id, key: done.key });
          return { kind: 'queued', distributionId: id, paths, key: done.key };
        }
        const invalidationId = 'invalidationId' in done.receipt ? done.receipt.invalidationId : undefined;
        log.info('cdn invalidation created', { distributionId: id, paths, invalidationId });
        return { kind: 'created', distributionId: id, paths, ...(invalidationId && { invalidationId }) };
      } catch (err) {
        log.error('cdn invalidation failed; pages stay cached until their shared-cache lifetime ends', {
          distributionId: id,
          paths,
          route: jobs.route,
          err,
        });
        return { kind: 'failed', error: (err as Error).message };
      }
    },
  };
}

/**
 * The invalidator the settings ask for, or undefined when invalidation is off
 * (LAMPHP_CDN_INVALIDATION=false). The id: LAMPHP_CLOUDFRONT_DISTRIBUTION_ID, else the one the
 * install invocation recorded under `documentRoot`.
 */
export function cdnInvalidatorFromEnv(env: Env, options: { documentRoot: string; logger: Logger; jobs: JobSubmitter; maxPaths?: number }): CdnInvalidator | undefined {
  const setting = envValue(env, 'LAMPHP_CDN_INVALIDATION')?.toLowerCase();
  if (setting === 'false' || setting === 'off' || setting === '0') return undefined;
  const fixed = envValue(env, 'LAMPHP_CLOUDFRONT_DISTRIBUTION_ID');
  return createCdnInvalidator({
    maxPaths: options.maxPaths,
    distributionId: fixed ? () => fixed : async () => (await readInstallState(options.documentRoot))?.distributionId,
    jobs: options.jobs,
    logger: options.logger,
  });
}
