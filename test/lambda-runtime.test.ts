/**
 * The whole Lambda runtime with PHP: runtime/lambda/bootstrap started like Lambda starts it,
 * against the Runtime API emulator, serving a real PHP engine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator, type InvokeResult } from '../infra/twin/lambda/runtime-api.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';

const repo = path.resolve(import.meta.dirname, '..');
const bootstrap = path.join(repo, 'runtime/lambda/bootstrap');
const nodeBin = path.dirname(process.execPath);
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-lambda-'));
  fs.mkdirSync(path.join(root, 'site'));
  fs.writeFileSync(
    path.join(root, 'site/hello.php'),
    `<?php
setcookie('a', '1');
setcookie('b', '2');
header('X-Hello: yes');
echo 'Hello from PHP ', PHP_MAJOR_VERSION, '.', PHP_MINOR_VERSION, ' ', $_SERVER['REQUEST_METHOD'], ' ', $_GET['name'] ?? '', ' ', $_SERVER['REMOTE_ADDR'];
`,
  );
  fs.writeFileSync(path.join(root, 'site/spin.php'), '<?php while (true) {}\n');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A Function URL event (the AWS sample) for `rawPath?rawQueryString`. */
function urlEvent(rawPath: string, rawQueryString = '') {
  const event = JSON.parse(fs.readFileSync(path.join(repo, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
  event.rawPath = rawPath;
  event.rawQueryString = rawQueryString;
  event.requestContext.http.path = rawPath;
  event.requestContext.http.method = 'GET';
  event.body = undefined;
  delete event.cookies;
  return event;
}

interface Runtime {
  emu: Emulator;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

const running: Runtime[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.child.kill('SIGTERM');
    await r.exited;
    await r.emu.close();
  }
});

/** Starts the bootstrap with a Lambda-like environment; `args` is the managed runtime's command. */
async function startRuntime(options: { args?: string[]; env?: Record<string, string>; pathDirs?: string[] } = {}): Promise<Runtime> {
  const emu = await startEmulator();
  const child = spawn(bootstrap, options.args ?? [], {
    env: {
      PATH: [...(options.pathDirs ?? [nodeBin]), '/usr/bin', '/bin'].join(':'),
      HOME: root,
      TMPDIR: os.tmpdir(),
      AWS_LAMBDA_RUNTIME_API: emu.url,
      AWS_LAMBDA_FUNCTION_NAME: 'lamphp-test',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_REGION: 'us-east-1',
      LAMBDA_TASK_ROOT: root,
      LAMPHP_DOCUMENT_ROOT: path.join(root, 'site'),
      LAMPHP_SESSION_DIR: path.join(root, 'sessions'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const runtime = { emu, child, exited, output: () => output };
  running.push(runtime);
  return runtime;
}

function expectResponse(r: InvokeResult): asserts r is Extract<InvokeResult, { kind: 'response' }> {
  expect(r.kind).toBe('response');
}

function decoded(result: { body: string; isBase64Encoded?: boolean }): string {
  return result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body;
}

describe('the Lambda runtime with PHP', () => {
  it('serves hello.php as the provided.al2023 bootstrap (no arguments)', async () => {
    // Only the system node (too old) on PATH: in a checkout the bootstrap picks the pinned one.
    const { emu } = await startRuntime({ pathDirs: [] });
    const r = await emu.invoke(urlEvent('/hello.php', 'name=lambda'));
    expectResponse(r);
    expect(r.json.statusCode).toBe(200);
    expect(decoded(r.json)).toBe(`Hello from PHP ${DEFAULT_PHP_VERSION} GET lambda 123.123.123.123`);
    expect(r.json.cookies).toEqual(['a=1', 'b=2']);
    expect(r.json.headers['x-hello']).toBe('yes');
    // Warm: a second invocation on the same sandbox.
    const again = await emu.invoke(urlEvent('/hello.php', 'name=again'));
    expectResponse(again);
    expect(decoded(again.json)).toContain('GET again');
  }, 60_000);

  it('serves hello.php as AWS_LAMBDA_EXEC_WRAPPER, with the node of the managed command', async () => {
    // PATH has only the system node (too old to run lamphp): success proves the named node was used.
    const { emu } = await startRuntime({
      args: [process.execPath, '--expose-gc', '--max-http-header-size', '81920', '/var/runtime/index.mjs'],
      pathDirs: [],
    });
    const r = await emu.invoke(urlEvent('/hello.php', 'name=wrapped'));
    expectResponse(r);
    expect(decoded(r.json)).toContain('GET wrapped');
  }, 60_000);

  it('streams the response with the HTTP-integration prelude in stream mode', async () => {
    const { emu } = await startRuntime({ env: { LAMPHP_RESPONSE_MODE: 'stream' } });
    const r = await emu.invoke(urlEvent('/hello.php', 'name=stream'));
    expectResponse(r);
    expect(r.streamed).toBe(true);
    expect(r.prelude.statusCode).toBe(200);
    expect(r.prelude.cookies).toEqual(['a=1', 'b=2']);
    expect(r.streamBody!.toString()).toContain('GET stream');
  }, 60_000);

  it('stops runaway PHP and answers 504 before Lambda\'s deadline', async () => {
    const { emu } = await startRuntime();
    expectResponse(await emu.invoke(urlEvent('/hello.php'))); // warm first: the deadline is for PHP only
    const r = await emu.invoke(urlEvent('/spin.php'), { timeoutMs: 2000 });
    expectResponse(r);
    expect(r.json.statusCode).toBe(504);
    expect(emu.timedOut).toBe(false);
    const after = await emu.invoke(urlEvent('/hello.php', 'name=recovered'));
    expectResponse(after);
    expect(decoded(after.json)).toContain('GET recovered');
    // The replacement PHP runtime boots in the after-response slot, before the next poll.
    const answered = emu.events.find((e) => e.type === 'response' && e.requestId === r.requestId)!;
    const nextPoll = emu.events.find((e) => e.type === 'next' && e.seq > answered.seq)!;
    expect(nextPoll.at - answered.at).toBeGreaterThan(100);
  }, 60_000);

  it('fails an invocation that is not an HTTP event and keeps serving', async () => {
    const { emu } = await startRuntime();
    expect(await emu.invoke({ Records: [{ eventSource: 'aws:sqs' }] })).toMatchObject({
      kind: 'error',
      errorType: 'Lamphp.UnsupportedEvent',
    });
    expectResponse(await emu.invoke(urlEvent('/hello.php')));
  }, 60_000);

  it('reports a missing document root as an init error and exits non-zero', async () => {
    const rt = await startRuntime({ env: { LAMPHP_DOCUMENT_ROOT: path.join(root, 'no-such-dir') } });
    const init = await rt.emu.initError;
    expect(init.errorMessage).toContain(`${path.join(root, 'no-such-dir')} (LAMPHP_DOCUMENT_ROOT) is not a directory`);
    expect(await rt.exited).toBe(1);
  }, 60_000);

  it('starts on an empty EFS access point when told to create the document root', async () => {
    const fresh = path.join(root, `fresh-${Date.now()}`);
    const { emu } = await startRuntime({ env: { LAMPHP_DOCUMENT_ROOT: fresh, LAMPHP_CREATE_DOCUMENT_ROOT: 'true' } });
    const r = await emu.invoke(urlEvent('/'));
    expect(r.kind).toBe('response');
    expect(fs.statSync(fresh).isDirectory()).toBe(true);
    // Nothing is installed yet: the holding page, not a crash.
    const answer = (r as { json: { statusCode: number; headers: Record<string, string> } }).json;
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('30');
  }, 60_000);

  it('reports a malformed setting as an init error', async () => {
    const rt = await startRuntime({ env: { LAMPHP_RESPONSE_MODE: 'sometimes' } });
    expect((await rt.emu.initError).errorMessage).toContain('LAMPHP_RESPONSE_MODE must be one of buffered, stream');
    expect(await rt.exited).toBe(1);
  }, 60_000);

  it('shuts down cleanly on SIGTERM', async () => {
    const rt = await startRuntime();
    expectResponse(await rt.emu.invoke(urlEvent('/hello.php')));
    rt.child.kill('SIGTERM');
    const code = await Promise.race([rt.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(code, rt.output()).toBe(0);
    expect(rt.output()).toContain('"msg":"runtime stopped"');
  }, 60_000);
});
