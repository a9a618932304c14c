/**
 * One job, one API call, however many relay runs meet it: runs claim the job's sent-marker with
 * S3's conditional writes before calling SES or CloudFront (bridge/outbox/store.ts). Against
 * s3rver with the conditional writes S3 documents (infra/twin/s3rver-semantics.ts) and the
 * SigV4-checking SES and CloudFront stand-ins, which count every call that reaches them — so a
 * second call shows even where CloudFront's CallerReference would have made it harmless.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../bridge/log.ts';
import {
  CLAIM_LEASE_MS,
  createRelay,
  createSesClient,
  JOBS_PREFIX,
  lazyClients,
  performJob,
  s3Outbox,
  SENT_PREFIX,
  type Job,
  type Receipt,
} from '../bridge/outbox/index.ts';
import { createCloudFrontClient } from '../bridge/cdn/cloudfront-client.ts';
import { startCloudFrontStandin, startSesStandin, type CloudFrontStandin, type SesStandin } from '../infra/twin/standins/index.ts';
import { createRelayHandler } from '../runtime/relay/handler.ts';
import { startS3, type TestS3 } from './support/s3.ts';

let s3: TestS3;
let ses: SesStandin;
let cloudFront: CloudFrontStandin;
let env: Record<string, string>;
let serial = 0;

beforeAll(async () => {
  s3 = await startS3('claims-bucket');
  const credentials = { [s3.env.AWS_ACCESS_KEY_ID]: s3.env.AWS_SECRET_ACCESS_KEY };
  ses = await startSesStandin({ credentials, verifiedIdentities: ['claims.test'] });
  cloudFront = await startCloudFrontStandin({ credentials });
  env = { ...s3.env, AWS_ENDPOINT_URL_SESV2: ses.url, AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.url, LAMPHP_UPLOADS_BUCKET: s3.bucket, LAMPHP_LOG_LEVEL: 'error' };
});
afterAll(async () => {
  await ses?.close();
  await cloudFront?.close();
  await s3?.close();
});

/** A job id of its own per test (ids are sortable timestamps plus 16 hex digits). */
function nextId(): string {
  serial++;
  return `0mxclaim${serial.toString(36).slice(-1)}-${serial.toString(16).padStart(16, '0')}`;
}

function invalidation(): Job {
  return { v: 1, id: nextId(), kind: 'cdn-invalidation', createdAt: new Date().toISOString(), invalidation: { distributionId: 'ECLAIMS', paths: [`/claims/${serial}/`] } };
}

function mail(): Job {
  const id = nextId();
  const raw = Buffer.from(`From: wordpress@claims.test\r\nTo: reader@example.com\r\nSubject: claim ${serial}\r\n\r\nOnce.\r\n`).toString('base64');
  return { v: 1, id, kind: 'ses-mail', createdAt: new Date().toISOString(), mail: { from: 'wordpress@claims.test', to: ['reader@example.com'], raw, subject: `claim ${serial}` } };
}

function s3Event(key: string) {
  const event = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/outbox/s3-object-created.json'), 'utf8'));
  event.Records[0].s3.bucket.name = s3.bucket;
  event.Records[0].s3.object.key = key.split('/').map(encodeURIComponent).join('/');
  return event;
}

const callsFor = (job: Job) =>
  job.kind === 'ses-mail'
    ? ses.sent.filter((m) => Buffer.from(m.raw).toString('latin1').includes(`Subject: ${job.mail.subject}\r`)).length
    : cloudFront.calls.filter((c) => c.callerReference === `lamphp-${job.id}`).length;

