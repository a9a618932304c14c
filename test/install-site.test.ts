/**
 * The install invocation, locally: an empty temporary directory stands in for the EFS access
 * point; installSite puts WordPress there (SQLite), runs the installer through the bridge, and
 * the bridge serves it. A second run changes nothing; an update restores core files and keeps
 * uploads, wp-config.php and the salts. Publishing a post creates a CloudFront invalidation
 * against a local HTTP endpoint standing in for the CloudFront API.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdnInvalidatorFromEnv } from '../bridge/cdn/invalidation.ts';
import { readConfig } from '../bridge/config.ts';
import { jobSubmitterFromConfig } from '../bridge/outbox/submit.ts';
import { createPhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { createBridge, type Bridge } from '../bridge/handler.ts';
import { memoryLogger } from '../bridge/log.ts';
import { installSite, type InstallSiteOptions } from '../bridge/wordpress/install-site.ts';
import { INSTALL_STATE_FILE } from '../bridge/wordpress/install-state.ts';
import { REPO_DEBIAN_ROOT, SALTS_FILE } from '../bridge/wordpress/index.ts';
import { personalCookieNames } from '../bridge/wordpress/wp-config.ts';
import { startLocalServer, type LocalServer } from '../runtime/local/server.ts';
import { Visitor } from './support/http-client.ts';
import { logIn, restNonce } from './support/wordpress.ts';

const SOURCE = path.join(REPO_DEBIAN_ROOT, 'usr/share/wordpress');
const DISTRIBUTION = 'E2LAMPHPTEST';

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for the CloudFront API: records each request; answers 201 or, when failing, 500. */
function startFakeCloudFront() {
  const requests: Captured[] = [];
  let fail = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (fail) {
        res.writeHead(500, { 'content-type': 'text/xml' });
        res.end('<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>');
        return;
      }
      const id = `I${requests.length}TEST`;
      res.writeHead(201, { 'content-type': 'text/xml', location: `https://cloudfront.amazonaws.com${req.url}/${id}` });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">` +
          `<Id>${id}</Id><Status>InProgress</Status><CreateTime>2026-01-01T00:00:00Z</CreateTime>` +
          `<InvalidationBatch><Paths><Quantity>0</Quantity></Paths><CallerReference>x</CallerReference></InvalidationBatch></Invalidation>`,
      );
    });
  });
  return {
    requests,
    setFail(value: boolean) {
      fail = value;
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function eventually<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function paths(xml: string): string[] {
  return [...xml.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => m[1]!);
}

describe('install invocation (SQLite, a temporary directory as EFS)', () => {
  const logger = memoryLogger('info');
  const cloudFront = startFakeCloudFront();
  let tmp: string;
  let root: string;
  let env: Record<string, string>;
  let bridge: Bridge;
  let server: LocalServer;
  let options: InstallSiteOptions;
  const password = `pw-${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    expect(fs.existsSync(path.join(SOURCE, 'wp-includes/version.php')), 'Debian WordPress (scripts/system-packages.js)').toBe(true);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-install-'));
    root = path.join(tmp, 'efs', 'wordpress');
    fs.mkdirSync(root, { recursive: true });
    env = {
      LAMPHP_DOCUMENT_ROOT: root,
      LAMPHP_SESSION_DIR: path.join(tmp, 'efs', 'sessions'),
      LAMPHP_LOG_LEVEL: 'info',
      AWS_ENDPOINT_URL_CLOUDFRONT: await cloudFront.listen(),
      AWS_ACCESS_KEY_ID: 'AKIDLAMPHPTEST',
      AWS_SECRET_ACCESS_KEY: 'secret-for-tests',
      AWS_REGION: 'eu-west-1',
      DISALLOW_FILE_MODS: 'true',
      LAMPHP_SITE_ID: 'blog',
    };
    fs.mkdirSync(env.LAMPHP_SESSION_DIR!, { recursive: true });
    // Wired as runtime/lambda/main.ts does: the engine's messages go to the invalidator the bridge drains.
    const config = readConfig(env);
    const cdn = cdnInvalidatorFromEnv(env, { documentRoot: root, logger, jobs: jobSubmitterFromConfig(config, env) })!;
    const engine = await createPhpWasmEngine({
      documentRoot: root,
      workers: 1,
      queue: 100,
      maxRequestsPerRuntime: 500,
      sessionDir: config.sessionDir,
      phpVersion: config.phpVersion,
      onMessage: cdn.onMessage,
      logger,
    });
    bridge = createBridge({ config, engine, logger, cdn });
    server = await startLocalServer({ bridge, config, logger, host: '127.0.0.1', port: 0 });
    options = {
      documentRoot: root,
      mode: 'install',
      source: { dir: SOURCE },
      env,
      lambda: true,
      siteUrl: server.url,
      distributionId: DISTRIBUTION,
      runInstaller: {
        handle: (req) => bridge.handle(req, { deadline: Date.now() + 120_000 }),
        title: 'Installed by the install invocation',
        adminUser: 'admin',
        adminPassword: password,
        adminEmail: 'admin@example.com',
      },
      workDir: path.join(tmp, 'work'),
      logger,
    };
  });

  afterAll(async () => {
    await server?.close();
    await bridge?.close();
    await cloudFront.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installs WordPress into the empty directory and the bridge serves it', async () => {
    const first = await installSite(options);
    expect(first.changed).toBe(true);
    expect(first.installed).toBe(true);
    expect(first.version).toBe('6.8.12');
    expect(first.actions.join('\n')).toMatch(/Installed WordPress 6\.8\.12/);
    expect(first.actions.join('\n')).toMatch(/Ran the WordPress installer/);
    const config = fs.readFileSync(path.join(root, 'wp-config.php'), 'utf8');
    expect(config).toContain("define( 'DISABLE_WP_CRON', true );");
    expect(config).toContain("define( 'DISALLOW_FILE_MODS', true );");
    expect(fs.existsSync(path.join(root, 'wp-content/mu-plugins/lamphp-cdn.php'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(root, INSTALL_STATE_FILE), 'utf8')).distributionId).toBe(DISTRIBUTION);

    const home = await new Visitor(server.url).get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Installed by the install invocation');
    // Never served: the install's own records and the salts.
    for (const p of [`/${INSTALL_STATE_FILE}`, `/${SALTS_FILE}`, '/wp-config.php']) {
      expect([403, 404], p).toContain((await new Visitor(server.url).get(p)).status);
    }
  });

  it('changes nothing when run again', async () => {
    const before = fs.readFileSync(path.join(root, 'wp-config.php'), 'utf8');
    const second = await installSite(options);
    expect(second).toMatchObject({ changed: false, actions: [], installed: false });
    expect(fs.readFileSync(path.join(root, 'wp-config.php'), 'utf8')).toBe(before);
  });

  let postPath: string;
  let postId: number;
  let visitor: Visitor;
  /** Invalidation requests made up to and including the publish. */
  let published = 0;

  it('creates a CloudFront invalidation for the post, the front page and its archives after a publish', async () => {
    visitor = new Visitor(server.url);
    const login = await logIn(visitor, 'admin', password);
    expect(login.status).toBe(302);
    // WordPress names its login cookie after the site id's COOKIEHASH: the name a CDN cache policy lists.
    const loggedIn = login.setCookies.map((c) => c.split('=')[0]).filter((n) => n!.startsWith('wordpress_logged_in_'));
    expect(loggedIn).toEqual([personalCookieNames('blog')[0]]);
    // The install leaves pretty permalinks (lamphp's must-use plugin); the site owner picks another
    // structure, which changes every page (plain ones, `/?p=1`, could only be invalidated as `/*`).
    const settings = await visitor.get('/wp-admin/options-permalink.php');
    const saved = await visitor.postForm('/wp-admin/options-permalink.php', {
      _wpnonce: /name="_wpnonce" value="([0-9a-f]+)"/.exec(settings.text)![1]!,
      _wp_http_referer: '/wp-admin/options-permalink.php',
      selection: '/%year%/%monthnum%/%postname%/',
      permalink_structure: '/%year%/%monthnum%/%postname%/',
      category_base: '',
      tag_base: '',
      submit: 'Save Changes',
    });
    expect(saved.status).toBe(302);
    await visitor.get(new URL(saved.headers.get('location')!).pathname + '?settings-updated=true');
    const nonce = await restNonce(visitor);
    // The installer's options and the new permalink structure change every page: `/*` each.
    const settled = await eventually(() => (cloudFront.requests.length >= 2 ? cloudFront.requests.length : undefined));
    expect(cloudFront.requests.map((r) => paths(r.body))).toEqual([['/*'], ['/*']]);
    const title = `Published ${Date.now()}`;
    const created = await visitor.request('/wp-json/wp/v2/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      body: JSON.stringify({ title, content: 'Fresh words', status: 'publish' }),
    });
    expect(created.status, created.text.slice(0, 600)).toBe(201);
    const post = JSON.parse(created.text) as { id: number; link: string };
    postId = post.id;
    postPath = new URL(post.link).pathname;
    expect(postPath).toMatch(/^\/\d{4}\/\d{2}\/published-\d+\/$/);

    const request = await eventually(() => cloudFront.requests[settled]);
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/2020-05-31/distribution/${DISTRIBUTION}/invalidation`);
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLAMPHPTEST\/\d{8}\/us-east-1\/cloudfront\/aws4_request/);
    const sent = paths(request.body);
    expect(sent).toEqual(expect.arrayContaining([postPath, '/', '/feed/', '/category/uncategorized/', '/author/admin/']));
    expect(new Set(sent).size).toBe(sent.length);
    expect(request.body).toContain(`<Quantity>${sent.length}</Quantity>`);
    expect(request.body).toMatch(/<CallerReference>lamphp-[0-9a-z]{9}-[0-9a-f]{16}<\/CallerReference>/);
    expect(logger.records.some((r) => r.msg === 'cdn invalidation created')).toBe(true);

    // Reading pages invalidates nothing.
    await new Visitor(server.url).get(postPath);
    await new Promise((r) => setTimeout(r, 300));
    expect(cloudFront.requests).toHaveLength(settled + 1);
    published = settled + 1;
  });

  it('keeps answering when CloudFront fails, and logs it', async () => {
    cloudFront.setFail(true);
    const nonce = await restNonce(visitor);
    const updated = await visitor.request(`/wp-json/wp/v2/posts/${postId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      body: JSON.stringify({ content: 'Edited words' }),
    });
    expect(updated.status).toBe(200);
    await eventually(() => logger.records.find((r) => r.msg?.toString().startsWith('cdn invalidation failed')));
    cloudFront.setFail(false);
    const failed = cloudFront.requests.slice(published);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(paths(failed[0]!.body)).toEqual(expect.arrayContaining([postPath, '/']));
  });

  it('update mode restores changed core files and keeps uploads, wp-config.php, salts and content', async () => {
    const coreFile = path.join(root, 'wp-includes/formatting.php');
    const original = fs.readFileSync(coreFile);
    fs.appendFileSync(coreFile, '\n// changed on purpose\n');
    fs.writeFileSync(path.join(root, 'wp-includes/stray-file.php'), '<?php // not part of WordPress');
    fs.mkdirSync(path.join(root, 'wp-content/uploads/2026/01'), { recursive: true });
    fs.writeFileSync(path.join(root, 'wp-content/uploads/2026/01/keep.txt'), 'an upload');
    fs.mkdirSync(path.join(root, 'wp-content/plugins/mine'), { recursive: true });
    fs.writeFileSync(path.join(root, 'wp-content/plugins/mine/mine.php'), '<?php // a plugin the owner added');
    const config = fs.readFileSync(path.join(root, 'wp-config.php'), 'utf8');
    const salts = fs.readFileSync(path.join(root, SALTS_FILE), 'utf8');

    const update = await installSite({ ...options, mode: 'update', runInstaller: undefined });
    expect(update.changed).toBe(true);
    expect(update.actions.join('\n')).toContain('wp-includes/formatting.php');
    expect(update.actions.join('\n')).toContain('Removed 1 file (wp-includes/stray-file.php)');
    expect(fs.readFileSync(coreFile).equals(original)).toBe(true);
    expect(fs.existsSync(path.join(root, 'wp-includes/stray-file.php'))).toBe(false);
    expect(fs.readFileSync(path.join(root, 'wp-content/uploads/2026/01/keep.txt'), 'utf8')).toBe('an upload');
    expect(fs.existsSync(path.join(root, 'wp-content/plugins/mine/mine.php'))).toBe(true);
    expect(fs.readFileSync(path.join(root, 'wp-config.php'), 'utf8')).toBe(config);
    expect(fs.readFileSync(path.join(root, SALTS_FILE), 'utf8')).toBe(salts);
    // The database and the login survived: the post is still there.
    const page = await new Visitor(server.url).get(postPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Edited words');

    const again = await installSite({ ...options, mode: 'update', runInstaller: undefined });
    expect(again).toMatchObject({ changed: false, actions: [] });
  });
});
