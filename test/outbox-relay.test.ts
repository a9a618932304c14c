/**
 * The outbox with a real S3-speaking server (s3rver) and SigV4-checking stand-ins for SES and
 * CloudFront. WordPress (LAMPHP_AWS_ROUTE=outbox) writes jobs — one invalidation job per publish,
 * one mail job per message — and the relay handler, invoked with the events Lambda would send
 * (the bucket's notification, the on-failure destination record, a schedule), performs them,
 * deletes them only once the API accepted them, never performs one twice, and moves a job that
 * failed every attempt to failed/, from where `lamphp outbox retry` replays it. S3 down: the
 * caller is told.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../bridge/log.ts';
import { createRelay, decodeJob, FAILED_PREFIX, JOBS_PREFIX, lazyClients, performJob, s3Outbox, SENT_PREFIX, createSesClient, type Job } from '../bridge/outbox/index.ts';
import { createCloudFrontClient } from '../bridge/cdn/cloudfront-client.ts';
import { startCloudFrontStandin, startSesStandin, type CloudFrontStandin, type SesStandin } from '../infra/twin/standins/index.ts';
import { createRelayHandler } from '../runtime/relay/handler.ts';
import { outboxList, outboxRetry } from '../runtime/outbox.ts';
import { Visitor } from './support/http-client.ts';
import { eventually, startS3, type TestS3 } from './support/s3.ts';
import { logIn, restNonce, startWordPress, usePrettyPermalinks, type TestSite } from './support/wordpress.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures/outbox');
const DISTRIBUTION = 'E2OUTBOXTEST';
const HOST = 'outbox.example.test';

/** The notification S3 sends for a new object (the fixture, filled in). */
function s3Event(bucket: string, key: string) {
  const event = JSON.parse(fs.readFileSync(path.join(FIXTURES, 's3-object-created.json'), 'utf8'));
  event.Records[0].s3.bucket.name = bucket;
  event.Records[0].s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  event.Records[0].s3.object.key = key.split('/').map(encodeURIComponent).join('/');
  return event;
}

/** Lambda's on-failure destination record for an invocation with `event` that kept failing. */
function failureRecord(event: unknown, error: string) {
  const record = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'on-failure-destination.json'), 'utf8'));
  record.requestPayload = event;
  record.responsePayload.errorMessage = error;
  record.responsePayload.trace[0] = `Error: ${error}`;
  return record;
}

