/**
 * Uploads offloaded to S3 for a PHP app that is not WordPress, through `serve` and the real
 * engine, against s3rver: what PHP writes is in the bucket before the answer, deletions follow,
 * an unreachable S3 leaves pending work that a later request finishes, and `lamphp uploads
 * sync` reconciles a directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../bridge/log.ts';
import { uploadFileLimit } from '../bridge/uploads/limits.ts';
import { objectHeaders, publishable } from '../bridge/uploads/objects.ts';
import { PendingJournal, backoffMs } from '../bridge/uploads/pending.ts';
import { serve, type Serving } from '../runtime/local/serve.ts';
import { uploadsSync } from '../runtime/uploads.ts';
import { DEFAULT_CACHE, readConfig } from '../bridge/config.ts';
import type { HandleOptions } from '../bridge/handler.ts';
import { textResponse } from '../bridge/http.ts';
import { createInvocationHandler } from '../runtime/lambda/handler.ts';
import { Visitor } from './support/http-client.ts';
import { eventually, startS3, type TestS3 } from './support/s3.ts';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/uploads/app.php');

describe('upload rules', () => {
  it('publishes only what the static responder would serve', () => {
    const layout = { uploadsDir: 'wp-content/uploads' };
    expect(publishable(layout, '2026/11/photo.jpg')).toBe(true);
    expect(publishable(layout, '2026/11/photo-150x150.webp')).toBe(true);
    for (const rel of ['shell.php', 'x.php.jpg', '.htaccess', 'a/.hidden/b.jpg', 'dump.sql', 'a/../b.jpg', '', 'x~']) {
      expect(publishable(layout, rel), rel).toBe(false);
    }
  });

  it('stores objects with the static Content-Type and the uploads Cache-Control row', () => {
    expect(objectHeaders({ uploadsDir: 'wp-content/uploads' }, '2026/11/a.jpg', DEFAULT_CACHE)).toEqual({
      contentType: 'image/jpeg',
      cacheControl: DEFAULT_CACHE.uploads,
    });
    expect(objectHeaders({ uploadsDir: 'files' }, 'notes/a.txt', { ...DEFAULT_CACHE, uploads: 'public, max-age=5' })).toEqual({
      contentType: 'text/plain; charset=utf-8',
      cacheControl: 'public, max-age=5',
    });
  });

  it('states the file limit each front door can carry', () => {
    const big = 32 * 1024 * 1024;
    // API Gateway / Function URL: 6 MiB of event, base64 → 4.5 MiB of body, minus the multipart framing.
    expect(uploadFileLimit({ maxRequestBytes: 6 * 1024 * 1024, base64Body: true }, big)).toBe(4.5 * 1024 * 1024 - 16 * 1024);
    expect(uploadFileLimit({ maxRequestBytes: 1024 * 1024, base64Body: true }, big)).toBe(768 * 1024 - 16 * 1024);
    expect(uploadFileLimit(undefined, 1024 * 1024)).toBe(1024 * 1024 - 16 * 1024);
  });

  it("hands the bridge's deferred work to Lambda's after-response slot and names the front door's limit", async () => {
    const seen: HandleOptions[] = [];
    const order: string[] = [];
    const bridge = {
      async handle(_request: unknown, options: HandleOptions) {
        seen.push(options);
        options.defer?.(async () => void order.push('deferred'));
        return textResponse(200, 'ok');
      },
    };
    const handler = createInvocationHandler({
      config: readConfig({}),
      logger: memoryLogger('error'),
      bridge,
      afterResponse: async () => void order.push('engine idle'),
    });
    const event = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, 'fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
    const outcome = await handler(event, { requestId: 'r-1', deadlineMs: Date.now() + 30_000, invokedFunctionArn: 'arn:x', traceId: undefined });
    expect(outcome.kind).toBe('buffered');
    expect(order).toEqual([]); // nothing deferred runs before the response is posted
    await outcome.after!();
    expect(order).toEqual(['deferred', 'engine idle']);
    expect(seen[0]!.frontDoor).toEqual({ maxRequestBytes: 6 * 1024 * 1024, base64Body: true });
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
  });
});

describe('uploads of a plain PHP app', () => {
  let s3: TestS3;
  let serving: Serving;
  let root: string;
  let env: Record<string, string>;
  const logger = memoryLogger('info');
  const files = () => path.join(root, 'files');
  const visitor = () => new Visitor(serving.url);

  beforeAll(async () => {
    s3 = await startS3();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-uploads-app-'));
    fs.copyFileSync(FIXTURE, path.join(root, 'index.php'));
    env = {
      ...(process.env as Record<string, string>),
      ...s3.env,
      LAMPHP_UPLOADS_DIR: 'files',
      LAMPHP_UPLOADS_BUCKET: s3.bucket,
      LAMPHP_UPLOADS_PREFIX: 'site-a/',
      LAMPHP_CACHE_UPLOADS: 'public, max-age=123',
      LAMPHP_SESSION_DIR: path.join(root, '.sessions'),
    };
    serving = await serve({ root, port: 0, workers: 1, timeoutMs: 4000 }, env, logger);
  });
  afterAll(async () => {
    await serving?.close();
    await s3?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('has a file PHP wrote in the bucket before the answer, with its type and the uploads Cache-Control', async () => {
    const res = await visitor().get('/?action=write&name=a.txt&content=first');
    expect(res.text).toBe('wrote docs/a.txt');
    const object = await s3.get('site-a/docs/a.txt');
    expect(object && new TextDecoder().decode(object.bytes)).toBe('first');
    expect(object?.contentType).toBe('text/plain; charset=utf-8');
    expect(object?.cacheControl).toBe('public, max-age=123');
  });

  it('syncs an image GD wrote, byte for byte', async () => {
    await visitor().get('/?action=image&name=red.png');
    const object = await s3.get('site-a/img/red.png');
    expect(object?.contentType).toBe('image/png');
    expect(Buffer.from(object!.bytes).equals(fs.readFileSync(path.join(files(), 'img/red.png')))).toBe(true);
  });

  it('follows a rename and a deletion after the response', async () => {
    await visitor().get('/?action=write&name=b.txt&content=bee');
    await visitor().get('/?action=move&name=b.txt');
    await eventually(async () => (await s3.keys('site-a/docs/')).join() === 'site-a/docs/a.txt,site-a/docs/moved-b.txt', 'rename synced');
    await visitor().get('/?action=delete&name=moved-b.txt');
    await eventually(async () => (await s3.head('site-a/docs/moved-b.txt')) === undefined, 'deletion synced');
  });

  it('publishes what a request wrote before it was stopped at its deadline', async () => {
    const res = await visitor().get('/?action=hang&name=late.txt');
    expect(res.status).toBe(504);
    await eventually(async () => (await s3.get('site-a/docs/late.txt')) !== undefined, 'file of a stopped request synced');
    expect(new TextDecoder().decode((await s3.get('site-a/docs/late.txt'))!.bytes)).toBe('written before the deadline');
  });

  it('never publishes PHP or dotfiles written under uploads', async () => {
    await visitor().get('/?action=secret');
    expect(fs.existsSync(path.join(files(), 'shell.php'))).toBe(true);
    expect(await s3.head('site-a/shell.php')).toBeUndefined();
    expect(await s3.head('site-a/.htaccess')).toBeUndefined();
  });

  it('keeps the file local and the work pending while S3 is down, and finishes it on a later request', async () => {
    const journal = new PendingJournal(path.join(root, '.lamphp-pending'));
    await s3.stop();
    try {
      const res = await visitor().get('/?action=write&name=offline.txt&content=while-down');
      expect(res.status).toBe(200);
      expect(res.text).toBe('wrote docs/offline.txt');
      expect(fs.readFileSync(path.join(files(), 'docs/offline.txt'), 'utf8')).toBe('while-down');
      const { batches } = await journal.list();
      expect(batches).toHaveLength(1);
      expect(batches[0]).toMatchObject({ attempts: 1, ops: [{ path: 'docs/offline.txt', op: 'write' }] });
      expect(batches[0]!.nextAttemptAt).toBeGreaterThan(Date.now() - 100);
      const failure = logger.records.find((r) => r.msg === 'uploads sync failed; the files stay local and the work is pending');
      expect(failure).toMatchObject({ level: 'warn', attempt: 1, bucket: s3.bucket });
      expect(failure?.requestId).toBeTruthy();
    } finally {
      await s3.start();
    }
    // Past the first backoff (1 s), any request retries after its response.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await visitor().get('/')).text).toBe('ok');
    await eventually(async () => (await s3.get('site-a/docs/offline.txt')) !== undefined, 'pending upload retried');
    expect(new TextDecoder().decode((await s3.get('site-a/docs/offline.txt'))!.bytes)).toBe('while-down');
    await eventually(async () => (await journal.list()).batches.length === 0, 'pending record cleared');
    expect(logger.records.some((r) => r.msg === 'uploads synced after retry')).toBe(true);
  });

  it('`uploads sync --dry-run` lists the work and changes nothing; without it the bucket matches', async () => {
    // An existing site: files that never went through PHP, an object with no local file, a stale object.
    fs.mkdirSync(path.join(files(), 'legacy/2019'), { recursive: true });
    fs.writeFileSync(path.join(files(), 'legacy/2019/old.gif'), Buffer.from('GIF89a-old'));
    fs.writeFileSync(path.join(files(), 'legacy/2019/notes.txt'), 'notes');
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'site-a/orphan.jpg', Body: 'orphan' }));
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'site-a/docs/a.txt', Body: 'stale' }));
    const syncEnv = { ...env, LAMPHP_DOCUMENT_ROOT: root, LAMPHP_LOG_LEVEL: 'error' };

    const dry: string[] = [];
    const planned = await uploadsSync({ dryRun: true }, syncEnv, (l) => dry.push(l));
    expect(dry).toContain('would upload  site-a/legacy/2019/old.gif  (10 B, missing)');
    expect(dry).toContain('would upload  site-a/docs/a.txt  (5 B, changed)');
    expect(dry).toContain('would delete  site-a/orphan.jpg');
    expect(dry.at(-1)).toMatch(/^Dry run: 3 to upload .*, 1 to delete, \d+ unchanged, 2 never published/);
    expect(planned.actions).toHaveLength(4);
    expect(await s3.head('site-a/legacy/2019/old.gif')).toBeUndefined();
    expect(await s3.head('site-a/orphan.jpg')).toBeDefined();

    const lines: string[] = [];
    const done = await uploadsSync({}, syncEnv, (l) => lines.push(l));
    expect(done).toMatchObject({ put: 3, deleted: 1, failed: 0 });
    const local = walk(files()).filter((rel) => publishable({ uploadsDir: 'files' }, rel));
    expect(await s3.keys('site-a/')).toEqual(local.map((rel) => `site-a/${rel}`).sort());
    for (const rel of local) {
      const object = await s3.get(`site-a/${rel}`);
      expect(Buffer.from(object!.bytes).equals(fs.readFileSync(path.join(files(), rel))), rel).toBe(true);
    }
    expect((await s3.head('site-a/legacy/2019/old.gif'))?.contentType).toBe('image/gif');

    const again: string[] = [];
    const second = await uploadsSync({ dryRun: true }, syncEnv, (l) => again.push(l));
    expect(second.actions).toEqual([]);
  });

  it('`uploads sync` at the bucket root never touches the outbox or the direct-upload area', async () => {
    const reserved = ['.lamphp-outbox/jobs/0mx00000a-0000000000000000.json', '.lamphp-outbox/sent/0mx00000b-0000000000000000', '.lamphp-incoming/token/a.jpg'];
    for (const key of reserved) await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: '{}' }));
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'orphan-at-root.jpg', Body: 'orphan' }));
    const rootEnv = { ...env, LAMPHP_DOCUMENT_ROOT: root, LAMPHP_UPLOADS_PREFIX: '', LAMPHP_LOG_LEVEL: 'error' };
    const done = await uploadsSync({}, rootEnv, () => {});
    expect(done.actions.filter((a) => a.kind === 'delete').map((a) => a.key)).toContain('orphan-at-root.jpg');
    expect(done.actions.some((a) => a.key.startsWith('.lamphp-'))).toBe(false);
    for (const key of reserved) expect(await s3.head(key), key).toBeDefined();
  });
});

function walk(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, child) : [child];
  });
}
