/**
 * Two visitors interleaved over hundreds of concurrent requests on one engine with a pool of
 * workers: no cookie, header, body, session or output of one ever reaches the other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Serving } from '../runtime/local/serve.ts';
import { memoryLogger } from '../bridge/log.ts';
import { Visitor } from './support/http-client.ts';

describe('isolation between visitors', () => {
  let tmp: string;
  let serving: Serving;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-iso-'));
    const root = path.join(tmp, 'root');
    fs.mkdirSync(root);
    fs.copyFileSync(path.join(import.meta.dirname, 'fixtures/php/isolation.php'), path.join(root, 'isolation.php'));
    serving = await serve(
      { root, port: 0, workers: 2 },
      { ...process.env, LAMPHP_SESSION_DIR: path.join(tmp, 'sessions') },
      memoryLogger('warn'),
    );
  });

  afterAll(async () => {
    await serving?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps cookies, headers, bodies, sessions and output apart over 240 interleaved requests', async () => {
    const users = ['alice', 'bob'].map((name) => {
      const v = new Visitor(serving.url);
      v.cookies.set('user', name);
      return { name, visitor: v, sessionId: '' };
    });
    const rounds = 120;
    for (let round = 0; round < rounds; round += 6) {
      const batch: Promise<void>[] = [];
      for (let i = round; i < Math.min(rounds, round + 6); i++) {
        for (const u of users) {
          batch.push(
            (async () => {
              const token = `${u.name}-${i}`;
              const res = await u.visitor.request('/isolation.php', {
                method: 'POST',
                headers: { 'x-token': token, 'content-type': 'application/x-www-form-urlencoded' },
                body: `who=${u.name}&n=${i}`,
              });
              expect(res.status).toBe(200);
              const out = JSON.parse(res.text);
              expect(out.user).toBe(u.name);
              expect(out.cookies.user).toBe(u.name);
              expect(out.token).toBe(token);
              expect(out.body).toBe(`who=${u.name}&n=${i}`);
              expect(out.post).toEqual({ who: u.name, n: String(i) });
              expect(out.trail).toBe(u.name);
              expect(res.headers.get('x-user')).toBe(u.name);
              for (const c of res.setCookies) expect(c).not.toContain(u.name === 'alice' ? 'bob' : 'alice');
              if (out.owner !== u.name) throw new Error(`session of ${out.owner} served to ${u.name}`);
              expect(JSON.stringify(out)).not.toContain(u.name === 'alice' ? 'bob' : 'alice');
            })(),
          );
        }
      }
      await Promise.all(batch);
      // The first round fixes each visitor's session id; it must never change afterwards.
      for (const u of users) {
        const id = u.visitor.cookies.get('PHPSESSID') ?? '';
        if (u.sessionId === '') u.sessionId = id;
        expect(id).toBe(u.sessionId);
      }
    }
    expect(users[0]!.sessionId).not.toBe(users[1]!.sessionId);
  });
});
