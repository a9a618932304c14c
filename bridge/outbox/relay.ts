/**
 * The relay: performs outbox jobs outside the VPC. Three ways in, one per trigger the stack
 * wires to the relay function:
 * - `jobs(event)`: the bucket's notification of a new `.lamphp-outbox/jobs/*.json`. A job is
 *   deleted only after its API accepted it. Before calling the API a run claims the job's
 *   sent-marker with a conditional write (store.ts), so of two runs of one job — a repeated
 *   notification, a sweep meeting a retry, at the same moment or not — only one calls the API
 *   (SES has no idempotency token); the other leaves the job to it, or deletes it once it is
 *   marked sent. Any failure fails the invocation, so Lambda retries it.
 * - `failed(record)`: Lambda's on-failure destination record once the retries are spent: the
 *   job moves to `.lamphp-outbox/failed/` with the error (`lamphp outbox retry` replays it).
 * - `sweep()`: on a schedule, jobs waiting longer than the retry delay (a lost notification, a
 *   relay that timed out) are performed again; one still failing after MAX_AGE_MS moves to failed/.
 */
import type { Logger } from '../log.ts';
import { describeJob, failedKey, idOfKey, JOBS_PREFIX, type FailedJob, type Job } from './job.ts';
import type { Receipt } from './perform.ts';
import type { Outbox } from './store.ts';

/** Lambda keeps an asynchronous event for at most 6 hours; past that a job is reported failed. */
export const MAX_AGE_MS = 6 * 60 * 60 * 1000;
/**
 * How long a run's claim on a job holds. A claim this old belongs to a run that died (a timeout,
 * a crash) and is taken over; the relay function's timeout must stay well below it (the stack
 * sets 120 s), or a slow but living run could be overtaken and the job performed twice.
 */
export const CLAIM_LEASE_MS = 5 * 60 * 1000;
/**
 * The `event` field of the one log line written when a job leaves for `.lamphp-outbox/failed/`
 * (every attempt failed, or it cannot be read): the stack's alarm counts these lines.
 */
export const FAILED_JOB_EVENT = 'outbox-job-failed';

export type JobOutcome = 'performed' | 'already-sent' | 'in-progress' | 'gone' | 'invalid';

export interface RelayOptions {
  outbox: Outbox;
  perform: (job: Job) => Promise<Receipt>;
  logger: Logger;
  /** The sweep performs jobs older than this (ms). */
  retryAfterMs: number;
  /** How long a claim holds (default CLAIM_LEASE_MS). */
  leaseMs?: number;
  now?: () => number;
}

export interface Relay {
  /** Performs each job key (already URL-decoded) of a bucket notification; throws if any failed. */
  jobs(keys: string[], log?: Logger): Promise<Record<string, JobOutcome>>;
  /** Moves the jobs of an invocation whose retries are spent to failed/, with the error. */
  failed(keys: string[], failure: FailedJob['failure'], log?: Logger): Promise<void>;
  sweep(log?: Logger): Promise<{ performed: number; waiting: number; failed: number }>;
}