describe('outbox relay', () => {
  let s3: TestS3;
  let ses: SesStandin;
  let cloudFront: CloudFrontStandin;
  let site: TestSite;
  let env: Record<string, string>;
  let relayHandler: ReturnType<typeof createRelayHandler>;
  let admin: Visitor;
  let nonce: string;
  const relayLog = memoryLogger('info');
  const relayLogs = relayLog.records;

  const jobs = () => s3.keys(JOBS_PREFIX);
  /** Performs every waiting job, as the relay would on their notifications. */
  const drain = async () => {
    for (const key of await jobs()) await relay(s3Event(s3.bucket, key));
    expect(await jobs()).toEqual([]);
  };
  const queued = () => site.logs.filter((r) => r.msg === 'cdn invalidation queued for the relay').length;
  const readJob = async (key: string) => decodeJob(Buffer.from((await s3.get(key))!.bytes).toString('utf8')) as Job;
  const relay = (event: unknown) => relayHandler(event, { awsRequestId: `relay-${Date.now()}` });

  beforeAll(async () => {
    s3 = await startS3('site-media');
    const credentials = { [s3.env.AWS_ACCESS_KEY_ID]: s3.env.AWS_SECRET_ACCESS_KEY };
    ses = await startSesStandin({ credentials, verifiedIdentities: ['verified.test'] });
    cloudFront = await startCloudFrontStandin({ credentials });
    env = {
      ...s3.env,
      AWS_ENDPOINT_URL_SESV2: ses.url,
      AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.url,
      LAMPHP_UPLOADS_BUCKET: s3.bucket,
      LAMPHP_UPLOADS_PREFIX: 'wp-content/uploads/',
      LAMPHP_LOG_LEVEL: 'info',
    };
    site = await startWordPress({
      workers: 1,
      env: {
        ...env,
        LAMPHP_AWS_ROUTE: 'outbox',
        LAMPHP_MAIL_TRANSPORT: 'ses',
        LAMPHP_MAIL_FROM: 'wordpress@verified.test',
        LAMPHP_CLOUDFRONT_DISTRIBUTION_ID: DISTRIBUTION,
        LAMPHP_CANONICAL_HOST: HOST,
      },
    });
    relayHandler = createRelayHandler(env, relayLog);
  });
  afterAll(async () => {
    await site?.close();
    await ses?.close();
    await cloudFront?.close();
    await s3?.close();
  });

  it('publishing a post writes one invalidation job; the relay invalidates through CloudFront and deletes it, once', async () => {
    admin = new Visitor(site.url);
    await logIn(admin, site.admin.user, site.admin.password);
    await usePrettyPermalinks(admin);
    nonce = await restNonce(admin);
    // A change that surely invalidates (the tagline): once its job is queued, so is anything before it.
    const queuedBefore = queued();
    const tagline = await admin.request('/wp-json/wp/v2/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      body: JSON.stringify({ description: `Tagline ${Date.now()}` }),
    });
    expect(tagline.status).toBe(200);
    await eventually(async () => queued() > queuedBefore, "the tagline's invalidation job");
    await drain(); // the install's jobs (its notice to the admin included), the permalink change's, the tagline's
    const calls = cloudFront.calls.length;
    const title = `Relayed ${Date.now()}`;
    const created = await admin.request('/wp-json/wp/v2/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      body: JSON.stringify({ title, content: 'Body', status: 'publish' }),
    });
    expect(created.status).toBe(201);
    const link = new URL(JSON.parse(created.text).link as string).pathname;
    await eventually(async () => (await jobs()).length > 0, 'the invalidation job');
    await new Visitor(site.url).get('/'); // a later request: any other deferred job would be written by now
    const [key, ...others] = await jobs();
    expect(others).toEqual([]);
    const job = await readJob(key!);
    expect(job).toMatchObject({ kind: 'cdn-invalidation', invalidation: { distributionId: DISTRIBUTION } });
    expect(job.kind === 'cdn-invalidation' && job.invalidation.paths).toEqual(expect.arrayContaining(['/', link, '/feed/']));
    expect(cloudFront.calls).toHaveLength(calls); // the function itself never calls CloudFront

    const event = s3Event(s3.bucket, key!);
    expect(await relay(event)).toEqual({ jobs: { [key!]: 'performed' } });
    expect(cloudFront.invalidations.at(-1)).toEqual(expect.objectContaining({ distributionId: DISTRIBUTION, paths: (job as { invalidation: { paths: string[] } }).invalidation.paths }));
    expect(await jobs()).toEqual([]);
    expect(await s3.keys(SENT_PREFIX)).toContain(`${SENT_PREFIX}${job.id}`);

    // The same notification again, and the same job written again (a delete that S3 lost): no second call.
    expect(await relay(event)).toEqual({ jobs: { [key!]: 'gone' } });
    await s3Outbox(s3.client, s3.bucket).put(job);
    expect(await relay(event)).toEqual({ jobs: { [key!]: 'already-sent' } });
    expect(cloudFront.calls).toHaveLength(calls + 1);
    expect(await jobs()).toEqual([]);
  });

  it('a password reset becomes one mail job; the relay sends it through SES once, however often it runs', async () => {
    await drain();
    const sentBefore = ses.sent.length;
    const visitor = new Visitor(site.url);
    visitor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
    const res = await visitor.postForm('/wp-login.php?action=lostpassword', { user_login: 'admin', redirect_to: '', 'wp-submit': 'Get New Password' });
    expect(res.status).toBe(302); // wp_mail returned true: the job is in S3
    const [key, ...others] = await jobs();
    expect(others).toEqual([]);
    const job = await readJob(key!);
    expect(job).toMatchObject({ kind: 'ses-mail', mail: { from: 'wordpress@verified.test', to: ['admin@example.com'] } });
    expect(ses.sent).toHaveLength(sentBefore);
    const event = s3Event(s3.bucket, key!);
    await relay(event);
    await relay(event);
    await s3Outbox(s3.client, s3.bucket).put(job);
    await relay(event);
    expect(ses.sent).toHaveLength(sentBefore + 1);
    expect(ses.sent.at(-1)).toMatchObject({ fromEmailAddress: 'wordpress@verified.test', destination: { to: ['admin@example.com'] } });
    expect(Buffer.from(ses.sent.at(-1)!.raw).toString('latin1')).toContain(`http://${HOST}/wp-login.php?login=admin&key=`);
    expect(await jobs()).toEqual([]);
  });

  it('a failing CloudFront leaves the job; the on-failure destination moves it to failed/; retry replays it', async () => {
    await drain();
    const outbox = s3Outbox(s3.client, s3.bucket);
    const job: Job = {
      v: 1,
      id: '0mxfailin-0123456789abcdef',
      kind: 'cdn-invalidation',
      createdAt: new Date().toISOString(),
      invalidation: { distributionId: DISTRIBUTION, paths: ['/failing/'] },
    };
    const key = await outbox.put(job);
    const event = s3Event(s3.bucket, key);
    cloudFront.setFail(true);
    try {
      const calls = cloudFront.calls.length;
      // Each invocation fails (Lambda retries twice), and the job stays.
      for (let attempt = 0; attempt < 3; attempt++) await expect(relay(event)).rejects.toThrow(/ServiceUnavailable|the stand-in was told to fail/);
      expect(cloudFront.calls.length).toBeGreaterThan(calls);
      expect(await jobs()).toEqual([key]);
      await relay(failureRecord(event, 'outbox job failed: ServiceUnavailable'));
    } finally {
      cloudFront.setFail(false);
    }
    expect(await jobs()).toEqual([]);
    expect(await s3.keys(FAILED_PREFIX)).toEqual([`${FAILED_PREFIX}${job.id}.json`]);
    const failed = JSON.parse(Buffer.from((await s3.get(`${FAILED_PREFIX}${job.id}.json`))!.bytes).toString('utf8'));
    expect(failed).toMatchObject({ id: job.id, invalidation: job.invalidation, failure: { error: 'outbox job failed: ServiceUnavailable', attempts: 3, condition: 'RetriesExhausted' } });

    const lines: string[] = [];
    const listed = await outboxList({ bucket: s3.bucket }, { ...env }, (l) => lines.push(l));
    expect(listed).toEqual([expect.objectContaining({ state: 'failed', id: job.id, error: 'outbox job failed: ServiceUnavailable' })]);
    expect(lines.join('\n')).toContain('invalidation of /failing/');

    expect(await outboxRetry({ bucket: s3.bucket, ids: [], all: true }, { ...env }, () => {})).toEqual({ retried: [job.id], skipped: [] });
    expect(await s3.keys(FAILED_PREFIX)).toEqual([]);
    expect(await relay(s3Event(s3.bucket, key))).toEqual({ jobs: { [key]: 'performed' } });
    expect(cloudFront.invalidations.at(-1)).toMatchObject({ paths: ['/failing/'] });
  });

  it('the sweep performs jobs stuck past the retry delay, and gives up on one still failing after six hours', async () => {
    await drain();
    const outbox = s3Outbox(s3.client, s3.bucket);
    const logger = memoryLogger();
    let clock = Date.now();
    const clients = lazyClients({ ses: () => createSesClient(env), cloudfront: () => createCloudFrontClient(env) });
    const sweeper = createRelay({ outbox, perform: (j) => performJob(j, clients), logger, retryAfterMs: 10 * 60_000, now: () => clock });
    const stuck: Job = { v: 1, id: '0mxstuck0-00000000000000aa', kind: 'cdn-invalidation', createdAt: new Date().toISOString(), invalidation: { distributionId: DISTRIBUTION, paths: ['/stuck/'] } };
    await outbox.put(stuck);
    expect(await sweeper.sweep()).toEqual({ performed: 0, waiting: 1, failed: 0 }); // fresh: its notification may still come
    clock += 11 * 60_000;
    cloudFront.setFail(true);
    try {
      expect(await sweeper.sweep()).toEqual({ performed: 0, waiting: 1, failed: 0 });
      clock += 6 * 60 * 60_000;
      expect(await sweeper.sweep()).toEqual({ performed: 0, waiting: 0, failed: 1 });
    } finally {
      cloudFront.setFail(false);
    }
    expect(await s3.keys(FAILED_PREFIX)).toEqual([`${FAILED_PREFIX}${stuck.id}.json`]);
    await outboxRetry({ bucket: s3.bucket, ids: [stuck.id] }, { ...env }, () => {});
    clock = Date.now() + 11 * 60_000;
    expect(await sweeper.sweep()).toEqual({ performed: 1, waiting: 0, failed: 0 });
    expect(cloudFront.invalidations.at(-1)).toMatchObject({ paths: ['/stuck/'] });
    // The scheduled event reaches the same sweep through the handler.
    const scheduled = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/operations/eventbridge-scheduled.json'), 'utf8'));
    expect(await relay(scheduled)).toEqual({ sweep: { performed: 0, waiting: 0, failed: 0 } });
  });

  it('ignores events it does not know and notifications for another bucket', async () => {
    expect(await relay({ hello: 'world' })).toEqual({ ignored: true });
    expect(await relay(s3Event('someone-elses-bucket', `${JOBS_PREFIX}0mxother0-0000000000000000.json`))).toEqual({ jobs: {} });
    expect(relayLogs.some((r) => r.msg === 'relay invoked for another bucket; ignored')).toBe(true);
  });

  it('with S3 down the caller is told: wp_mail fails with one log line, the invalidation failure is logged', async () => {
    await s3.stop();
    try {
      const before = site.logs.length;
      const visitor = new Visitor(site.url);
      visitor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
      const res = await visitor.postForm('/wp-login.php?action=lostpassword', { user_login: 'admin', redirect_to: '', 'wp-submit': 'Get New Password' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('could not be sent');
      const mailLines = site.logs.slice(before).filter((r) => String(r.msg).startsWith('mail '));
      expect(mailLines).toEqual([
        expect.objectContaining({ level: 'error', msg: 'mail not sent: the transport refused it; mail() returns false', err: expect.objectContaining({ code: 'ES3' }) }),
      ]);
      const published = await admin.request('/wp-json/wp/v2/posts', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
        body: JSON.stringify({ title: `While S3 is down ${Date.now()}`, content: 'Body', status: 'publish' }),
      });
      expect(published.status).toBe(201); // the page's own work is not failed by it
      await eventually(async () => site.logs.some((r) => String(r.msg).startsWith('cdn invalidation failed') && r.route === 'outbox'), 'the failed job logged');
    } finally {
      await s3.start();
    }
  });
});
