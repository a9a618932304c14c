/**
 * The bucket, as the uploads sync sees it: put, delete, head and list, with S3's errors turned
 * into one error type that says what failed. The S3 client uses the standard AWS_* settings
 * (the Lambda role's credentials; `AWS_ENDPOINT_URL_S3` for an S3-compatible server).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { awsClientBase } from '../aws-env.ts';
import type { Env } from '../config.ts';
import { LamphpError } from '../errors.ts';
import { presignPut } from './presign.ts';

export interface PutSource {
  /** The bytes, or a file streamed with its size (large files in `uploads sync`). */
  bytes?: Uint8Array;
  file?: string;
  size: number;
  /** Hex digests of the content: md5 protects the transfer, sha256 is kept as metadata. */
  md5: string;
  sha256: string;
}

export interface RemoteObject {
  key: string;
  size: number;
  /** Without quotes; the MD5 hex for a single-part upload. */
  etag: string;
}

export interface ObjectStore {
  readonly bucket: string;
  put(key: string, source: PutSource, headers: { contentType: string; cacheControl: string }): Promise<void>;
  delete(key: string): Promise<void>;
  /** undefined when there is no such object. */
  head(key: string): Promise<(RemoteObject & { sha256?: string; contentType?: string }) | undefined>;
  list(prefix: string): AsyncIterable<RemoteObject>;
  /** A URL a browser can PUT one object to (direct uploads); not every store has one. */
  presignPut?(key: string, options: { contentType: string; contentLength: number; expiresInSeconds: number }): Promise<string>;
  /** Streams an object into a new file (never replacing one); returns its size and SHA-256. */
  download?(key: string, file: string): Promise<{ size: number; sha256: string }>;
  /** Server-side copy with new headers (no bytes pass through lamphp). */
  copy?(from: string, to: string, headers: { contentType: string; cacheControl: string }, sha256: string): Promise<void>;
}

/** Metadata key under which the content's SHA-256 is stored (`x-amz-meta-lamphp-sha256`). */
export const SHA256_META = 'lamphp-sha256';

export class StoreError extends LamphpError {
  readonly key: string;
  readonly operation: string;
  constructor(operation: string, key: string, cause: unknown) {
    const err = cause as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = err?.$metadata?.httpStatusCode;
    const reason = err?.code ?? err?.name ?? 'Error';
    super('ES3', `S3 ${operation} of ${key} failed: ${reason}${status ? ` (HTTP ${status})` : ''}: ${err?.message ?? String(cause)}`, {
      cause,
    });
    this.key = key;
    this.operation = operation;
  }
}

/**
 * An S3 client for the uploads bucket. Checksums only when S3 requires them: otherwise the SDK
 * sends aws-chunked bodies, which S3-compatible servers may store with their framing.
 */
export function createS3Client(env: Env = process.env, overrides: Partial<S3ClientConfig> = {}): S3Client {
  const base = awsClientBase(env, 'S3');
  return new S3Client({
    ...base,
    ...(base.endpoint && { forcePathStyle: true }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A request waits for these: an unreachable S3 must fail fast and leave the work pending.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 30_000 },
    ...overrides,
  });
}

export function s3Store(client: S3Client, bucket: string): ObjectStore {
  return {
    bucket,
    async put(key, source, headers) {
      const body = source.bytes ?? (source.file ? fs.createReadStream(source.file) : new Uint8Array());
      try {
        // S3 verifies Content-MD5 and refuses a body that does not match it.
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: source.size,
            ContentType: headers.contentType,
            CacheControl: headers.cacheControl,
            ContentMD5: Buffer.from(source.md5, 'hex').toString('base64'),
            Metadata: { [SHA256_META]: source.sha256 },
          }),
        );
      } catch (err) {
        throw new StoreError('PUT', key, err);
      }
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        throw new StoreError('DELETE', key, err);
      }
    },
    async head(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          key,
          size: out.ContentLength ?? 0,
          etag: out.ETag?.replace(/"/g, '') ?? '',
          sha256: out.Metadata?.[SHA256_META],
          contentType: out.ContentType,
        };
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (err as { name?: string }).name === 'NotFound') return undefined;
        throw new StoreError('HEAD', key, err);
      }
    },
    async presignPut(key, options) {
      const credentials = await client.config.credentials();
      const endpoint = client.config.endpoint ? await client.config.endpoint() : undefined;
      return presignPut({
        credentials,
        region: await client.config.region(),
        bucket,
        key,
        ...(endpoint && { endpoint: `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path}` }),
        contentType: options.contentType,
        contentLength: options.contentLength,
        expiresInSeconds: options.expiresInSeconds,
        now: new Date(),
      });
    },
    async download(key, file) {
      let body: Readable;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        body = out.Body as Readable;
      } catch (err) {
        throw new StoreError('GET', key, err);
      }
      // Written beside the target and linked into place: an existing file is never replaced.
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.lamphp-tmp`);
      const hash = createHash('sha256');
      let size = 0;
      try {
        body.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.byteLength;
        });
        await pipeline(body, fs.createWriteStream(tmp, { flags: 'wx' }));
        await fs.promises.link(tmp, file);
      } finally {
        await fs.promises.rm(tmp, { force: true });
      }
      return { size, sha256: hash.digest('hex') };
    },
    async copy(from, to, headers, sha256) {
      try {
        await client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: to,
            CopySource: `${bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
            MetadataDirective: 'REPLACE',
            ContentType: headers.contentType,
            CacheControl: headers.cacheControl,
            Metadata: { [SHA256_META]: sha256 },
          }),
        );
      } catch (err) {
        throw new StoreError('COPY', to, err);
      }
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        let out;
        try {
          out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        } catch (err) {
          throw new StoreError('LIST', prefix, err);
        }
        for (const o of out.Contents ?? []) {
          if (o.Key !== undefined) yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag?.replace(/"/g, '') ?? '' };
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    },
  };
}
