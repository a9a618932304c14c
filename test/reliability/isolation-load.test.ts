/**
 * Twenty visitors, 1,000 interleaved requests on one engine with a pool of workers: every
 * response belongs to its own request — cookie, custom header, POST body, `$_SESSION`,
 * `$GLOBALS` and output never reach another visitor. (test/isolation.test.ts does 2 × 120;
 * this is the many-user, high-interleaving version on the same fixture.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Serving } from '../../runtime/local/serve.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { Visitor } from '../support/http-client.ts';

const USERS = 20;
const REQUESTS = 1000;
/** Fewer lanes than visitors, so each lane always finds a visitor with no request in flight. */
const IN_FLIGHT = 16;

describe('isolation between 20 visitors under load', () => {
  let tmp: string;
  let serving: Serving;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-iso20-'));
    const root = path.join(tmp, 'root');
    fs.mkdirSync(root);
    fs.copyFileSync(path.join(import.meta.dirname, '../fixtures/php/isolation.php'), path.join(root, 'isolation.php'));
    serving = await serve({ root, port: 0, workers: 2 }, { ...process.env, LAMPHP_SESSION_DIR: path.join(tmp, 'sessions') }, memoryLogger('warn'));
  });
  afterAll(async () => {
    await serving?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(`every one of ${REQUESTS} interleaved requests from ${USERS} visitors gets only its own cookies, headers, body, session, globals and output`, async () => {
    const users = Array.from({ length: USERS }, (_, i) => {
      const name = `user${String(i).padStart(2, '0')}x${randomBytes(3).toString('hex')}`;
      const visitor = new Visitor(serving.url);
      visitor.cookies.set('user', name);
      return { name, visitor, sessionId: '', hits: 0, busy: false };
    });
    // Each visitor's first request opens its session; the rest interleave at random.
    await Promise.all(users.map(async (u) => {
      const res = await u.visitor.request('/isolation.php', { method: 'POST', headers: { 'x-token': `${u.name}-open` }, body: `who=${u.name}` });
      expect(res.status).toBe(200);
      u.sessionId = u.visitor.cookies.get('PHPSESSID') ?? '';
      expect(u.sessionId).not.toBe('');
      u.hits = 1;
    }));
    expect(new Set(users.map((u) => u.sessionId)).size).toBe(USERS);

    const others = (u: (typeof users)[number]) => users.filter((o) => o !== u).map((o) => o.name);
    let next = USERS;
    const bleed: string[] = [];
    async function lane() {
      while (next < REQUESTS) {
        const i = next++;
        // A visitor's own requests run one at a time (a browser tab's session); others overlap freely.
        const idle = users.filter((u) => !u.busy);
        const u = idle[Math.floor(Math.random() * idle.length)]!;
        u.busy = true;
        try {
          const token = `${u.name}-${i}-${randomBytes(4).toString('hex')}`;
          const payload = randomBytes(Math.floor(Math.random() * 2048)).toString('base64url');
          const res = await u.visitor.request('/isolation.php', {
            method: 'POST',
            headers: { 'x-token': token, 'content-type': 'application/x-www-form-urlencoded' },
            body: `who=${u.name}&n=${i}&payload=${payload}`,
          });
          expect(res.status).toBe(200);
          const out = JSON.parse(res.text);
          u.hits++;
          expect(out.user).toBe(u.name);
          expect(out.cookies.user).toBe(u.name);
          expect(out.cookies.PHPSESSID).toBe(u.sessionId);
          expect(out.token).toBe(token);
          expect(out.post).toEqual({ who: u.name, n: String(i), payload });
          expect(out.owner).toBe(u.name);
          expect(out.hits).toBe(u.hits);
          expect(out.trail).toBe(u.name);
          expect(res.headers.get('x-user')).toBe(u.name);
          expect(res.setCookies.some((c) => c.startsWith(`echo=${u.name}-${u.name}-${i}-`))).toBe(true);
          const seen = JSON.stringify(out) + res.setCookies.join('\n') + (res.headers.get('x-user') ?? '');
          for (const other of others(u)) if (seen.includes(other)) bleed.push(`${other} seen by ${u.name} in request ${i}`);
          expect(u.visitor.cookies.get('PHPSESSID')).toBe(u.sessionId);
        } finally {
          u.busy = false;
        }
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    expect(bleed).toEqual([]);
    expect(users.reduce((n, u) => n + u.hits, 0)).toBe(REQUESTS);
  });
});
