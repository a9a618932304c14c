/**
 * Soak: many WordPress requests through the Lambda-shaped path — events handed to
 * runtime/lambda/handler.ts one at a time, as the Runtime API loop does (after-response work
 * and runtime replacement in the gap), one PHP worker as in Lambda — with a share of hostile
 * invocations. Counts what must stay zero (crashes, escaped exceptions, lost uploads, 5xx for
 * ordinary requests) and samples RSS to show it stays bounded across runtime rotations.
 *
 *   MALLOC_TRIM_THRESHOLD_=131072 node bench/soak/soak.ts [--requests 20000] [--hostile 0.05] [--out bench/results/soak.json]
 *
 * WordPress on SQLite; uploads written by a small PHP script into wp-content/uploads, synced to
 * an in-process s3rver before the answer; every acknowledged upload is checked in the bucket at
 * the end, byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createBridge, readConfig, uploadsSyncFromConfig, uploadsWatchDir } from '../../bridge/index.ts';
import { createPhpWasmEngine, engineOptionsFromConfig } from '../../bridge/engine/php-wasm/index.ts';
import { createLogger, memoryLogger } from '../../bridge/log.ts';
import { createInvocationHandler } from '../../runtime/lambda/handler.ts';
import { serve } from '../../runtime/local/serve.ts';
import { startS3 } from '../../test/support/s3.ts';
import { REPO, TEST_CACHE_DIR } from '../../test/support/wordpress.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    hostile: { type: 'string', default: '0.05' },
    out: { type: 'string', default: path.join(REPO, 'bench/results/soak.json') },
  },
});
const REQUESTS = Number(values.requests);
const HOSTILE = Number(values.hostile);
const PREFIX = 'wp-content/uploads/';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-soak-'));
const siteDir = path.join(tmp, 'site');
const s3 = await startS3('soak');
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  ...s3.env,
  DB_HOST: '',
  LAMPHP_CACHE_DIR: TEST_CACHE_DIR,
  LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'),
  LAMPHP_UPLOADS_BUCKET: s3.bucket,
  LAMPHP_UPLOADS_PREFIX: PREFIX,
  LAMPHP_LOG_LEVEL: 'warn',
};

// Prepare and install the site with the local server, then serve it the Lambda way.
const installer = await serve({ port: 0, workers: 1, siteDir, install: true, adminPassword: 'soak-password-1' }, env, memoryLogger('warn'));
await installer.close();
fs.writeFileSync(
  path.join(siteDir, 'lamphp-soak-upload.php'),
  `<?php
$name = preg_replace('/[^a-z0-9-]/', '', $_GET['name'] ?? 'x');
$dir = __DIR__ . '/wp-content/uploads/soak';
@mkdir($dir, 0777, true);
$bytes = file_get_contents('php://input');
if (file_put_contents("$dir/$name.bin", $bytes) !== strlen($bytes)) { http_response_code(500); exit('write failed'); }
echo 'stored ', md5($bytes);
`,
);

// Read as in Lambda (one worker, sequential rotation, code cache and opcache snapshot on).
const config = readConfig({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'lamphp-soak', LAMPHP_DOCUMENT_ROOT: siteDir, LAMPHP_WORKERS: '1' });
const problems: Record<string, unknown>[] = [];
const logger = createLogger({
  level: 'warn',
  sink: (level, line) => {
    if (level === 'error') problems.push(JSON.parse(line));
  },
});
const uploads = uploadsSyncFromConfig(config, logger, env);
const engine = await createPhpWasmEngine({
  ...engineOptionsFromConfig(config),
  uploadsDir: uploadsWatchDir(config),
  logger,
});
const bridge = createBridge({ config, engine, logger, uploads });
const handler = createInvocationHandler({ config, logger, bridge, afterResponse: () => engine.idle() });

const template = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
function urlEvent(method: string, rawPath: string, rawQueryString = '', body?: Uint8Array, headers: Record<string, string> = {}) {
  const e = structuredClone(template);
  Object.assign(e, { rawPath, rawQueryString, cookies: undefined, isBase64Encoded: body !== undefined, body: body ? Buffer.from(body).toString('base64') : undefined });
  e.requestContext.http.method = method;
  e.requestContext.http.path = rawPath;
  e.headers = { ...e.headers, ...headers };
  delete e.headers['content-length'];
  return e;
}

const ordinary = [
  () => urlEvent('GET', '/'),
  () => urlEvent('GET', '/', 'p=1'),
  () => urlEvent('GET', '/', `s=${randomBytes(3).toString('hex')}`),
  () => urlEvent('GET', '/wp-json/'),
  () => urlEvent('GET', '/wp-login.php'),
  () => urlEvent('GET', '/wp-includes/css/dashicons.min.css'),
  () => urlEvent('GET', '/feed/'),
];
const hostile = [
  () => urlEvent('GET', '/../../etc/passwd'),
  () => urlEvent('GET', '/%2e%2e/%2e%2e/wp-config.php'),
  () => urlEvent('GET', '/wp-config.php'),
  () => urlEvent('GET', '/.env'),
  () => urlEvent('GET', '/wp-content/uploads/soak/x.php'),
  () => urlEvent('GET', '/', 'x=%0d%0aSet-Cookie:%20pwned=1', undefined, { host: 'evil.example', 'x-forwarded-for': 'junk, 6.6.6.6' }),
  () => urlEvent('GET', '/', '', undefined, { cookie: 'wordpress_logged_in_x=' + 'A'.repeat(8000) }),
  () => urlEvent('POST', '/xmlrpc.php', '', new TextEncoder().encode('<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName></methodCall>'), { 'content-type': 'text/xml' }),
  () => urlEvent('POST', '/wp-login.php', '', new TextEncoder().encode('log=admin&pwd=wrong'), { 'content-type': 'application/x-www-form-urlencoded' }),
  () => ({ ...urlEvent('GET', '/'), body: '!!not base64!!', isBase64Encoded: true }),
  () => ({ ...urlEvent('GET', '/'), requestContext: 'junk' }),
  () => ({ source: 'aws.events', 'detail-type': 'Scheduled Event' }),
  () => urlEvent('POST', '/lamphp-soak-upload.php', 'name=huge', new Uint8Array(7 * 1024 * 1024)),
];

const counts = { requests: 0, ordinary: 0, hostile: 0, uploads: 0, escaped: 0, ordinary5xx: 0, invocationErrors: 0, statuses: {} as Record<string, number> };
const acknowledged = new Map<string, string>();
const rss: { at: number; mb: number }[] = [];
const started = performance.now();
let nextUpload = 0;

for (let i = 0; i < REQUESTS; i++) {
  const roll = Math.random();
  let event: unknown;
  let kind: 'ordinary' | 'hostile' | 'upload';
  let upload: { key: string; md5: string } | undefined;
  if (roll < HOSTILE) {
    kind = 'hostile';
    event = hostile[i % hostile.length]!();
  } else if (roll < HOSTILE + 0.05) {
    kind = 'upload';
    const name = `u${nextUpload++}-${randomBytes(3).toString('hex')}`;
    const bytes = randomBytes(1024 + Math.floor(Math.random() * 64 * 1024));
    upload = { key: `${PREFIX}soak/${name}.bin`, md5: createHash('md5').update(bytes).digest('hex') };
    event = urlEvent('POST', '/lamphp-soak-upload.php', `name=${name}`, bytes, { 'content-type': 'application/octet-stream' });
  } else {
    kind = 'ordinary';
    event = ordinary[i % ordinary.length]!();
  }
  counts.requests++;
  counts[kind === 'upload' ? 'uploads' : kind]++;
  try {
    const outcome = await handler(event, { requestId: `soak-${i}`, deadlineMs: Date.now() + 30_000, invokedFunctionArn: 'arn:aws:lambda:soak', traceId: undefined });
    if (outcome.kind === 'error') counts.invocationErrors++;
    else if (outcome.kind === 'buffered') {
      const status = (outcome.payload as { statusCode: number }).statusCode;
      counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
      if (kind !== 'hostile' && status >= 500) counts.ordinary5xx++;
      if (upload && status === 200) acknowledged.set(upload.key, upload.md5);
    }
    await outcome.after?.();
  } catch (err) {
    counts.escaped++;
    problems.push({ msg: 'escaped', err: String(err) });
  }
  if (i % 250 === 0 || i === REQUESTS - 1) {
    rss.push({ at: i, mb: Math.round(process.memoryUsage().rss / 1048576) });
    if (i % 1000 === 0) process.stderr.write(`  ${i}/${REQUESTS}  rss ${rss.at(-1)!.mb} MB  ${Math.round((performance.now() - started) / 1000)} s\n`);
  }
}
const seconds = (performance.now() - started) / 1000;

// Every acknowledged upload must be in the bucket, byte for byte (retries drained first).
await engine.idle();
await uploads?.idle();
let lost = 0;
for (const [key, md5] of acknowledged) {
  const object = await s3.get(key);
  if (!object || createHash('md5').update(object.bytes).digest('hex') !== md5) lost++;
}
await bridge.close();
await s3.close();
fs.rmSync(tmp, { recursive: true, force: true });

const quarter = Math.max(1, Math.floor(rss.length / 4));
const mean = (xs: { mb: number }[]) => Math.round(xs.reduce((a, b) => a + b.mb, 0) / xs.length);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  machine: `${os.cpus().length} vCPU, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
  requests: REQUESTS,
  hostileShare: HOSTILE,
  seconds: Math.round(seconds),
  perSecond: Math.round((REQUESTS / seconds) * 10) / 10,
  counts,
  uploads: { acknowledged: acknowledged.size, lost },
  crashes: problems.filter((p) => /crash/i.test(JSON.stringify(p))).length,
  errorLines: problems.length,
  errorMessages: [...new Set(problems.map((p) => String(p.msg)))].slice(0, 20),
  rssMb: { first: rss[0]?.mb, max: Math.max(...rss.map((r) => r.mb)), firstQuarterMean: mean(rss.slice(0, quarter)), lastQuarterMean: mean(rss.slice(-quarter)) },
  rssSamples: rss,
};
fs.mkdirSync(path.dirname(values.out!), { recursive: true });
fs.writeFileSync(values.out!, JSON.stringify(report, null, 2) + '\n');
const { rssSamples: _samples, ...summary } = report;
process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
const ok = counts.escaped === 0 && report.crashes === 0 && lost === 0 && counts.ordinary5xx === 0;
process.exit(ok ? 0 : 1);
