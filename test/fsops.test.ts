import fs from 'node:fs';
import * as fsNamespace from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyBy, FsOpCounter, patchFs, wrapFs } from '../bench/fsops/counter.ts';
import { countingNodeFsMountHandler } from '../bench/fsops/nodefs.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';

/** The Emscripten FS calls the NODEFS test makes. */
interface EmscriptenFS {
  stat(path: string): unknown;
  open(path: string, flags: string): unknown;
  read(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
  llseek(stream: unknown, offset: number, whence: number): number;
  close(stream: unknown): void;
  readdir(path: string): string[];
  writeFile(path: string, data: string): void;
}

let dir: string;
beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fsops-')));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FsOpCounter over a wrapped fs', () => {
  it('counts a known sequence of operations exactly, by kind and by path class', () => {
    const counter = new FsOpCounter({ traceLimit: 100 });
    const wfs = wrapFs(fs, counter);
    const php = path.join(dir, 'index.php');
    const db = path.join(dir, 'site.sqlite');

    wfs.mkdirSync(path.join(dir, 'sub')); // mkdir · other
    wfs.writeFileSync(php, '<?php echo "hello";'); // writeFile · php
    const fd = wfs.openSync(php, 'r'); // open · php
    const size = wfs.fstatSync(fd).size; // fstat · php (class from the open)
    const buffer = Buffer.alloc(size);
    wfs.readSync(fd, buffer, 0, 5, 0); // read · php
    wfs.readSync(fd, buffer, 5, size - 5, 5); // read · php
    wfs.closeSync(fd); // close · php
    wfs.statSync(php); // stat · php
    wfs.lstatSync(path.join(dir, 'sub')); // lstat · other
    wfs.readdirSync(dir); // readdir · other
    expect(wfs.existsSync(path.join(dir, 'missing.json'))).toBe(false); // exists · json
    expect(() => wfs.statSync(path.join(dir, 'missing.json'))).toThrow(expect.objectContaining({ code: 'ENOENT' })); // stat · json
    const dbFd = wfs.openSync(db, 'w'); // open · sqlite
    wfs.writeSync(dbFd, 'page'); // write · sqlite
    wfs.closeSync(dbFd); // close · sqlite
    wfs.readFileSync(db); // readFile · sqlite
    wfs.realpathSync.native(php); // realpath · php (keeps the .native property)

    expect(buffer.toString()).toBe('<?php echo "hello";');
    expect(counter.counts()).toEqual({
      total: 17,
      byKind: { mkdir: 1, writeFile: 1, open: 2, fstat: 1, read: 2, close: 2, stat: 2, lstat: 1, readdir: 1, exists: 1, write: 1, readFile: 1, realpath: 1 },
      byClass: {
        php: { writeFile: 1, open: 1, fstat: 1, read: 2, close: 1, stat: 1, realpath: 1 },
        other: { mkdir: 1, lstat: 1, readdir: 1 },
        json: { exists: 1, stat: 1 },
        sqlite: { open: 1, write: 1, close: 1, readFile: 1 },
      },
      delayedMs: 0,
    });
    expect(counter.trace.map((op) => op.kind)).toEqual([
      'mkdir', 'writeFile', 'open', 'fstat', 'read', 'read', 'close', 'stat', 'lstat', 'readdir', 'exists', 'stat', 'open', 'write', 'close', 'readFile', 'realpath',
    ]);
    counter.reset();
    expect(counter.counts()).toEqual({ total: 0, byKind: {}, byClass: {}, delayedMs: 0 });
    // The original module was not touched.
    fs.statSync(php);
    expect(counter.total).toBe(0);
  });

  it('counts callback and promise calls too, and classifies by configurable rules', async () => {
    const counter = new FsOpCounter({ classify: classifyBy([['content', path.join(dir, 'wp-content')]]) });
    const wfs = wrapFs(fs, counter);
    fs.mkdirSync(path.join(dir, 'wp-content'), { recursive: true });
    const file = path.join(dir, 'wp-content', 'theme.json');
    await wfs.promises.writeFile(file, '{}');
    await new Promise<void>((resolve, reject) => wfs.stat(file, (err) => (err ? reject(err) : resolve())));
    const handle = await wfs.promises.open(file, 'r');
    await handle.close(); // FileHandle methods are not fs calls on the wrapped object
    await wfs.promises.readFile(path.join(dir, 'index.php'));
    expect(counter.counts().byClass).toEqual({ content: { writeFile: 1, stat: 1, open: 1 }, php: { readFile: 1 } });
  });

  it('holds each operation for the configured delay (a network filesystem model)', () => {
    const counter = new FsOpCounter({ delayMs: { stat: 15 } });
    const wfs = wrapFs(fs, counter);
    const start = performance.now();
    for (let i = 0; i < 3; i++) wfs.statSync(dir);
    wfs.readdirSync(dir);
    expect(performance.now() - start).toBeGreaterThanOrEqual(44);
    expect(counter.counts().delayedMs).toBe(45);
  });
});

