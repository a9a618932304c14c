/**
 * `fastcgi_finish_request()` as php-fpm has it, in both front doors: what PHP printed before it
 * reaches the client while the script is still running (proved by ordering: the script waits
 * for a file the test writes only after it has the response), and in Lambda the rest runs
 * before the runtime asks for the next invocation, within the invocation's deadline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type Stack } from '../support/faults/stack.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from '../support/lambda-process.ts';
import { functionUrlEvent } from '../support/events.ts';

// The session directory is mounted in every worker and never cached: a shared mailbox.
const FINISH = `<?php
$box = session_save_path();
$id = preg_replace('/[^a-z0-9]/', '', $_GET['id'] ?? '');
setcookie('seen', '1');
http_response_code(202);
echo "answered $id";
$ok = fastcgi_finish_request();
echo "printed after finishing";
file_put_contents("$box/finished-$id", var_export($ok, true));
while (!file_exists("$box/release-$id")) { clearstatcache(); usleep(10000); }
file_put_contents("$box/done-$id", 'done');
`;
const FOREVER = `<?php echo 'answered'; fastcgi_finish_request(); while (true) {}`;

/** Whether `check` holds at some point within `ms` (polled every 20 ms). */
async function happensWithin(ms: number, check: () => boolean): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

let tmp: string;
let stack: Stack;
let lambda: LambdaProcess;
let localBox: string;
let lambdaBox: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-finish-'));
  const root = path.join(tmp, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'finish.php'), FINISH);
  fs.writeFileSync(path.join(root, 'forever.php'), FOREVER);
  fs.writeFileSync(path.join(root, 'hello.php'), '<?php echo "hello";');
  [stack, lambda] = await Promise.all([
    startStack({ root }),
    startLambdaProcess({ documentRoot: root, home: tmp, env: { LAMPHP_DEADLINE_MARGIN_MS: '500' } }),
  ]);
  localBox = stack.config.sessionDir;
  lambdaBox = path.join(tmp, 'sessions');
});
afterAll(async () => {
  await Promise.all([stack?.close(), lambda?.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('fastcgi_finish_request()', () => {
  it('serve: the response arrives while the script still runs; the script then finishes', async () => {
    const res = await fetch(`${stack.url}/finish.php?id=local`);
    expect(res.status).toBe(202);
    expect(res.headers.get('set-cookie')).toContain('seen=1');
    expect(await res.text()).toBe('answered local');
    // The script is still waiting for the release file: nothing after the call has happened yet.
    expect(fs.existsSync(path.join(localBox, 'done-local'))).toBe(false);
    expect(fs.readFileSync(path.join(localBox, 'finished-local'), 'utf8')).toBe('true');
    fs.writeFileSync(path.join(localBox, 'release-local'), '');
    await until(async () => fs.existsSync(path.join(localBox, 'done-local')), 'the rest of the script');
    // The worker is free again once the script ended.
    expect(await (await fetch(`${stack.url}/hello.php`)).text()).toBe('hello');
  });

  it('Lambda: the response is posted first, the rest runs before the next /next', async () => {
    const done = path.join(lambdaBox, 'done-lambda');
    const result = await lambda.emu.invoke(functionUrlEvent('/finish.php', { query: 'id=lambda' }));
    const payload = payloadOf(result, lambda.output());
    expect(payload.statusCode).toBe(202);
    expect(payload.cookies ?? payload.multiValueHeaders?.['set-cookie']).toEqual(expect.arrayContaining([expect.stringContaining('seen=1')]));
    expect(Buffer.from(payload.body, payload.isBase64Encoded ? 'base64' : 'utf8').toString()).toBe('answered lambda');
    expect(fs.existsSync(done)).toBe(false);
    // The runtime gets a full second to (wrongly) ask for the next invocation while the script
    // still waits; none of the assertions is about how long anything took.
    const polledEarly = await happensWithin(1000, () => lambda.emu.waiting === 1);
    expect(polledEarly, 'the runtime asked for the next invocation while the script still ran').toBe(false);
    fs.writeFileSync(path.join(lambdaBox, 'release-lambda'), '');
    await until(async () => lambda.emu.waiting === 1, 'the runtime polls /next again');
    expect(fs.existsSync(done), 'the script had finished when the runtime asked for more work').toBe(true);
  });

  it('Lambda: work after the response is still stopped at the deadline, and the next invocation is served', async () => {
    const result = await lambda.emu.invoke(functionUrlEvent('/forever.php'), { timeoutMs: 3000 });
    expect(payloadOf(result, lambda.output()).statusCode).toBe(200);
    await until(async () => lambda.emu.waiting === 1, 'the runtime polls /next after stopping PHP');
    expect(lambda.emu.timedOut).toBe(false);
    expect(lambda.output()).toContain('PHP work after the response timed out');
    const next = payloadOf(await lambda.emu.invoke(functionUrlEvent('/hello.php')), lambda.output());
    expect(next.body).toBe('hello');
  });
});
