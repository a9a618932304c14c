/**
 * A real S3-speaking server for tests: s3rver in-process, on a fixed port so it can be stopped
 * (S3 unreachable) and started again with its objects intact, with S3's conditional writes
 * added (infra/twin/s3rver-semantics.ts).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../bridge/uploads/store.ts';
import { addS3Semantics } from '../../infra/twin/s3rver-semantics.ts';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export interface TestS3 {
  port: number;
  bucket: string;
  endpoint: string;
  /** The AWS_* settings that point an S3 client at this server. */
  env: Record<string, string>;
  client: S3Client;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Keys under a prefix. */
  keys(prefix?: string): Promise<string[]>;
  get(key: string): Promise<{ bytes: Uint8Array; contentType?: string; cacheControl?: string } | undefined>;
  head(key: string): Promise<{ contentType?: string; cacheControl?: string; size?: number } | undefined>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startS3(bucket = 'media'): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-s3-'));
  const port = await freePort();
  let server: S3rverInstance | undefined;
  const start = async () => {
    server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
    // S3's If-None-Match / If-Match on PUT, which s3rver lacks (the outbox relay's claims rely on them).
    addS3Semantics(server as unknown as Parameters<typeof addS3Semantics>[0]);
    await server.run();
  };
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  };
  const client = createS3Client(env, { maxAttempts: 1 });
  return {
    port,
    bucket,
    endpoint,
    env,
    client,
    start,
    stop,
    async close() {
      await stop();
      client.destroy();
      fs.rmSync(directory, { recursive: true, force: true });
    },
    async keys(prefix = '') {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (out.Contents ?? []).map((o) => o.Key!).sort();
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { bytes: await out.Body!.transformToByteArray(), contentType: out.ContentType, cacheControl: out.CacheControl };
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
    async head(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { contentType: out.ContentType, cacheControl: out.CacheControl, size: out.ContentLength };
      } catch (err) {
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
        throw err;
      }
    },
  };
}

/** Polls until `check` returns true (after-response work), or fails with `what`. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting: ${what}`);
}
