import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryLogger } from '../bridge/log.ts';
import { LamphpError } from '../bridge/errors.ts';
import { createRuntimeApiClient, type RuntimeApiClient } from '../runtime/lambda/client.ts';
import { runLoop, type InvocationContext, type InvocationHandler } from '../runtime/lambda/loop.ts';
import { engineDeadline } from '../runtime/lambda/deadline.ts';
import { startEmulator, type Emulator, type InvokeResult } from '../infra/twin/lambda/runtime-api.ts';

const repo = path.resolve(import.meta.dirname, '..');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** An emulator plus our loop running in this process with `handler`. */
async function startLoop(handler: InvocationHandler, emulatorOptions = {}) {
  const emu = await startEmulator(emulatorOptions);
  const client = createRuntimeApiClient(emu.url);
  const logger = memoryLogger();
  const controller = new AbortController();
  const env: Record<string, string | undefined> = {};
  const done = runLoop({ client, handler, logger, signal: controller.signal, env });
  cleanups.push(async () => {
    controller.abort();
    await done.catch(() => {});
    client.close();
    await emu.close();
  });
  return { emu, client, logger, env, done, stop: () => controller.abort() };
}

function expectResponse(r: InvokeResult): asserts r is Extract<InvokeResult, { kind: 'response' }> {
  expect(r.kind).toBe('response');
}

/** A deterministic byte pattern so every streamed byte can be checked. */
function pattern(size: number, offset = 0): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (offset + i) % 251;
  return buf;
}

async function* chunks(from: number, to: number, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let at = from; at < to; at += chunkSize) yield pattern(Math.min(chunkSize, to - at), at);
}