describe("S3's semantics on s3rver: conditional writes, literal keys", () => {
  const put = (key: string, body: string, condition: { IfNoneMatch?: string; IfMatch?: string }) =>
    s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ...condition })).then(
      (out) => ({ status: 200, etag: out.ETag }),
      (err: { $metadata?: { httpStatusCode?: number } }) => ({ status: err.$metadata?.httpStatusCode, etag: undefined }),
    );

  it('If-None-Match: * creates once, If-Match needs the current ETag, If-Match on a missing key is 404', async () => {
    const key = `conditional/${Date.now()}`;
    const created = await put(key, 'one', { IfNoneMatch: '*' });
    expect(created.status).toBe(200);
    expect(await put(key, 'two', { IfNoneMatch: '*' })).toMatchObject({ status: 412 });
    expect(await put(key, 'two', { IfMatch: '"00000000000000000000000000000000"' })).toMatchObject({ status: 412 });
    const replaced = await put(key, 'two', { IfMatch: created.etag! });
    expect(replaced.status).toBe(200);
    expect(await put(key, 'three', { IfMatch: created.etag! })).toMatchObject({ status: 412 });
    expect(Buffer.from((await s3.get(key))!.bytes).toString()).toBe('two');
    expect(await put(`${key}-missing`, 'x', { IfMatch: created.etag! })).toMatchObject({ status: 404 });
  });

  it('a key with a .. segment is a name of its own, never a way to another object', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'secret/object', Body: 'secret' }));
    const raw = (method: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        // The path as given (a URL string would be normalized by the client before it left).
        const req = http.request({ host: '127.0.0.1', port: s3.port, path, method, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(method === 'PUT' ? 'overwritten' : undefined);
      });
    for (const path of [`/${s3.bucket}/public/..%2fsecret/object`, `/${s3.bucket}/public/%2e%2e/secret/object`, `/${s3.bucket}/public/../secret/object`]) {
      const got = await raw('GET', path);
      expect(got.body, path).not.toContain('secret');
      expect(got.status, path).toBe(404);
      expect((await raw('PUT', path)).status, path).toBe(400);
    }
    expect(Buffer.from((await s3.get('secret/object'))!.bytes).toString()).toBe('secret');
  });

  it('of any number of concurrent conditional creates of one key, exactly one succeeds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), async (writers) => {
        const key = `race/${nextId()}`;
        const results = await Promise.all(Array.from({ length: writers }, (_, i) => put(key, `writer ${i}`, { IfNoneMatch: '*' })));
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        expect(results.filter((r) => r.status === 412)).toHaveLength(writers - 1);
      }),
      { numRuns: 12 },
    );
  });
});

