/**
 * The smaller findings, one test each: LAMPHP_UPLOADS_DIR may be an absolute path inside the
 * document root (anything else is refused at start, with the reason); the local server closes a
 * half-sent request once its headers timeout passes; stopping the `lamphp` entry started by an
 * older Node stops the Node 24 process it started; a symlinked directory pointing outside the
 * root answers the same for its present and absent files, in both front doors; and `..` inside
 * the root is resolved on the path's text, as README and SECURITY.md say, in both front doors.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, readConfig } from '../../bridge/index.ts';
import { memoryLogger } from '../../bridge/log.ts';
import type { ObjectStore } from '../../bridge/uploads/store.ts';
import { uploadsSync } from '../../runtime/uploads.ts';
import { startLocalServer } from '../../runtime/local/server.ts';
import { startStack, type Stack } from '../support/faults/stack.ts';
import { EVENT_KINDS, eventFor, get, lambdaAnswer, lambdaDoor, raw } from '../support/doors.ts';
import { startLambdaProcess } from '../support/lambda-process.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

describe('LAMPHP_UPLOADS_DIR', () => {
  const root = '/srv/site';

  it('is relative to the document root, or absolute inside it; anything else is refused with the reason', () => {
    const uploads = (value: string) => readConfig({ LAMPHP_DOCUMENT_ROOT: root, LAMPHP_UPLOADS_DIR: value }).uploadsDir;
    expect(uploads('wp-content/uploads/')).toBe('wp-content/uploads');
    expect(uploads('/srv/site/media')).toBe('media');
    expect(uploads('/srv/site/wp-content/uploads/')).toBe('wp-content/uploads');
    expect(uploads('media/../files')).toBe('files');
    for (const bad of ['/srv/other/uploads', '/srv/site', '/srv/site/..', '../uploads', '/', '/srv/site-old/uploads']) {
      expect(() => uploads(bad), bad).toThrow(/LAMPHP_UPLOADS_DIR must name a directory inside the document root \/srv\/site/);
    }
    // Judged against the root the configuration ends with, when a command gives it.
    expect(readConfig({ LAMPHP_UPLOADS_DIR: '/data/www/media' }, { documentRoot: '/data/www' }).uploadsDir).toBe('media');
  });

  it('given absolute, the uploads are found and synced (uploads sync)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-uploads-abs-'));
    try {
      fs.mkdirSync(path.join(tmp, 'media/2026'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'media/2026/photo.jpg'), 'jpeg bytes');
      const put: string[] = [];
      const store: ObjectStore = {
        bucket: 'mem',
        put: async (key) => void put.push(key),
        delete: async () => {},
        head: async () => undefined,
        async *list() {},
      };
      const env = { LAMPHP_DOCUMENT_ROOT: tmp, LAMPHP_UPLOADS_DIR: path.join(tmp, 'media'), LAMPHP_UPLOADS_BUCKET: 'mem', LAMPHP_LOG_LEVEL: 'error' };
      await uploadsSync({}, env, () => {}, store);
      expect(put).toEqual(['2026/photo.jpg']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('outside the document root, the Lambda runtime refuses to start and says why', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-uploads-out-'));
    fs.mkdirSync(path.join(tmp, 'root'));
    const rt = await startLambdaProcess({ documentRoot: path.join(tmp, 'root'), home: tmp, env: { LAMPHP_UPLOADS_DIR: path.join(tmp, 'elsewhere') } });
    try {
      const init = await rt.emu.initError;
      expect(init.errorMessage).toMatch(/LAMPHP_UPLOADS_DIR must name a directory inside the document root/);
      expect(await rt.exited).not.toBe(0);
    } finally {
      await rt.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('local server headers timeout', () => {
  it('closes a request whose headers never finish with a 408, and keeps serving', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-headers-timeout-'));
    const config = readConfig({}, { documentRoot: root });
    const engine = { handle: async () => ({ status: 200, headers: {}, body: new Uint8Array(), errors: '', exitCode: 0 }), stats: () => ({ workers: 0, busy: 0, queued: 0, requests: 0, rotations: 0, restarts: 0 }), close: async () => {} };
    const bridge = createBridge({ config, engine, logger: memoryLogger('error') });
    const server = await startLocalServer({ bridge, config, logger: memoryLogger('error'), port: 0, headersTimeoutMs: 500 });
    try {
      const started = Date.now();
      const answer = await new Promise<{ text: string; ms: number }>((resolve, reject) => {
        let text = '';
        const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '));
        socket.on('data', (d) => (text += d));
        socket.on('close', () => resolve({ text, ms: Date.now() - started }));
        socket.on('error', reject);
        setTimeout(() => reject(new Error('the half-sent request is still open after 10 s')), 10_000);
      });
      expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.ms).toBeLessThan(5_000);
      const fresh = await raw(server.port, get('/missing.txt'));
      expect(fresh.status).toBe(404);
    } finally {
      await server.close();
      await bridge.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

const OLDER_NODE = '/usr/bin/node';
const olderNode = (() => {
  try {
    return Number(/^v(\d+)/.exec(execFileSync(OLDER_NODE, ['--version'], { encoding: 'utf8' }))?.[1]) < 24;
  } catch {
    return false;
  }
})();
if (!olderNode) console.warn(`smaller-findings: no Node older than 24 at ${OLDER_NODE}; the signal-forwarding test is skipped`);

describe.skipIf(!olderNode)('lamphp started by an older Node', () => {
  it('SIGTERM to the entry stops the Node 24 process it started', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-signals-'));
    fs.writeFileSync(path.join(root, 'index.php'), '<?php echo "up";');
    const entry = spawn(OLDER_NODE, [path.join(REPO, 'runtime/lamphp.js'), 'serve', '--root', root, '--port', '0', '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    entry.stdout!.on('data', (d) => (output += d));
    entry.stderr!.on('data', (d) => (output += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (m) {
            clearInterval(timer);
            resolve(m[0]);
          }
        }, 100);
        entry.on('exit', () => reject(new Error(`lamphp exited early:\n${output}`)));
      });
      expect(await (await fetch(url)).text()).toBe('up');
      const childPid = Number(fs.readFileSync(`/proc/${entry.pid}/task/${entry.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      expect(childPid).toBeGreaterThan(0);
      const exited = new Promise<number | null>((resolve) => entry.on('exit', (code) => resolve(code)));
      entry.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The Node 24 process is gone too, and nothing listens any more.
      const alive = () => fs.existsSync(`/proc/${childPid}`) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${childPid}/status`, 'utf8'));
      for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive()).toBe(false);
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      if (entry.exitCode === null) entry.kill('SIGKILL');
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a symlinked directory pointing outside the document root', () => {
  let base: string;
  let stack: Stack;
  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-outside-'));
    fs.mkdirSync(path.join(base, 'outside'));
    fs.mkdirSync(path.join(base, 'root'));
    for (const f of ['present.txt', 'present.php', 'present.jpg']) fs.writeFileSync(path.join(base, 'outside', f), 'OUTSIDE-SECRET');
    fs.writeFileSync(path.join(base, 'root/index.php'), '<?php echo "front";');
    fs.symlinkSync('../outside', path.join(base, 'root/link'));
    stack = await startStack({ root: path.join(base, 'root'), workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const pairs = [
    ['/link/present.txt', '/link/absent.txt'],
    ['/link/present.php', '/link/absent.php'],
    ['/link/present.jpg', '/link/absent.jpg'],
    ['/link/present.php/extra', '/link/absent.php/extra'],
    ['/link/', '/nolink/'],
    ['/link', '/nolink'],
  ];
  const normal = (text: string) => text.replace(/Request [0-9a-f-]+/g, 'Request …');

  it.each(pairs)('%s and %s get the same answer (local server)', async (present, absent) => {
    const a = await raw(stack.port, get(present));
    const b = await raw(stack.port, get(absent));
    expect(a.status).toBe(b.status);
    expect(normal(a.body.toString())).toBe(normal(b.body.toString()));
    expect(a.body.toString()).not.toContain('OUTSIDE-SECRET');
  });

  it.each(pairs)('%s and %s get the same answer (Lambda handler, every event source)', async (present, absent) => {
    const door = lambdaDoor(stack.config, stack.bridge);
    for (const kind of EVENT_KINDS) {
      const a = lambdaAnswer(await door(eventFor(kind, present)));
      const b = lambdaAnswer(await door(eventFor(kind, absent)));
      expect(a.status, kind).toBe(b.status);
      expect(normal(a.body.toString()), kind).toBe(normal(b.body.toString()));
    }
  });
});

describe('`..` inside the document root, as README and SECURITY.md state it', () => {
  let base: string;
  let stack: Stack;
  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-dotdot-'));
    const root = path.join(base, 'root');
    fs.mkdirSync(path.join(root, 'deep/nested/dir'), { recursive: true });
    fs.writeFileSync(path.join(root, 'page.php'), '<?php echo "root page";');
    fs.writeFileSync(path.join(root, 'deep/nested/page.php'), '<?php echo "nested page";');
    // `sub` is really deep/nested/dir: the filesystem's `sub/..` would be deep/nested.
    fs.symlinkSync('deep/nested/dir', path.join(root, 'sub'));
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const cases: [string, number, string | undefined][] = [
    // Resolved on the path's text, whatever `sub` is on disk (RFC 3986 §5.2.4, as nginx does).
    ['/sub/../page.php', 200, 'root page'],
    ['/sub/%2e%2e/page.php', 200, 'root page'],
    ['/sub/.%2E/page.php', 200, 'root page'],
    ['/sub/./../deep/nested/page.php', 200, 'nested page'],
    ['/deep/nested/dir/../page.php', 200, 'nested page'],
    // Climbing above the root, in any spelling, is a 400.
    ['/sub/../../page.php', 400, undefined],
    ['/%2e%2e/root/page.php', 400, undefined],
    ['/deep/../../root/page.php', 400, undefined],
  ];

  it.each(cases)('%s → %i (local server)', async (p, status, body) => {
    const res = await raw(stack.port, get(p));
    expect(res.status).toBe(status);
    if (body) expect(res.body.toString()).toBe(body);
  });

  it.each(cases)('%s → %i (Lambda handler, every event source)', async (p, status, body) => {
    const door = lambdaDoor(stack.config, stack.bridge);
    for (const kind of EVENT_KINDS) {
      const answer = lambdaAnswer(await door(eventFor(kind, p)));
      expect(answer.status, kind).toBe(status);
      if (body) expect(answer.body.toString(), kind).toBe(body);
    }
  });
});
