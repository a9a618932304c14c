import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { SNAPSHOT_DIR } from '../bridge/engine/php-wasm/opcache-snapshot.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';
import type { CgiRequest } from '../bridge/engine/engine.ts';
import { startEngine } from './engine-helpers.ts';

describe('opcache snapshots', () => {
  let root: string;
  const engines: PhpWasmEngine[] = [];

  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-opcache-snapshot-')));
    fs.writeFileSync(path.join(root, 'page.php'), `<?php echo require __DIR__ . '/lib.php';`);
    fs.writeFileSync(path.join(root, 'lib.php'), `<?php return 'v1';`);
    // Lists opcache's file cache as the runtime found it (this script's own entry left out).
    fs.writeFileSync(
      path.join(root, 'list.php'),
      `<?php $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator('/internal/opcache', FilesystemIterator::SKIP_DOTS));
      $names = []; foreach ($it as $f) if (!str_ends_with($f->getPathname(), 'list.php.bin')) $names[] = basename($f->getPathname());
      sort($names); echo implode(',', $names);`,
    );
    // Opcache leaves alone scripts changed in the last 2 s (opcache.file_update_protection).
    const past = new Date(Date.now() - 60_000);
    for (const f of ['page.php', 'lib.php', 'list.php']) fs.utimesSync(path.join(root, f), past, past);
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  const start = async () => {
    const { engine } = await startEngine({
      documentRoot: root,
      workers: 1,
      opcacheSnapshot: { afterRequests: 1 },
    });
    engines.push(engine);
    return engine;
  };
  const get = async (engine: PhpWasmEngine, script: string) => {
    const req: CgiRequest = {
      requestId: `r-${Math.random()}`,
      body: new Uint8Array(),
      env: { REQUEST_METHOD: 'GET', REQUEST_URI: `/${script}`, SCRIPT_NAME: `/${script}`, SCRIPT_FILENAME: path.join(root, script), DOCUMENT_ROOT: root, HTTP_HOST: 'example.com' },
    };
    return new TextDecoder().decode((await engine.handle(req, Date.now() + 60_000)).body);
  };

  it('is written after a worker has served its first requests, and a runtime booted later starts with its compiled scripts', async () => {
    const first = await start();
    expect(await get(first, 'page.php')).toBe('v1');
    // Written after the answer, in the gap before the worker's next request.
    const dir = path.join(root, SNAPSHOT_DIR);
    for (let i = 0; i < 200 && !(fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.bin'))); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const snapshots = fs.readdirSync(dir);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatch(new RegExp(`^php${DEFAULT_PHP_VERSION.replace('.', '\\.')}-[0-9a-f]{16}\\.bin$`));

    const second = await start();
    expect((await get(second, 'list.php')).split(',')).toEqual(expect.arrayContaining(['lib.php.bin', 'page.php.bin']));
  });

  it('never serves a script older than the file on disk', async () => {
    // Another mtime and size than the snapshot's entry for lib.php.
    fs.writeFileSync(path.join(root, 'lib.php'), `<?php return 'version two';`);
    fs.utimesSync(path.join(root, 'lib.php'), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    const third = await start();
    expect(await get(third, 'page.php')).toBe('version two');
  });
});
