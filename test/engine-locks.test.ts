/**
 * File locks taken by PHP hold across workers: SQLite writers in two workers of one engine
 * never lose an increment, and a worker killed at its deadline does not keep its locks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cgi, inSeconds, json, rejection, startEngine, text } from './engine-helpers.ts';

/** One OS process with its own engine (one worker, as in Lambda) sending `writes` increments. */
function writerProcess(db: string, writes: number): Promise<{ stdout: string }> {
  const helpers = new URL('./engine-helpers.ts', import.meta.url).href;
  const code = `
    const { startEngine, cgi, inSeconds } = await import(${JSON.stringify(helpers)});
    const { engine } = await startEngine({ workers: 1, queue: 100, extraMounts: [${JSON.stringify(path.dirname(db))}] });
    const rs = await Promise.all(Array.from({ length: ${writes} }, () =>
      engine.handle(cgi('sqlite-counter.php?db=' + encodeURIComponent(${JSON.stringify(db)})), inSeconds(60))));
    await engine.close();
    console.log(JSON.stringify(rs.map((r) => r.errors).filter(Boolean)));
    process.exit(0);`;
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], { timeout: 90_000 });
}

describe('file locks', () => {
  it('serialises SQLite writers in two workers: no lost increment, no corruption', async () => {
    const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-sqlite-'));
    const db = path.join(dbDir, 'counter.db');
    const { engine } = await startEngine({ workers: 2, queue: 100, extraMounts: [dbDir] });
    try {
      const writes = 60;
      const responses = await Promise.all(
        Array.from({ length: writes }, () => engine.handle(cgi(`sqlite-counter.php?db=${encodeURIComponent(db)}`), inSeconds(60))),
      );
      expect(responses.map((r) => r.errors).filter(Boolean)).toEqual([]);
      const check = new DatabaseSync(db);
      expect(check.prepare('SELECT n FROM counter WHERE id = 1').get()).toEqual({ n: writes });
      expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      check.close();
    } finally {
      await engine.close();
    }
  });

  it('serialises SQLite writers in two OS processes (one worker each, the Lambda shape)', async () => {
    const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-sqlite-'));
    const db = path.join(dbDir, 'counter.db');
    const writes = 50;
    const outputs = await Promise.all([writerProcess(db, writes), writerProcess(db, writes)]);
    expect(outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').at(-1)!))).toEqual([[], []]);
    const check = new DatabaseSync(db);
    expect(check.prepare('SELECT n FROM counter WHERE id = 1').get()).toEqual({ n: 2 * writes });
    expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    check.close();
  });

  it('frees the session lock of a script stopped at its deadline', async () => {
    const { engine } = await startEngine({ workers: 1, queue: 5 });
    try {
      const { id } = json(await engine.handle(cgi('session.php?set=kept'), inSeconds(10)));
      const cookie = { HTTP_COOKIE: `PHPSESSID=${id}` };
      expect(await rejection(engine.handle(cgi('session-loop.php', cookie), Date.now() + 400))).toBe('ETIMEDOUT');
      const after = await engine.handle(cgi('session.php', cookie), inSeconds(10));
      expect(json(after)).toMatchObject({ id, value: 'kept' });
      expect(text(after)).not.toBe('');
    } finally {
      await engine.close();
    }
  });
});
