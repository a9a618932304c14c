/**
 * What a person deploying their blog checks first, run through the twin's CloudFront without a
 * browser (`npm run stack:local -- --check`): no WordPress installer before the install ran,
 * the install, home, a post, login with the password from SSM, wp-admin, a password reset mail
 * delivered through SES (in the sqlite shape by way of the outbox and the relay) with its link on
 * the site's address, a published post on the cached home page at once (CloudFront invalidated,
 * the clock not moved), an upload served from the bucket, a missing upload answered 404, a POST
 * to a plugin's PHP file, the visitor's own address as PHP's REMOTE_ADDR whatever it forges, the
 * Function URL refusing a request that bypasses CloudFront, `.lamphp-outbox/` out of every
 * viewer's reach, the relay's sweep on its schedule, and the password in no log. Every value it
 * needs comes from the stack: outputs, the template, responses, the twin's clock and logs.
 */
import { ENV, OUTBOX, VIEWER_ADDRESS_HEADER } from '../contracts.ts';
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
export async function documentRootOnEfs(twin: TwinHandle): Promise<string> {
  const template = await twin.template();
  for (const r of Object.values<any>(template.Resources ?? {})) {
    const mount: string | undefined = r.Properties?.FileSystemConfigs?.[0]?.LocalMountPath;
    const root = r.Properties?.Environment?.Variables?.[ENV.documentRoot];
    if (r.Type === 'AWS::Lambda::Function' && mount && typeof root === 'string' && root.startsWith(`${mount}/`)) return root.slice(mount.length + 1);
  }
  throw new Error('No function mounts EFS with its document root below the mount path.');
}

/** The site function's definition in the template (the one with the exec wrapper). */
function siteFunction(template: any): any {
  return Object.values<any>(template.Resources ?? {}).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.[ENV.execWrapper]);
}

/** The relay: the function the uploads bucket's notification configuration invokes for outbox jobs. */
async function relayFunction(twin: TwinHandle): Promise<{ name: string; logicalId: string } | undefined> {
  const template = await twin.template();
  for (const r of Object.values<any>(template.Resources ?? {})) {
    if (r.Type !== 'Custom::S3BucketNotifications') continue;
    for (const c of r.Properties?.NotificationConfiguration?.LambdaFunctionConfigurations ?? []) {
      const rules: { Name: string; Value: string }[] = c.Filter?.Key?.FilterRules ?? [];
      if (!rules.some((x) => x.Name.toLowerCase() === 'prefix' && x.Value === OUTBOX.jobs)) continue;
      const logicalId = c.LambdaFunctionArn?.['Fn::GetAtt']?.[0];
      const ref = ((await twin.status()).resources as { logicalId: string; ref: string }[]).find((x) => x.logicalId === logicalId)?.ref;
      if (ref) return { name: ref, logicalId };
    }
  }
  return undefined;
}

