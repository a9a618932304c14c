/**
 * Warm page time of each application of the compatibility suite on `lamphp serve` (one worker)
 * and on php-fpm 8.2 + nginx, from the same assembled folder, in one interleaved run:
 * the ratio to native per application.
 *
 *   node bench/apps/warm.ts [--requests 100] [--warmup 30]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { adminer, dokuwiki, mediawiki, phpmyadmin, type AppSite } from '../../test/apps/support/apps.ts';
import { startLamphp, startNative } from '../../test/apps/support/servers.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '100' }, warmup: { type: 'string', default: '30' } } });
const requests = Number(values.requests);
const warmup = Number(values.warmup);

const APPS: { name: string; make: (dir: string) => AppSite; page: string }[] = [
  { name: 'DokuWiki', make: dokuwiki, page: '/doku.php/wiki:dokuwiki' },
  { name: 'MediaWiki (SQLite)', make: mediawiki, page: '/index.php/Main_Page' },
  { name: 'Adminer (login page)', make: adminer, page: '/' },
  { name: 'phpMyAdmin (login page)', make: phpmyadmin, page: '/' },
];

async function timed(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-bench-apps-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[] = [];
try {
  for (const app of APPS) {
    const sites = ['lamphp', 'native'].map((side) => {
      const dir = path.join(tmp, app.name.replace(/\W+/g, '-'), side);
      fs.mkdirSync(dir, { recursive: true });
      return app.make(dir);
    });
    const [l, n] = await Promise.all([
      startLamphp(sites[0]!.root, { ...sites[0]!.env, LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'), LAMPHP_LOG_LEVEL: 'error' }),
      startNative({ root: sites[1]!.root, dir: path.join(tmp, `${sites[1]!.name}-native`), front: 'index.php', locations: sites[1]!.locations }),
    ]);
    try {
      for (let i = 0; i < warmup; i++) await Promise.all([timed(l.url + app.page), timed(n.url + app.page)]);
      const times = { lamphp: [] as number[], native: [] as number[] };
      // Alternating one by one, so load drifts reach both alike.
      for (let i = 0; i < requests; i++) {
        times.lamphp.push(await timed(l.url + app.page));
        times.native.push(await timed(n.url + app.page));
      }
      const [lp, np] = [median(times.lamphp), median(times.native)];
      rows.push(`| ${app.name} | \`${app.page}\` | ${lp.toFixed(1)} | ${np.toFixed(1)} | ${(lp / np).toFixed(2)}× |`);
      process.stderr.write(`${rows.at(-1)}\n`);
    } finally {
      await Promise.all([l.stop(), n.stop()]);
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${requests} requests per side after ${warmup} warm-up, one at a time, alternating; 1-minute load ${os.loadavg()[0]!.toFixed(2)} on ${os.availableParallelism()} cores`);
console.log('| application | page | lamphp p50 ms | php-fpm + nginx p50 ms | ratio |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
