import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_VERSION_FILE, CodeTreeCache } from '../bridge/engine/php-wasm/code-cache.ts';
import type { PhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';
import { FsOpCounter, patchFs } from '../bench/fsops/counter.ts';
import type { CgiRequest } from '../bridge/engine/engine.ts';
import { startEngine } from './engine-helpers.ts';

// The packages' .d.ts re-export extensionless paths that nodenext cannot follow: type the slice used.
type Php = {
  mount(path: string, handler: unknown): Promise<unknown>;
  run(options: { code: string }): Promise<{ text: string; errors: string }>;
  exit(): void;
};

async function runtime(processId: number): Promise<Php> {
  const { loadNodeRuntime } = (await import('@php-wasm/node')) as unknown as {
    loadNodeRuntime(version: string, options: object): Promise<number>;
  };
  const { PHP } = (await import('@php-wasm/universal')) as unknown as { PHP: new (runtime: number) => Php };
  return new PHP(await loadNodeRuntime(DEFAULT_PHP_VERSION, { emscriptenOptions: { processId } }));
}

/** One request's worth of PHP, bracketed the way the worker brackets a request. */
async function request(php: Php, cache: CodeTreeCache, code: string): Promise<string> {
  cache.beginRequest();
  const result = await php.run({ code });
  cache.endRequest();
  if (result.errors) throw new Error(result.errors);
  return result.text;
}

/** Host filesystem calls made while `fn` runs, by path relative to `root`. */
async function hostCalls(root: string, fn: () => Promise<unknown>): Promise<string[]> {
  const counter = new FsOpCounter({ traceLimit: 10_000 });
  const restore = patchFs(fs as unknown as Record<string, unknown>, counter);
  try {
    await fn();
  } finally {
    restore();
  }
  return counter.trace.filter((op) => op.path?.startsWith(root)).map((op) => `${op.kind} ${path.relative(root, op.path!)}`);
}

const READ = (file: string) => `<?php echo file_get_contents('${file}');`;

describe('the code-tree cache over a php-wasm mount', () => {
  let root: string;
  let now = 1_000;
  let a: Php;
  let b: Php;
  let cacheA: CodeTreeCache;
  let cacheB: CodeTreeCache;

  beforeAll(async () => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-code-cache-')));
    fs.mkdirSync(path.join(root, 'wp-content/uploads'), { recursive: true });
    fs.writeFileSync(path.join(root, 'theme.json'), '{"version":1}');
    fs.writeFileSync(path.join(root, 'lib.php'), '<?php return "lib";');
    fs.writeFileSync(path.join(root, 'site.sqlite'), 'db-v1');
    const spec = { root, exclude: [path.join(root, 'wp-content/uploads')], revalidateMs: 2000 };
    // Two instances of lamphp on one shared tree, each with its own clock-driven cache.
    cacheA = new CodeTreeCache(spec, () => now);
    cacheB = new CodeTreeCache(spec, () => now);
    a = await runtime(1);
    b = await runtime(2);
    await a.mount(root, cacheA.mountHandler(root));
    await b.mount(root, cacheB.mountHandler(root));
  });
  afterAll(() => {
    a?.exit();
    b?.exit();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const page = `<?php
    echo file_get_contents('${'ROOT'}/theme.json'), ' ', (include '${'ROOT'}/lib.php'), ' ',
      var_export(file_exists('${'ROOT'}/missing.php'), true), ' ', file_get_contents('${'ROOT'}/site.sqlite');`;

  it('answers a warm request from memory: one lstat of the version marker, and the database read from the host', async () => {
    const code = page.replaceAll('ROOT', root);
    expect(await request(a, cacheA, code)).toBe('{"version":1} lib false db-v1');
    const calls = await hostCalls(root, () => request(a, cacheA, code));
    // This runtime has no opcache, so the script's source is read again: one call, not open/fstat/read/close.
    // In the engine opcache keeps compiled scripts and their source is not read again.
    expect(calls.filter((c) => !c.endsWith('site.sqlite'))).toEqual([`lstat ${CODE_VERSION_FILE}`, 'readFile lib.php']);
    expect(calls.filter((c) => c.endsWith('site.sqlite')).length).toBeGreaterThan(0);
  });

  it('sees a change made behind its back once the entry is revalidated (injected clock)', async () => {
    expect(await request(b, cacheB, READ(`${root}/theme.json`))).toBe('{"version":1}');
    fs.writeFileSync(path.join(root, 'theme.json'), '{"version":22}');
    expect(await request(b, cacheB, READ(`${root}/theme.json`))).toBe('{"version":1}');
    now += 1999;
    expect(await request(b, cacheB, READ(`${root}/theme.json`))).toBe('{"version":1}');
    now += 1;
    expect(await request(b, cacheB, READ(`${root}/theme.json`))).toBe('{"version":22}');
  });

  it('sees a change made behind its back after an explicit revalidation', async () => {
    fs.writeFileSync(path.join(root, 'theme.json'), '{"version":333}');
    fs.writeFileSync(path.join(root, 'added.php'), '<?php');
    expect(await request(b, cacheB, READ(`${root}/theme.json`))).toBe('{"version":22}');
    cacheB.revalidate();
    expect(await request(b, cacheB, READ(`${root}/theme.json`))).toBe('{"version":333}');
    expect(await request(b, cacheB, `<?php var_export(file_exists('${root}/added.php'));`)).toBe('true');
  });

  it('a write into the code tree through PHP is seen by the next request of another instance, with no time passing', async () => {
    expect(await request(a, cacheA, READ(`${root}/theme.json`))).toBe('{"version":333}');
    const marker = path.join(root, CODE_VERSION_FILE);
    const before = fs.existsSync(marker) ? fs.statSync(marker).ino : 0;
    await request(b, cacheB, `<?php file_put_contents('${root}/theme.json', '{"version":4444}'); file_put_contents('${root}/new-plugin.php', '<?php');`);
    expect(fs.statSync(marker).ino).not.toBe(before);
    expect(await request(a, cacheA, READ(`${root}/theme.json`))).toBe('{"version":4444}');
    expect(await request(a, cacheA, `<?php var_export(file_exists('${root}/new-plugin.php'));`)).toBe('true');
  });

  it('passes uploads and the database through: writing them leaves the marker alone and reads always reach the host', async () => {
    const marker = path.join(root, CODE_VERSION_FILE);
    const before = fs.statSync(marker).ino;
    await request(a, cacheA, `<?php file_put_contents('${root}/wp-content/uploads/photo.jpg', 'jpg'); file_put_contents('${root}/site.sqlite', 'db-v2');`);
    expect(fs.statSync(marker).ino).toBe(before);
    fs.writeFileSync(path.join(root, 'wp-content/uploads/photo.jpg'), 'jpeg, changed outside');
    expect(await request(b, cacheB, READ(`${root}/wp-content/uploads/photo.jpg`))).toBe('jpeg, changed outside');
    expect(await request(b, cacheB, READ(`${root}/site.sqlite`))).toBe('db-v2');
  });
});

describe('the engine with the code-tree cache', () => {
  let root: string;
  const engines: PhpWasmEngine[] = [];
  const logger = memoryLogger();

  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-code-engine-')));
    fs.writeFileSync(path.join(root, 'read.php'), `<?php echo file_get_contents(__DIR__ . '/settings.json');`);
    fs.writeFileSync(path.join(root, 'edit.php'), `<?php file_put_contents(__DIR__ . '/settings.json', $_GET['v']); echo 'saved';`);
    fs.writeFileSync(path.join(root, 'settings.json'), '"one"');
    fs.writeFileSync(
      path.join(root, 'lock.php'),
      `<?php
$f = __DIR__ . '/notes.txt';
echo file_get_contents($f) === 'notes' ? '' : 'unread';
$a = fopen($f, 'r');
$b = fopen($f, 'r');
$out = ['shared' => flock($a, LOCK_SH | LOCK_NB), 'exclusive while shared elsewhere' => flock($b, LOCK_EX | LOCK_NB)];
flock($a, LOCK_UN);
$out['exclusive once free'] = flock($b, LOCK_EX | LOCK_NB);
fclose($b);
$c = fopen($f, 'r');
$out['exclusive after close'] = flock($c, LOCK_EX | LOCK_NB);
echo json_encode($out);`,
    );
    fs.writeFileSync(path.join(root, 'notes.txt'), 'notes');
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  const start = async () => {
    const { engine } = await startEngine({
      documentRoot: root,
      workers: 1,
      // Far longer than the test: only the version marker can make a change visible.
      codeCache: { revalidateMs: 3_600_000 },
      logger,
    });
    engines.push(engine);
    return engine;
  };
  const get = async (engine: PhpWasmEngine, script: string, query = '') => {
    const req: CgiRequest = {
      requestId: `r-${Math.random()}`,
      body: new Uint8Array(),
      env: {
        REQUEST_METHOD: 'GET',
        REQUEST_URI: `/${script}${query ? `?${query}` : ''}`,
        QUERY_STRING: query,
        SCRIPT_NAME: `/${script}`,
        SCRIPT_FILENAME: path.join(root, script),
        DOCUMENT_ROOT: root,
        SERVER_NAME: 'example.com',
        HTTP_HOST: 'example.com',
      },
    };
    const response = await engine.handle(req, Date.now() + 60_000);
    return new TextDecoder().decode(response.body);
  };

  it('a plugin or theme edit through one instance is served by another on its next request', async () => {
    const [one, two] = await Promise.all([start(), start()]);
    expect(await get(one, 'read.php')).toBe('"one"');
    expect(await get(two, 'read.php')).toBe('"one"');
    expect(await get(one, 'edit.php', 'v=%22two%22')).toBe('saved');
    expect(await get(two, 'read.php')).toBe('"two"');
    expect(await get(one, 'read.php')).toBe('"two"');
  });

  it('a file it serves from memory can still be locked, and the descriptor lent for the lock is closed with the file', async () => {
    const [engine] = await Promise.all([start()]);
    const want = { shared: true, 'exclusive while shared elsewhere': false, 'exclusive once free': true, 'exclusive after close': true };
    // The second request reads the file from memory (it was read once before).
    expect(JSON.parse(await get(engine!, 'lock.php'))).toEqual(want);
    expect(JSON.parse(await get(engine!, 'lock.php'))).toEqual(want);
    const open = fs.readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`) === path.join(root, 'notes.txt');
      } catch {
        return false;
      }
    });
    expect(open, 'host descriptors still open on the locked file').toEqual([]);
  });
});
