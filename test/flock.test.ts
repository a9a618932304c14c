/**
 * flock() as native PHP has it, between two requests running at once: one request holds a lock
 * (shared or exclusive) while another asks for one, on read-only, read-write and write-only
 * handles, blocking and with LOCK_NB. The expected table is checked against Debian's php-cgi
 * first (the reference), then against the engine with the code-tree cache off and on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { cgi, inSeconds, startEngine, text } from './engine-helpers.ts';

const PHP_CGI = '/usr/bin/php-cgi8.2';
const haveCgi = fs.existsSync(PHP_CGI);
if (!haveCgi) console.warn(`flock: ${PHP_CGI} is missing (scripts/system-packages.js installs php8.2-cgi as root): the native reference is skipped`);

/** Waits (up to 10 s) for a marker file another request or the test creates. */
const WAIT = `function await_marker($f) { $until = microtime(true) + 10; clearstatcache();
  while (!file_exists($f)) { if (microtime(true) > $until) return false; usleep(5000); clearstatcache(); } return true; }
$ops = ['SH' => LOCK_SH, 'EX' => LOCK_EX, 'SH|NB' => LOCK_SH | LOCK_NB, 'EX|NB' => LOCK_EX | LOCK_NB];
$d = $_GET['dir'];`;

/** Takes a lock, says so, keeps it until told, unlocks with LOCK_UN and keeps the handle open until the other request is done. */
const HOLD = `<?php ${WAIT}
$h = fopen(__DIR__ . '/target.txt', $_GET['mode']);
$locked = flock($h, $ops[$_GET['op']]);
file_put_contents("$d/held", "");
$told = await_marker("$d/release");
$unlocked = flock($h, LOCK_UN);
$otherDone = await_marker("$d/done");
fclose($h);
echo json_encode(compact('locked', 'told', 'unlocked', 'otherDone'));`;

/** Asks for a lock while HOLD holds one; reports whether it got it and whether it had to wait for the release. */
const TRY = `<?php ${WAIT}
$h = fopen(__DIR__ . '/target.txt', $_GET['mode']);
$locked = flock($h, $ops[$_GET['op']], $wouldBlock);
$waited = file_exists("$d/release");
file_put_contents("$d/done", "");
fclose($h);
echo json_encode(compact('locked', 'waited', 'wouldBlock'));`;

const MODES = ['r', 'r+', 'a'] as const; // read-only, read-write, write-only
const HELD = ['SH', 'EX'] as const;
const ASKED = ['SH', 'EX', 'SH|NB', 'EX|NB'] as const;
const CASES = MODES.flatMap((holdMode) =>
  MODES.flatMap((tryMode) => HELD.flatMap((held) => ASKED.map((asked) => ({ holdMode, held, tryMode, asked })))),
);
type Case = (typeof CASES)[number];

/** What native PHP does: shared locks coexist, an exclusive one excludes; LOCK_NB answers at once. */
function expected({ held, asked }: Case) {
  const conflict = held === 'EX' || asked.startsWith('EX');
  const nonBlocking = asked.endsWith('|NB');
  return {
    hold: { locked: true, told: true, unlocked: true, otherDone: true },
    try: nonBlocking ? { locked: !conflict, waited: false, wouldBlock: conflict ? 1 : 0 } : { locked: true, waited: conflict, wouldBlock: 0 },
  };
}

type Run = (script: 'hold.php' | 'try.php', query: string) => Promise<string>;

let root: string;
let markers: string;
beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-flock-root-')));
  markers = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-flock-markers-')));
  fs.writeFileSync(path.join(root, 'hold.php'), HOLD);
  fs.writeFileSync(path.join(root, 'try.php'), TRY);
  fs.writeFileSync(path.join(root, 'target.txt'), 'locked by the tests');
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(markers, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(file: string): Promise<void> {
  const stop = Date.now() + 10_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > stop) throw new Error(`${file} never appeared`);
    await sleep(5);
  }
}

/** One case: HOLD takes its lock, then TRY asks; a blocked TRY is given time to return early (it must not), then HOLD is told to release. */
let plays = 0;
async function play(run: Run, c: Case) {
  // Fresh names each time: a worker's filesystem layer may still know a deleted marker.
  const dir = fs.mkdtempSync(path.join(markers, `${++plays}-`));
  const q = (mode: string, op: string) => new URLSearchParams({ dir, mode, op }).toString();
  const hold = run('hold.php', q(c.holdMode, c.held));
  await until(path.join(dir, 'held'));
  const attempt = run('try.php', q(c.tryMode, c.asked));
  await Promise.race([attempt, sleep(c.asked.endsWith('|NB') ? 10_000 : 200)]);
  fs.writeFileSync(path.join(dir, 'release'), '');
  const [h, t] = await Promise.all([hold, attempt]);
  return { hold: JSON.parse(h), try: JSON.parse(t) };
}

async function table(run: Run) {
  const seen = [];
  for (const c of CASES) seen.push({ ...c, ...(await play(run, c)) });
  return seen;
}
const want = () => CASES.map((c) => ({ ...c, ...expected(c) }));

describe.skipIf(!haveCgi)('flock() in native PHP (php-cgi, the reference)', () => {
  const run: Run = (script, query) =>
    new Promise((resolve, reject) => {
      const child = spawn(PHP_CGI, ['-n'], {
        env: { REDIRECT_STATUS: '200', GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', SCRIPT_FILENAME: path.join(root, script), QUERY_STRING: query },
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.on('error', reject);
      child.on('close', () => resolve(out.slice(out.indexOf('\r\n\r\n') + 4)));
    });

  it('matches the table', async () => {
    expect(await table(run)).toEqual(want());
  });
});

describe.each([
  { cache: 'off', codeCache: undefined },
  { cache: 'on', codeCache: { revalidateMs: 3_600_000 } },
])('flock() between two workers of the engine, code-tree cache $cache', ({ codeCache }) => {
  let engine: PhpWasmEngine;
  beforeAll(async () => {
    ({ engine } = await startEngine({ documentRoot: root, workers: 2, queue: 10, extraMounts: [markers], ...(codeCache && { codeCache }) }));
  });
  afterAll(async () => {
    await engine?.close();
  });

  const run: Run = async (script, query) => {
    const response = await engine.handle(cgi(`${script}?${query}`, { SCRIPT_FILENAME: path.join(root, script), DOCUMENT_ROOT: root }), inSeconds(30));
    if (response.errors) throw new Error(response.errors);
    return text(response);
  };

  it('matches native PHP', async () => {
    expect(await table(run)).toEqual(want());
  });
});
