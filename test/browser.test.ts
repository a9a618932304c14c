/**
 * A person's path through the local WordPress: headless Chromium (Debian's package) opens
 * the login form, signs in and reaches the dashboard. The screenshot is kept as an artifact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startWordPress, type TestSite } from './support/wordpress.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test', 'artifacts');

describe('WordPress in a real browser', () => {
  let site: TestSite;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run "node scripts/system-packages.js" (installs Debian's chromium).`);
    }
    site = await startWordPress({ db: 'sqlite' });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
    await site?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it('logs in through the form and shows the dashboard with the admin bar', async () => {
    const page = await context.newPage();
    await page.goto(`${site.url}/wp-login.php`);
    await page.fill('#user_login', site.admin.user);
    await page.fill('#user_pass', site.admin.password);
    await Promise.all([page.waitForURL(/\/wp-admin\/?$/), page.click('#wp-submit')]);
    await expect(page.locator('#wpadminbar').count()).resolves.toBe(1);
    const heading = await page.locator('#wpbody-content h1').first().textContent();
    expect(heading?.trim()).toBe('Dashboard');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'wordpress-dashboard.png'), fullPage: false });
    expect(fs.statSync(path.join(ARTIFACTS, 'wordpress-dashboard.png')).size).toBeGreaterThan(1000);
  });
});
