/**
 * WordPress on MySQL with a fault-injecting TCP proxy between PHP and the machine's MariaDB:
 * the database refusing connections, vanishing in the middle of a request, or answering slower
 * than the deadline each gives a clear 5xx page and a structured log line, and the site serves
 * again by itself once the database is back. A database that is down when lamphp starts is
 * named in a clear start-up error, or (TCP up, MySQL not answering) served as 5xx until it
 * recovers. The machine's MariaDB itself is never touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../bridge/log.ts';
import { serve } from '../../runtime/local/serve.ts';
import { startTcpProxy, type TcpProxy } from '../support/faults/tcp-proxy.ts';
import { logged, until } from '../support/faults/stack.ts';
import { startWordPress, TEST_CACHE_DIR, type TestSite } from '../support/wordpress.ts';

// Long enough for a cold WordPress page on a busy 2-core machine, short enough to keep the suite quick.
const DEADLINE_MS = 8000;

describe('WordPress with a failing database', () => {
  let proxy: TcpProxy;
  let site: TestSite;
  const get = async (p: string, base = site.url) => {
    const started = performance.now();
    const res = await fetch(base + p, { redirect: 'manual' });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '', ms: performance.now() - started };
  };
  const home = (base?: string) => async () => {
    const res = await get('/', base);
    return res.status === 200 && res.text.includes(site.title);
  };
  /** Log lines of the requests made since `from`, at warn or error. */
  const problems = (from: number) => site.logs.slice(from).filter((r) => r.level === 'error' || r.level === 'warn');

  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
    site = await startWordPress({ db: 'mysql', dbHost: proxy.address, workers: 1, env: { LAMPHP_REQUEST_TIMEOUT_MS: String(DEADLINE_MS) } });
    // Two queries; between them the script tells the test it is connected and waits for its go.
    fs.writeFileSync(
      path.join(site.siteDir, 'lamphp-fault-mid.php'),
      `<?php
require __DIR__ . '/wp-load.php';
$wpdb->reconnect_retries = 1;
$before = (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->posts}");
$go = __DIR__ . '/.fault-go';
touch(__DIR__ . '/.fault-connected');
for ($until = microtime(true) + 3; !file_exists($go) && microtime(true) < $until; clearstatcache()) {}
@unlink($go);
$after = $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->posts}");
echo "before=$before after=", var_export($after, true);
`,
    );
    expect(await home()()).toBe(true);
  });
  afterAll(async () => {
    await proxy?.setMode('pass');
    await site?.close();
    await proxy?.close();
  });

  it('a database refusing connections gives a 5xx page and a log line, and the site recovers by itself', async () => {
    const from = site.logs.length;
    await proxy.setMode('refuse');
    proxy.cut();
    try {
      const res = await get('/');
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.status).toBeLessThan(600);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.text).toMatch(/database/i);
      expect(res.text).not.toContain(proxy.address);
      const lines = problems(from);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'php answered with a server error', status: res.status }));
      expect(lines.every((r) => typeof r.requestId === 'string')).toBe(true);
    } finally {
      await proxy.setMode('pass');
    }
    await until(home(), 'site back once the database accepts connections');
  });

  it('a database lost in the middle of a request gives a 5xx page and a log line, and the next request is served', async () => {
    const from = site.logs.length;
    const connected = path.join(site.siteDir, '.fault-connected');
    fs.rmSync(connected, { force: true });
    const pending = get('/lamphp-fault-mid.php');
    await until(async () => fs.existsSync(connected), 'the request connected to the database', 10_000);
    await proxy.setMode('refuse');
    proxy.cut();
    fs.writeFileSync(path.join(site.siteDir, '.fault-go'), '');
    let res;
    try {
      res = await pending;
    } finally {
      await proxy.setMode('pass');
    }
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.status).toBeLessThan(600);
    expect(res.text).not.toMatch(/after=/);
    expect(problems(from)).toContainEqual(expect.objectContaining({ msg: 'php answered with a server error', script: '/lamphp-fault-mid.php' }));
    fs.writeFileSync(path.join(site.siteDir, '.fault-go'), '');
    expect((await get('/lamphp-fault-mid.php')).text).toMatch(/^before=\d+ after='\d+'$/);
    expect(await home()()).toBe(true);
  });

  it('a database slower than the deadline gives a 504 page and a log line, and the site recovers by itself', async () => {
    const from = site.logs.length;
    proxy.setDelay(400);
    let res;
    try {
      res = await get('/');
    } finally {
      proxy.setDelay(0);
    }
    expect(res.status).toBe(504);
    expect(res.ms).toBeLessThan(DEADLINE_MS + 2000);
    expect(res.text).toContain('took too long');
    expect(logged(site.logs.slice(from), 'php request failed')).toEqual([expect.objectContaining({ level: 'error', code: 'ETIMEDOUT' })]);
    await until(home(), 'site back once the database is fast again', 60_000);
  });

  it('a database that is down when lamphp starts: a clear start-up error, or 5xx until it is back', async () => {
    await site.serving.close();
    const dbName = /define\(\s*'DB_NAME',\s*'([^']+)'/.exec(fs.readFileSync(path.join(site.siteDir, 'wp-config.php'), 'utf8'))?.[1];
    expect(dbName).toBeTruthy();
    const env = {
      ...(process.env as Record<string, string>),
      LAMPHP_CACHE_DIR: TEST_CACHE_DIR,
      DB_HOST: proxy.address,
      DB_NAME: dbName!,
      DB_USER: 'root',
      DB_PASSWORD: '',
    };
    const flags = { port: 0, workers: 1, siteDir: site.siteDir };

    await proxy.setMode('refuse');
    await expect(serve(flags, env, memoryLogger('info'))).rejects.toMatchObject({ code: 'EDBUNREACHABLE', message: expect.stringContaining(proxy.address.split(':')[1]!) });

    // TCP answers but MySQL does not (a database still booting behind a proxy): lamphp starts and answers 5xx.
    await proxy.setMode('reset');
    const logger = memoryLogger('info');
    const serving = await serve(flags, env, logger);
    try {
      const res = await get('/', serving.url);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.status).toBeLessThan(600);
      expect(logger.records).toContainEqual(expect.objectContaining({ msg: 'php answered with a server error', status: res.status }));
      await proxy.setMode('pass');
      await until(home(serving.url), 'site served once the database is up, without a restart');
    } finally {
      await serving.close();
    }
  });
});
