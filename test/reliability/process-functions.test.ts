/**
 * PHP's process functions are disabled (php.ini's disable_functions): php-wasm has no process to
 * start, and a call used to hang until the deadline (WordPress's Site Health → Info was a 504)
 * while php-wasm printed a multi-line stack into the log. Now function_exists() is false, a direct
 * call fails at once, mail() still reaches a sendmail spawn handler, and whatever php-wasm prints
 * reaches the log as one JSON line per write.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as phpWasmUtil from '@php-wasm/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INI_FILE } from '../../bridge/engine/php-wasm/index.ts';
import { PHP, type PhpInstance } from '../../bridge/engine/php-wasm/php-wasm-api.ts';
import { loadNodeRuntime } from '../../bridge/engine/php-wasm/php-wasm-node.ts';
import { logged, startStack, type Stack } from '../support/faults/stack.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from '../support/lambda-process.ts';
import { EVENT_KINDS, eventFor, lambdaAnswer, lambdaDoor } from '../support/doors.ts';

const FUNCTIONS = ['exec', 'shell_exec', 'system', 'passthru', 'popen', 'proc_open'];
const SCRIPTS: Record<string, string> = {
  'exists.php': `<?php header('Content-Type: application/json'); echo json_encode(array_map('function_exists', array_combine(${JSON.stringify(FUNCTIONS)}, ${JSON.stringify(FUNCTIONS)})));`,
  // What WordPress's Site Health does: ask first, then call.
  'careful.php': `<?php echo function_exists('exec') ? exec('gs --version') : 'skipped';`,
  'direct.php': `<?php $f = $_GET['f']; $args = $f === 'proc_open' ? ['id', [], $pipes] : ($f === 'popen' ? ['id', 'r'] : ['id']); echo $f(...$args);`,
};

/** php-wasm's spawn API, as the sendmail hand-over uses it (@php-wasm/util's types do not resolve under nodenext). */
interface ProcessApi {
  on(event: 'stdin', listener: (data: Uint8Array) => void): void;
  exit(code: number): void;
}
const { createSpawnHandler } = phpWasmUtil as unknown as {
  createSpawnHandler(program: (argv: string[], api: ProcessApi) => Promise<void>): unknown;
};
type SpawningPhp = PhpInstance & {
  setCommandSpawnHandler(command: string, handler: unknown): void;
  run(options: { scriptPath: string }): Promise<{ text: string }>;
  exit(): void;
};

/** The disable_functions line of lamphp's own php.ini, as it ships. */
function shippedDisableFunctions(): string {
  const line = fs.readFileSync(DEFAULT_INI_FILE, 'utf8').split('\n').find((l) => /^\s*disable_functions\s*=/.test(l));
  expect(line, 'php.ini sets disable_functions').toBeDefined();
  return line!.replace(/;.*$/, '').trim();
}