describe('Runtime API client and loop, against the emulator', () => {
  it('posts a buffered response and gives the handler the invocation context', async () => {
    const seen: InvocationContext[] = [];
    const { emu } = await startLoop(async (event, ctx) => {
      seen.push(ctx);
      return { kind: 'buffered', payload: { statusCode: 200, body: `hello ${(event as { name: string }).name}` } };
    });
    const before = Date.now();
    const r = await emu.invoke({ name: 'world' }, { timeoutMs: 5000 });
    expectResponse(r);
    expect(r.streamed).toBe(false);
    expect(r.json).toEqual({ statusCode: 200, body: 'hello world' });
    expect(seen[0]!.requestId).toBe(r.requestId);
    expect(seen[0]!.invokedFunctionArn).toMatch(/^arn:aws:lambda:/);
    expect(seen[0]!.deadlineMs).toBeGreaterThanOrEqual(before + 5000);
    expect(seen[0]!.deadlineMs).toBeLessThanOrEqual(Date.now() + 5000);
  });

  it('streams a 12 MB response byte-exact after the HTTP-integration prelude, first byte early', async () => {
    const size = 12 * 1024 * 1024;
    const { emu } = await startLoop(async () => ({
      kind: 'stream',
      prelude: { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, cookies: ['a=1', 'b=2'] },
      body: (async function* () {
        yield pattern(1024);
        await sleep(50); // the first bytes leave before the rest is produced
        yield* chunks(1024, size, 64 * 1024);
      })(),
    }));
    const r = await emu.invoke({});
    expectResponse(r);
    expect(r.streamed).toBe(true);
    expect(r.prelude).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      cookies: ['a=1', 'b=2'],
    });
    expect(r.streamBody!.length).toBe(size);
    expect(r.streamBody!.equals(pattern(size))).toBe(true);
    expect(r.trailers).toBeUndefined();
    expect(r.firstByteMs).toBeTypeOf('number');
    expect(r.firstByteMs!).toBeLessThan(r.durationMs - 40);
  });

  it('ends a stream that fails midway with the error trailers Lambda forwards', async () => {
    const { emu } = await startLoop(async () => ({
      kind: 'stream',
      prelude: { statusCode: 200, headers: {}, cookies: [] },
      body: (async function* () {
        yield Buffer.from('partial');
        throw new LamphpError('EPHPCRASH', 'PHP stopped while streaming');
      })(),
    }));
    const r = await emu.invoke({});
    expectResponse(r);
    expect(r.streamBody!.toString()).toBe('partial');
    expect(r.trailers!['lambda-runtime-function-error-type']).toBe('LamphpError.EPHPCRASH');
    const body = JSON.parse(Buffer.from(r.trailers!['lambda-runtime-function-error-body']!, 'base64').toString());
    expect(body).toMatchObject({ errorType: 'LamphpError.EPHPCRASH', errorMessage: 'PHP stopped while streaming' });
  });

  it('posts an invocation error when the handler throws, and serves the next invocation', async () => {
    let calls = 0;
    const { emu, logger } = await startLoop(async () => {
      if (++calls === 1) throw new TypeError('boom');
      return { kind: 'buffered', payload: 'fine' };
    });
    const failed = await emu.invoke({});
    expect(failed).toMatchObject({ kind: 'error', errorType: 'TypeError', errorMessage: 'boom' });
    const ok = await emu.invoke({});
    expectResponse(ok);
    expect(ok.json).toBe('fine');
    expect(logger.records.find((r) => r.msg === 'invocation failed')).toMatchObject({
      level: 'error',
      requestId: failed.requestId,
    });
  });

  it('posts an error outcome with its type and message', async () => {
    const { emu } = await startLoop(async () => ({
      kind: 'error',
      errorType: 'Lamphp.UnsupportedEvent',
      errorMessage: 'not an HTTP event',
    }));
    expect(await emu.invoke({ Records: [] })).toMatchObject({
      kind: 'error',
      errorType: 'Lamphp.UnsupportedEvent',
      errorMessage: 'not an HTTP event',
    });
  });

  it('sets _X_AMZN_TRACE_ID for each invocation from the trace header', async () => {
    const traces: (string | undefined)[] = [];
    const { emu, env } = await startLoop(async () => {
      traces.push(env._X_AMZN_TRACE_ID);
      return { kind: 'buffered', payload: null };
    });
    await emu.invoke({}, { traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' });
    await emu.invoke({}, { traceId: 'Root=1-00000000-000000000000000000000002;Sampled=0' });
    expect(traces).toEqual([
      'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
      'Root=1-00000000-000000000000000000000002;Sampled=0',
    ]);
  });

  it('sets process.env._X_AMZN_TRACE_ID by default', async () => {
    const emu = await startEmulator();
    const client = createRuntimeApiClient(emu.url);
    const controller = new AbortController();
    let seen: string | undefined;
    const done = runLoop({
      client,
      logger: memoryLogger(),
      signal: controller.signal,
      handler: async () => ((seen = process.env._X_AMZN_TRACE_ID), { kind: 'buffered', payload: 1 }),
    });
    cleanups.push(async () => (controller.abort(), await done, client.close(), await emu.close()));
    await emu.invoke({}, { traceId: 'Root=1-aaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb' });
    expect(seen).toBe('Root=1-aaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbb');
  });

  it('runs after-response work once the response is in and before polling again', async () => {
    let emu!: Emulator;
    const timeline: string[] = [];
    let afterEnded = 0;
    let snapshot: Emulator['events'] = [];
    ({ emu } = await startLoop(async (event) => ({
      kind: 'buffered',
      payload: event,
      after: async () => {
        snapshot = emu.events.slice();
        timeline.push('after-start');
        await sleep(150);
        afterEnded = performance.now();
        timeline.push('after-end');
      },
    })));
    const first = await emu.invoke(1);
    timeline.push('caller-has-response');
    await emu.invoke(2);
    // The response was recorded before the after-work started, and no poll happened in between.
    const response = snapshot.findLast((e) => e.type === 'response')!;
    expect(response.requestId).toBe(first.requestId);
    expect(snapshot.filter((e) => e.seq > response.seq)).toEqual([]);
    // The caller had its answer while the after-work was still running.
    expect(timeline.indexOf('caller-has-response')).toBeLessThan(timeline.indexOf('after-end'));
    // The next poll came only after the after-work finished.
    const nextPoll = emu.events.find((e) => e.type === 'next' && e.seq > response.seq)!;
    expect(nextPoll.at).toBeGreaterThanOrEqual(afterEnded);
  });

  it('logs failed after-response work and keeps serving', async () => {
    const { emu, logger } = await startLoop(async () => ({
      kind: 'buffered',
      payload: 'ok',
      after: async () => {
        throw new Error('S3 sync failed');
      },
    }));
    await emu.invoke({});
    expectResponse(await emu.invoke({}));
    while (emu.waiting === 0) await sleep(5); // the second after-work ends before the next poll
    expect(logger.records.filter((r) => r.msg === 'after-response work failed')).toHaveLength(2);
  });

  it('survives a buffered response the Runtime API refuses as too large (413)', async () => {
    let calls = 0;
    const { emu, logger } = await startLoop(async () =>
      ++calls === 1 ? { kind: 'buffered', payload: 'x'.repeat(6_291_556) } : { kind: 'buffered', payload: 'small' },
    );
    expect(await emu.invoke({})).toMatchObject({ kind: 'error', errorType: 'Function.ResponseSizeTooLarge' });
    const ok = await emu.invoke({});
    expectResponse(ok);
    expect(ok.json).toBe('small');
    const refused = logger.records.find((r) => r.msg === 'posting the response failed') as { err: { message: string } };
    expect(refused.err.message).toMatch(/413/);
  });

  it('reports a missed deadline as a timeout and marks the sandbox dead', async () => {
    const { emu } = await startLoop(async () => {
      await sleep(400);
      return { kind: 'buffered', payload: 'too late' };
    });
    expect(await emu.invoke({}, { timeoutMs: 100 })).toMatchObject({ kind: 'timeout' });
    expect(emu.timedOut).toBe(true);
    await expect(emu.invoke({})).rejects.toMatchObject({ code: 'ESANDBOXDEAD' });
  });

  it('rejects a post for an unknown request id with 400, like AWS', async () => {
    const emu = await startEmulator();
    const client = createRuntimeApiClient(emu.url);
    cleanups.push(async () => (client.close(), await emu.close()));
    await expect(client.respond('no-such-id', {})).rejects.toMatchObject({ code: 'ERUNTIMEAPI', status: 400 });
    await expect(client.error('no-such-id', new Error('x'))).rejects.toMatchObject({ status: 400 });
  });

  it('records an init error with its type and readable message', async () => {
    const emu = await startEmulator();
    const client: RuntimeApiClient = createRuntimeApiClient(emu.url);
    cleanups.push(async () => (client.close(), await emu.close()));
    await client.initError(new LamphpError('ENOROOT', 'LAMPHP_DOCUMENT_ROOT /mnt/wp does not exist.'));
    const recorded = await emu.initError;
    expect(recorded.errorType).toBe('LamphpError.ENOROOT');
    expect(recorded.errorMessage).toBe('LAMPHP_DOCUMENT_ROOT /mnt/wp does not exist.');
    expect(recorded.body.stackTrace).toBeInstanceOf(Array);
  });

  it('rejects with ERUNTIMEAPI when the Runtime API goes away, so the process can exit', async () => {
    const { emu, done } = await startLoop(async () => ({ kind: 'buffered', payload: 1 }));
    while (emu.waiting === 0) await sleep(5);
    await emu.close();
    await expect(done).rejects.toMatchObject({ code: 'ERUNTIMEAPI' });
  });

  it('stops polling when its signal aborts', async () => {
    const { emu, done, stop } = await startLoop(async () => ({ kind: 'buffered', payload: 1 }));
    while (emu.waiting === 0) await sleep(5);
    stop();
    await expect(done).resolves.toBeUndefined();
  });
});

