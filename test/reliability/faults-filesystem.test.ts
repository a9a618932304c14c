/**
 * A document root that misbehaves like a sick network filesystem — every operation slow, or
 * every operation failing with EIO — gets a clear 5xx page and a structured log line for each
 * affected request, and the service answers normally again by itself once the fault clears.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsFaults, faultyMount } from '../support/faults/faulty-mount.ts';
import { logged, startStack, until, type Stack } from '../support/faults/stack.ts';

describe('document-root filesystem faults', () => {
  let root: string;
  let stack: Stack;
  const faults = new FsFaults();
  const get = async (p: string) => {
    const res = await fetch(stack.url + p);
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  };
  const healthy = async () => {
    const res = await get('/index.php');
    return res.status === 200 && res.text === 'ok:42';
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-fsfault-'));
    // A page that, like any PHP app, includes code and reads data from the root on each request.
    fs.writeFileSync(
      path.join(root, 'lib.php'),
      '<?php function answer() { $d = file_get_contents(__DIR__ . "/data.txt"); if ($d === false) throw new RuntimeException("data unreadable"); return (int) $d; }\n',
    );
    fs.writeFileSync(path.join(root, 'data.txt'), '42');
    fs.writeFileSync(path.join(root, 'index.php'), '<?php require __DIR__ . "/lib.php"; echo "ok:", answer();\n');
    stack = await startStack({ root, workers: 1, env: { LAMPHP_REQUEST_TIMEOUT_MS: '1500' }, instrumentMount: faultyMount(faults) });
    expect(await healthy()).toBe(true);
  });
  afterAll(async () => {
    faults.healthy();
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a filesystem slower than the deadline gives a 504 page and a log line, and recovers by itself', async () => {
    const hitsBefore = faults.hits;
    faults.slow(400); // a handful of operations per request: past the 1.5 s deadline
    try {
      const res = await get('/index.php');
      expect(res.status).toBe(504);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.text).toContain('took too long');
      expect(res.text).not.toContain(root);
      expect(faults.hits).toBeGreaterThan(hitsBefore);
      expect(logged(stack.logs, 'php request failed').at(-1)).toMatchObject({ level: 'error', code: 'ETIMEDOUT', script: '/index.php' });
      expect(logged(stack.logs, 'php request failed').at(-1)?.requestId).toBeTruthy();
    } finally {
      faults.healthy();
    }
    // The stopped worker is replaced in the background; no restart, no operator.
    const ms = await until(healthy, 'service back after the slow filesystem');
    expect(ms).toBeLessThan(15_000);
  });

  it('a filesystem failing with EIO gives a 5xx page and a log line, and recovers by itself', async () => {
    const errorsBefore = stack.logs.length;
    faults.failing();
    try {
      const res = await get('/index.php');
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.status).toBeLessThan(600);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.text).not.toContain('ok:');
      expect(res.text).not.toContain(root);
      const lines = stack.logs.slice(errorsBefore).filter((r) => r.level === 'error' || r.level === 'warn');
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((r) => typeof r.msg === 'string' && typeof r.requestId === 'string')).toBe(true);
    } finally {
      faults.healthy();
    }
    await until(healthy, 'service back after EIO');
  });

  it('a brief EIO burst under load loses no request: each is answered 200 or a 5xx page', async () => {
    const statuses: number[] = [];
    const hitsBefore = faults.hits;
    const load = Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 15));
        statuses.push((await get('/index.php')).status);
      }),
    );
    setTimeout(() => faults.failing(), 150);
    setTimeout(() => faults.healthy(), 350);
    await load;
    expect(statuses).toHaveLength(40);
    expect(faults.hits).toBeGreaterThan(hitsBefore);
    expect(statuses.every((s) => s === 200 || (s >= 500 && s < 600))).toBe(true);
    expect(await healthy()).toBe(true);
  });
});
