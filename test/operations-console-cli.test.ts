/**
 * `lamphp console` against a local HTTP server standing in for the Lambda Invoke API
 * (AWS_ENDPOINT_URL_LAMBDA): the request it sends, what it prints, the exit code it returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const repo = path.resolve(import.meta.dirname, '..');
const entry = path.join(repo, 'runtime/lamphp.js');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let endpoint: string;
let home: string;
const seen: Seen[] = [];
/** The next answer of the stand-in: status, headers, body. */
let answer: { status: number; headers?: Record<string, string>; body: string };

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-console-'));
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(home, { recursive: true, force: true });
});

function lamphp(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [entry, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: home, // no ~/.aws of the machine
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('lamphp console', () => {
  it('invokes the function with the console event, prints the output and exits with PHP\'s exit code', async () => {
    seen.length = 0;
    answer = { status: 200, body: JSON.stringify({ exitCode: 3, stdout: 'out line\n', stderr: 'err line\n', truncated: false, timedOut: false, durationMs: 5 }) };
    const r = await lamphp(['console', '--function', 'wp-site', '--region', 'eu-west-3', '--', 'wp-cli.phar', 'option', 'get', 'home', '--url=https://x.example']);
    expect(r).toEqual({ code: 3, stdout: 'out line\n', stderr: 'err line\n' });
    expect(seen).toHaveLength(1); // never retried: a retry would run the script twice
    const [req] = seen;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/2015-03-31/functions/wp-site/invocations');
    expect(req!.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(req!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/lambda\/aws4_request/);
    expect(JSON.parse(req!.body)).toEqual({ lamphp: { command: 'php', args: ['wp-cli.phar', 'option', 'get', 'home', '--url=https://x.example'] } });
  }, 30_000);

  it('passes PHP\'s own options through, targets a qualifier, and exits 0 on success', async () => {
    seen.length = 0;
    answer = { status: 200, body: JSON.stringify({ exitCode: 0, stdout: 'cli', stderr: '', truncated: false, timedOut: false, durationMs: 5 }) };
    const r = await lamphp(['console', '--function', 'wp-site', '--region', 'us-east-1', '--qualifier', 'live', '--', '-r', 'echo PHP_SAPI;']);
    expect(r).toEqual({ code: 0, stdout: 'cli', stderr: '' });
    expect(seen[0]!.url).toBe('/2015-03-31/functions/wp-site/invocations?Qualifier=live');
    expect(JSON.parse(seen[0]!.body).lamphp.args).toEqual(['-r', 'echo PHP_SAPI;']);
  }, 30_000);

  it('reports a script stopped at the deadline with exit code 124', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({ exitCode: 124, stdout: 'started\n', stderr: '[lamphp: the script was stopped after 2900 ms: …]\n', truncated: false, timedOut: true, durationMs: 2900 }),
    };
    const r = await lamphp(['console', '--function', 'wp-site', '--region', 'us-east-1', '--', 'long.php']);
    expect(r.code).toBe(124);
    expect(r.stdout).toBe('started\n');
    expect(r.stderr).toContain('stopped after 2900 ms');
  }, 30_000);

  it('exits 1 with the function\'s error when the invocation fails', async () => {
    answer = {
      status: 200,
      headers: { 'x-amz-function-error': 'Unhandled' },
      body: JSON.stringify({ errorType: 'Lamphp.ConsoleDisabled', errorMessage: 'Console invocations are switched off on this function (LAMPHP_CONSOLE=off).' }),
    };
    const r = await lamphp(['console', '--function', 'wp-site', '--region', 'us-east-1', '--', 'x.php']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('wp-site failed (Unhandled): Lamphp.ConsoleDisabled: Console invocations are switched off');
  }, 30_000);

  it('refuses a command line without -- or without a function (usage error, nothing sent)', async () => {
    seen.length = 0;
    expect((await lamphp(['console', '--function', 'wp-site', 'x.php'])).code).toBe(2);
    const noFunction = await lamphp(['console', '--', 'x.php']);
    expect(noFunction.code).toBe(2);
    expect(noFunction.stderr).toContain('Name the function');
    expect(seen).toHaveLength(0);
  }, 30_000);
});