describe('engineDeadline', () => {
  const now = 1_000_000;

  it('keeps 10 % of the remaining time, at least 100 ms and at most 1 s', () => {
    expect(engineDeadline(now + 3000, undefined, now)).toBe(now + 2700);
    expect(engineDeadline(now + 30_000, undefined, now)).toBe(now + 29_000);
    expect(engineDeadline(now + 500, undefined, now)).toBe(now + 400);
  });

  it('uses LAMPHP_DEADLINE_MARGIN_MS when given', () => {
    expect(engineDeadline(now + 30_000, 2500, now)).toBe(now + 27_500);
    expect(engineDeadline(now + 30_000, 0, now)).toBe(now + 30_000);
  });

  it('never lies in the past', () => {
    expect(engineDeadline(now + 50, 1000, now)).toBe(now);
    expect(engineDeadline(now - 10, undefined, now)).toBe(now);
    expect(engineDeadline(Number.NaN, undefined, now)).toBe(now);
  });
});

describe('a runtime process and SIGTERM', () => {
  async function startChild(afterMs: number, extraEnv: Record<string, string> = {}) {
    const emu = await startEmulator();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-loop-'));
    const journal = path.join(dir, 'journal');
    fs.writeFileSync(journal, '');
    const child = spawn(process.execPath, [path.join(repo, 'test/support/lambda-loop-child.ts')], {
      env: {
        ...process.env,
        AWS_LAMBDA_RUNTIME_API: emu.url,
        LOOP_CHILD_JOURNAL: journal,
        LOOP_CHILD_AFTER_MS: String(afterMs),
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return {
      emu,
      child,
      exited,
      journal: () => fs.readFileSync(journal, 'utf8').trim().split('\n'),
      output: () => ({ stdout, stderr }),
    };
  }

  it('finishes pending after-work, closes the engine and exits 0', async () => {
    const { emu, child, exited, journal, output } = await startChild(300);
    const r = await emu.invoke({ hi: 1 });
    expectResponse(r);
    expect(r.json).toEqual({ echo: { hi: 1 } });
    child.kill('SIGTERM'); // the after-work (300 ms) is still running
    expect(await exited).toBe(0);
    expect(journal()).toEqual(['after-start', 'after-end', 'shutdown', 'exit 0']);
    const lines = output().stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'runtime stopped']));
    expect(emu.events.filter((e) => e.type === 'next')).toHaveLength(1);
  }, 20_000);

  it('stops an idle poll at once', async () => {
    const { emu, child, exited, journal } = await startChild(0);
    while (emu.waiting === 0) await sleep(10);
    const sent = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(performance.now() - sent).toBeLessThan(2000);
    expect(journal()).toEqual(['shutdown', 'exit 0']);
  }, 20_000);

  it('gives up on a shutdown that hangs, logs where, and exits 1 within the grace period', async () => {
    const { emu, child, exited, journal, output } = await startChild(0, { LOOP_CHILD_SHUTDOWN_HANGS: '1' });
    while (emu.waiting === 0) await sleep(10);
    const sent = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(performance.now() - sent).toBeLessThan(3000);
    expect(journal()).toEqual(['shutdown', 'exit 1']);
    expect(output().stderr).toContain('"msg":"shutdown did not finish in time","phase":"shutdown"');
  }, 20_000);
});
