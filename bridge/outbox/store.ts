/**
 * The outbox in the uploads bucket: job objects, sent-markers and failed jobs under
 * `.lamphp-outbox/` (see job.ts for the keys). Used by the function (writing jobs), the relay
 * (performing them) and `lamphp outbox` (showing and replaying failed ones).
 *
 * The sent-marker doubles as a claim, so two relay runs of one job (a repeated notification, a
 * sweep meeting a retry) never both call the API: a run creates `sent/<id>` with S3's
 * conditional write `If-None-Match: *` (state `claimed`) before it performs the job, and only
 * the run whose write succeeded goes on; it then turns the marker into `sent` (or `released`
 * after a failure) with `If-Match` on the ETag it created. A claim older than the lease belongs
 * to a run that died; the next run takes it over, again with `If-Match`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { LamphpError } from '../errors.ts';
import { StoreError } from '../uploads/store.ts';
import { decodeJob, failedKey, jobKey, sentKey, type FailedJob, type Job } from './job.ts';
import type { Receipt } from './perform.ts';

/** A conditional write that S3 refused because someone else wrote the key first. */
export class ConditionFailed extends LamphpError {
  constructor(key: string) {
    super('ECONDITION', `S3 refused the conditional write of ${key}: another run wrote it first.`);
  }
}

export interface OutboxObject {
  key: string;
  lastModified: Date;
  size: number;
}

/** What a stored job key holds: the job, or the text that could not be read as one. */
export type StoredJob = { job: Job | FailedJob } | { invalid: string; error: string };

/** The sent-marker's state: a run performs the job (`claimed`), the API accepted it (`sent`), or the run failed (`released`). */
export type MarkerState = 'claimed' | 'sent' | 'released';

export interface Marker {
  state: MarkerState;
  /** When the state was written (ISO). */
  at: string;
  etag: string;
}

/** The outcome of a claim: this run performs the job, another already did, or another is performing it now. */
export type Claim = { kind: 'owned'; etag: string } | { kind: 'sent' } | { kind: 'busy'; since: string };

export interface Outbox {
  readonly bucket: string;
  /** Writes a waiting job; resolves with its key once S3 has it. */
  put(job: Job): Promise<string>;
  /** undefined when there is no such object (already done, or moved). */
  get(key: string): Promise<StoredJob | undefined>;
  /** The job's sent-marker, if any. */
  marker(id: string): Promise<Marker | undefined>;
  /** True once the API accepted the job (its marker says `sent`). */
  isSent(id: string): Promise<boolean>;
  /**
   * Claims the job for this run: creates its marker if there is none, or takes over a released
   * one or a claim older than `leaseMs` (a run that died), each only if nobody else wrote it first.
   */
  claim(job: Job, options: { now: number; leaseMs: number; by?: string }): Promise<Claim>;
  /**
   * Marks the claimed job sent. Resolves false when the claim had been taken over meanwhile (the
   * lease ran out while the API call was in flight): the marker is written anyway, it is true.
   */
  markSent(job: Job, receipt: Receipt, claimEtag: string): Promise<boolean>;
  /** Gives a claim up after a failure, so the next run need not wait for the lease; false if it was no longer ours. */
  release(job: Job, claimEtag: string, error: string): Promise<boolean>;
  putFailed(job: FailedJob): Promise<string>;
  /** Keeps an unreadable job for inspection under its failed key. */
  putInvalid(id: string, text: string, error: string): Promise<string>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<OutboxObject>;
}

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
/** 412: the condition failed; 409: a concurrent conditional write to the same key won (S3 asks to retry). */
const conflict = (err: unknown) => status(err) === 412 || status(err) === 409;

/**
 * A marker's state and time from its body. Markers written before claims existed hold `sentAt`
 * and no state: they mean sent, and so does an unreadable one (never perform a job twice on the
 * strength of a body we cannot read).
 */
function readMarker(text: string, lastModified: Date | undefined): { state: MarkerState; at: string } {
  let body: { state?: unknown; at?: unknown; sentAt?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // falls through to sent
  }
  const state = body?.state === 'claimed' || body?.state === 'released' ? body.state : 'sent';
  const at = typeof body?.at === 'string' ? body.at : typeof body?.sentAt === 'string' ? body.sentAt : (lastModified ?? new Date(0)).toISOString();
  return { state, at };
}

