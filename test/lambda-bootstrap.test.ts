import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const bootstrap = path.join(repo, 'runtime/lambda/bootstrap');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-bootstrap-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A stand-in node that says who it is, then runs the real one. */
function fakeNode(file: string, name: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\nLAMPHP_TEST_NODE=${name} exec "${process.execPath}" "$@"\n`, { mode: 0o755 });
  return file;
}

/** A layer directory: the bootstrap, a bundle stub printing what started it, optionally a node. */
function layer(name: string, withNode: boolean): string {
  const dir = path.join(tmp, name, 'lamphp');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(bootstrap, path.join(dir, 'bootstrap'));
  fs.chmodSync(path.join(dir, 'bootstrap'), 0o755);
  fs.writeFileSync(
    path.join(dir, 'lamphp.mjs'),
    'console.log(JSON.stringify({ node: process.env.LAMPHP_TEST_NODE ?? "path", entry: process.argv[1], args: process.argv.slice(2) }));\n',
  );
  if (withNode) fakeNode(path.join(dir, 'node/bin/node'), 'layer');
  return dir;
}

function run(file: string, args: string[] = [], env: Record<string, string> = {}) {
  const pathDir = path.dirname(fakeNode(path.join(tmp, 'path-bin/node'), 'path'));
  const r = spawnSync(file, args, { env: { PATH: `${pathDir}:/usr/bin:/bin`, ...env }, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { node: string; entry: string; args: string[] };
}

describe('runtime/lambda/bootstrap', () => {
  it('is an executable sh script', () => {
    expect(fs.statSync(bootstrap).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(bootstrap, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('as provided.al2023 bootstrap (no arguments) runs the bundle with the node shipped beside it', () => {
    const dir = layer('custom', true);
    expect(run(path.join(dir, 'bootstrap'))).toEqual({ node: 'layer', entry: path.join(dir, 'lamphp.mjs'), args: [] });
  });

  it('as exec wrapper ignores the managed runtime command but reuses its node', () => {
    const dir = layer('wrapper', true);
    const managed = fakeNode(path.join(tmp, 'var/lang/bin/node'), 'managed');
    const out = run(path.join(dir, 'bootstrap'), [managed, '--expose-gc', '--max-http-header-size', '81920', '/var/runtime/index.mjs']);
    expect(out).toEqual({ node: 'managed', entry: path.join(dir, 'lamphp.mjs'), args: [] });
  });

  it('falls back to node on PATH, and honours LAMPHP_NODE first', () => {
    const dir = layer('bare', false);
    expect(run(path.join(dir, 'bootstrap')).node).toBe('path');
    const chosen = fakeNode(path.join(tmp, 'chosen/node'), 'chosen');
    expect(run(path.join(dir, 'bootstrap'), ['/var/lang/bin/node', '/var/runtime/index.mjs'], { LAMPHP_NODE: chosen }).node).toBe('chosen');
  });

  it('finds its files through a symlink (/opt/bootstrap → /opt/lamphp/bootstrap)', () => {
    const dir = layer('linked', true);
    const link = path.join(tmp, 'linked', 'bootstrap');
    fs.symlinkSync(path.join(dir, 'bootstrap'), link);
    expect(run(link)).toMatchObject({ node: 'layer', entry: path.join(dir, 'lamphp.mjs') });
  });
});