/** A MIME body as text: quoted-printable decoded when the message says so. */
function mimeText(raw: Buffer): string {
  const text = raw.toString('latin1');
  if (!/^Content-Transfer-Encoding:\s*quoted-printable/im.test(text)) return text;
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

async function until<T>(what: string, get: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: nothing after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How long the journey waits for what the relay does (a cold start of its own in the twin's sandbox). */
const RELAY_WAIT_MS = 90_000;

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

  const template = await twin.template();
  const siteEnv = siteFunction(template)?.Properties?.Environment?.Variables ?? {};
  const route: string = siteEnv[ENV.awsRoute] ?? 'direct';
  const relay = await relayFunction(twin);
  const bucket = Object.entries(twin.outputs).find(([k]) => /UploadsBucketName/.test(k))?.[1];

  await step("a password reset mail goes out through SES, its link on the site's address", async () => {
    check(siteEnv[ENV.mailTransport] === 'ses', `the stack sends no mail (${ENV.mailTransport}=${siteEnv[ENV.mailTransport] ?? 'unset'}): deploy it with -c sesIdentity=<domain or address>`);
    const since = (await twin.status()).clock.now;
    const sentBefore = (await twin.sesMessages()).length;
    const visitor = new Viewer(twin.siteUrl, twin.port, twin.ca);
    visitor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
    const r = await visitor.postForm('/wp-login.php?action=lostpassword', { user_login: credentials?.user ?? 'admin', redirect_to: '', 'wp-submit': 'Get New Password' });
    check(r.status === 302 && /checkemail=confirm/.test(String(r.headers.location)), `the reset form answered ${r.status} ${r.headers.location ?? ''}${/could not be sent/.test(r.text) ? ' (the email could not be sent)' : ''}`);
    const message = await until('the reset mail in SES', async () => (await twin.sesMessages()).slice(sentBefore).find((m) => /[?&]login=/.test(mimeText(m.raw))), RELAY_WAIT_MS);
    const link = /https?:\/\/[^\s<>"]+wp-login\.php\?[^\s<>"]*key=[^\s<>"]+/.exec(mimeText(message.raw))?.[0];
    check(link !== undefined, 'the mail has no reset link');
    const url = new URL(link!.replace(/&amp;/g, '&'));
    check(url.host === new URL(twin.siteUrl).host && url.protocol === 'https:', `the reset link is on ${url.origin}, not the site's address ${twin.siteUrl}`);
    check(message.to.length > 0 && message.from.length > 0, `sent from ${message.from} to ${message.to.join(', ')}`);
    // The link works: WordPress takes the key (a bad one is sent back with error=invalidkey).
    const followed = await visitor.get(url.pathname + url.search);
    check(!/invalidkey|expiredkey/.test(String(followed.headers.location ?? '')) && followed.status < 400, `the reset link answered ${followed.status} ${followed.headers.location ?? ''}`);
    let way = 'directly (the function has a route to SES)';
    if (route === 'outbox') {
      check(relay !== undefined, 'the template has no relay behind the bucket notification for outbox jobs');
      const byS3 = (await twin.invocations(since)).filter((x) => x.function === relay!.name && x.invoker === 's3');
      check(byS3.some((x) => x.outcome === 'success'), `the relay was not invoked by the bucket notification (${byS3.map((x) => x.outcome).join(', ') || 'no invocation'})`);
      check(bucket !== undefined, 'no UploadsBucketName output');
      // Every job the visit made is performed and removed (none waits for the sweep).
      const waiting = await until('an empty outbox', async () => ((await twin.s3Keys(bucket!, OUTBOX.jobs)).length === 0 ? true : undefined), RELAY_WAIT_MS).catch(async () => twin.s3Keys(bucket!, OUTBOX.jobs));
      check(waiting === true, `jobs still waiting in the outbox: ${JSON.stringify(waiting)}`);
      way = `through the outbox and the relay (${byS3.length} notification${byS3.length === 1 ? '' : 's'})`;
    }
    return `from ${message.from} to ${message.to.join(', ')}, ${way}, link ${url.origin}${url.pathname}`;
  });

  let nonce = '';
  const title = `Published through the twin ${Date.now().toString(36)}`;
  await step('publish a post and see it on the cached home page at once (CloudFront invalidated)', async () => {
    const n = await editor.get('/wp-admin/admin-ajax.php?action=rest-nonce');
    nonce = n.text.trim();
    check(/^[a-f0-9]{10}$/.test(nonce), `no REST nonce (${n.status})`);
    home = await anonymous.get('/');
    const cached = await anonymous.get('/');
    check(/Hit/.test(String(cached.headers['x-cache'])), `the home page is not cached (${cached.headers['x-cache']}, ${cached.headers['cache-control']})`);
    const ttl = sharedMaxAge(cached.headers['cache-control']);
    check(ttl !== undefined && ttl > 0, `the home page says no shared-cache lifetime (${cached.headers['cache-control']})`);
    const clock = (await twin.status()).clock.now;
    const invalidated = (await twin.invalidations()).length;
    const started = Date.now();
    const created = await editor.request('POST', '/?rest_route=/wp/v2/posts', { body: JSON.stringify({ title, status: 'publish', content: 'Hello from the stack twin.' }), headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce } });
    check(created.status === 201, `publishing answered ${created.status}: ${created.text.slice(0, 200)}`);
    // The clock does not move: without an invalidation the cached home page would stay for s-maxage.
    await until('the post on the cached home page', async () => ((await anonymous.get('/')).text.includes(title) ? true : undefined), RELAY_WAIT_MS);
    check((await twin.status()).clock.now === clock, 'the twin clock moved');
    const made = (await twin.invalidations()).slice(invalidated);
    check(made.some((i) => i.paths.includes('/') || i.paths.includes('/*')), `no invalidation of the home page (${JSON.stringify(made.map((i) => i.paths))})`);
    return `shown after ${((Date.now() - started) / 1000).toFixed(1)} s (s-maxage ${ttl} s) through ${route === 'outbox' ? "the relay's" : "the function's"} invalidation of ${made.map((i) => i.paths.join(' ')).join('; ')}`;
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
  await step('.lamphp-outbox/ is never reachable through CloudFront', async () => {
    check(bucket !== undefined, 'no UploadsBucketName output');
    // The mail and publish steps leave sent-markers where jobs went through the outbox; else the operator's own probe.
    let keys = await twin.s3Keys(bucket!, OUTBOX.prefix);
    if (keys.length === 0) {
      await twin.s3Put(bucket!, `${OUTBOX.sent}journey-probe`, JSON.stringify({ probe: true }));
      keys = await twin.s3Keys(bucket!, OUTBOX.prefix);
    }
    check(keys.length > 0, 'nothing in .lamphp-outbox/ to look for');
    const key = keys[0]!;
    const bytes = (await twin.s3Object(bucket!, key))!;
    const tries = [`/${key}`, `/wp-content/uploads/../../${key}`, `/wp-content/uploads/%2e%2e/%2e%2e/${key}`, `/wp-content/uploads/..%2f..%2f${key}`, `/wp-content/uploads/${key}`];
    const seen: string[] = [];
    for (const path of tries) {
      const r = await anonymous.get(path);
      check(!r.body.includes(bytes), `${path} answered ${r.status} with the object`);
      seen.push(`${r.status}`);
    }
    return `${key.split('/').slice(0, 2).join('/')}/…: ${seen.join(' ')}`;
  });
  if (relay) {
    await step("the relay's sweep runs on its schedule", async () => {
      const rule = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.Targets?.some((t: any) => t.Arn?.['Fn::GetAtt']?.[0] === relay.logicalId));
      const rate = /^rate\((\d+) minutes?\)$/.exec(rule?.Properties?.ScheduleExpression ?? '');
      check(rate !== null, `no rate() schedule targets the relay (${rule?.Properties?.ScheduleExpression})`);
      const since = (await twin.status()).clock.now;
      await twin.advanceClock(Number(rate![1]) * 60_000 + 1);
      const run = await until('a sweep', async () => (await twin.invocations(since)).find((x) => x.function === relay.name && x.invoker === 'cron' && x.durationMs > 0), RELAY_WAIT_MS);
      check(run.outcome === 'success', `the sweep ended ${run.outcome}`);
      return `every ${rate![1]} minutes of the twin clock, ${run.cold ? 'cold' : 'warm'}`;
    });
  }
  await step('the admin password is in no log', async () => {
    check(credentials !== undefined, 'no password to look for');
    const lines = await twin.logs();
    const leaks = lines.filter((l) => l.message.includes(credentials!.password));
    check(leaks.length === 0, `found in ${leaks.map((l) => l.group).join(', ')}`);
    return `${lines.length} lines checked`;
  });
  return steps;
}
