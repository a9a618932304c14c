/**
 * `lamphp serve` from the command line: it serves, and when it cannot it says why in a
 * sentence and exits non-zero (missing tree, port in use, unreachable database, bad flags).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './support/wordpress.ts';

const ENTRY = path.join(REPO, 'runtime', 'lamphp.js');

function run(args: string[], env: Record<string, string> = {}, until?: RegExp) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [ENTRY, ...args], {
      env: { ...process.env, LAMPHP_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (until && until.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('lamphp serve', () => {
  let tmp: string;
  let blocker: net.Server;
  let busyPort: number;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-cli-'));
    fs.mkdirSync(path.join(tmp, 'root'));
    fs.writeFileSync(path.join(tmp, 'root', 'index.php'), '<?php echo "hi";');
    blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    busyPort = (blocker.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    blocker?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves a document root and stops cleanly on SIGTERM', async () => {
    const result = await run(['serve', '--root', path.join(tmp, 'root'), '--port', '0', '--workers', '1'], {}, /Press Ctrl\+C/);
    expect(result.out).toMatch(/lamphp is serving .*root/);
    expect(result.out).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
    expect(result.code).toBe(0);
  });

  it('names a missing document root', async () => {
    const result = await run(['serve', '--root', path.join(tmp, 'nope'), '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/document root .*nope does not exist.*\[EROOTMISSING\]/);
  });

  it('names a port that is already in use', async () => {
    const result = await run(['serve', '--root', path.join(tmp, 'root'), '--port', String(busyPort), '--workers', '1']);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`Port ${busyPort} on 127.0.0.1 is already in use`);
    expect(result.out).toContain('[EPORTINUSE]');
  });

  it('names an unreachable database before starting WordPress', async () => {
    const result = await run(['serve', '--port', '0', '--site-dir', path.join(tmp, 'site')], {
      DB_HOST: '127.0.0.1:1', // nothing listens on port 1
      DB_NAME: 'x',
      DB_USER: 'x',
      DB_PASSWORD: '',
      LAMPHP_CACHE_DIR: path.join(REPO, '.cache', 'lamphp-test'),
    });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/Cannot reach the MySQL server at 127\.0\.0\.1:1 .*\[EDBUNREACHABLE\]/);
  });

  it('names a broken WordPress tree', async () => {
    const broken = path.join(tmp, 'broken-wp');
    fs.mkdirSync(path.join(broken, 'wp-admin'), { recursive: true });
    const result = await run(['serve', '--port', '0', '--wordpress', broken, '--site-dir', path.join(tmp, 'site2')]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/\[EWPBROKEN\]/);
  });

  it('rejects a malformed flag with usage exit code 2', async () => {
    const result = await run(['serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('--port must be a whole number');
  });
});
