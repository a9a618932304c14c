/**
 * The outbox in the uploads bucket: job objects, sent-markers and failed jobs under
 * `.lamphp-outbox/` (see job.ts for the keys). Used by the function (writing jobs), the relay
 * (performing them) and `lamphp outbox` (showing and replaying failed ones).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StoreError } from '../uploads/store.ts';
import { decodeJob, failedKey, jobKey, sentKey, type FailedJob, type Job } from './job.ts';
import type { Receipt } from './perform.ts';

export interface OutboxObject {
  key: string;
  lastModified: Date;
  size: number;
}

/** What a stored job key holds: the job, or the text that could not be read as one. */
export type StoredJob = { job: Job | FailedJob } | { invalid: string; error: string };

export interface Outbox {
  readonly bucket: string;
  /** Writes a waiting job; resolves with its key once S3 has it. */
  put(job: Job): Promise<string>;
  /** undefined when there is no such object (already done, or moved). */
  get(key: string): Promise<StoredJob | undefined>;
  isSent(id: string): Promise<boolean>;
  markSent(job: Job, receipt: Receipt): Promise<void>;
  putFailed(job: FailedJob): Promise<string>;
  /** Keeps an unreadable job for inspection under its failed key. */
  putInvalid(id: string, text: string, error: string): Promise<string>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<OutboxObject>;
}

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

export function s3Outbox(client: Pick<S3Client, 'send'>, bucket: string): Outbox {
  const putJson = async (key: string, value: unknown) => {
    const body = JSON.stringify(value);
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    } catch (err) {
      throw new StoreError('PUT', key, err);
    }
    return key;
  };
  return {
    bucket,
    put: (job) => putJson(jobKey(job.id), job),
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
    async isSent(id) {
      const key = sentKey(id);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (err) {
        if (status(err) === 404 || (err as { name?: string }).name === 'NotFound') return false;
        throw new StoreError('HEAD', key, err);
      }
    },
    async markSent(job, receipt) {
      await putJson(sentKey(job.id), { id: job.id, kind: job.kind, sentAt: new Date().toISOString(), ...receipt });
    },
    putFailed: (job) => putJson(failedKey(job.id), job),
    putInvalid: (id, text, error) => putJson(failedKey(id), { id, invalid: text, failure: { error, at: new Date().toISOString() } }),
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
