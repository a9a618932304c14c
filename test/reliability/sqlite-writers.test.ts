/**
 * SQLite with several writers: two `lamphp serve` processes on one WordPress site directory,
 * one PHP worker each as in Lambda (LAMPHP_WORKERS=1 there), both hammered with writes — posts, options, comments, through
 * WordPress's own API — at the same time. No write is lost (every acknowledged write is in the
 * database, exactly once) and the database is not corrupted (`PRAGMA integrity_check`).
 *
 * This proves the locking plumbing (php-wasm's POSIX locks on host fcntl locks, the engine's
 * shared lock table) between OS processes on a local filesystem. On EFS the same calls become
 * NFSv4 byte-range locks, which EFS supports; what this test cannot show is EFS latency, which
 * makes each lock round trip milliseconds instead of microseconds (see README).
 *
 * Known limit: two processes of several workers each still fail here (SQLITE_IOERR). fcntl()
 * locks belong to the process, so one worker's unlock or close drops a lock another worker of
 * the same process still relies on; the engine's shared table hides that within a process but
 * not from the other process. Open-file-description locks (F_OFD_SETLK) would fix it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, TEST_CACHE_DIR } from '../support/wordpress.ts';

const WRITES_PER_PROCESS = 60;
const IN_FLIGHT_PER_PROCESS = 4;
const KINDS = ['post', 'option', 'comment'] as const;

interface Child {
  process: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function startServe(siteDir: string, tmp: string, extra: string[]): Promise<Child> {
  const child = spawn(
    path.join(REPO, 'node_modules/.bin/node'),
    [path.join(REPO, 'runtime/lamphp.js'), 'serve', '--site-dir', siteDir, '--port', '0', '--workers', '1', ...extra],
    {
      env: { ...process.env, DB_HOST: '', LAMPHP_CACHE_DIR: TEST_CACHE_DIR, LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'), LAMPHP_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 180_000);
    const poll = setInterval(() => {
      const m = /lamphp is serving .*\n\s+(http:\/\/\S+?)\/?\n/.exec(output);
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ process: child, url: m[1]!, output: () => output, exited });
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

describe('two lamphp processes writing one SQLite database', () => {
  let tmp: string;
  let siteDir: string;
  const children: Child[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-sqlite2-'));
    siteDir = path.join(tmp, 'site');
    children.push(await startServe(siteDir, tmp, ['--install', '--admin-password', 'pw-sqlite-writers']));
    fs.writeFileSync(
      path.join(siteDir, 'lamphp-writes.php'),
      `<?php
require __DIR__ . '/wp-load.php';
$tag = $_POST['tag'];
switch ($_POST['kind']) {
  case 'post':
    $id = wp_insert_post(['post_title' => $tag, 'post_content' => 'written by ' . $tag, 'post_status' => 'publish'], true);
    break;
  case 'option':
    $id = add_option($tag, str_repeat('v', 200), '', false) ? 1 : new WP_Error('option', 'add_option failed');
    break;
  case 'comment':
    $id = wp_insert_comment(['comment_post_ID' => 1, 'comment_content' => $tag, 'comment_approved' => 1]) ?: new WP_Error('comment', 'wp_insert_comment failed');
    break;
}
if (is_wp_error($id)) { http_response_code(500); echo 'error: ', $id->get_error_message(); exit; }
echo 'ok ', $id;
`,
    );
    children.push(await startServe(siteDir, tmp, []));
  });
  afterAll(async () => {
    for (const c of children) {
      c.process.kill('SIGTERM');
      await c.exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(`loses no write and keeps the database intact with ${2 * WRITES_PER_PROCESS} concurrent writes from two processes`, async () => {
    expect(children).toHaveLength(2);
    const sent: { kind: (typeof KINDS)[number]; tag: string; status: number; text: string }[] = [];
    await Promise.all(
      children.map(async (child, p) => {
        let next = 0;
        const lane = async () => {
          while (next < WRITES_PER_PROCESS) {
            const i = next++;
            const kind = KINDS[i % KINDS.length]!;
            const tag = `rel_${p}_${kind}_${i}`;
            const res = await fetch(`${child.url}/lamphp-writes.php`, { method: 'POST', body: new URLSearchParams({ kind, tag }) });
            sent.push({ kind, tag, status: res.status, text: await res.text() });
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT_PER_PROCESS }, lane));
      }),
    );
    const failed = sent.filter((w) => w.status !== 200 || !w.text.startsWith('ok '));
    expect(failed, children.map((c) => c.output().slice(-2000)).join('\n---\n')).toEqual([]);

    const db = new DatabaseSync(path.join(siteDir, 'wp-content/database/.ht.sqlite'), { readOnly: true });
    try {
      expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
      const tags = (sql: string) => (db.prepare(sql).all() as { t: string }[]).map((r) => r.t).sort();
      const want = (kind: string) => sent.filter((w) => w.kind === kind).map((w) => w.tag).sort();
      // Exactly once each: no lost write, no duplicate.
      expect(tags("SELECT post_title AS t FROM wp_posts WHERE post_title LIKE 'rel\\_%' ESCAPE '\\'")).toEqual(want('post'));
      expect(tags("SELECT option_name AS t FROM wp_options WHERE option_name LIKE 'rel\\_%' ESCAPE '\\'")).toEqual(want('option'));
      expect(tags("SELECT comment_content AS t FROM wp_comments WHERE comment_content LIKE 'rel\\_%' ESCAPE '\\'")).toEqual(want('comment'));
    } finally {
      db.close();
    }
    // Both processes still serve.
    for (const c of children) expect((await fetch(`${c.url}/`)).status).toBe(200);
  });
});
