/**
 * Non-HTTP invocations through the real bootstrap and the Runtime API emulator: console (PHP
 * CLI), scheduled cron, warm-up, malformed commands, and console events smuggled inside HTTP
 * events of every source. WordPress cron is in operations-wordpress.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { payloadOf, startLambdaProcess, type LambdaProcess } from './support/lambda-process.ts';
import { startS3 } from './support/s3.ts';

const repo = path.resolve(import.meta.dirname, '..');
let root: string;
let site: string;

const SCRIPTS: Record<string, string> = {
  'hello.php': "<?php echo 'Hello from ', PHP_SAPI;\n",
  'args.php': `<?php
echo PHP_SAPI, "\\n", json_encode($argv), "\\n", $argc, "\\n", getcwd(), "\\n", getenv('HOME'), "\\n";
fwrite(STDERR, "to stderr\\n");
exit((int) ($argv[1] ?? 0));
`,
  'fatal.php': "<?php echo \"before\\n\"; missing_function();\n",
  'stall.php': '<?php echo "started\\n"; while (true) { usleep(50000); }\n',
  'spin.php': '<?php while (true) {}\n',
  'slow.php': '<?php usleep(2500000); echo "slow done";\n',
  'big.php': "<?php echo str_repeat('a', 150000), str_repeat('z', 150000);\n",
  'pwned.php': "<?php file_put_contents(__DIR__ . '/pwned.txt', PHP_SAPI . ' ' . json_encode($argv ?? null));\n",
  'cron.php': `<?php
file_put_contents(__DIR__ . '/cron-log.txt', PHP_SAPI . ' ' . $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . ' ' . $_SERVER['HTTP_USER_AGENT'] . "\\n", FILE_APPEND);
echo 'cron done';
`,
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-ops-'));
  site = path.join(root, 'site');
  fs.mkdirSync(site);
  for (const [name, text] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(site, name), text);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function fixture(file: string): any {
  return JSON.parse(fs.readFileSync(path.join(repo, 'test/fixtures', file), 'utf8'));
}

const consoleEvent = (...args: string[]) => ({ lamphp: { command: 'php', args } });

describe('timeouts: the front door\'s for HTTP events, the function\'s for cron', () => {
  let rt: LambdaProcess;
  const invoke = async (event: unknown, timeoutMs?: number) => payloadOf(await rt.emu.invoke(event, { timeoutMs }), rt.output());
  beforeAll(async () => {
    rt = await startLambdaProcess({
      documentRoot: site,
      home: root,
      env: { LAMPHP_CRON_SCRIPT: 'slow.php', LAMPHP_FRONT_DOOR_TIMEOUT_MS: '1200', LAMPHP_DEADLINE_MARGIN_MS: '200' },
    });
  }, 60_000);
  afterAll(() => rt?.stop());

  it('an HTTP event gets 504 when the front door would give up, long before the invocation\'s timeout', async () => {
    expect((await invoke(urlEvent('/hello.php'), 20_000)).statusCode).toBe(200); // PHP booted
    const started = Date.now();
    const page = await invoke(urlEvent('/slow.php'), 20_000);
    expect(page.statusCode).toBe(504);
    expect(Date.now() - started).toBeLessThan(2400);
  }, 60_000);

  it('cron keeps the whole invocation: the same slow script finishes', async () => {
    expect(await invoke({ lamphp: { command: 'cron' } }, 20_000)).toMatchObject({ command: 'cron', script: 'slow.php', status: 200 });
  }, 60_000);
});

describe('operations through the Lambda runtime', () => {
  let rt: LambdaProcess;
  const invoke = async (event: unknown, timeoutMs?: number) => payloadOf(await rt.emu.invoke(event, { timeoutMs }), rt.output());

  beforeAll(async () => {
    rt = await startLambdaProcess({
      documentRoot: site,
      home: root,
      env: { LAMPHP_CRON_SCRIPT: 'cron.php', LAMPHP_CONSOLE_OUTPUT_LIMIT: '4096' },
    });
  }, 60_000);
  afterAll(() => rt?.stop());

  it('runs a PHP script in CLI mode with its arguments and returns its output and exit code', async () => {
    const ok = await invoke(consoleEvent('args.php', '0', '--flag=x', 'two words'));
    expect(ok).toMatchObject({ exitCode: 0, timedOut: false, truncated: false, stderr: 'to stderr\n' });
    const [sapi, argv, argc, cwd, home] = ok.stdout.split('\n');
    expect(sapi).toBe('cli');
    expect(JSON.parse(argv)).toEqual(['args.php', '0', '--flag=x', 'two words']);
    expect(argc).toBe('4');
    expect(cwd).toBe(site); // the document root, mounted at the same path
    expect(home).toBe('/tmp');

    expect(await invoke(consoleEvent('args.php', '3'))).toMatchObject({ exitCode: 3 });
    const fatal = await invoke(consoleEvent('fatal.php'));
    expect(fatal.exitCode).toBe(255);
    expect(fatal.stdout).toBe('before\n');
    expect(fatal.stderr).toContain('Call to undefined function missing_function()');
    const missing = await invoke(consoleEvent('no-such-script.php'));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Could not open input file: no-such-script.php');
    expect(await invoke(consoleEvent('-r', 'echo PHP_SAPI, " ", $argc;'))).toMatchObject({ exitCode: 0, stdout: 'cli 1' });
  }, 60_000);

  it('cuts output past LAMPHP_CONSOLE_OUTPUT_LIMIT with a marker', async () => {
    const big = await invoke(consoleEvent('big.php'));
    expect(big.exitCode).toBe(0);
    expect(big.truncated).toBe(true);
    expect(big.stdout).toMatch(/^a{2048}\n\[lamphp: 295904 bytes of output left out; 300000 in all\]\nz{2048}$/);
  }, 60_000);

  it('stops a console script that runs past the deadline, reports it, and keeps serving', async () => {
    const started = Date.now();
    const stalled = await invoke(consoleEvent('stall.php'), 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(stalled).toMatchObject({ exitCode: 124, timedOut: true, stdout: 'started\n' });
    expect(stalled.stderr).toMatch(/\[lamphp: the script was stopped after \d+ ms: it ran past the invocation's deadline/);
    // A busy loop that never yields is stopped the same way.
    const spin = await invoke(consoleEvent('spin.php'), 2500);
    expect(spin).toMatchObject({ exitCode: 124, timedOut: true });
    expect(rt.emu.timedOut).toBe(false);
    expect(rt.output()).toContain('console script stopped at the deadline');
    // The HTTP engine was never involved: it still answers.
    const page = await invoke(urlEvent('/hello.php'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe('Hello from fpm-fcgi');
  }, 60_000);

  it('runs the cron script for the stack\'s cron event and for an EventBridge scheduled event', async () => {
    fs.rmSync(path.join(site, 'cron-log.txt'), { force: true });
    expect(await invoke({ lamphp: { command: 'cron' } })).toMatchObject({ command: 'cron', script: 'cron.php', status: 200 });
    const scheduled = fixture('operations/eventbridge-scheduled.json');
    expect(await invoke(scheduled)).toMatchObject({ command: 'cron', status: 200 });
    expect(fs.readFileSync(path.join(site, 'cron-log.txt'), 'utf8')).toBe('fpm-fcgi GET /cron.php lamphp-cron\n'.repeat(2));
  }, 60_000);

  it('answers warm-up events without running PHP', async () => {
    const before = (await invoke({ warmer: true })).engine.requests;
    expect(await invoke({ warmer: true, concurrency: 3 })).toMatchObject({ warm: true, engine: { workers: 1, requests: before } });
    expect((await invoke({ source: 'serverless-plugin-warmup' })).engine.requests).toBe(before);
    expect((await invoke({ lamphp: { command: 'warmer' } })).engine.requests).toBe(before);
    await invoke(urlEvent('/hello.php')); // a page view is counted…
    expect((await invoke({ warmer: true })).engine.requests).toBe(before + 1); // …a warm-up is not
  }, 60_000);

  it('refuses malformed commands and unknown shapes with a clear invocation error', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ lamphp: { command: 'shell' } }, 'Lamphp.BadCommand', /must be one of cron, warmer, php, install/],
      [{ lamphp: { command: 'php' } }, 'Lamphp.BadCommand', /needs "args"/],
      [{ lamphp: { command: 'php', args: 'args.php' } }, 'Lamphp.BadCommand', /needs "args"/],
      [{ lamphp: { command: 'php', args: [1] } }, 'Lamphp.BadCommand', /must be a string/],
      [{ lamphp: { command: 'cron', script: 'x.php' } }, 'Lamphp.BadCommand', /"script" is not one of them/],
      [{ lamphp: { command: 'install', mode: 'reinstall' } }, 'Lamphp.BadCommand', /"install" or "update"/],
      [{ lamphp: 'cron' }, 'Lamphp.BadCommand', /must be an object/],
      [{ lamphp: { command: 'cron' }, source: 'aws.events' }, 'Lamphp.UnsupportedEvent', /this event is an object with keys lamphp, source/],
      [{ source: 'aws.events', 'detail-type': 'Object Created', detail: {} }, 'Lamphp.UnsupportedEvent', /non-HTTP invocations/],
      [{ warmer: 'yes' }, 'Lamphp.UnsupportedEvent', /lamphp answers HTTP events/],
      [{ Records: [{ eventSource: 'aws:sqs' }] }, 'Lamphp.UnsupportedEvent', /lamphp answers HTTP events/],
      [[consoleEvent('pwned.php')], 'Lamphp.UnsupportedEvent', /this event is an object with keys 0/],
    ];
    for (const [event, errorType, message] of cases) {
      const r = await rt.emu.invoke(event);
      expect(r, JSON.stringify(event)).toMatchObject({ kind: 'error', errorType });
      expect((r as { errorMessage: string }).errorMessage, JSON.stringify(event)).toMatch(message);
    }
    expect(fs.existsSync(path.join(site, 'pwned.txt'))).toBe(false);
  }, 60_000);

  it('never runs a console command carried by an HTTP event of any source', async () => {
    const smuggled = JSON.stringify(consoleEvent('pwned.php'));
    const cronLog = () => (fs.existsSync(path.join(site, 'cron-log.txt')) ? fs.readFileSync(path.join(site, 'cron-log.txt'), 'utf8') : '');
    const cronBefore = cronLog();
    const sources: [string, any][] = [
      ['API Gateway REST', fixture('aws-events/apigw-request.json')],
      ['HTTP API 1.0', fixture('events/http-api-v1.json')],
      ['HTTP API 2.0', fixture('aws-events/apigw-v2-request-no-authorizer.json')],
      ['Function URL', fixture('aws-events/lambda-urls-request.json')],
      ['ALB', fixture('aws-events/alb-lambda-target-request-headers-only.json')],
      ['ALB multi-value', fixture('aws-events/alb-lambda-target-request-multivalue-headers.json')],
    ];
    for (const [name, base] of sources) {
      const variants: [string, any][] = [
        ['extra field', { ...structuredClone(base), ...consoleEvent('pwned.php') }],
        ['body', { ...structuredClone(base), body: smuggled, isBase64Encoded: false }],
        ['header', withHeader(structuredClone(base), 'lamphp', smuggled)],
        ['source and detail-type', { ...structuredClone(base), source: 'aws.events', 'detail-type': 'Scheduled Event', warmer: true }],
      ];
      for (const [how, event] of variants) {
        const r = await rt.emu.invoke(event);
        // Answered as an HTTP request (a page or an error page), never as a console result.
        const payload = payloadOf(r, rt.output());
        expect(payload.statusCode, `${name}, ${how}`).toEqual(expect.any(Number));
        expect(payload, `${name}, ${how}`).not.toHaveProperty('exitCode');
        expect(payload, `${name}, ${how}`).not.toHaveProperty('warm');
      }
    }
    expect(fs.existsSync(path.join(site, 'pwned.txt'))).toBe(false);
    expect(cronLog()).toBe(cronBefore);
  }, 120_000);
});

describe('console switched off', () => {
  it('refuses console invocations with LAMPHP_CONSOLE=off and still answers the rest', async () => {
    const rt = await startLambdaProcess({ documentRoot: site, home: root, env: { LAMPHP_CONSOLE: 'off', LAMPHP_CRON_SCRIPT: 'cron.php' } });
    try {
      const r = await rt.emu.invoke(consoleEvent('pwned.php'));
      expect(r).toMatchObject({ kind: 'error', errorType: 'Lamphp.ConsoleDisabled' });
      expect(fs.existsSync(path.join(site, 'pwned.txt'))).toBe(false);
      expect(payloadOf(await rt.emu.invoke({ warmer: true }), rt.output())).toMatchObject({ warm: true });
      expect(payloadOf(await rt.emu.invoke({ lamphp: { command: 'cron' } }), rt.output())).toMatchObject({ status: 200 });
    } finally {
      await rt.stop();
    }
  }, 60_000);
});

describe('console with uploads offloaded to S3', () => {
  it('puts the files a console script wrote under the uploads directory into the bucket before answering', async () => {
    const s3 = await startS3();
    const uploadsSite = path.join(root, 'uploads-site');
    fs.mkdirSync(path.join(uploadsSite, 'files'), { recursive: true });
    const rt = await startLambdaProcess({
      documentRoot: uploadsSite,
      home: root,
      env: { ...s3.env, LAMPHP_UPLOADS_DIR: 'files', LAMPHP_UPLOADS_BUCKET: s3.bucket, LAMPHP_UPLOADS_PREFIX: 'site/' },
    });
    try {
      const code = 'file_put_contents("files/2026/report.txt", "made by a console script"); echo "written";';
      fs.mkdirSync(path.join(uploadsSite, 'files/2026'));
      const result = payloadOf(await rt.emu.invoke(consoleEvent('-r', code)), rt.output());
      expect(result).toMatchObject({ exitCode: 0, stdout: 'written' });
      const object = await s3.get('site/2026/report.txt');
      expect(object && new TextDecoder().decode(object.bytes)).toBe('made by a console script');
    } finally {
      await rt.stop();
      await s3.close();
    }
  }, 60_000);
});

/** A Function URL event (the AWS sample) for a GET of `rawPath`. */
function urlEvent(rawPath: string) {
  const event = fixture('aws-events/lambda-urls-request.json');
  event.rawPath = rawPath;
  event.rawQueryString = '';
  event.requestContext.http.path = rawPath;
  event.requestContext.http.method = 'GET';
  event.body = undefined;
  delete event.cookies;
  return event;
}

/** Adds a header to an event of any source (single- and multi-value maps alike). */
function withHeader(event: any, name: string, value: string) {
  if (event.headers) event.headers[name] = value;
  if (event.multiValueHeaders) event.multiValueHeaders[name] = [value];
  return event;
}
