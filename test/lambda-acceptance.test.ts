/**
 * The real bootstrap against the Runtime API emulator, serving what users serve: a WordPress
 * page on SQLite, a response too big to buffer streamed whole, and a response too big for ALB
 * answered with a clear 502 instead of a lost invocation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../infra/twin/lambda/runtime-api.ts';
import { REPO, startWordPress, type TestSite } from './support/wordpress.ts';

const bootstrap = path.join(REPO, 'runtime/lambda/bootstrap');
const fixtures = path.join(REPO, 'test/fixtures/aws-events');

let tmp: string;
let site: TestSite;
const children: { child: ChildProcess; emu: Emulator; exited: Promise<unknown> }[] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-lambda-acc-'));
  fs.mkdirSync(path.join(tmp, 'root'));
  fs.writeFileSync(path.join(tmp, 'root', 'big.php'), "<?php header('Content-Type: text/plain'); echo str_repeat('0123456789abcdef', (int) $_GET['kb'] * 64);");
  // A WordPress site installed once through the local front door, then served by the runtime.
  site = await startWordPress({ db: 'sqlite', title: 'Lambda WordPress', workers: 1 });
  await site.serving.close();
}, 300_000);

afterEach(async () => {
  for (const r of children.splice(0)) {
    r.child.kill('SIGTERM');
    await r.exited;
    await r.emu.close();
  }
});

afterAll(async () => {
  await site?.close().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function runtime(env: Record<string, string>) {
  const emu = await startEmulator({ timeoutMs: 60_000 });
  const child = spawn(bootstrap, [], {
    env: {
      PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      HOME: tmp,
      AWS_LAMBDA_RUNTIME_API: emu.url,
      AWS_LAMBDA_FUNCTION_NAME: 'lamphp-acceptance',
      AWS_REGION: 'us-east-1',
      LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  children.push({ child, emu, exited });
  return { emu, output: () => output };
}

function urlEvent(rawPath: string, rawQueryString = '') {
  const event = JSON.parse(fs.readFileSync(path.join(fixtures, 'lambda-urls-request.json'), 'utf8'));
  Object.assign(event, { rawPath, rawQueryString, body: undefined, isBase64Encoded: false });
  event.requestContext.http.path = rawPath;
  event.requestContext.http.method = 'GET';
  event.headers.host = 'lambda.example.com';
  delete event.cookies;
  return event;
}

describe('the real bootstrap against the Runtime API emulator', () => {
  it('serves a WordPress page on SQLite', async () => {
    const { emu } = await runtime({ LAMPHP_DOCUMENT_ROOT: site.siteDir });
    const r = await emu.invoke(urlEvent('/'));
    expect(r.kind).toBe('response');
    const result = (r as { json: { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean } }).json;
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toMatch(/text\/html/);
    const html = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body;
    expect(html).toContain('Lambda WordPress');
    // Links are built from the host the event carried, over https as the Function URL said.
    expect(html).toContain('https://lambda.example.com/');
  });

  it('streams a 12 MB response whole in stream mode', async () => {
    const { emu } = await runtime({ LAMPHP_DOCUMENT_ROOT: path.join(tmp, 'root'), LAMPHP_RESPONSE_MODE: 'stream' });
    const r = await emu.invoke(urlEvent('/big.php', 'kb=12288'));
    expect(r.kind).toBe('response');
    const streamed = r as { streamed: boolean; prelude: { statusCode: number }; streamBody: Buffer };
    expect(streamed.streamed).toBe(true);
    expect(streamed.prelude.statusCode).toBe(200);
    expect(streamed.streamBody.length).toBe(12 * 1024 * 1024);
    expect(streamed.streamBody.subarray(0, 16).toString()).toBe('0123456789abcdef');
    expect(emu.timedOut).toBe(false);
  });

  it('answers a 2 MB response to an ALB event with a clear 502 and a log line, and keeps serving', async () => {
    const { emu, output } = await runtime({ LAMPHP_DOCUMENT_ROOT: path.join(tmp, 'root') });
    const event = JSON.parse(fs.readFileSync(path.join(fixtures, 'alb-lambda-target-request-headers-only.json'), 'utf8'));
    Object.assign(event, { path: '/big.php', queryStringParameters: { kb: '2048' }, httpMethod: 'GET', body: '', isBase64Encoded: false });
    const r = await emu.invoke(event);
    expect(r.kind).toBe('response');
    const result = (r as { json: { statusCode: number; statusDescription: string; body: string } }).json;
    expect(result.statusCode).toBe(502);
    expect(result.statusDescription).toMatch(/^502 /);
    expect(result.body).toMatch(/larger than the alb front door can carry/);
    expect(output()).toMatch(/"level":"error","msg":"response too large for the front door"/);
    // The invocation was answered, not lost, and the next one is served.
    Object.assign(event, { queryStringParameters: { kb: '1' } });
    const next = await emu.invoke(event);
    expect((next as { json: { statusCode: number } }).json.statusCode).toBe(200);
  });
});
