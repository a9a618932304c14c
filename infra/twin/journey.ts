/**
 * What a person deploying their blog checks first, run through the twin's CloudFront without a
 * browser (`npm run stack:local -- --check`): no WordPress installer before the install ran,
 * the install, home, a post, login with the password from SSM, wp-admin, a published post on
 * the cached home page within its shared-cache lifetime, an upload served from the bucket, a
 * missing upload answered 404, a POST to a plugin's PHP file, the visitor's own address as PHP's
 * REMOTE_ADDR whatever it forges, the Function URL refusing a request that bypasses CloudFront,
 * and the password in no log.
 * Every value it needs comes from the stack: outputs, responses, the twin's clock and logs.
 */
import { ENV, VIEWER_ADDRESS_HEADER } from '../contracts.ts';
import { ERROR_CACHING_MIN_TTL_S } from './cloudfront/cache.ts';
import type { TwinHandle } from './index.ts';
import { Viewer } from './viewer.ts';

export interface JourneyStep {
  name: string;
  ok: boolean;
  detail: string;
}

/** The address a visitor of the twin connects from (a loopback address of its own), and one it pretends to have. */
const VISITOR_ADDRESS = '127.0.0.23';
const FORGED_ADDRESS = '203.0.113.66';
/** Every header that could carry a client address, forged by the visitor. */
const FORGED_VIEWER_HEADERS = {
  'cloudfront-viewer-address': `${FORGED_ADDRESS}:4444`,
  [VIEWER_ADDRESS_HEADER]: FORGED_ADDRESS,
  'x-forwarded-for': FORGED_ADDRESS,
  'cloudfront-forwarded-proto': 'http',
};
/** A plugin's PHP file that reports the address PHP was given. */
const ADDRESS_PROBE = '/wp-content/plugins/lamphp-twin-probe/remote-addr.php';

/** A 1×1 PNG. */
export const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The first admin password, as the operator reads it: the SSM parameter the stack's output names. */
export async function adminPassword(twin: TwinHandle): Promise<{ user: string; password: string } | undefined> {
  const name = Object.entries(twin.outputs).find(([k]) => /AdminPasswordParameter/.test(k))?.[1];
  const p = name ? await twin.ssmParameter(name) : undefined;
  return p ? { user: 'admin', password: p.Value } : undefined;
}

/** Seconds a shared cache may keep a response (`s-maxage`, else `max-age`), from its Cache-Control. */
export function sharedMaxAge(cacheControl: string | string[] | undefined): number | undefined {
  const cc = [cacheControl ?? ''].flat().join(',');
  const m = /(?:^|,)\s*s-maxage=(\d+)/.exec(cc) ?? /(?:^|,)\s*max-age=(\d+)/.exec(cc);
  return m ? Number(m[1]) : undefined;
}

/** Where the site's document root is on its EFS access point: the function's LAMPHP_DOCUMENT_ROOT below its mount path. */
async function documentRootOnEfs(twin: TwinHandle): Promise<string> {
  const template = await twin.template();
  for (const r of Object.values<any>(template.Resources ?? {})) {
    const mount: string | undefined = r.Properties?.FileSystemConfigs?.[0]?.LocalMountPath;
    const root = r.Properties?.Environment?.Variables?.[ENV.documentRoot];
    if (r.Type === 'AWS::Lambda::Function' && mount && typeof root === 'string' && root.startsWith(`${mount}/`)) return root.slice(mount.length + 1);
  }
  throw new Error('No function mounts EFS with its document root below the mount path.');
}