describe('process functions', () => {
  let root: string;
  let stack: Stack;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-procs-'));
    for (const [name, code] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(root, name), code);
    stack = await startStack({ root, workers: 1, env: { LAMPHP_REQUEST_TIMEOUT_MS: '20000' } });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('function_exists() is false for every one, so careful code skips them', async () => {
    expect(await (await fetch(`${stack.url}/exists.php`)).json()).toEqual(Object.fromEntries(FUNCTIONS.map((f) => [f, false])));
    const careful = await fetch(`${stack.url}/careful.php`);
    expect(careful.status).toBe(200);
    expect(await careful.text()).toBe('skipped');
  });

  it.each(FUNCTIONS)('a direct call to %s fails at once with "Call to undefined function", not at the deadline', async (f) => {
    const started = Date.now();
    const res = await fetch(`${stack.url}/direct.php?f=${f}`);
    expect(res.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(10_000); // the deadline is 20 s: no hang
    const errors = logged(stack.logs, 'php reported errors').map((r) => String(r.errors));
    expect(errors.some((e) => e.includes(`Call to undefined function ${f}()`))).toBe(true);
  });

  it('the Lambda handler (every event source) sees the same: disabled, skipped, a direct call fails at once', async () => {
    const door = lambdaDoor(stack.config, stack.bridge);
    for (const kind of EVENT_KINDS) {
      expect(JSON.parse(lambdaAnswer(await door(eventFor(kind, '/exists.php'))).body.toString()), kind).toEqual(Object.fromEntries(FUNCTIONS.map((f) => [f, false])));
      expect(lambdaAnswer(await door(eventFor(kind, '/careful.php'))).body.toString(), kind).toBe('skipped');
      const started = Date.now();
      expect(lambdaAnswer(await door(eventFor(kind, '/direct.php', 'f=shell_exec'))).status, kind).toBe(500);
      expect(Date.now() - started, kind).toBeLessThan(10_000); // the deadline is 20 s: no hang
    }
  });

  it('mail() still hands the message to a sendmail spawn handler with these functions disabled', async () => {
    const php = new PHP(await loadNodeRuntime('8.3', { emscriptenOptions: { processId: 1 } })) as SpawningPhp;
    await php.setSapiName('fpm-fcgi');
    const ini = '/internal/shared/php.ini';
    php.writeFile(ini, `${php.readFileAsText(ini)}\n${shippedDisableFunctions()}\nsendmail_path = /usr/sbin/sendmail -t -i\n`);
    const handed: { argv: string[]; stdin: string }[] = [];
    php.setCommandSpawnHandler(
      'sendmail',
      createSpawnHandler(async (argv, api) => {
        let stdin = '';
        api.on('stdin', (d) => (stdin += new TextDecoder().decode(d)));
        await new Promise((r) => setTimeout(r, 200));
        handed.push({ argv, stdin });
        api.exit(0);
      }),
    );
    php.mkdir('/app');
    php.writeFile('/app/mail.php', `<?php echo json_encode(['popen' => function_exists('popen'), 'mail' => mail('to@example.com', 'Hello', 'Body text')]);`);
    const result = await php.run({ scriptPath: '/app/mail.php' });
    php.exit();
    expect(JSON.parse(result.text)).toEqual({ popen: false, mail: true });
    expect(handed).toEqual([{ argv: ['/usr/sbin/sendmail', '-t', '-i'], stdin: 'To: to@example.com\r\nSubject: Hello\r\n\r\nBody text\r\n' }]);
  });
});

describe('what php-wasm prints reaches the log as JSON lines (the Lambda bootstrap)', () => {
  let tmp: string;
  let rt: LambdaProcess;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-procs-rt-'));
    const root = path.join(tmp, 'root');
    fs.mkdirSync(root);
    for (const [name, code] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(root, name), code);
    // A site that turns the functions back on gets php-wasm's own complaint, multi-line, on the console.
    fs.writeFileSync(path.join(tmp, 'user.ini'), 'disable_functions =\n');
    rt = await startLambdaProcess({ documentRoot: root, home: tmp, env: { LAMPHP_PHP_INI: path.join(tmp, 'user.ini'), LAMPHP_DEADLINE_MARGIN_MS: '500' } });
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('every line of the process output is one JSON object with level and msg', async () => {
    const event = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
    Object.assign(event, { rawPath: '/direct.php', rawQueryString: 'f=shell_exec', body: undefined, cookies: undefined });
    event.requestContext.http.method = 'GET';
    const answer = payloadOf(await rt.emu.invoke(event, { timeoutMs: 4000 }), rt.output());
    expect(answer.statusCode).toBe(504);
    const lines = rt.output().split('\n').filter((l) => l.trim() !== '');
    const records = lines.map((line) => {
      let record: Record<string, unknown> | undefined;
      try {
        record = JSON.parse(line);
      } catch {
        record = undefined;
      }
      expect(record, `not a JSON line: ${line.slice(0, 200)}`).toBeTypeOf('object');
      expect(record).toMatchObject({ level: expect.any(String), msg: expect.any(String) });
      return record!;
    });
    const printed = records.find((r) => r.msg === 'php runtime output');
    expect(printed, 'php-wasm printed its stack through the log').toBeDefined();
    expect(String(printed!.text)).toContain('SPAWN_UNSUPPORTED');
    expect(printed!.requestId).toBeTypeOf('string');
  }, 60_000);
});
