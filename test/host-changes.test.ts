/**
 * Changes another process makes on the host (another Lambda instance on the same EFS, a deploy,
 * a cron) are what PHP sees on its next request, as in native PHP: a deleted file is gone and can
 * be created again at the same path, a deleted directory's path can be made again, a created or
 * renamed file is seen. Emscripten keeps the nodes it looked up; see fresh-nodes.ts. Also
 * touch(), which WordPress calls in wp_tempnam() for updates and media sideloads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { cgi, inSeconds, startEngine, text } from './engine-helpers.ts';

const STEP = `<?php
$names = ['a', 'b', 'd']; $d = $_GET['dir']; $p = "$d/" . ($_GET['name'] ?? '');
$ok = null; $e = null;
switch ($_GET['op'] ?? '') {
  case 'write': $ok = @file_put_contents($p, 'php') === 3; break;
  case 'fopen': $h = @fopen($p, 'w'); $ok = $h !== false; if ($h) { fwrite($h, 'php'); fclose($h); } break;
  case 'read': $ok = @file_get_contents($p) !== false; break;
  case 'unlink': $ok = @unlink($p); break;
  case 'mkdir': $ok = @mkdir($p); break;
  case 'touch': $ok = @touch($p); break;
}
if ($ok === false) $e = error_get_last()['message'] ?? null;
clearstatcache();
$view = [];
foreach ($names as $n) $view[$n] = is_dir("$d/$n") ? 'dir' : (file_exists("$d/$n") ? 'file' : null);
echo json_encode(['ok' => $ok, 'view' => $view, 'error' => $e]);`;

const TOUCH = `<?php
$p = $_GET['p']; $r = [];
$r['missing'] = touch($p); clearstatcache();
$r['created'] = is_file($p) && filesize($p) === 0;
$r['times'] = touch($p, 1000000000, 1000000001); clearstatcache();
$r['mtime'] = filemtime($p); $r['atime'] = fileatime($p);
if (isset($_GET['unlink'])) $r['unlinked'] = unlink($p);
echo json_encode($r);`;

type Kind = 'file' | 'dir';
type View = Record<string, Kind | null>;
const NAMES = ['a', 'b', 'd'] as const;
type Name = (typeof NAMES)[number];
type Step =
  | { by: 'host'; op: 'create' | 'mkdir' | 'delete'; name: Name }
  | { by: 'host'; op: 'rename'; name: Name; to: Name }
  | { by: 'php'; op: 'write' | 'fopen' | 'read' | 'unlink' | 'mkdir' | 'touch' | 'look'; name: Name };

const name = fc.constantFrom(...NAMES);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ by: fc.constant('host' as const), op: fc.constantFrom('create' as const, 'mkdir' as const, 'delete' as const), name }),
  fc.record({ by: fc.constant('host' as const), op: fc.constant('rename' as const), name, to: name }),
  fc.record({ by: fc.constant('php' as const), op: fc.constantFrom('write' as const, 'fopen' as const, 'read' as const, 'unlink' as const, 'mkdir' as const, 'touch' as const, 'look' as const), name }),
);

/** What native PHP does to the model, and whether the call succeeds. */
function phpStep(model: Map<Name, Kind>, op: Step['op'], n: Name): boolean | null {
  const kind = model.get(n);
  switch (op) {
    case 'write':
    case 'fopen':
    case 'touch':
      if (kind === 'dir') return op === 'touch'; // touch() on a directory sets its times
      model.set(n, 'file');
      return true;
    case 'read':
      return kind !== undefined; // on a directory: '' and a warning (EISDIR on read), as on Linux
    case 'unlink':
      if (kind !== 'file') return false;
      model.delete(n);
      return true;
    case 'mkdir':
      if (kind) return false;
      model.set(n, 'dir');
      return true;
    default:
      return null;
  }
}