describe('patchFs on the node:fs module', () => {
  it('sees calls made through require("fs") and ESM imports, until restored', () => {
    const counter = new FsOpCounter();
    const required = createRequire(import.meta.url)('fs') as typeof fs;
    expect(required).toBe(fs);
    const restore = patchFs(fs as unknown as Record<string, unknown>, counter);
    try {
      required.lstatSync(dir);
      fs.statSync(dir);
      fsNamespace.readdirSync(dir);
    } finally {
      restore();
    }
    fs.statSync(dir);
    expect(counter.counts().byKind).toEqual({ lstat: 1, stat: 1, readdir: 1 });
  });
});

describe('a counting php-wasm mount', () => {
  it('counts the host calls of NODEFS operations exactly, matching the fs module underneath', async () => {
    // The packages' .d.ts re-export extensionless paths that nodenext cannot follow: type the slice used.
    const { loadNodeRuntime } = (await import('@php-wasm/node')) as unknown as {
      loadNodeRuntime(version: string, options: object): Promise<number>;
    };
    const { PHP, __private__dont__use } = (await import('@php-wasm/universal')) as unknown as {
      PHP: new (runtime: number) => {
        mount(path: string, handler: unknown): Promise<unknown>;
        run(options: { code: string }): Promise<{ text: string }>;
        exit(): void;
      };
      __private__dont__use: symbol;
    };
    const site = path.join(dir, 'site');
    fs.mkdirSync(site, { recursive: true });
    fs.writeFileSync(path.join(site, 'data.json'), '{"a":1}');
    fs.writeFileSync(path.join(site, 'index.php'), '<?php echo "x";');
    const php = new PHP(await loadNodeRuntime(DEFAULT_PHP_VERSION, { emscriptenOptions: { processId: 1 } }));
    try {
      const mounted = new FsOpCounter({ traceLimit: 50 });
      await php.mount('/srv', countingNodeFsMountHandler(site, mounted));
      const FS = (php as unknown as Record<symbol, { FS: EmscriptenFS }>)[__private__dont__use]!.FS;

      const host = new FsOpCounter();
      const restore = patchFs(fs as unknown as Record<string, unknown>, host);
      try {
        // A known sequence through Emscripten's FS, each line with the host calls it makes.
        FS.stat('/srv/data.json'); // lookup → lstat; getattr → lstat
        const stream = FS.open('/srv/data.json', 'r'); // node cached by the stat; open
        const buffer = new Uint8Array(16);
        const n = FS.read(stream, buffer, 0, 16, 0); // read
        FS.llseek(stream, 0, 2); // SEEK_END → fstat
        FS.close(stream); // close
        FS.readdir('/srv'); // readdir
        // lookup → lstat (ENOENT); mknod looks again → lstat (ENOENT), creates → writeFile;
        // open; the new file's mode → chmod; write; close
        FS.writeFile('/srv/new.txt', 'hello');
        expect(new TextDecoder().decode(buffer.subarray(0, n))).toBe('{"a":1}');
      } finally {
        restore();
      }
      // The mount counts what the fs module saw, call for call.
      expect(mounted.counts().byKind).toEqual(host.counts().byKind);
      expect(mounted.trace.map((op) => `${op.kind} ${path.basename(op.path!)}`)).toEqual([
        'lstat data.json', 'lstat data.json', 'open data.json', 'read data.json', 'fstat data.json', 'close data.json',
        'readdir site',
        'lstat new.txt', 'lstat new.txt', 'writeFile new.txt', 'open new.txt', 'chmod new.txt', 'write new.txt', 'close new.txt',
      ]);
      expect(mounted.counts()).toEqual({
        total: 14,
        byKind: { lstat: 4, open: 2, read: 1, fstat: 1, close: 2, readdir: 1, writeFile: 1, chmod: 1, write: 1 },
        byClass: {
          json: { lstat: 2, open: 1, read: 1, fstat: 1, close: 1 },
          other: { readdir: 1 },
          asset: { lstat: 2, writeFile: 1, open: 1, chmod: 1, write: 1, close: 1 },
        },
        delayedMs: 0,
      });
      expect(fs.readFileSync(path.join(site, 'new.txt'), 'utf8')).toBe('hello');

      // PHP itself through the counting mount: counted, and still correct.
      mounted.reset();
      const result = await php.run({ code: '<?php echo file_get_contents("/srv/data.json"), count(scandir("/srv"));' });
      expect(result.text).toBe('{"a":1}5');
      expect(mounted.counts().byKind.open).toBeGreaterThanOrEqual(1);
      expect(mounted.counts().byClass.json?.read).toBeGreaterThanOrEqual(1);
    } finally {
      php.exit();
    }
  });
});