describe('one job, one API call', () => {
  it.each([['an invalidation', invalidation], ['a mail', mail]] as const)('%s run twice, then concurrently from four relays, is performed once', async (_what, make) => {
    const outbox = s3Outbox(s3.client, s3.bucket);
    const once = make();
    const key = await outbox.put(once);
    const relay = createRelayHandler(env, memoryLogger('error'));
    expect(await relay(s3Event(key))).toEqual({ jobs: { [key]: 'performed' } });
    expect(await relay(s3Event(key))).toEqual({ jobs: { [key]: 'gone' } });
    await outbox.put(once); // written again: a delete that S3 lost
    expect(await relay(s3Event(key))).toEqual({ jobs: { [key]: 'already-sent' } });
    expect(callsFor(once)).toBe(1);

    const together = make();
    const key2 = await outbox.put(together);
    // Four relay instances (four execution environments) get the same notification at once.
    const relays = Array.from({ length: 4 }, () => createRelayHandler(env, memoryLogger('error')));
    const outcomes = await Promise.all(relays.map((r) => r(s3Event(key2)) as Promise<{ jobs: Record<string, string> }>));
    const counted = outcomes.map((o) => o.jobs[key2]);
    expect(counted.filter((o) => o === 'performed')).toHaveLength(1);
    expect(counted.filter((o) => o !== 'performed').every((o) => ['in-progress', 'already-sent', 'gone'].includes(o!))).toBe(true);
    expect(callsFor(together)).toBe(1);
    expect(await s3.keys(`${JOBS_PREFIX}${together.id}`)).toEqual([]);
  });

  it('a run that sees another holding the claim leaves the job to it; the holder finishes it', async () => {
    const outbox = s3Outbox(s3.client, s3.bucket);
    const job = invalidation();
    const key = await outbox.put(job);
    const clients = lazyClients({ ses: () => createSesClient(env), cloudfront: () => createCloudFrontClient(env) });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const slow = createRelay({ outbox, logger: memoryLogger('error'), retryAfterMs: 0, perform: async (j) => { entered(); await held; return performJob(j, clients); } });
    const quick = createRelay({ outbox, logger: memoryLogger('error'), retryAfterMs: 0, perform: (j) => performJob(j, clients) });
    const first = slow.jobs([key]);
    await inside;
    expect(await quick.jobs([key])).toEqual({ [key]: 'in-progress' });
    expect(await quick.sweep()).toMatchObject({ performed: 0 });
    release();
    expect(await first).toEqual({ [key]: 'performed' });
    expect(callsFor(job)).toBe(1);
  });

  it('a claim older than its lease belongs to a run that died: the next run takes it over and performs the job', async () => {
    const outbox = s3Outbox(s3.client, s3.bucket);
    const job = invalidation();
    const key = await outbox.put(job);
    const claim = await outbox.claim(job, { now: Date.now(), leaseMs: CLAIM_LEASE_MS });
    expect(claim.kind).toBe('owned'); // …and the run that made it died before calling the API
    const clients = lazyClients({ ses: () => createSesClient(env), cloudfront: () => createCloudFrontClient(env) });
    const make = (now: number) => createRelay({ outbox, logger: memoryLogger('error'), retryAfterMs: 0, now: () => now, perform: (j) => performJob(j, clients) });
    expect(await make(Date.now()).jobs([key])).toEqual({ [key]: 'in-progress' });
    expect(callsFor(job)).toBe(0);
    expect(await make(Date.now() + CLAIM_LEASE_MS + 1000).jobs([key])).toEqual({ [key]: 'performed' });
    expect(callsFor(job)).toBe(1);
    // The dead run's late marker cannot undo it: its claim is no longer the marker's.
    expect(await outbox.markSent(job, {}, (claim as { etag: string }).etag)).toBe(false);
  });

  it('a failed call releases the claim: the next run performs the job at once, not after the lease', async () => {
    const outbox = s3Outbox(s3.client, s3.bucket);
    const job = invalidation();
    const key = await outbox.put(job);
    const relay = createRelayHandler(env, memoryLogger('error'));
    cloudFront.setFail(true);
    try {
      await expect(relay(s3Event(key))).rejects.toThrow(/outbox job failed/);
    } finally {
      cloudFront.setFail(false);
    }
    expect(await outbox.marker(job.id)).toMatchObject({ state: 'released' });
    expect(await relay(s3Event(key))).toEqual({ jobs: { [key]: 'performed' } });
    expect(await outbox.marker(job.id)).toMatchObject({ state: 'sent' });
  });

  it('a sent-marker written before claims existed (no state) still means sent', async () => {
    const outbox = s3Outbox(s3.client, s3.bucket);
    const job = invalidation();
    const key = await outbox.put(job);
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${SENT_PREFIX}${job.id}`, Body: JSON.stringify({ id: job.id, kind: job.kind, sentAt: new Date().toISOString() }) }));
    const relay = createRelayHandler(env, memoryLogger('error'));
    expect(await relay(s3Event(key))).toEqual({ jobs: { [key]: 'already-sent' } });
    expect(callsFor(job)).toBe(0);
  });

  it('what the marker records: the run performs with the receipt the API gave', async () => {
    const outbox = s3Outbox(s3.client, s3.bucket);
    const job = mail();
    const key = await outbox.put(job);
    const receipts: Receipt[] = [];
    const clients = lazyClients({ ses: () => createSesClient(env), cloudfront: () => createCloudFrontClient(env) });
    const relay = createRelay({ outbox, logger: memoryLogger('error'), retryAfterMs: 0, perform: async (j) => { const r = await performJob(j, clients); receipts.push(r); return r; } });
    await relay.jobs([key]);
    const body = JSON.parse(Buffer.from((await s3.get(`${SENT_PREFIX}${job.id}`))!.bytes).toString('utf8'));
    expect(body).toMatchObject({ id: job.id, state: 'sent', ...receipts[0] });
    expect(receipts[0]).toMatchObject({ messageId: expect.stringMatching(/standin$/) });
  });
});
