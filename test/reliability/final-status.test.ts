/**
 * A visitor only ever gets a final status (200–599) from PHP: a 1xx would leave the client
 * waiting for the real answer, and a made-up code is not HTTP. Whichever way PHP sets the
 * status — http_response_code(), an `HTTP/1.1 N` line, a `Status: N` line as php-fpm emits it —
 * anything below 200 or above 599 becomes a 502 in both front doors; anything else is kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logged, startStack, type Stack } from '../support/faults/stack.ts';
import { EVENT_KINDS, eventFor, expectValidResult, get, lambdaAnswer, lambdaDoor, raw } from '../support/doors.ts';
import { cgi } from '../engine-helpers.ts';

const STATUS = `<?php
$n = (int) $_GET['n'];
switch ($_GET['how']) {
  case 'code': http_response_code($n); break;
  case 'line': header("HTTP/1.1 $n Whatever"); break;
  case 'status': header("Status: $n Whatever"); break;
}
echo 'page';
`;

type How = 'code' | 'line' | 'status';
const statusArb = fc.oneof(fc.integer({ min: -5, max: 1100 }), fc.constantFrom(100, 101, 102, 103, 199, 200, 204, 599, 600, 999));

describe('final status', () => {
  let root: string;
  let stack: Stack;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-status-'));
    fs.writeFileSync(path.join(root, 'status.php'), STATUS);
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** What PHP itself ends up with (the engine, before the bridge), and so what the visitor must get. */
  async function want(how: How, n: number): Promise<number> {
    const php = await stack.engine.handle(cgi(`status.php?how=${how}&n=${n}`, { SCRIPT_FILENAME: path.join(root, 'status.php'), DOCUMENT_ROOT: root }), Date.now() + 10_000);
    const statusLine = php.headers.status?.[0];
    const code = statusLine === undefined ? php.status : /^\d{3}( |$)/.test(statusLine) ? Number(statusLine.slice(0, 3)) : Number.NaN;
    return code >= 200 && code <= 599 ? code : 502;
  }

  it.each(['code', 'line', 'status'] as const)('a 101 set with %s is a 502, not an upgrade that hangs the client', async (how) => {
    const res = await raw(stack.port, get(`/status.php?how=${how}&n=101`));
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain('invalid response');
    const answer = lambdaAnswer(await lambdaDoor(stack.config, stack.bridge)(eventFor('function-url', '/status.php', `how=${how}&n=101`)));
    expect(answer.status).toBe(502);
    expect(logged(stack.logs, 'php sent an invalid status').length).toBeGreaterThan(0);
  });

  it('any status PHP sets: kept when final (200–599), else 502 — local server', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<How>('code', 'line', 'status'), statusArb, async (how, n) => {
        const expected = await want(how, n);
        const res = await raw(stack.port, get(`/status.php?how=${how}&n=${n}`));
        expect(res.status, `${how} ${n}`).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('any status PHP sets: kept when final (200–599), else 502 — Lambda handler', async () => {
    const door = lambdaDoor(stack.config, stack.bridge);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<How>('code', 'line', 'status'), statusArb, fc.constantFrom(...EVENT_KINDS), async (how, n, kind) => {
        const expected = await want(how, n);
        const result = await door(eventFor(kind, '/status.php', `how=${how}&n=${n}`));
        expectValidResult(result);
        expect(result.statusCode, `${kind} ${how} ${n}`).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });
});