export function createRelay({ outbox, perform, logger, retryAfterMs, leaseMs = CLAIM_LEASE_MS, now = Date.now }: RelayOptions): Relay {
  /** Performs one waiting job; resolves with what happened, throws what the API or S3 said. */
  async function one(key: string, log: Logger): Promise<JobOutcome> {
    const stored = await outbox.get(key);
    if (!stored) return 'gone'; // performed and deleted by an earlier delivery
    if ('invalid' in stored) {
      // Retrying cannot help: keep it for a person to read, out of the way.
      const id = idOfKey(key)!;
      await outbox.putInvalid(id, stored.invalid, stored.error);
      await outbox.delete(key);
      log.error('outbox job is not valid; moved to failed/', { event: FAILED_JOB_EVENT, key, error: stored.error });
      return 'invalid';
    }
    const job = stored.job as Job;
    const started = now();
    const claim = await outbox.claim(job, { now: started, leaseMs });
    if (claim.kind === 'sent') {
      await outbox.delete(key);
      log.info('outbox job was already performed; removed', describeJob(job));
      return 'already-sent';
    }
    if (claim.kind === 'busy') {
      // Not an error: the run holding the claim deletes the job, or releases it when it fails.
      log.info('outbox job is being performed by another run; left to it', { ...describeJob(job), claimedAt: claim.since });
      return 'in-progress';
    }
    let receipt: Receipt;
    try {
      receipt = await perform(job);
    } catch (err) {
      await outbox.release(job, claim.etag, (err as Error).message).catch((e: unknown) => log.warn('outbox claim not released; it lapses after its lease', { id: job.id, err: e }));
      throw err;
    }
    // Marked before the delete: if the delete fails, the next delivery sees the marker.
    if (!(await outbox.markSent(job, receipt, claim.etag))) {
      log.warn('outbox claim lapsed while the API call was in flight: another run may have performed the job too', { ...describeJob(job), leaseMs });
    }
    await outbox.delete(key);
    log.info('outbox job performed', { ...describeJob(job), ...receipt, waitedMs: started - Date.parse(job.createdAt) });
    return 'performed';
  }

  async function moveToFailed(key: string, failure: FailedJob['failure'], log: Logger): Promise<void> {
    const stored = await outbox.get(key);
    if (!stored) return;
    if ('invalid' in stored) {
      await one(key, log);
      return;
    }
    const job = stored.job;
    if (await outbox.isSent(job.id)) {
      await outbox.delete(key);
      return;
    }
    await outbox.putFailed({ ...(job as Job), failure });
    await outbox.delete(key);
    log.error('outbox job failed every attempt; moved to failed/ (lamphp outbox retry replays it)', {
      event: FAILED_JOB_EVENT,
      ...describeJob(job as Job),
      key: failedKey(job.id),
      error: failure.error,
      attempts: failure.attempts,
    });
  }

  return {
    async jobs(keys, log = logger) {
      const outcomes: Record<string, JobOutcome> = {};
      const errors: string[] = [];
      for (const key of keys) {
        if (!key.startsWith(JOBS_PREFIX) || idOfKey(key) === undefined) {
          log.warn('outbox notification for a key that is not a job; ignored', { key });
          continue;
        }
        try {
          outcomes[key] = await one(key, log);
        } catch (err) {
          log.warn('outbox job not performed yet; Lambda retries it', { key, err });
          errors.push(`${key}: ${(err as Error).message}`);
        }
      }
      if (errors.length > 0) throw new Error(`outbox job failed: ${errors.join('; ')}`);
      return outcomes;
    },
    async failed(keys, failure, log = logger) {
      for (const key of keys) if (key.startsWith(JOBS_PREFIX) && idOfKey(key) !== undefined) await moveToFailed(key, failure, log);
    },
    async sweep(log = logger) {
      const summary = { performed: 0, waiting: 0, failed: 0 };
      for await (const object of outbox.list(JOBS_PREFIX)) {
        const age = now() - object.lastModified.getTime();
        if (age < retryAfterMs || idOfKey(object.key) === undefined) {
          summary.waiting++;
          continue;
        }
        try {
          const outcome = await one(object.key, log);
          if (outcome === 'performed') summary.performed++;
          else if (outcome === 'in-progress') summary.waiting++;
        } catch (err) {
          if (age >= MAX_AGE_MS) {
            await moveToFailed(object.key, { error: (err as Error).message, at: new Date(now()).toISOString(), condition: 'SweepGaveUp' }, log);
            summary.failed++;
          } else {
            log.warn('outbox job still failing; the next sweep retries it', { key: object.key, ageMs: age, err });
            summary.waiting++;
          }
        }
      }
      if (summary.performed + summary.failed > 0) log.info('outbox sweep', summary);
      return summary;
    },
  };
}
