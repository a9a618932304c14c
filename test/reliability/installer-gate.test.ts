/**
 * WordPress's installer is never open to strangers. In Lambda (the real bootstrap and the install
 * invocation), an empty document root and one the install is still filling answer every request
 * with a 503 holding page; a WordPress tree whose install has not recorded success — not run
 * yet, or failed halfway — answers every PHP page, its installer included, with that page (never
 * cacheable); once the install invocation succeeded, `wp-admin/install.php` and
 * `setup-config.php` are never served. A tree without WordPress is untouched. Locally,
 * `serve --install` listens only once its own install is done.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, readConfig } from '../../bridge/index.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { resolveWordPressSource } from '../../bridge/wordpress/index.ts';
import { INSTALL_STATE_FILE, SITE_STAGING_PREFIX } from '../../bridge/wordpress/install-state.ts';
import { serve } from '../../runtime/local/serve.ts';
import { reservePort } from '../../runtime/local/server.ts';
import { startStack, type Stack } from '../support/faults/stack.ts';
import { eventFor, lambdaAnswer, lambdaDoor } from '../support/doors.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from '../support/lambda-process.ts';
import { TEST_CACHE_DIR } from '../support/wordpress.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

/** A Function URL event for `method path?query`, with a form body for POST. */
function httpEvent(method: string, p: string, query = '', form?: Record<string, string>) {
  const event = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
  Object.assign(event, { rawPath: p, rawQueryString: query, body: form ? new URLSearchParams(form).toString() : undefined, isBase64Encoded: false });
  event.headers = { host: 'blog.example.com', ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) };
  event.requestContext.http.method = method;
  event.requestContext.http.path = p;
  delete event.cookies;
  return event;
}

describe('WordPress installer gate (Lambda bootstrap)', () => {
  let tmp: string;
  let siteDir: string;
  let rt: LambdaProcess;
  const page = async (method: string, p: string, query = '', form?: Record<string, string>) => {
    const answer = lambdaAnswer(payloadOf(await rt.emu.invoke(httpEvent(method, p, query, form), { timeoutMs: 60_000 }), rt.output()));
    return { status: answer.status, headers: answer.headers, text: answer.body.toString() };
  };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-gate-'));
    siteDir = path.join(tmp, 'efs/wordpress');
    fs.mkdirSync(siteDir, { recursive: true });
    const source = await resolveWordPressSource({ cacheDir: TEST_CACHE_DIR, logger: memoryLogger('warn') });
    rt = await startLambdaProcess({
      documentRoot: siteDir,
      home: tmp,
      env: { LAMPHP_WORDPRESS_SOURCE: source.dir, LAMPHP_SESSION_DIR: path.join(tmp, 'efs/sessions'), TMPDIR: tmp },
    });
  }, 180_000);
  afterAll(async () => {
    await rt?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const expectHolding = (res: { status: number; headers: { get(n: string): string[] | undefined }; text: string }, what: string) => {
    expect(res.status, what).toBe(503);
    expect(res.headers.get('retry-after'), what).toEqual(['30']);
    expect(res.headers.get('cache-control'), what).toEqual(['no-store']);
    expect(res.text).not.toMatch(/<form[^>]+id="setup"/);
  };

  it('before any install (a new, empty access point) and while the install is still moving files in: every request is the 503 holding page', async () => {
    const requests = [['GET', '/'], ['GET', '/wp-admin/install.php'], ['GET', '/wp-admin/setup-config.php'], ['GET', '/readme.html'], ['GET', '/wp-includes/css/dashicons.min.css'], ['POST', '/xmlrpc.php']] as const;
    expect(fs.readdirSync(siteDir)).toEqual([]);
    for (const [method, p] of requests) expectHolding(await page(method, p), `empty root: ${method} ${p}`);
    // Only hidden entries: still nothing to serve.
    fs.writeFileSync(path.join(siteDir, '.htaccess'), '');
    expectHolding(await page('GET', '/'), 'hidden entries only');
    // A first install builds the site in a staging folder inside the root and moves it in piece by piece.
    const staging = path.join(siteDir, `${SITE_STAGING_PREFIX}test`);
    fs.mkdirSync(path.join(staging, 'wp-admin'), { recursive: true });
    fs.mkdirSync(path.join(siteDir, 'wp-admin'));
    fs.writeFileSync(path.join(siteDir, 'index.php'), '<?php echo "half moved in";');
    fs.writeFileSync(path.join(siteDir, 'wp-admin/setup-config.php'), '<?php echo "<form id=\\"setup\\">";');
    for (const [method, p] of requests) expectHolding(await page(method, p), `while moving in: ${method} ${p}`);
    fs.rmSync(siteDir, { recursive: true, force: true });
    fs.mkdirSync(siteDir);
  }, 120_000);

  it('before the install succeeded: every PHP page, the installer included, is a 503 holding page that is never cacheable', async () => {
    // The files arrive, WordPress's installer does not run (no site address): a site that is not installed.
    const copied = payloadOf(await rt.emu.invoke({ lamphp: { command: 'install', mode: 'install' } }, { timeoutMs: 120_000 }), rt.output());
    expect(copied).toMatchObject({ command: 'install', changed: true });
    expect(copied.installed).toBeUndefined();
    for (const [method, p, query, form] of [
      ['GET', '/', ''],
      ['GET', '/wp-admin/install.php', 'step=1'],
      ['POST', '/wp-admin/install.php', 'step=2', { weblog_title: 'Mine now', user_name: 'intruder', admin_password: 'x-Intruder-1', admin_password2: 'x-Intruder-1', pw_weak: '1', admin_email: 'i@example.com' }],
      ['GET', '/wp-admin/setup-config.php', ''],
      ['GET', '/wp-login.php', ''],
      ['GET', '/2026/01/01/hello-world/', ''],
    ] as const) {
      expectHolding(await page(method, p, query, form), `${method} ${p}`);
    }
    expect(JSON.parse(fs.readFileSync(path.join(siteDir, INSTALL_STATE_FILE), 'utf8')).installed).toBeUndefined();
    // Static files are not PHP: served as usual.
    expect((await page('GET', '/wp-includes/css/dashicons.min.css')).status).toBe(200);
  }, 120_000);

  it('the install invocation runs the installer itself; afterwards the site answers and the installer is never served', async () => {
    const done = payloadOf(await rt.emu.invoke({ lamphp: { command: 'install', mode: 'install', siteUrl: 'https://blog.example.com' } }, { timeoutMs: 120_000 }), rt.output());
    expect(done).toMatchObject({ command: 'install', installed: true });
    expect(JSON.parse(fs.readFileSync(path.join(siteDir, INSTALL_STATE_FILE), 'utf8')).installed).toBe(true);
    expect((await page('GET', '/')).status).toBe(200);
    for (const p of ['/wp-admin/install.php', '/wp-admin/setup-config.php']) {
      const res = await page('GET', p, 'step=1');
      expect(res.status, p).toBe(404);
      expect(res.text).not.toMatch(/<form/);
    }
    // Running the install again (update mode, as a redeploy does) keeps the site open.
    const again = payloadOf(await rt.emu.invoke({ lamphp: { command: 'install', mode: 'update', siteUrl: 'https://blog.example.com' } }, { timeoutMs: 120_000 }), rt.output());
    expect(again.installed).toBe(false);
    expect((await page('GET', '/')).status).toBe(200);
  }, 240_000);
});

