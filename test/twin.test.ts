/**
 * The stack twin: the synthesized template (default configuration: SQLite behind a Function URL)
 * run on this machine with no internet, each resource by its stand-in, used by a real browser
 * through the twin's CloudFront; then updated (a new layer), destroyed, and the MySQL
 * configuration served against the machine's MariaDB. Runs as root (unshare), as CI does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readZip, reproducibleZip } from '../layer/zip.ts';
import { INSTALL_RESOURCE_TYPE, OUTBOX } from '../infra/contracts.ts';
import { startTwin, type TwinHandle } from '../infra/twin/index.ts';
import { adminPassword, PIXEL_PNG, runJourney, type JourneyStep } from '../infra/twin/journey.ts';

const CHROMIUM = '/usr/bin/chromium';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-twin-test-'));
let layerZip: string;
let sqlite: TwinHandle;
let mysql: TwinHandle;
let steps: JourneyStep[];
let mysqlSteps: JourneyStep[];
let browser: BrowserContext;

/** The same layer with one more file: a new asset hash, as a new layer build gives. */
function changedLayer(zip: string): string {
  const entries = readZip(fs.readFileSync(zip)).filter((e) => !e.name.endsWith('/')).map((e) => ({ name: e.name, data: e.data, mode: e.mode & 0o777 }));
  entries.push({ name: 'lamphp/NOTICE-twin-update', data: new TextEncoder().encode('a changed layer\n'), mode: 0o644 });
  const out = path.join(tmp, 'layer-2.zip');
  fs.writeFileSync(out, reproducibleZip(entries as Parameters<typeof reproducibleZip>[0]));
  return out;
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('The twin test needs root (unshare creates its network and mount namespaces); CI runs as root.');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run "node scripts/system-packages.js".`);
  layerZip = inject('layer').zip;
  // Both configurations deploy at once; the SQLite one stops before its install so a visitor can come early.
  // Mail on (an SES identity the template creates): sqlite sends through the outbox and the relay, MySQL directly.
  [sqlite, mysql] = await Promise.all([
    startTwin({ context: { layerZip, sesIdentity: 'example.com' }, clock: 'manual', pauseBefore: [INSTALL_RESOURCE_TYPE], log: () => {} }),
    startTwin({ context: { layerZip, database: 'mysql', sesIdentity: 'example.com' }, clock: 'manual', log: () => {} }),
  ]);
  [steps, mysqlSteps] = await Promise.all([runJourney(sqlite), runJourney(mysql)]);
  browser = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: true,
    args: [sqlite.chromiumHostRule, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([sqlite?.close(), mysql?.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Passes when the journey's step passed; otherwise fails with what the step saw. */
const passed = (list: JourneyStep[], name: RegExp) => {
  const s = list.find((x) => name.test(x.name));
  if (!s) throw new Error(`no step ${name}`);
  expect(s.ok, `${s.name}: ${s.detail}`).toBe(true);
};

describe('the default stack (SQLite, Function URL) in the twin, with no internet', () => {
  it('before the install, a visitor gets no WordPress installer but the 503 holding page', () => {
    passed(steps, /no WordPress installer/);
  });

  it('the install completes (the template\'s own handler, through the CDK provider framework)', () => {
    passed(steps, /install completes/);
  });

  it('serves home, a post, login with the SSM password and wp-admin through CloudFront', () => {
    for (const name of [/^home page/, /^a post/, /^log in/, /^wp-admin/]) passed(steps, name);
  });

  it("sends a password reset through the outbox, the relay (from the bucket's notification) and SES, its link on the site's address", () => {
    passed(steps, /password reset mail/);
  });

  it('shows a published post on the cached home page at once: the relay invalidated CloudFront, the clock never moved', () => {
    passed(steps, /publish a post/);
  });

  it('never lets a viewer reach .lamphp-outbox/ through CloudFront', () => {
    passed(steps, /lamphp-outbox\/ is never reachable/);
  });

  it("runs the relay's sweep on the template's schedule, on the twin clock", () => {
    passed(steps, /sweep runs on its schedule/);
  });

  it("a job failing every attempt (another distribution: IAM refuses it) — Lambda's two retries on the twin clock, then the on-failure function moves it to failed/", async () => {
    const template = await sqlite.template();
    const status = (await sqlite.status()).resources as { logicalId: string; ref: string }[];
    const nameOf = (logicalId: string) => status.find((x) => x.logicalId === logicalId)!.ref;
    const [config] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.DestinationConfig);
    const relay = nameOf(config.Properties.FunctionName.Ref);
    const onFailure = nameOf(config.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]);
    const bucket = sqlite.outputs[Object.keys(sqlite.outputs).find((k) => /UploadsBucketName/.test(k))!]!;
    const since = (await sqlite.status()).clock.now;
    const id = `${Date.now().toString(36).padStart(9, '0')}-00000000000000ff`;
    const job = { v: 1, id, kind: 'cdn-invalidation', createdAt: new Date().toISOString(), invalidation: { distributionId: 'ENOSUCHDISTRIBUTION', paths: ['/nowhere/'] } };
    await sqlite.s3Put(bucket, `${OUTBOX.jobs}${id}.json`, JSON.stringify(job));
    const failures = async () => (await sqlite.invocations(since)).filter((r) => r.function === relay && r.invoker === 's3' && r.outcome === 'error' && r.durationMs > 0).length;
    await expect.poll(failures, { timeout: 90_000 }).toBe(1);
    await sqlite.advanceClock(60_001);
    await expect.poll(failures, { timeout: 90_000 }).toBe(2);
    await sqlite.advanceClock(120_001);
    await expect.poll(failures, { timeout: 90_000 }).toBe(3);
    // A record is written when the invocation arrives; its duration once the function asked for its next event.
    await expect.poll(async () => (await sqlite.invocations(since)).some((r) => r.function === onFailure && r.invoker === 'destination' && r.durationMs > 0 && r.outcome === 'success'), { timeout: 90_000 }).toBe(true);
    expect(await sqlite.s3Keys(bucket, `${OUTBOX.jobs}${id}`)).toEqual([]);
    const failed = JSON.parse((await sqlite.s3Object(bucket, `${OUTBOX.failed}${id}.json`))!.toString('utf8'));
    expect(failed).toMatchObject({ id, invalidation: job.invalidation, failure: { condition: 'RetriesExhausted', attempts: 3, error: expect.stringMatching(/not authorized to perform: cloudfront:CreateInvalidation/) } });
    expect((await sqlite.logs()).some((l) => l.message.includes('"event":"outbox-job-failed"'))).toBe(true);
  });

  it('serves an upload from the bucket through the uploads behavior', () => {
    passed(steps, /upload an image/);
  });

  it('answers 404 for a missing upload', () => {
    passed(steps, /missing upload/);
  });

  it("lets a POST reach a plugin's PHP file", () => {
    passed(steps, /plugin's PHP file/);
  });

  it("gives PHP the visitor's own address (REMOTE_ADDR) through CloudFront, whatever address headers the visitor forges", () => {
    passed(steps, /visitor's own address/);
  });

  it('refuses a request that bypasses CloudFront (no origin secret) before PHP runs, forged headers and all', () => {
    passed(steps, /does not come through CloudFront/);
  });

  it('keeps the admin password out of every log the twin collected', () => {
    passed(steps, /in no log/);
  });

  it('renders in a real browser: home, login form, the dashboard, an uploaded image', async () => {
    const admin = (await adminPassword(sqlite))!;
    const page = await browser.newPage();
    const home = await page.goto(`${sqlite.siteUrl}/`);
    expect(home?.status()).toBe(200);
    expect(await page.title()).toMatch(/\S/);
    await page.goto(`${sqlite.siteUrl}/wp-login.php`);
    await page.fill('#user_login', admin.user);
    await page.fill('#user_pass', admin.password);
    await Promise.all([page.waitForURL(/wp-admin/), page.click('#wp-submit')]);
    expect(await page.locator('#wpadminbar').count()).toBe(1);
    // In the page, as the admin's browser: the REST nonce WordPress printed, an upload, the image loaded from its URL.
    const image = (await page.evaluate(`(async () => {
      const nonce = (window.wpApiSettings && window.wpApiSettings.nonce) || (await (await fetch('/wp-admin/admin-ajax.php?action=rest-nonce')).text());
      const png = Uint8Array.from(atob('${PIXEL_PNG.toString('base64')}'), (c) => c.charCodeAt(0));
      const r = await fetch('/?rest_route=/wp/v2/media', { method: 'POST', body: png, headers: { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="browser.png"', 'x-wp-nonce': nonce } });
      const url = (await r.json()).source_url;
      const img = new Image();
      img.src = url;
      await img.decode();
      return { status: r.status, width: img.naturalWidth, url };
    })()`)) as { status: number; width: number; url: string };
    expect(image).toMatchObject({ status: 201, width: 1 });
    expect(new URL(image.url).pathname).toMatch(/^\/wp-content\/uploads\//);
    await page.close();
  });

  it('records every invocation: who invoked, cold or warm, INIT, billed duration, memory', async () => {
    const records = await sqlite.invocations();
    const name = sqlite.outputs[Object.keys(sqlite.outputs).find((k) => /FunctionName/.test(k))!];
    const site = records.filter((r) => r.function === name);
    const template = await sqlite.template();
    const definition = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.AWS_LAMBDA_EXEC_WRAPPER);
    expect(site.some((r) => r.invoker === 'install')).toBe(true);
    expect(site.some((r) => r.invoker === 'cloudfront')).toBe(true);
    const cold = site.find((r) => r.cold)!;
    expect(cold.initDurationMs).toBeGreaterThan(0);
    expect(cold.billedDurationMs).toBeGreaterThanOrEqual(Math.ceil(cold.durationMs) + Math.ceil(cold.initDurationMs!));
    expect(new Set(site.map((r) => r.memorySizeMb))).toEqual(new Set([definition.Properties.MemorySize]));
    const settled = site.filter((r) => r.outcome === 'success' && r.durationMs > 0);
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.every((r) => r.maxMemoryUsedMb > 0 && r.billedDurationMs >= Math.ceil(r.durationMs))).toBe(true);
  });

  it("runs WP-Cron on the template's schedule, reaps idle instances after the keep-alive, starts cold again", async () => {
    const since = (await sqlite.status()).clock.now;
    await sqlite.advanceClock(5 * 60_000 + 1);
    const site = sqlite.outputs[Object.keys(sqlite.outputs).find((k) => /FunctionName/.test(k))!];
    await expect.poll(async () => (await sqlite.invocations(since)).some((r) => r.function === site && r.invoker === 'cron' && r.durationMs > 0), { timeout: 60_000 }).toBe(true);
    // Cron runs still in flight finish first: only idle instances are reaped.
    await expect.poll(async () => Object.values(await sqlite.instances()).flat().every((i) => i.state === 'idle'), { timeout: 120_000 }).toBe(true);
    await sqlite.setKeepAlive(1000);
    await sqlite.advanceClock(2000);
    const running = Object.values(await sqlite.instances()).flat();
    expect(running).toEqual([]);
    const next = (await sqlite.status()).clock.now;
    const r = await new (await import('../infra/twin/viewer.ts')).Viewer(sqlite.siteUrl, sqlite.port, sqlite.ca).get('/?after-keep-alive');
    expect(r.status).toBe(200);
    expect((await sqlite.invocations(next)).find((x) => x.invoker === 'cloudfront')?.cold).toBe(true);
  });

  it('a new layer updates the function and runs the install again in update mode; Delete removes the password parameter', async () => {
    const since = (await sqlite.status()).clock.now;
    const update = await sqlite.deploy({ context: { layerZip: changedLayer(layerZip) } });
    expect(update.events.filter((e) => e.action !== 'unchanged').map((e) => `${e.type} ${e.action}`)).toEqual(
      expect.arrayContaining(['AWS::Lambda::LayerVersion replace', 'AWS::Lambda::Function update', `${INSTALL_RESOURCE_TYPE} update`]),
    );
    expect((await sqlite.invocations(since)).some((r) => r.invoker === 'install')).toBe(true);
    const home = await new (await import('../infra/twin/viewer.ts')).Viewer(sqlite.siteUrl, sqlite.port, sqlite.ca).get('/?after-update');
    expect(home.status).toBe(200);
    const parameter = Object.entries(sqlite.outputs).find(([k]) => /AdminPasswordParameter/.test(k))![1];
    expect(await sqlite.ssmParameter(parameter)).toBeDefined();
    const destroyed = await sqlite.destroy();
    expect(destroyed.events.some((e) => e.type === INSTALL_RESOURCE_TYPE && e.action === 'delete')).toBe(true);
    expect(await sqlite.ssmParameter(parameter)).toBeUndefined();
  });
});

describe('the MySQL stack in the twin, against the machine MariaDB', () => {
  it("installs and passes the whole first-visit journey: pages, login, a reset mail sent directly through SES, publishing invalidated at once, uploads, the visitor's address, .lamphp-outbox/ out of reach, the password in no log", () => {
    expect(mysqlSteps.length).toBeGreaterThan(10);
    for (const s of mysqlSteps) expect(s.ok, `${s.name}: ${s.detail}`).toBe(true);
  });
});
