/**
 * The relay as Lambda runs it: `lamphp relay build` writes a zip whose `index.mjs` is unpacked
 * into an empty directory far from this repository (no node_modules anywhere above it) and
 * started by Node 24 as `index.handler` with an S3 notification: it performs a job against s3rver
 * and the CloudFront stand-in. Two builds give the same bytes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Outbox, SENT_PREFIX, type Job } from '../bridge/outbox/index.ts';
import { startCloudFrontStandin, type CloudFrontStandin } from '../infra/twin/standins/index.ts';
import { buildRelay } from '../layer/relay.ts';
import { startS3, type TestS3 } from './support/s3.ts';

const NODE = path.resolve(import.meta.dirname, '../node_modules/.bin/node');

function run(dir: string, event: unknown, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `const { handler } = await import('./index.mjs'); const out = await handler(${JSON.stringify(event)}, { awsRequestId: 'bundle-test' }); console.log('RESULT ' + JSON.stringify(out));`;
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('relay bundle', () => {
  let tmp: string;
  let s3: TestS3;
  let cloudFront: CloudFrontStandin;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-relay-'));
    s3 = await startS3('relay-bucket');
    cloudFront = await startCloudFrontStandin({ credentials: { [s3.env.AWS_ACCESS_KEY_ID]: s3.env.AWS_SECRET_ACCESS_KEY } });
  });
  afterAll(async () => {
    await cloudFront?.close();
    await s3?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs from its zip alone and performs a job from an S3 notification', async () => {
    const built = await buildRelay({ outDir: path.join(tmp, 'a'), print: () => {} });
    const again = await buildRelay({ outDir: path.join(tmp, 'b'), print: () => {} });
    expect(fs.readFileSync(built.zip).equals(fs.readFileSync(again.zip))).toBe(true);
    const files = unzipSync(fs.readFileSync(built.zip));
    expect(Object.keys(files).filter((n) => !n.endsWith('/'))).toEqual(['index.mjs']);
    const task = path.join(tmp, 'var-task');
    fs.mkdirSync(task);
    fs.writeFileSync(path.join(task, 'index.mjs'), files['index.mjs']!);

    const job: Job = { v: 1, id: '0mxbundle-00000000000000bb', kind: 'cdn-invalidation', createdAt: new Date().toISOString(), invalidation: { distributionId: 'EBUNDLE', paths: ['/bundled/'] } };
    const key = await s3Outbox(s3.client, s3.bucket).put(job);
    const event = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/outbox/s3-object-created.json'), 'utf8'));
    event.Records[0].s3.bucket.name = s3.bucket;
    event.Records[0].s3.object.key = key;
    const result = await run(task, event, { ...s3.env, AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.url, LAMPHP_UPLOADS_BUCKET: s3.bucket });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`RESULT ${JSON.stringify({ jobs: { [key]: 'performed' } })}`);
    expect(JSON.parse(result.stdout.split('\n').find((l) => l.includes('outbox job performed'))!)).toMatchObject({ level: 'info', requestId: 'bundle-test', id: job.id });
    expect(cloudFront.invalidations).toEqual([expect.objectContaining({ distributionId: 'EBUNDLE', paths: ['/bundled/'] })]);
    expect(await s3.keys(SENT_PREFIX)).toEqual([`${SENT_PREFIX}${job.id}`]);
  });

  it('fails an invocation with a clear reason when its bucket setting is missing', async () => {
    const task = path.join(tmp, 'var-task');
    const result = await run(task, { source: 'aws.events', 'detail-type': 'Scheduled Event' }, { ...s3.env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('The relay needs LAMPHP_UPLOADS_BUCKET');
  });
});