describe('WordPress installer gate: a tree without WordPress', () => {
  let root: string;
  let stack: Stack;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-gate-plain-'));
    fs.mkdirSync(path.join(root, 'wp-admin'));
    fs.writeFileSync(path.join(root, 'index.php'), '<?php echo "plain";');
    fs.writeFileSync(path.join(root, 'wp-admin/install.php'), '<?php echo "its own installer";');
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is served as it is, the gate on', async () => {
    const config = readConfig({}, { documentRoot: root });
    const bridge = createBridge({ config, engine: stack.engine, logger: memoryLogger('error'), installerGate: true });
    const door = lambdaDoor(config, bridge);
    expect(lambdaAnswer(await door(eventFor('function-url', '/'))).body.toString()).toBe('plain');
    expect(lambdaAnswer(await door(eventFor('function-url', '/wp-admin/install.php'))).body.toString()).toBe('its own installer');
  });
});

describe('serve --install', () => {
  let tmp: string;
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('listens only once its own install is done: the first answer anyone gets is the installed site', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-gate-serve-'));
    const port = await reservePort('127.0.0.1', 0);
    const env: Record<string, string> = { ...(process.env as Record<string, string>), LAMPHP_CACHE_DIR: TEST_CACHE_DIR, LAMPHP_SESSION_DIR: path.join(tmp, 'sessions') };
    delete env.DB_HOST;
    const serving = serve({ port, workers: 1, siteDir: path.join(tmp, 'site'), install: true, title: 'Gate Site', adminPassword: 'pw-gate-1234' }, env, memoryLogger('warn'));
    let first: { status: number; location: string | null; text: string } | undefined;
    let started = false;
    serving.then(() => (started = true), () => (started = true));
    while (!first && !started) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
        first = { status: res.status, location: res.headers.get('location'), text: await res.text() };
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const site = await serving;
    try {
      if (!first) {
        const res = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
        first = { status: res.status, location: res.headers.get('location'), text: await res.text() };
      }
      expect(first.location ?? '').not.toContain('install.php');
      expect(first.status).toBe(200);
      expect(first.text).toContain('Gate Site');
      expect(site.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await site.close();
    }
  }, 180_000);
});
