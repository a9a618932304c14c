/**
 * The php-wasm engine's worker pool: parallel requests, a bounded queue, deadlines enforced by
 * terminating the worker, runtime rotation before php-wasm's fd leak, sessions shared by workers.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../bridge/engine/engine.ts';
import { createPhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';
import { PHP_ROOT, cgi, inSeconds, json, rejection, startEngine, text } from './engine-helpers.ts';

describe('concurrency', () => {
  it('runs two requests at once on two workers', async () => {
    const { engine } = await startEngine({ workers: 2 });
    try {
      const a = engine.handle(cgi('slow.php'), inSeconds(10));
      const b = engine.handle(cgi('slow.php'), inSeconds(10));
      expect(engine.stats()).toMatchObject({ workers: 2, busy: 2, queued: 0 });
      const [x, y] = (await Promise.all([a, b])).map(json);
      expect(x.pid).not.toBe(y.pid);
      expect(x.start < y.end && y.start < x.end).toBe(true); // the two runs overlap in time
    } finally {
      await engine.close();
    }
  });

  it('queues a request while every worker is busy, up to the queue size, then rejects EBUSY', async () => {
    const { engine } = await startEngine({ workers: 1, queue: 1 });
    try {
      const running = engine.handle(cgi('slow.php'), inSeconds(10));
      const queued = engine.handle(cgi('hello.php'), inSeconds(10));
      expect(engine.stats()).toMatchObject({ busy: 1, queued: 1 });
      expect(await rejection(engine.handle(cgi('hello.php'), inSeconds(10)))).toBe('EBUSY');
      expect((await running).status).toBe(200);
      expect(text(await queued)).toBe('Hello, world!');
    } finally {
      await engine.close();
    }
  });

  it('fails fast with EBUSY when the queue size is 0 and the only worker is busy', async () => {
    const { engine } = await startEngine({ workers: 1, queue: 0 });
    try {
      const running = engine.handle(cgi('slow.php'), inSeconds(10));
      let runningDone = false;
      void running.then(() => (runningDone = true));
      const error = await engine.handle(cgi('hello.php'), inSeconds(10)).catch((e: EngineError) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('EBUSY');
      expect(runningDone).toBe(false); // rejected at once, not after the busy request
      expect((await running).status).toBe(200);
    } finally {
      await engine.close();
    }
  });
});

describe('deadlines', () => {
  it('stops a runaway script at the deadline with ETIMEDOUT, logs it, and keeps the pool at size', async () => {
    const { engine, logger } = await startEngine({ workers: 1, queue: 5 });
    try {
      const req = cgi('loop.php');
      const started = Date.now();
      const error = await engine.handle(req, started + 500).catch((e: EngineError) => e);
      const elapsed = Date.now() - started;
      expect((error as EngineError).code).toBe('ETIMEDOUT');
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(2000);
      expect(logger.records).toContainEqual(expect.objectContaining({ level: 'error', requestId: req.requestId }));
      // Waits in the queue for the replacement worker, then runs.
      expect(text(await engine.handle(cgi('hello.php'), inSeconds(10)))).toBe('Hello, world!');
      expect(engine.stats()).toMatchObject({ workers: 1, restarts: 1 });
    } finally {
      await engine.close();
    }
  });

  it('times out a request still waiting in the queue without touching the busy worker', async () => {
    const { engine } = await startEngine({ workers: 1, queue: 5 });
    try {
      const running = engine.handle(cgi('slow.php'), inSeconds(10));
      expect(await rejection(engine.handle(cgi('hello.php'), Date.now() + 50))).toBe('ETIMEDOUT');
      expect((await running).status).toBe(200);
      expect(engine.stats()).toMatchObject({ queued: 0, restarts: 0 });
    } finally {
      await engine.close();
    }
  });

  it('rejects a request whose deadline has already passed', async () => {
    const { engine } = await startEngine({ workers: 1 });
    try {
      expect(await rejection(engine.handle(cgi('hello.php'), Date.now() - 1))).toBe('ETIMEDOUT');
      expect(engine.stats().requests).toBe(0);
    } finally {
      await engine.close();
    }
  });
});

describe('runtime rotation', () => {
  it('serves 6,000 sequential requests on one worker with the default quota, rotating runtimes', async () => {
    const { engine } = await startEngine({ workers: 1, maxRequestsPerRuntime: 1000 });
    try {
      for (let i = 0; i < 6000; i++) {
        const r = await engine.handle(cgi('hello.php'), inSeconds(30));
        if (r.status !== 200 || r.exitCode !== 0) throw new Error(`request ${i} failed: ${r.status} ${r.errors}`);
      }
      await engine.idle();
      const stats = engine.stats();
      expect(stats).toMatchObject({ workers: 1, requests: 6000, restarts: 0 });
      expect(stats.rotations).toBeGreaterThanOrEqual(2);
    } finally {
      await engine.close();
    }
  });
});

describe('sequential rotation (the Lambda default)', () => {
  it('stops a runtime before its successor boots, and every request is still served', async () => {
    const { engine, logger } = await startEngine({ workers: 1, maxRequestsPerRuntime: 100, rotation: 'sequential' });
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 450; i++) {
        const r = await engine.handle(cgi('pid.php'), inSeconds(30));
        if (r.status !== 200) throw new Error(`request ${i} failed: ${r.status} ${r.errors}`);
        pids.add(json(r).pid);
        await engine.idle();
      }
      expect(engine.stats()).toMatchObject({ workers: 1, requests: 450, restarts: 0, rotations: 4 });
      expect(pids.size).toBe(5);
      expect(logger.records.filter((r) => r.msg === 'PHP runtime rotated' && r.rotation === 'sequential')).toHaveLength(4);
    } finally {
      await engine.close();
    }
  });

  it('is what a Lambda environment gets by default; a local server overlaps', async () => {
    const { readConfig } = await import('../bridge/config.ts');
    expect(readConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f' }).rotation).toBe('sequential');
    expect(readConfig({}).rotation).toBe('overlap');
    expect(readConfig({ LAMPHP_ROTATION: 'overlap', AWS_LAMBDA_FUNCTION_NAME: 'f' }).rotation).toBe('overlap');
  });
});

describe('sessions', () => {
  it('finds a session from another worker and after a rotation', async () => {
    const { engine } = await startEngine({ workers: 2, maxRequestsPerRuntime: 5 });
    try {
      const created = await engine.handle(cgi('session.php?set=blue'), inSeconds(10));
      const { id, pid: creator } = json(created);
      expect(created.headers['set-cookie']?.[0]).toMatch(new RegExp(`^PHPSESSID=${id};.*HttpOnly`, 'i'));
      const cookie = { HTTP_COOKIE: `PHPSESSID=${id}` };

      // Keep the first worker busy so the read lands on the other one.
      const busy = engine.handle(cgi('slow.php'), inSeconds(10));
      const other = json(await engine.handle(cgi('session.php', cookie), inSeconds(10)));
      await busy;
      expect(other.pid).not.toBe(creator);
      expect(other).toMatchObject({ id, value: 'blue' });

      const before = engine.stats().rotations;
      for (let i = 0; i < 12; i++) await engine.handle(cgi('hello.php'), inSeconds(10));
      await engine.idle();
      expect(engine.stats().rotations).toBeGreaterThan(before);
      const rotated = json(await engine.handle(cgi('session.php', cookie), inSeconds(10)));
      expect(rotated.pid).toBeGreaterThan(2); // a runtime booted after the first two
      expect(rotated).toMatchObject({ id, value: 'blue' });
    } finally {
      await engine.close();
    }
  });
});

describe('lifecycle', () => {
  it('forwards post_message_to_js() to onMessage with the request id and returns its answer to PHP', async () => {
    const seen: string[] = [];
    const { engine } = await startEngine({
      workers: 1,
      onMessage: async (requestId, message) => {
        seen.push(requestId);
        return JSON.stringify({ requestId, got: JSON.parse(message) });
      },
    });
    try {
      const req = cgi('message.php');
      const answer = json(await engine.handle(req, inSeconds(10)));
      expect(answer).toEqual({ requestId: req.requestId, got: { ask: 'time' } });
      expect(seen).toEqual([req.requestId]);
    } finally {
      await engine.close();
    }
  });

  it('rejects ECLOSED after close(), including a request that was running', async () => {
    const { engine } = await startEngine({ workers: 1 });
    const running = rejection(engine.handle(cgi('slow.php'), inSeconds(10)));
    await engine.close();
    expect(await running).toBe('ECLOSED');
    expect(await rejection(engine.handle(cgi('hello.php'), inSeconds(10)))).toBe('ECLOSED');
  });

  it('rejects EBOOT with a readable message when PHP cannot start', async () => {
    const options = { workers: 1, queue: 0, maxRequestsPerRuntime: 1000, phpVersion: DEFAULT_PHP_VERSION, logger: memoryLogger() };
    const error = await createPhpWasmEngine({ ...options, documentRoot: '/nonexistent/lamphp-root', sessionDir: '/tmp' }).catch((e: EngineError) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('EBOOT');
    expect((error as EngineError).message).toContain('/nonexistent/lamphp-root');
    const badIni = await createPhpWasmEngine({ ...options, documentRoot: PHP_ROOT, sessionDir: '/tmp', iniFile: '/nonexistent.ini' }).catch((e: EngineError) => e);
    expect((badIni as EngineError).code).toBe('EBOOT');
  });
});