export function s3Outbox(client: Pick<S3Client, 'send'>, bucket: string): Outbox {
  const putJson = async (key: string, value: unknown, condition: { IfNoneMatch?: string; IfMatch?: string } = {}) => {
    const body = JSON.stringify(value);
    try {
      const out = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...condition }));
      return out.ETag ?? '';
    } catch (err) {
      if ((condition.IfMatch || condition.IfNoneMatch) && conflict(err)) throw new ConditionFailed(key);
      throw new StoreError('PUT', key, err);
    }
  };
  const marker = async (id: string): Promise<Marker | undefined> => {
    const key = sentKey(id);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { ...readMarker(await out.Body!.transformToString('utf8'), out.LastModified), etag: out.ETag ?? '' };
    } catch (err) {
      if (status(err) === 404 || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw new StoreError('GET', key, err);
    }
  };
  const markerBody = (job: Job, state: MarkerState, at: string, extra: Record<string, unknown> = {}) => ({ id: job.id, kind: job.kind, state, at, ...extra });
  return {
    bucket,
    put: async (job) => {
      await putJson(jobKey(job.id), job);
      return jobKey(job.id);
    },
    async get(key) {
      let text: string;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        text = await out.Body!.transformToString('utf8');
      } catch (err) {
        if (status(err) === 404 || (err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw new StoreError('GET', key, err);
      }
      try {
        return { job: decodeJob(text) };
      } catch (err) {
        return { invalid: text, error: (err as Error).message };
      }
    },
    marker,
    async isSent(id) {
      return (await marker(id))?.state === 'sent';
    },
    async claim(job, { now, leaseMs, by }) {
      const key = sentKey(job.id);
      const claimed = markerBody(job, 'claimed', new Date(now).toISOString(), by ? { by } : {});
      // A few rounds: between reading a marker and taking it over, another run may write it.
      for (let round = 0; round < 3; round++) {
        try {
          return { kind: 'owned', etag: await putJson(key, claimed, { IfNoneMatch: '*' }) };
        } catch (err) {
          if (!(err instanceof ConditionFailed)) throw err;
        }
        const current = await marker(job.id);
        if (!current) continue; // gone meanwhile (expired): create it again
        if (current.state === 'sent') return { kind: 'sent' };
        if (current.state === 'claimed' && now - Date.parse(current.at) < leaseMs) return { kind: 'busy', since: current.at };
        try {
          return { kind: 'owned', etag: await putJson(key, claimed, { IfMatch: current.etag }) };
        } catch (err) {
          if (!(err instanceof ConditionFailed)) throw err;
        }
      }
      const last = await marker(job.id);
      return last?.state === 'sent' ? { kind: 'sent' } : { kind: 'busy', since: last?.at ?? new Date(now).toISOString() };
    },
    async markSent(job, receipt, claimEtag) {
      const body = markerBody(job, 'sent', new Date().toISOString(), { sentAt: new Date().toISOString(), ...receipt });
      try {
        await putJson(sentKey(job.id), body, { IfMatch: claimEtag });
        return true;
      } catch (err) {
        if (!(err instanceof ConditionFailed)) throw err;
        await putJson(sentKey(job.id), body);
        return false;
      }
    },
    async release(job, claimEtag, error) {
      try {
        await putJson(sentKey(job.id), markerBody(job, 'released', new Date().toISOString(), { error: error.slice(0, 1000) }), { IfMatch: claimEtag });
        return true;
      } catch (err) {
        if (err instanceof ConditionFailed) return false;
        throw err;
      }
    },
    putFailed: async (job) => {
      await putJson(failedKey(job.id), job);
      return failedKey(job.id);
    },
    putInvalid: async (id, text, error) => {
      await putJson(failedKey(id), { id, invalid: text, failure: { error, at: new Date().toISOString() } });
      return failedKey(id);
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        throw new StoreError('DELETE', key, err);
      }
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        let out;
        try {
          out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) }));
        } catch (err) {
          throw new StoreError('LIST', prefix, err);
        }
        for (const o of out.Contents ?? []) {
          if (o.Key) yield { key: o.Key, lastModified: o.LastModified ?? new Date(0), size: o.Size ?? 0 };
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    },
  };
}