function hostStep(dir: string, model: Map<Name, Kind>, s: Step & { by: 'host' }): void {
  const p = path.join(dir, s.name);
  const kind = model.get(s.name);
  if (s.op === 'create' && !kind) fs.writeFileSync(p, 'host'), model.set(s.name, 'file');
  if (s.op === 'mkdir' && !kind) fs.mkdirSync(p), model.set(s.name, 'dir');
  if (s.op === 'delete' && kind) fs.rmSync(p, { recursive: true }), model.delete(s.name);
  if (s.op === 'rename' && kind && !model.has(s.to)) {
    fs.renameSync(p, path.join(dir, s.to));
    model.delete(s.name);
    model.set(s.to, kind);
  }
}

const viewOf = (model: Map<Name, Kind>): View => Object.fromEntries(NAMES.map((n) => [n, model.get(n) ?? null]));
const hostView = (dir: string): View =>
  Object.fromEntries(NAMES.map((n) => {
    const st = fs.statSync(path.join(dir, n), { throwIfNoEntry: false });
    return [n, st ? (st.isDirectory() ? 'dir' : 'file') : null];
  }));

let root: string;
beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-host-changes-')));
  fs.mkdirSync(path.join(root, 'wp-content/uploads'), { recursive: true });
  fs.mkdirSync(path.join(root, 'code'), { recursive: true });
  fs.writeFileSync(path.join(root, 'step.php'), STEP);
  fs.writeFileSync(path.join(root, 'touch.php'), TOUCH);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// Cache off: every directory is plain NODEFS. Cache on: the uploads directory passes through the
// cache (the code tree itself is revalidated on the cache's own schedule, LAMPHP_CODE_CACHE_REVALIDATE_MS).
describe.each([
  { cache: 'off', codeCache: undefined, under: 'code' },
  { cache: 'on', codeCache: { revalidateMs: 3_600_000 }, under: 'wp-content/uploads' },
])('host-side changes, code-tree cache $cache', ({ codeCache, under }) => {
  let engine: PhpWasmEngine;
  beforeAll(async () => {
    ({ engine } = await startEngine({ documentRoot: root, workers: 1, ...(codeCache && { codeCache }) }));
  });
  afterAll(async () => {
    await engine?.close();
  });
  const run = async (script: string, query: Record<string, string>) => {
    const response = await engine.handle(cgi(`${script}?${new URLSearchParams(query)}`, { SCRIPT_FILENAME: path.join(root, script), DOCUMENT_ROOT: root }), inSeconds(30));
    if (response.errors) throw new Error(response.errors);
    return JSON.parse(text(response));
  };

  let runs = 0;
  it('PHP sees what the host has after every step of a generated sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const dir = path.join(root, under, `run-${++runs}`);
        fs.mkdirSync(dir);
        const model = new Map<Name, Kind>();
        for (const s of steps) {
          let want: boolean | null = null;
          if (s.by === 'host') hostStep(dir, model, s);
          else want = phpStep(model, s.op, s.name);
          const got = await run('step.php', s.by === 'php' ? { dir, op: s.op, name: s.name } : { dir });
          expect({ step: s, ok: got.ok, view: got.view }).toEqual({ step: s, ok: want, view: viewOf(model) });
          expect(hostView(dir)).toEqual(viewOf(model));
        }
      }),
      { numRuns: 40, seed: 20261205 },
    );
  }, 60_000);

  it('touch() creates a missing file and sets given times, in the tree and in /tmp', async () => {
    const want = { missing: true, created: true, times: true, mtime: 1000000000, atime: 1000000001 };
    // With the cache on, the code tree itself learns of host changes on the cache's schedule (README): only uploads here.
    for (const p of [path.join(root, under, 'touched.txt'), ...(codeCache ? [] : [path.join(root, 'touched-at-root.txt')])]) {
      expect(await run('touch.php', { p })).toEqual(want);
      // Deleted on the host after PHP knew it ("Utime failed" when PHP still saw the old file): created once more.
      fs.rmSync(p);
      expect(await run('touch.php', { p })).toEqual(want);
      fs.rmSync(p);
    }
    // PHP's own /tmp (in memory, not a host directory).
    const tmp = `/tmp/lamphp-touch-${runs}`;
    expect(await run('touch.php', { p: tmp, unlink: '1' })).toEqual({ ...want, unlinked: true });
    expect(await run('touch.php', { p: tmp, unlink: '1' })).toEqual({ ...want, unlinked: true });
  });
});