export async function runJourney(twin: TwinHandle, log: (line: string) => void = () => {}): Promise<JourneyStep[]> {
  const steps: JourneyStep[] = [];
  const step = async (name: string, fn: () => Promise<string>) => {
    try {
      const detail = await fn();
      steps.push({ name, ok: true, detail });
      log(`ok   ${name}: ${detail}`);
    } catch (err) {
      steps.push({ name, ok: false, detail: (err as Error).message });
      log(`FAIL ${name}: ${(err as Error).message}`);
    }
  };
  const check = (cond: boolean, message: string) => {
    if (!cond) throw new Error(message);
  };
  const anonymous = new Viewer(twin.siteUrl, twin.port, twin.ca);

  if (twin.paused) {
    await step('before the install, no WordPress installer', async () => {
      const r = await anonymous.get('/');
      const location = String(r.headers.location ?? '');
      check(!/install\.php/.test(location) && !/install\.php|wp-install|setup-config/.test(r.text), `a visitor is sent to the installer (${r.status} ${location})`);
      // The runtime's holding page: the access point is still empty.
      check(r.status === 503 && r.headers['retry-after'] !== undefined, `expected the 503 holding page, got ${r.status} (${r.headers['x-cache']})`);
      return `${r.status}, Retry-After ${r.headers['retry-after']}`;
    });
    await step('the install completes', async () => {
      const done = await twin.resume();
      const install = done.events.find((e) => e.type === twin.paused!.type);
      check(install?.action === 'create', 'the install custom resource was not created');
      // CloudFront keeps the answer the visitor got before the install for its error caching minimum TTL.
      await twin.advanceClock(ERROR_CACHING_MIN_TTL_S * 1000);
      return `${install!.logicalId} in ${install!.ms} ms`;
    });
  }

  let home = await anonymous.get('/');
  await step('home page', async () => {
    check(home.status === 200 && /<title>/.test(home.text), `home answered ${home.status}`);
    return `${home.status}, ${home.headers['x-cache']}`;
  });
  await step('a post', async () => {
    // The first post, wherever the site's permalinks put it (WordPress's REST API says).
    const list = await anonymous.get('/?rest_route=/wp/v2/posts&per_page=1');
    const link: string | undefined = list.status === 200 ? JSON.parse(list.text)[0]?.link : undefined;
    check(link !== undefined, `no published post listed (${list.status})`);
    const url = new URL(link!);
    const r = await anonymous.get(url.pathname + url.search);
    check(r.status === 200, `${url.pathname}${url.search} answered ${r.status}`);
    return url.pathname + url.search;
  });

  const editor = new Viewer(twin.siteUrl, twin.port, twin.ca);
  const credentials = await adminPassword(twin);
  await step('log in with the password from SSM', async () => {
    check(credentials !== undefined, 'no admin password in the SSM parameter the stack names');
    editor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
    const r = await editor.postForm('/wp-login.php', { log: credentials!.user, pwd: credentials!.password, 'wp-submit': 'Log In', redirect_to: `${editor.origin}/wp-admin/`, testcookie: '1' });
    check(r.status === 302 && /wp-admin/.test(String(r.headers.location)), `login answered ${r.status} ${r.headers.location ?? ''}`);
    // A browser follows the redirect: it must stay on the site's own address (host and port).
    const to = new URL(String(r.headers.location), twin.siteUrl);
    check(to.host === new URL(twin.siteUrl).host, `login redirects to ${to.href}, off the site's address ${twin.siteUrl}`);
    return `redirected to ${to.pathname}`;
  });
  await step('wp-admin', async () => {
    const r = await editor.get('/wp-admin/');
    check(r.status === 200 && /wp-admin-bar|adminmenu/.test(r.text), `wp-admin answered ${r.status}`);
    return `${r.status}`;
  });

  let nonce = '';
  const title = `Published through the twin ${Date.now().toString(36)}`;
  await step('publish a post and see it on the cached home page in time', async () => {
    const n = await editor.get('/wp-admin/admin-ajax.php?action=rest-nonce');
    nonce = n.text.trim();
    check(/^[a-f0-9]{10}$/.test(nonce), `no REST nonce (${n.status})`);
    home = await anonymous.get('/');
    const cached = await anonymous.get('/');
    check(/Hit/.test(String(cached.headers['x-cache'])), `the home page is not cached (${cached.headers['x-cache']}, ${cached.headers['cache-control']})`);
    const ttl = sharedMaxAge(cached.headers['cache-control']);
    check(ttl !== undefined, `the home page says no shared-cache lifetime (${cached.headers['cache-control']})`);
    const created = await editor.request('POST', '/?rest_route=/wp/v2/posts', { body: JSON.stringify({ title, status: 'publish', content: 'Hello from the stack twin.' }), headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce } });
    check(created.status === 201, `publishing answered ${created.status}: ${created.text.slice(0, 200)}`);
    // Invalidated, the home page shows the post at once (or once a relay has run); otherwise once
    // its cached copy expires. With stale-while-revalidate the first visitor after that still gets
    // the old copy while CloudFront refreshes it in the background; the next gets the new page.
    // A lifetime longer than two minutes is only right where publishing invalidates the CDN.
    const limit = Math.max(ttl! + 1, 0) <= 120 ? ttl! + 1 : 120;
    let waited = 0;
    for (;;) {
      const seen = await anonymous.get('/');
      if (seen.text.includes(title)) return waited === 0 ? 'shown at once' : `shown after ${waited} s (s-maxage ${ttl} s)`;
      check(waited < limit + 10, `the post is not on the home page ${waited} s later (${seen.headers['x-cache']}, ${seen.headers['cache-control']})`);
      const step = waited < limit ? Math.min(5, limit - waited) : 1;
      await twin.advanceClock(step * 1000);
      waited += step;
      // A background refresh runs on the wall clock.
      if (waited >= limit) await new Promise((r) => setTimeout(r, 200));
    }
  });
  await step('upload an image and get it back through the uploads behavior', async () => {
    const r = await editor.request('POST', '/?rest_route=/wp/v2/media', { body: PIXEL_PNG, headers: { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="twin-pixel.png"', 'x-wp-nonce': nonce } });
    check(r.status === 201, `upload answered ${r.status}: ${r.text.slice(0, 200)}`);
    const url = new URL(JSON.parse(r.text).source_url);
    const back = await anonymous.get(url.pathname);
    check(back.status === 200 && back.body.equals(PIXEL_PNG), `${url.pathname} answered ${back.status} (${back.body.length} bytes)`);
    return url.pathname;
  });
  await step('a missing upload is 404', async () => {
    const r = await anonymous.get('/wp-content/uploads/2001/01/not-there.png');
    check(r.status === 404, `answered ${r.status}`);
    return '404';
  });
  await step("a POST to a plugin's PHP file reaches PHP", async () => {
    // A plugin that posts to its own file, copied onto EFS the way an operator adds one.
    const docRoot = await documentRootOnEfs(twin);
    await twin.writeEfs(`${docRoot}/wp-content/plugins/lamphp-twin-probe/form.php`, "<?php\nheader('content-type: text/plain');\necho 'posted:', $_POST['probe'] ?? '', ' cookies:', count($_COOKIE);\n");
    const r = await editor.postForm('/wp-content/plugins/lamphp-twin-probe/form.php', { probe: 'twin' });
    check(!/Error/.test(String(r.headers['x-cache'])), `CloudFront refused it (${r.status}, ${r.headers['x-cache']})`);
    check(r.status === 200 && /^posted:twin cookies:[1-9]/.test(r.text), `answered ${r.status}: ${r.text.slice(0, 120)}`);
    return r.text;
  });
  await step("the visitor's own address reaches PHP, whatever headers the visitor forges", async () => {
    // A visitor on an address of its own; PHP reports what it was told (REMOTE_ADDR) and whether a CloudFront header got through.
    const docRoot = await documentRootOnEfs(twin);
    await twin.writeEfs(`${docRoot}${ADDRESS_PROBE}`, "<?php\nheader('cache-control: no-store');\nheader('content-type: text/plain');\necho $_SERVER['REMOTE_ADDR'] ?? '', ' ', $_SERVER['HTTP_CLOUDFRONT_VIEWER_ADDRESS'] ?? '-';\n");
    const visitor = new Viewer(twin.siteUrl, twin.port, twin.ca, { localAddress: VISITOR_ADDRESS });
    const expected = `${VISITOR_ADDRESS} -`;
    const plain = await visitor.get(`${ADDRESS_PROBE}?plain`);
    check(plain.status === 200 && plain.text === expected, `PHP saw "${plain.text.slice(0, 120)}" (${plain.status}), not "${expected}"`);
    const forged = await visitor.get(`${ADDRESS_PROBE}?forged`, FORGED_VIEWER_HEADERS);
    check(forged.status === 200 && forged.text === expected, `with forged headers PHP saw "${forged.text.slice(0, 120)}" (${forged.status}), not "${expected}"`);
    return `REMOTE_ADDR ${VISITOR_ADDRESS}, forged headers ignored`;
  });
  await step('a request that does not come through CloudFront is refused before PHP runs, forged headers and all', async () => {
    const url = (await twin.status()).resources.find((r: { type: string }) => r.type === 'AWS::Lambda::Url')?.attributes?.FunctionUrl as string | undefined;
    check(url !== undefined, 'the stack has no Function URL');
    const r = await twin.fromInternet(new URL(ADDRESS_PROBE.slice(1), url).href, { headers: FORGED_VIEWER_HEADERS });
    check(r.status === 403 && !r.text.includes(FORGED_ADDRESS), `the Function URL answered ${r.status}: ${r.text.slice(0, 120)}`);
    return `${r.status} from the Function URL`;
  });
  await step('the admin password is in no log', async () => {
    check(credentials !== undefined, 'no password to look for');
    const lines = await twin.logs();
    const leaks = lines.filter((l) => l.message.includes(credentials!.password));
    check(leaks.length === 0, `found in ${leaks.map((l) => l.group).join(', ')}`);
    return `${lines.length} lines checked`;
  });
  return steps;
}
