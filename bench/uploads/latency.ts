/**
 * Added latency of an upload request when its files are synced to S3 before the answer.
 *
 * Two `lamphp serve` instances share one WordPress site (SQLite): one with LAMPHP_UPLOADS_BUCKET
 * pointing at an in-process s3rver, one without. The same JPEG (1600×1200, six files once
 * WordPress has made its sizes) is uploaded through /wp-admin/async-upload.php, alternating
 * between the two so drift hits both alike. A plain PHP script writing one 50 KB file is
 * measured the same way, which isolates the sync from WordPress's image work.
 *
 *   node bench/uploads/latency.ts [--runs 12] [--warmup 2]
 *
 * s3rver is local: a PUT here costs ~1–3 ms, in-region S3 from Lambda ~15–40 ms. Requests sync
 * their files in parallel (8 at once), so expect about one S3 round trip more in Lambda.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { memoryLogger } from '../../bridge/log.ts';
import { serve, type Serving } from '../../runtime/local/serve.ts';
import { Visitor } from '../../test/support/http-client.ts';
import { startS3 } from '../../test/support/s3.ts';
import { logIn, TEST_CACHE_DIR, REPO } from '../../test/support/wordpress.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '12' }, warmup: { type: 'string', default: '2' } } });
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);
const PHOTO = fs.readFileSync(path.join(REPO, 'test/fixtures/uploads/photo-1600x1200.jpg'));

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, p50: q(0.5), p90: q(0.9), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function timed(fn: () => Promise<{ status: number; text: string }>): Promise<number> {
  const t = performance.now();
  const res = await fn();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 300)}`);
  return ms;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-bench-uploads-'));
const s3 = await startS3('bench');
const base: Record<string, string> = {
  ...(process.env as Record<string, string>),
  LAMPHP_CACHE_DIR: TEST_CACHE_DIR,
  LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'),
  LAMPHP_LOG_LEVEL: 'warn',
};
delete base.DB_HOST;
const withS3 = { ...base, ...s3.env, LAMPHP_UPLOADS_BUCKET: s3.bucket, LAMPHP_UPLOADS_PREFIX: 'wp-content/uploads/', LAMPHP_UPLOADS_URL: `${s3.endpoint}/${s3.bucket}/wp-content/uploads` };
const servers: Serving[] = [];
const siteDir = path.join(tmp, 'site');
const password = 'bench-password-123';
const flags = { port: 0, workers: 1, siteDir, adminUser: 'admin', adminPassword: password, adminEmail: 'a@example.com' };

try {
  // First start installs the site; the second reuses it.
  const synced = await serve({ ...flags, install: true }, withS3, memoryLogger('warn'));
  servers.push(synced);
  const plain = await serve(flags, base, memoryLogger('warn'));
  servers.push(plain);

  const modes = [
    { name: 'sync to S3', serving: synced },
    { name: 'no sync', serving: plain },
  ];
  const sessions = await Promise.all(
    modes.map(async (m) => {
      const v = new Visitor(m.serving.url);
      await logIn(v, 'admin', password);
      const page = await v.get('/wp-admin/media-new.php');
      const nonce = /"_wpnonce":"([0-9a-f]+)"/.exec(page.text)?.[1];
      if (!nonce) throw new Error('no upload nonce');
      return { ...m, visitor: v, nonce, wp: [] as number[], php: [] as number[] };
    }),
  );
  // A plain PHP script beside WordPress, writing one file under the uploads directory.
  fs.writeFileSync(
    path.join(siteDir, 'bench-write.php'),
    "<?php file_put_contents(__DIR__ . '/wp-content/uploads/bench/' . basename($_GET['n']) . '.bin', str_repeat('x', 51200)); echo 'ok';",
  );
  fs.mkdirSync(path.join(siteDir, 'wp-content/uploads/bench'), { recursive: true });

  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const s of i % 2 === 0 ? sessions : [...sessions].reverse()) {
      const form = new FormData();
      form.set('name', `bench-${i}.jpg`);
      form.set('action', 'upload-attachment');
      form.set('_wpnonce', s.nonce);
      form.set('async-upload', new Blob([PHOTO], { type: 'image/jpeg' }), `bench-${i}.jpg`);
      const wp = await timed(() => s.visitor.request('/wp-admin/async-upload.php', { method: 'POST', body: form }));
      const php = await timed(() => new Visitor(s.serving.url).get(`/bench-write.php?n=${s.name.replace(/\W/g, '')}-${i}`));
      if (i >= WARMUP) {
        s.wp.push(wp);
        s.php.push(php);
      }
    }
  }
  const objects = (await s3.keys('wp-content/uploads/')).length;
  const rows = sessions.map((s) => ({ mode: s.name, wordpress: stats(s.wp), php: stats(s.php) }));
  const f = (n: number) => n.toFixed(1);
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(`\n${RUNS} runs each (after ${WARMUP} warm-up), ${os.cpus().length} vCPU, Node ${process.version}; ${objects} objects in the bucket\n`);
  console.log('| request | mode | p50 ms | p90 ms | mean ms |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| WordPress async-upload (6 files) | ${r.mode} | ${f(r.wordpress.p50)} | ${f(r.wordpress.p90)} | ${f(r.wordpress.mean)} |`);
  for (const r of rows) console.log(`| plain PHP, one 50 KB file | ${r.mode} | ${f(r.php.p50)} | ${f(r.php.p90)} | ${f(r.php.mean)} |`);
  console.log(`\nadded p50: WordPress upload ${f(a.wordpress.p50 - b.wordpress.p50)} ms, plain PHP write ${f(a.php.p50 - b.php.p50)} ms`);
  const out = path.join(REPO, 'bench/results/uploads-latency.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), runs: RUNS, warmup: WARMUP, node: process.version, rows }, null, 2) + '\n');
  console.log(`written ${path.relative(REPO, out)}`);
} finally {
  for (const s of servers) await s.close();
  await s3.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
