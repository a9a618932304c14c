/**
 * The engine's console runtimes (bridge/engine/php-wasm/cli.ts): output capture, file locks
 * shared with the request workers and released when a script is stopped, shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OutputCapture } from '../bridge/engine/php-wasm/cli.ts';
import { createPhpWasmEngine, type PhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';
import { rejection } from './engine-helpers.ts';

describe('OutputCapture', () => {
  const capture = (limit: number, chunks: string[]) => {
    const c = new OutputCapture(limit);
    for (const chunk of chunks) c.push(new TextEncoder().encode(chunk));
    return c;
  };

  it('keeps everything up to the limit', () => {
    const c = capture(10, ['abc', 'defg', 'hij']);
    expect(c.text()).toBe('abcdefghij');
    expect(c.truncated).toBe(false);
    expect(c.total).toBe(10);
  });

  it('keeps the head and the tail past the limit, whatever the chunking', () => {
    const whole = 'HEAD-' + 'x'.repeat(50) + '-TAIL';
    for (const chunks of [[whole], whole.split(''), [whole.slice(0, 7), whole.slice(7, 33), whole.slice(33)]]) {
      const c = capture(10, chunks);
      expect(c.truncated).toBe(true);
      expect(c.text()).toBe('HEAD-\n[lamphp: 50 bytes of output left out; 60 in all]\n-TAIL');
    }
  });

  it('with a limit of 0 reports only what was left out', () => {
    expect(capture(0, ['abc']).text()).toBe('\n[lamphp: 3 bytes of output left out; 3 in all]\n');
    expect(capture(0, []).text()).toBe('');
  });
});

describe('console runtimes of the engine', () => {
  let root: string;
  let engine: PhpWasmEngine;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-engine-cli-'));
    fs.writeFileSync(path.join(root, 'hold-lock.php'), "<?php $f = fopen('lock.txt', 'c'); flock($f, LOCK_EX); echo \"locked\\n\"; while (true) { usleep(20000); }\n");
    fs.writeFileSync(path.join(root, 'try-lock.php'), "<?php $f = fopen(__DIR__ . '/lock.txt', 'c'); echo flock($f, LOCK_EX | LOCK_NB) ? 'got' : 'busy';\n");
    fs.mkdirSync(path.join(root, 'sessions'));
    engine = await createPhpWasmEngine({
      documentRoot: root,
      workers: 1,
      queue: 10,
      maxRequestsPerRuntime: 1000,
      sessionDir: path.join(root, 'sessions'),
      phpVersion: DEFAULT_PHP_VERSION,
      logger: memoryLogger(),
    });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const tryLock = async () => {
    const env = { REQUEST_METHOD: 'GET', SCRIPT_FILENAME: path.join(root, 'try-lock.php'), SCRIPT_NAME: '/try-lock.php', REQUEST_URI: '/try-lock.php', QUERY_STRING: '', HTTP_HOST: 'example.com', SERVER_NAME: 'example.com', SERVER_PORT: '80', DOCUMENT_ROOT: root, REMOTE_ADDR: '127.0.0.1' };
    const r = await engine.handle({ env, body: new Uint8Array(), requestId: 'try' }, Date.now() + 10_000);
    return new TextDecoder().decode(r.body);
  };

  it('shares file locks with the request workers and releases them when the script is stopped', async () => {
    expect(await tryLock()).toBe('got');
    const running = engine.cli({ args: ['hold-lock.php'], deadline: Date.now() + 5000, outputLimit: 1000 });
    let seenBusy = false;
    for (let i = 0; i < 40 && !seenBusy; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seenBusy = (await tryLock()) === 'busy';
    }
    expect(seenBusy).toBe(true); // the console script holds the lock: a page sees it taken
    const result = await running;
    expect(result).toMatchObject({ timedOut: true, exitCode: 124, stdout: 'locked\n' });
    expect(await tryLock()).toBe('got'); // stopped at the deadline, its lock went with it
  }, 60_000);

  it('rejects ECLOSED when the engine shuts down during a script, and refuses new ones', async () => {
    const running = engine.cli({ args: ['hold-lock.php'], deadline: Date.now() + 20_000, outputLimit: 1000 });
    const outcome = rejection(running);
    await new Promise((r) => setTimeout(r, 300));
    await engine.close();
    expect(await outcome).toBe('ECLOSED');
    expect(await rejection(engine.cli({ args: ['-r', 'echo 1;'], deadline: Date.now() + 5000, outputLimit: 10 }))).toBe('ECLOSED');
  }, 60_000);
});
