/**
 * The uploads sync without PHP: an in-memory bucket that can refuse, a fake clock, real files.
 * Pending batches are written ahead, retried with backoff, never upload stale or duplicate
 * content, survive a process that died, and a backlog is drained a slot at a time.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CACHE } from '../bridge/config.ts';
import { memoryLogger } from '../bridge/log.ts';
import { PendingJournal } from '../bridge/uploads/pending.ts';
import type { ObjectStore, PutSource } from '../bridge/uploads/store.ts';
import { createUploadsSync, type UploadsSync } from '../bridge/uploads/sync.ts';

interface Stored {
  bytes: Uint8Array;
  sha256: string;
  contentType: string;
  cacheControl: string;
}

function memoryStore() {
  const objects = new Map<string, Stored>();
  const calls: string[] = [];
  let down = false;
  let onPut: (() => void) | undefined;
  const refuse = (op: string, key: string) => {
    calls.push(`${op} ${key} refused`);
    throw Object.assign(new Error(`connect ECONNREFUSED (${op} ${key})`), { code: 'ES3' });
  };
  const store: ObjectStore = {
    bucket: 'mem',
    async put(key, source: PutSource, headers) {
      if (down) refuse('PUT', key);
      onPut?.();
      calls.push(`PUT ${key}`);
      objects.set(key, { bytes: source.bytes!, sha256: source.sha256, ...headers });
    },
    async delete(key) {
      if (down) refuse('DELETE', key);
      calls.push(`DELETE ${key}`);
      objects.delete(key);
    },
    async head(key) {
      if (down) refuse('HEAD', key);
      calls.push(`HEAD ${key}`);
      const o = objects.get(key);
      return o && { key, size: o.bytes.byteLength, etag: createHash('md5').update(o.bytes).digest('hex'), sha256: o.sha256 };
    },
    async *list() {},
  };
  return {
    store,
    objects,
    calls,
    setDown: (value: boolean) => void (down = value),
    setOnPut: (fn: (() => void) | undefined) => void (onPut = fn),
  };
}

describe('uploads sync', () => {
  let root: string;
  let clock: number;
  let mem: ReturnType<typeof memoryStore>;
  let sync: UploadsSync;
  const logger = memoryLogger('debug');
  const journal = () => new PendingJournal(path.join(root, 'wp-content/.lamphp-pending'));
  const write = (rel: string, text: string) => {
    const file = path.join(root, 'wp-content/uploads', rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const text = (key: string) => new TextDecoder().decode(mem.objects.get(key)?.bytes);
  const make = (extra: Partial<Parameters<typeof createUploadsSync>[0]> = {}) =>
    createUploadsSync({
      layout: { documentRoot: root, uploadsDir: 'wp-content/uploads', prefix: 'wp-content/uploads/' },
      policy: DEFAULT_CACHE,
      store: mem.store,
      logger,
      now: () => clock,
      ...extra,
    });
  /** What the bridge does after a request's response: run the due retry work, if any. */
  const laterRequest = async (s = sync) => {
    const work = s.dueWork(logger);
    if (work) await work();
    return work !== undefined;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-sync-'));
    clock = 1_000_000;
    mem = memoryStore();
    sync = make();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes the batch ahead of the upload and removes it once S3 has everything', async () => {
    write('2026/11/a.jpg', 'A');
    let pendingDuringPut = -1;
    mem.setOnPut(() => (pendingDuringPut = fs.readdirSync(journal().dir).filter((n) => n.endsWith('.json')).length));
    const plan = sync.afterPhp([{ path: '2026/11/a.jpg', op: 'write' }], 'req-1', logger);
    expect(plan.afterResponse).toBeUndefined();
    await plan.beforeResponse;
    expect(pendingDuringPut).toBe(1);
    expect((await journal().list()).batches).toEqual([]);
    expect(mem.objects.get('wp-content/uploads/2026/11/a.jpg')).toMatchObject({ contentType: 'image/jpeg', cacheControl: DEFAULT_CACHE.uploads });
  });

  it('defers a request that only deleted files to after the response', async () => {
    write('x.txt', 'x');
    await sync.afterPhp([{ path: 'x.txt', op: 'write' }], 'r1', logger).beforeResponse;
    fs.rmSync(path.join(root, 'wp-content/uploads/x.txt'));
    const plan = sync.afterPhp([{ path: 'x.txt', op: 'delete' }], 'r2', logger);
    expect(plan.beforeResponse).toBeUndefined();
    await plan.afterResponse!();
    expect(mem.objects.has('wp-content/uploads/x.txt')).toBe(false);
  });

  it('keeps refused work pending with backoff and finishes it on a later request', async () => {
    write('a.txt', 'first');
    mem.setDown(true);
    await sync.afterPhp([{ path: 'a.txt', op: 'write' }], 'req-1', logger).beforeResponse;
    let [batch] = (await journal().list()).batches;
    expect(batch).toMatchObject({ requestId: 'req-1', attempts: 1, nextAttemptAt: clock + 1000, ops: [{ path: 'a.txt', op: 'write' }] });
    expect(batch!.ops[0]!.sha256).toBe(createHash('sha256').update('first').digest('hex'));
    expect(batch!.lastError).toMatch(/ECONNREFUSED/);
    const line = logger.records.findLast((r) => r.msg === 'uploads sync failed; the files stay local and the work is pending');
    expect(line).toMatchObject({ level: 'warn', attempt: 1, retryInMs: 1000, failed: [{ key: 'wp-content/uploads/a.txt' }] });

    // Before the backoff has passed nothing is retried.
    clock += 500;
    await laterRequest();
    expect((await journal().list()).batches[0]!.attempts).toBe(1);
    // Still down at the next attempt: the delay doubles.
    clock += 600;
    expect(await laterRequest()).toBe(true);
    [batch] = (await journal().list()).batches;
    expect(batch).toMatchObject({ attempts: 2, nextAttemptAt: clock + 2000 });
    // The file changes meanwhile; when S3 is back the current content is what gets uploaded.
    write('a.txt', 'second');
    mem.setDown(false);
    clock += 2000;
    await laterRequest();
    expect(text('wp-content/uploads/a.txt')).toBe('second');
    expect((await journal().list()).batches).toEqual([]);
    expect(logger.records.some((r) => r.msg === 'uploads synced after retry' && r.attempts === 3)).toBe(true);
  });

  it('does not upload again what S3 already holds (a retry after a lost answer)', async () => {
    write('b.txt', 'same');
    await sync.afterPhp([{ path: 'b.txt', op: 'write' }], 'r1', logger).beforeResponse;
    // A batch left behind as if the answer to that PUT had been lost.
    const j = journal();
    await j.save({ v: 1, id: j.newId(clock), requestId: 'lost', createdAt: clock, attempts: 1, nextAttemptAt: clock, ops: [{ path: 'b.txt', op: 'write' }] });
    mem.calls.length = 0;
    await laterRequest();
    expect(mem.calls).toEqual(['HEAD wp-content/uploads/b.txt']);
    expect((await j.list()).batches).toEqual([]);
  });

  it('deletes the object when the file is gone by the time a retry runs', async () => {
    write('c.txt', 'c');
    await sync.afterPhp([{ path: 'c.txt', op: 'write' }], 'r1', logger).beforeResponse;
    mem.setDown(true);
    write('c.txt', 'c2');
    await sync.afterPhp([{ path: 'c.txt', op: 'write' }], 'r2', logger).beforeResponse;
    fs.rmSync(path.join(root, 'wp-content/uploads/c.txt'));
    mem.setDown(false);
    clock += 1000;
    await laterRequest();
    expect(mem.objects.has('wp-content/uploads/c.txt')).toBe(false);
  });

  it('finishes the batch of a process that died mid-sync once its lease has expired', async () => {
    write('d.txt', 'd');
    const j = journal();
    // Written ahead by a process that never got to upload (lease: 2 minutes).
    await j.save({ v: 1, id: j.newId(clock), requestId: 'dead', createdAt: clock, attempts: 0, nextAttemptAt: clock + 120_000, ops: [{ path: 'd.txt', op: 'write' }] });
    const fresh = make();
    await laterRequest(fresh); // first request of the new process: reads the directory, nothing due yet
    expect(mem.objects.has('wp-content/uploads/d.txt')).toBe(false);
    clock += 120_000;
    await laterRequest(fresh);
    expect(text('wp-content/uploads/d.txt')).toBe('d');
    expect((await j.list()).batches).toEqual([]);
  });

  it('drains a backlog a bounded number of batches per response, one failed batch at most while S3 is down', async () => {
    const j = journal();
    for (let i = 0; i < 7; i++) {
      write(`e${i}.txt`, `e${i}`);
      await j.save({ v: 1, id: j.newId(clock + i), requestId: `r${i}`, createdAt: clock, attempts: 1, nextAttemptAt: clock, ops: [{ path: `e${i}.txt`, op: 'write' }] });
    }
    const bounded = make({ batchesPerRetry: 3 });
    mem.setDown(true);
    await laterRequest(bounded);
    expect(mem.calls.filter((c) => c.startsWith('HEAD')).length).toBe(1);
    mem.setDown(false);
    clock += 1000;
    await laterRequest(bounded);
    expect((await j.list()).batches).toHaveLength(4);
    await laterRequest(bounded);
    // The batch that failed waits out its doubled backoff (2 s); the others are done.
    expect((await j.list()).batches).toHaveLength(1);
    clock += 1000;
    await laterRequest(bounded);
    expect((await j.list()).batches).toHaveLength(0);
    expect(mem.objects.size).toBe(7);
  });

  it('ignores paths that are never published', async () => {
    write('evil.php', '<?php');
    const plan = sync.afterPhp([{ path: 'evil.php', op: 'write' }, { path: '.htaccess', op: 'write' }], 'r', logger);
    expect(plan).toEqual({});
  });
});
