/**
 * Real WordPress through the bridge and the local front door, on SQLite and on MySQL
 * (the MariaDB at 127.0.0.1:3306, a database of its own per run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor } from './support/http-client.ts';
import { logIn, restNonce, startWordPress, type TestSite } from './support/wordpress.ts';

describe.each(['sqlite', 'mysql'] as const)('WordPress on %s', (db) => {
  let site: TestSite;
  const admin = () => new Visitor(site.url);
  let loggedIn: Visitor;

  beforeAll(async () => {
    site = await startWordPress({ db });
    loggedIn = admin();
  });
  afterAll(async () => site?.close());

  it('is installed and the home page shows the site title', async () => {
    const home = await new Visitor(site.url).get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain(site.title);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('answers an unknown URL with the WordPress 404 page', async () => {
    const res = await new Visitor(site.url).get('/no-such-page-here/');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/error404/);
    expect(res.text).toContain(site.title);
  });

  it('serves the REST API index as JSON', async () => {
    const res = await new Visitor(site.url).get('/wp-json/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(res.text).name).toBe(site.title);
  });

  it('logs in through wp-login.php: 302 with the auth cookies', async () => {
    const res = await logIn(loggedIn, site.admin.user, site.admin.password);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('/wp-admin/');
    const names = res.setCookies.map((c) => c.split('=')[0]);
    expect(names.some((n) => n?.startsWith('wordpress_logged_in_'))).toBe(true);
    expect(names.some((n) => /^wordpress_(sec_)?[0-9a-f]{32}$/.test(n ?? ''))).toBe(true);
    // An auth cookie keeps its attributes (path, HttpOnly) intact.
    expect(res.setCookies.find((c) => c.startsWith('wordpress_logged_in_'))).toMatch(/HttpOnly/i);
  });

  it('shows the dashboard to the logged-in admin and nothing to a stranger', async () => {
    const res = await loggedIn.get('/wp-admin/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Dashboard');
    expect(res.text).toContain('wpadminbar');
    expect(res.headers.get('cache-control')).toMatch(/no-store|no-cache|private/);
    const stranger = await new Visitor(site.url).get('/wp-admin/');
    expect(stranger.status).toBe(302);
    expect(stranger.headers.get('location')).toContain('wp-login.php');
  });

  it('serves the first post at its pretty permalink', async () => {
    const page = await loggedIn.get('/wp-admin/options-permalink.php');
    const nonce = /name="_wpnonce" value="([0-9a-f]+)"/.exec(page.text)?.[1];
    expect(nonce).toBeTruthy();
    const saved = await loggedIn.postForm('/wp-admin/options-permalink.php', {
      _wpnonce: nonce!,
      _wp_http_referer: '/wp-admin/options-permalink.php',
      selection: '/%postname%/',
      permalink_structure: '/%postname%/',
      category_base: '',
      tag_base: '',
      submit: 'Save Changes',
    });
    expect(saved.status).toBe(302);
    // Like a browser, follow the redirect: the settings page flushes the rewrite rules.
    expect((await loggedIn.get(new URL(saved.headers.get('location')!).pathname + '?settings-updated=true')).status).toBe(200);
    const post = await new Visitor(site.url).get('/hello-world/');
    expect(post.status).toBe(200);
    expect(post.text).toMatch(/Hello world!/);
  });

  it('publishes a post through the REST API with an application password', async () => {
    const nonce = await restNonce(loggedIn);
    const created = await loggedIn.request('/wp-json/wp/v2/users/me/application-passwords', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      body: JSON.stringify({ name: 'test' }),
    });
    expect(created.status).toBe(201);
    const appPassword = JSON.parse(created.text).password as string;
    const basic = Buffer.from(`${site.admin.user}:${appPassword}`).toString('base64');
    const title = `Written over REST ${Date.now()}`;
    const post = await new Visitor(site.url).request('/wp-json/wp/v2/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
      body: JSON.stringify({ title, content: 'Body text', status: 'publish' }),
    });
    expect(post.status).toBe(201);
    const home = await new Visitor(site.url).get('/');
    expect(home.text).toContain(title);
  });

  it('never serves or runs wp-config.php, .htaccess or PHP under uploads', async () => {
    const uploads = path.join(site.siteDir, 'wp-content', 'uploads');
    fs.mkdirSync(uploads, { recursive: true });
    fs.writeFileSync(path.join(uploads, 'x.php'), '<?php echo "RAN-" . "UPLOADED-PHP";');
    fs.writeFileSync(path.join(site.siteDir, '.htaccess'), '# HTACCESS-SECRET\n');
    const config = fs.readFileSync(path.join(site.siteDir, 'wp-config.php'), 'utf8');
    const salt = /define\(\s*'AUTH_KEY',\s*'([^']+)'/.exec(config)?.[1];
    expect(salt).toBeTruthy();
    const visitor = new Visitor(site.url);
    for (const p of ['/wp-config.php', '/.htaccess', '/wp-content/uploads/x.php', '/wp-config.php.bak', '/%77p-config.php']) {
      const res = await visitor.get(p);
      expect([403, 404], p).toContain(res.status);
      expect(res.text, p).not.toContain('<?php');
      expect(res.text, p).not.toContain('RAN-UPLOADED-PHP');
      expect(res.text, p).not.toContain('HTACCESS-SECRET');
      expect(res.text, p).not.toContain(salt!);
    }
  });

  it('serves static assets with the long-lived policy when versioned', async () => {
    const res = await new Visitor(site.url).get('/wp-includes/js/jquery/jquery.min.js?ver=3.6.1');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('etag')).toBeTruthy();
  });
});
