/**
 * Scheduled WP-Cron on a WordPress site prepared for Lambda (the one wp-config.php generator
 * with `lambda: true`, so DISABLE_WP_CRON), through the real bootstrap and the Runtime API
 * emulator: a page view never runs a due cron event, a scheduled invocation does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createBridge, readConfig } from '../bridge/index.ts';
import { createPhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../bridge/log.ts';
import { installWordPress, prepareSite, recordInstalled, resolveWordPressSource, SQLITE_DB_DIR, SQLITE_DB_FILE } from '../bridge/wordpress/index.ts';
import { TEST_CACHE_DIR } from './support/wordpress.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from './support/lambda-process.ts';

const repo = path.resolve(import.meta.dirname, '..');
let tmp: string;
let siteDir: string;
let rt: LambdaProcess;

/** Reads one WordPress option straight from the SQLite database file. */
function option(name: string): unknown {
  const db = new DatabaseSync(path.join(siteDir, SQLITE_DB_DIR, SQLITE_DB_FILE), { readOnly: true });
  try {
    const row = db.prepare('SELECT option_value FROM wp_options WHERE option_name = ?').get(name) as { option_value: string } | undefined;
    return row?.option_value;
  } finally {
    db.close();
  }
}

/** The PHP-serialized list the probe keeps, as a count of `a:N:` entries. */
function runs(): number {
  const value = option('lamphp_probe_runs');
  return typeof value === 'string' ? Number(/^a:(\d+):/.exec(value)?.[1] ?? NaN) : 0;
}

function pageView(rawPath: string) {
  const event = JSON.parse(fs.readFileSync(path.join(repo, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
  event.rawPath = rawPath;
  event.rawQueryString = '';
  event.requestContext.http.path = rawPath;
  event.requestContext.http.method = 'GET';
  event.body = undefined;
  delete event.cookies;
  return event;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-ops-wp-'));
  siteDir = path.join(tmp, 'site');
  const logger = memoryLogger('warn');
  const source = await resolveWordPressSource({ cacheDir: TEST_CACHE_DIR, logger });
  await prepareSite({ source: source.dir, siteDir, db: { kind: 'sqlite' }, lambda: true, logger });

  // Installed before the probe exists, through the bridge and a short-lived engine.
  const config = readConfig({ LAMPHP_DOCUMENT_ROOT: siteDir, LAMPHP_SESSION_DIR: path.join(tmp, 'sessions') });
  fs.mkdirSync(config.sessionDir, { recursive: true });
  const engine = await createPhpWasmEngine({
    documentRoot: siteDir, workers: 1, queue: 10, maxRequestsPerRuntime: 1000, sessionDir: config.sessionDir, phpVersion: config.phpVersion, logger,
  });
  const bridge = createBridge({ config, engine, logger });
  try {
    await installWordPress((request) => bridge.handle(request, { deadline: Date.now() + 120_000 }), {
      url: 'https://localhost',
      title: 'Cron site',
      adminUser: 'admin',
      adminPassword: 'a-long-test-password',
      adminEmail: 'admin@example.com',
    });
    await recordInstalled(siteDir); // as the install invocation would: the Lambda runtime serves its pages
  } finally {
    await bridge.close();
  }
  fs.mkdirSync(path.join(siteDir, 'wp-content/mu-plugins'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'test/fixtures/operations/lamphp-cron-probe.php'), path.join(siteDir, 'wp-content/mu-plugins/lamphp-cron-probe.php'));

  rt = await startLambdaProcess({ documentRoot: siteDir, home: tmp, env: { LAMPHP_SESSION_DIR: path.join(tmp, 'sessions') } });
}, 180_000);

afterAll(async () => {
  await rt?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('scheduled WP-Cron on Lambda', () => {
  it('prepared the site for Lambda: WP-Cron is not run by page views', () => {
    expect(fs.readFileSync(path.join(siteDir, 'wp-config.php'), 'utf8')).toContain("define( 'DISABLE_WP_CRON', true );");
  });

  it('a page view schedules the probe\'s event but neither runs nor spawns WP-Cron', async () => {
    const page = payloadOf(await rt.emu.invoke(pageView('/')), rt.output());
    expect(page.statusCode).toBe(200);
    expect(option('cron')).toContain('lamphp_probe_cron'); // scheduled, and due
    expect(runs()).toBe(0);
    expect(option('lamphp_probe_spawned')).toBeUndefined();
  }, 60_000);

  it('the stack\'s cron event runs the due event through wp-cron.php', async () => {
    const result = payloadOf(await rt.emu.invoke({ lamphp: { command: 'cron' } }), rt.output());
    expect(result).toMatchObject({ command: 'cron', script: 'wp-cron.php', status: 200 });
    expect(runs()).toBe(1);
    // Run by the HTTP engine (not the CLI), inside wp-cron.php.
    expect(option('lamphp_probe_runs')).toMatch(/s:4:"sapi";s:8:"fpm-fcgi";s:10:"doing_cron";b:1;s:6:"script";s:11:"wp-cron.php";/);
  }, 60_000);

  it('an EventBridge scheduled event does the same; another page view still runs nothing', async () => {
    const scheduled = JSON.parse(fs.readFileSync(path.join(repo, 'test/fixtures/operations/eventbridge-scheduled.json'), 'utf8'));
    expect(payloadOf(await rt.emu.invoke(scheduled), rt.output())).toMatchObject({ command: 'cron', status: 200 });
    expect(runs()).toBe(2);
    expect(payloadOf(await rt.emu.invoke(pageView('/')), rt.output()).statusCode).toBe(200);
    expect(runs()).toBe(2);
    expect(option('lamphp_probe_spawned')).toBeUndefined();
  }, 60_000);

  it('a console invocation loads WordPress in CLI mode, as a maintenance script or wp-cli would', async () => {
    const code = 'require "wp-load.php"; echo get_option("blogname"), "|", count(get_option("lamphp_probe_runs")), "|", PHP_SAPI, "|", defined("WP_CLI") ? "wp-cli" : "plain";';
    const result = payloadOf(await rt.emu.invoke({ lamphp: { command: 'php', args: ['-r', code] } }), rt.output());
    expect(result).toMatchObject({ exitCode: 0, stdout: 'Cron site|2|cli|plain', timedOut: false });
  }, 60_000);
});
