/**
 * Work that needs an AWS API other than S3 — sending mail through SES, invalidating CloudFront —
 * as a self-contained job. In the zero-fixed-cost stack the function has no route to those APIs,
 * so a job travels as an object under `.lamphp-outbox/` at the root of the uploads bucket
 * (outside every CloudFront path and the uploads prefix) and the relay function performs it.
 *
 * Keys: `.lamphp-outbox/jobs/<id>.json` waiting (the bucket notifies the relay of this prefix),
 * `.lamphp-outbox/sent/<id>` the API accepted it, `.lamphp-outbox/failed/<id>.json` it failed
 * every attempt (the job plus the error; `lamphp outbox retry` puts it back).
 */
import { randomBytes } from 'node:crypto';
import { LamphpError } from '../errors.ts';

export const OUTBOX_PREFIX = '.lamphp-outbox/';
export const JOBS_PREFIX = `${OUTBOX_PREFIX}jobs/`;
export const SENT_PREFIX = `${OUTBOX_PREFIX}sent/`;
export const FAILED_PREFIX = `${OUTBOX_PREFIX}failed/`;

/** SES accepts at most 50 recipients per message: a larger mail becomes several jobs. */
export const SES_MAX_RECIPIENTS = 50;

export interface SesMailJob {
  v: 1;
  id: string;
  kind: 'ses-mail';
  createdAt: string;
  mail: {
    /** Envelope sender (the verified identity). */
    from: string;
    /** Envelope recipients, at most SES_MAX_RECIPIENTS. */
    to: string[];
    /** The MIME message, base64. */
    raw: string;
    /** For logs and `lamphp outbox list`. */
    subject: string;
  };
}

export interface CdnInvalidationJob {
  v: 1;
  id: string;
  kind: 'cdn-invalidation';
  createdAt: string;
  invalidation: { distributionId: string; paths: string[] };
}

export type Job = SesMailJob | CdnInvalidationJob;

/** What a job looks like after it failed every attempt. */
export type FailedJob = Job & { failure: { error: string; at: string; attempts?: number; condition?: string } };

/** Sortable by creation time, unique, safe in a key and as CloudFront's CallerReference. */
export function newJobId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`;
}

const ID = /^[0-9a-z]{9}-[0-9a-f]{16}$/;

export const jobKey = (id: string) => `${JOBS_PREFIX}${id}.json`;
export const sentKey = (id: string) => `${SENT_PREFIX}${id}`;
export const failedKey = (id: string) => `${FAILED_PREFIX}${id}.json`;

/** The job id a key names, or undefined for anything that is not a job or failed job key. */
export function idOfKey(key: string): string | undefined {
  const match = /^\.lamphp-outbox\/(?:jobs|failed)\/([^/]+)\.json$/.exec(key);
  return match && ID.test(match[1]!) ? match[1] : undefined;
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Parses and checks a stored job; throws LamphpError(EBADJOB) saying what is wrong. */
export function decodeJob(text: string): Job | FailedJob {
  let job: Record<string, unknown>;
  try {
    job = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new LamphpError('EBADJOB', 'The outbox job is not JSON.');
  }
  const bad = (why: string) => new LamphpError('EBADJOB', `The outbox job ${String(job?.id ?? '')} is not valid: ${why}.`);
  if (job?.v !== 1) throw bad('unknown version');
  if (typeof job.id !== 'string' || !ID.test(job.id)) throw bad('no valid id');
  if (job.kind === 'ses-mail') {
    const mail = job.mail as Record<string, unknown> | undefined;
    if (typeof mail?.from !== 'string' || !isStringList(mail.to) || mail.to.length === 0 || typeof mail.raw !== 'string') {
      throw bad('mail needs from, to and raw');
    }
  } else if (job.kind === 'cdn-invalidation') {
    const inv = job.invalidation as Record<string, unknown> | undefined;
    if (typeof inv?.distributionId !== 'string' || !isStringList(inv.paths) || inv.paths.length === 0) {
      throw bad('invalidation needs distributionId and paths');
    }
  } else throw bad(`unknown kind ${String(job.kind)}`);
  return job as unknown as Job;
}

/** A line for logs and listings: what the job does, never its content. */
export function describeJob(job: Job): Record<string, unknown> {
  return job.kind === 'ses-mail'
    ? { id: job.id, kind: job.kind, subject: job.mail.subject, to: job.mail.to }
    : { id: job.id, kind: job.kind, distributionId: job.invalidation.distributionId, paths: job.invalidation.paths };
}
