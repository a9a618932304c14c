/**
 * Starts a real WordPress through `serve` for a test: its own site directory, SQLite or its
 * own MariaDB database, installed, with an admin login.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { serve, type Serving } from '../../runtime/local/serve.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { Visitor } from './http-client.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
/** Shared between test files so the WordPress source is prepared once. */
export const TEST_CACHE_DIR = path.join(REPO, '.cache', 'lamphp-test');

export interface TestSite {
  serving: Serving;
  url: string;
  admin: { user: string; password: string };
  siteDir: string;
  title: string;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export function mysql(sql: string): string {
  return execFileSync('mariadb', ['--host=127.0.0.1', '--user=root', '--batch', '--skip-column-names', '-e', sql], {
    encoding: 'utf8',
  });
}

export async function startWordPress(
  options: {
    db?: 'sqlite' | 'mysql';
    workers?: number;
    env?: Record<string, string>;
    title?: string;
    /** MySQL address written into wp-config.php (e.g. a fault-injecting proxy); default the local MariaDB. */
    dbHost?: string;
  } = {},
): Promise<TestSite> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-wp-'));
  const siteDir = path.join(tmp, 'site');
  const title = options.title ?? `Site ${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LAMPHP_CACHE_DIR: TEST_CACHE_DIR,
    LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'),
    LAMPHP_LOG_LEVEL: 'info',
    ...options.env,
  };
  delete env.DB_HOST;
  let dbName: string | undefined;
  if (options.db === 'mysql') {
    dbName = `lamphp_test_${randomBytes(4).toString('hex')}`;
    mysql(`CREATE DATABASE ${dbName}`);
    Object.assign(env, { DB_HOST: options.dbHost ?? '127.0.0.1:3306', DB_NAME: dbName, DB_USER: 'root', DB_PASSWORD: '' });
  }
  const logger = memoryLogger('info');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const serving = await serve(
    {
      port: 0,
      workers: options.workers ?? 2,
      siteDir,
      install: true,
      title,
      adminUser: 'admin',
      adminPassword: password,
      adminEmail: 'admin@example.com',
    },
    env,
    logger,
  );
  return {
    serving,
    url: serving.url,
    admin: { user: 'admin', password },
    siteDir,
    title,
    logs: logger.records,
    async close() {
      await serving.close();
      if (dbName) mysql(`DROP DATABASE IF EXISTS ${dbName}`);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Logs a visitor in through wp-login.php; returns the login response. */
export async function logIn(visitor: Visitor, user: string, password: string) {
  visitor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
  return visitor.postForm('/wp-login.php', {
    log: user,
    pwd: password,
    'wp-submit': 'Log In',
    redirect_to: `${visitor.base}/wp-admin/`,
    testcookie: '1',
  });
}

/** The REST nonce WordPress prints into admin pages (`wpApiSettings`). */
export async function restNonce(visitor: Visitor): Promise<string> {
  const page = await visitor.get('/wp-admin/admin-ajax.php?action=rest-nonce');
  if (page.status !== 200 || !/^[a-f0-9]{10}$/.test(page.text.trim())) {
    throw new Error(`no REST nonce (status ${page.status}): ${page.text.slice(0, 200)}`);
  }
  return page.text.trim();
}

/** Switches the logged-in admin's site to pretty permalinks (`/%year%/%monthnum%/%day%/%postname%/`) through Settings → Permalinks. */
export async function usePrettyPermalinks(admin: Visitor): Promise<void> {
  const settings = await admin.get('/wp-admin/options-permalink.php');
  const nonce = /name="_wpnonce" value="([0-9a-f]+)"/.exec(settings.text)?.[1];
  if (!nonce) throw new Error(`no permalink settings form (status ${settings.status})`);
  const structure = '/%year%/%monthnum%/%day%/%postname%/';
  const saved = await admin.postForm('/wp-admin/options-permalink.php', {
    _wpnonce: nonce,
    _wp_http_referer: '/wp-admin/options-permalink.php',
    selection: structure,
    permalink_structure: structure,
    category_base: '',
    tag_base: '',
    submit: 'Save Changes',
  });
  if (saved.status !== 302) throw new Error(`saving the permalink structure answered ${saved.status}`);
}

/**
 * Saves settings through the Customizer as its screen does: reads the screen's nonce, changeset
 * and theme, then publishes `data` (setting id → value) with admin-ajax's `customize_save`.
 * Returns admin-ajax's answer; throws when the screen carries no Customizer settings.
 */
export async function saveInCustomizer(admin: Visitor, data: Record<string, unknown>) {
  const screen = await admin.get('/wp-admin/customize.php');
  const settings = /var _wpCustomizeSettings = (\{.*?\});\n/s.exec(screen.text)?.[1];
  if (!settings) throw new Error(`no Customizer settings in customize.php (${screen.status})`);
  const parsed = JSON.parse(settings) as { nonce: { save: string }; changeset: { uuid: string }; theme: { stylesheet: string } };
  return admin.postForm('/wp-admin/admin-ajax.php', {
    action: 'customize_save',
    wp_customize: 'on',
    nonce: parsed.nonce.save,
    customize_theme: parsed.theme.stylesheet,
    customize_changeset_uuid: parsed.changeset.uuid,
    customize_changeset_status: 'publish',
    customize_changeset_data: JSON.stringify(Object.fromEntries(Object.entries(data).map(([k, value]) => [k, { value }]))),
  });
}
