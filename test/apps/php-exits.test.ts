/**
 * What php-fpm does with PHP's exit status, in both front doors: nothing. A page PHP produced
 * before `exit(1)` (a 503 maintenance page, an application's "install this extension" page) is
 * what the visitor gets; only a fatal error before any header gets lamphp's generic 500, with
 * the error text in the log and never in the body.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/faults/stack.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from '../support/lambda-process.ts';
import { functionUrlEvent } from '../support/events.ts';

const SCRIPTS: Record<string, string> = {
  'maintenance.php': `<?php http_response_code(503); header('Retry-After: 30'); echo '<h1>Down for maintenance</h1>'; exit(1);`,
  'fatal.php': `<?php echo 'half a page'; undefined_function_here('/srv/secret');`,
};

let tmp: string;
let stack: Stack;
let lambda: LambdaProcess;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-exits-'));
  const root = path.join(tmp, 'root');
  fs.mkdirSync(root);
  for (const [name, code] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(root, name), code);
  [stack, lambda] = await Promise.all([startStack({ root }), startLambdaProcess({ documentRoot: root, home: tmp })]);
});
afterAll(async () => {
  await Promise.all([stack?.close(), lambda?.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function both(script: string) {
  const local = await fetch(`${stack.url}/${script}`);
  const localBody = await local.text();
  const payload = payloadOf(await lambda.emu.invoke(functionUrlEvent(`/${script}`)), lambda.output());
  const lambdaBody = payload.isBase64Encoded ? Buffer.from(payload.body, 'base64').toString() : payload.body;
  return [
    { door: 'serve', status: local.status, retryAfter: local.headers.get('retry-after'), body: localBody },
    { door: 'lambda', status: payload.statusCode as number, retryAfter: payload.headers?.['retry-after'] as string | undefined, body: lambdaBody as string },
  ];
}

describe('PHP exit status', () => {
  it('a 503 page followed by exit(1) reaches the visitor as that 503 and that page', async () => {
    for (const answer of await both('maintenance.php')) {
      expect(answer, answer.door).toMatchObject({ status: 503, retryAfter: '30', body: '<h1>Down for maintenance</h1>' });
    }
    expect(stack.logs.find((r) => r.msg === 'php exited with an error')).toMatchObject({ level: 'warn', exitCode: 1, status: 503 });
  });

  it('a fatal error before any header is the generic 500, its text only in the log', async () => {
    for (const answer of await both('fatal.php')) {
      expect(answer.status, answer.door).toBe(500);
      expect(answer.body, answer.door).toContain('could not be generated');
      expect(answer.body, answer.door).not.toContain('half a page');
      expect(answer.body, answer.door).not.toContain('secret');
    }
    expect(JSON.stringify(stack.logs)).toContain('undefined_function_here');
    expect(lambda.output()).toContain('undefined_function_here');
  });
});
