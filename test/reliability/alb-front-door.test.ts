/**
 * ALB specifics, through the real engine: in single-value mode only one Set-Cookie can travel,
 * and it is the last one PHP sent (what a browser given all of them would end with), with the
 * drop logged; the client address is the right-most X-Forwarded-For entry ALB appends, and
 * anything there that is not an IP address gives an empty REMOTE_ADDR and a log line.
 */
import fs from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../bridge/log.ts';
import { startStack, type Stack } from '../support/faults/stack.ts';
import { eventFor, lambdaAnswer, lambdaDoor } from '../support/doors.ts';

describe('ALB front door', () => {
  let root: string;
  let stack: Stack;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-alb-'));
    fs.writeFileSync(path.join(root, 'cookies.php'), `<?php foreach (explode(',', $_GET['v']) as $v) setcookie('sid', $v, ['path' => '/']); echo 'ok';`);
    fs.writeFileSync(path.join(root, 'addr.php'), `<?php header('Content-Type: application/json'); echo json_encode($_SERVER['REMOTE_ADDR'] ?? null);`);
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('single-value mode keeps the last Set-Cookie PHP sent and logs the drop; multi-value mode keeps them all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 5 }), async (values) => {
        const logger = memoryLogger('warn');
        const single = lambdaAnswer(await lambdaDoor(stack.config, stack.bridge, logger)(eventFor('alb', '/cookies.php', `v=${values.join(',')}`)));
        expect(single.headers.get('set-cookie')).toEqual([`sid=${values.at(-1)}; path=/`]);
        const drops = logger.records.filter((r) => /^Dropped \d+ of \d+ Set-Cookie headers \(the last one was kept\)/.test(String(r.msg)));
        expect(drops.map((r) => r.dropped)).toEqual(values.length > 1 ? [values.length - 1] : []);
        const multi = lambdaAnswer(await lambdaDoor(stack.config, stack.bridge)(eventFor('alb-multi', '/cookies.php', `v=${values.join(',')}`)));
        expect(multi.headers.get('set-cookie')).toEqual(values.map((v) => `sid=${v}; path=/`));
      }),
      { numRuns: 15 },
    );
  });

  const entryArb = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom('', ' ', 'unknown', '_gateway', 'localhost', '203.0.113.9:443', '[2001:db8::1]:443', '999.1.1.1', '1.2.3', '2001:db8::zz', '<script>', '1.2.3.4 5.6.7.8', '::ffff:1.2.3.4'),
    fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
  );

  it('REMOTE_ADDR is the right-most X-Forwarded-For entry when it is an IP address, else empty and logged (both header modes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { minLength: 1, maxLength: 3 }), fc.constantFrom('alb', 'alb-multi' as const), async (chain, kind) => {
        const xff = chain.join(', ');
        const logger = memoryLogger('warn');
        const answer = lambdaAnswer(await lambdaDoor(stack.config, stack.bridge, logger)(eventFor(kind, '/addr.php', '', { 'x-forwarded-for': xff })));
        expect(answer.status).toBe(200);
        const last = xff.split(',').map((s) => s.trim()).filter((s) => s !== '').at(-1) ?? '';
        const valid = isIP(last) !== 0;
        expect(JSON.parse(answer.body.toString()), xff).toBe(valid ? last : '');
        const complaint = logger.records.filter((r) => r.msg === 'ALB event without a valid client address in X-Forwarded-For');
        expect(complaint.length, xff).toBe(valid ? 0 : 1);
      }),
      { numRuns: 60 },
    );
  });
});
