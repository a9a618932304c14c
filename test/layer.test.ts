/**
 * The Lambda layer as Lambda sees it: the built zip unpacked into an empty directory standing in
 * for /opt, nothing from the repository's node_modules reachable, its bootstrap started like
 * Lambda starts it against the Runtime API emulator. Plus: two builds from separate copies of
 * the sources are byte-identical and hold exactly the files of layer/allow-list.txt; the
 * self-contained variants run on their own Node (arm64 under qemu-user where it is installed).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLayer, type LayerBuildResult } from '../layer/build.ts';
import { buildExtensionLayer } from '../layer/extension-layer.ts';
import { extractZip, readZip } from '../layer/zip.ts';
import { startEmulator, type Emulator, type InvokeResult } from '../infra/twin/lambda/runtime-api.ts';
import { serve } from '../runtime/local/serve.ts';
import { memoryLogger } from '../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../bridge/config.ts';
import { REPO, TEST_CACHE_DIR } from './support/wordpress.ts';

const NODE = fs.realpathSync(fs.existsSync(path.join(REPO, 'node_modules/.bin/node')) ? path.join(REPO, 'node_modules/.bin/node') : process.execPath);
const NODE_CACHE = path.join(REPO, '.cache', 'node-packages');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-layer-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const HELLO = `<?php
echo 'Hello from PHP ', PHP_MAJOR_VERSION, '.', PHP_MINOR_VERSION, ' ', $_GET['name'] ?? '';
`;

/** Files of a zip as `mode path` lines, like layer/allow-list.txt. */
function fileList(zip: Uint8Array): string[] {
  return readZip(zip)
    .filter((e) => !e.name.endsWith('/'))
    .map((e) => `${(e.mode & 0o777).toString(8).padStart(4, '0')} ${e.name}`);
}

function allowList(): string[] {
  return fs
    .readFileSync(path.join(REPO, 'layer/allow-list.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/** An empty directory standing in for /opt, with the layer unpacked into it. */
function unpack(zipFile: string, name: string): string {
  const opt = path.join(tmp, name, 'opt');
  fs.mkdirSync(opt, { recursive: true });
  extractZip(fs.readFileSync(zipFile), opt);
  return opt;
}

/** The node_modules directories Node would search from `dir` upwards: none may exist. */
function reachableNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules')) && !d.startsWith(path.join(dir, 'lamphp'))) found.push(path.join(d, 'node_modules'));
    if (path.dirname(d) === d) return found;
  }
}

function urlEvent(rawPath: string, rawQueryString = '') {
  const event = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
  event.rawPath = rawPath;
  event.rawQueryString = rawQueryString;
  event.requestContext.http.path = rawPath;
  event.requestContext.http.method = 'GET';
  event.body = undefined;
  event.isBase64Encoded = false;
  delete event.cookies;
  return event;
}

function bodyOf(r: InvokeResult): string {
  if (r.kind !== 'response') throw new Error(`invocation ended with ${JSON.stringify(r).slice(0, 500)}`);
  const { body, isBase64Encoded } = r.json as { body?: string; isBase64Encoded?: boolean };
  return isBase64Encoded ? Buffer.from(body ?? '', 'base64').toString('utf8') : (body ?? '');
}

interface Started {
  emu: Emulator;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `file` (a bootstrap) with a Lambda-like environment and nothing of the repository on the way. */
async function startBootstrap(file: string, opt: string, root: string, options: { args?: string[]; env?: Record<string, string> } = {}): Promise<Started> {
  expect(reachableNodeModules(opt)).toEqual([]);
  const emu = await startEmulator({ timeoutMs: 300_000 });
  const child = spawn(file, options.args ?? [], {
    cwd: opt,
    env: {
      PATH: '/usr/bin:/bin',
      HOME: path.dirname(opt),
      TMPDIR: os.tmpdir(),
      LANG: 'C.UTF-8',
      AWS_LAMBDA_RUNTIME_API: emu.url,
      AWS_LAMBDA_FUNCTION_NAME: 'lamphp-layer-test',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_REGION: 'us-east-1',
      LAMBDA_TASK_ROOT: path.join(path.dirname(opt), 'task'),
      LAMPHP_DOCUMENT_ROOT: root,
      LAMPHP_SESSION_DIR: path.join(path.dirname(opt), 'sessions'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    emu,
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await emu.close();
    },
  };
}

/** Invokes and fails with the runtime's output when the answer is not a response. */
async function get(rt: Started, rawPath: string, query = ''): Promise<{ status: number; body: string }> {
  const r = await Promise.race([
    rt.emu.invoke(urlEvent(rawPath, query)),
    rt.emu.initError.then((e) => {
      throw new Error(`init error ${e.errorType}: ${e.errorMessage}\n${rt.output()}`);
    }),
  ]);
  if (r.kind !== 'response') throw new Error(`${JSON.stringify(r).slice(0, 500)}\n${rt.output()}`);
  return { status: (r.json as { statusCode: number }).statusCode, body: bodyOf(r) };
}

/** Host paths of shared objects (`.node` bindings) the process has mapped. */
function mappedBindings(pid: number): string[] {
  const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
  return [...new Set(maps.split('\n').map((l) => l.split(/\s+/)[5] ?? '').filter((p) => p.endsWith('.node')))];
}

describe('the default layer (nodejs24.x + AWS_LAMBDA_EXEC_WRAPPER=/opt/lamphp/bootstrap)', () => {
  let built: LayerBuildResult & { lines: string[] };
  let opt: string;
  let siteDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    // The run's shared build (test/global-setup.ts): what buildLayer wrote and printed.
    built = inject('layer');
    lines.push(...built.lines);
    fs.mkdirSync(path.join(tmp, 'dist'), { recursive: true });
    opt = unpack(built.zip, 'default');
    siteDir = path.join(tmp, 'default', 'site');
    // A WordPress site on SQLite, prepared and installed with the repository's own code; the
    // layer then serves it as it would serve the EFS mount.
    const logger = memoryLogger('warn');
    const serving = await serve(
      {
        port: 0,
        workers: 1,
        siteDir,
        install: true,
        title: 'Layer Test Site',
        adminUser: 'admin',
        adminPassword: 'layer-test-password',
        adminEmail: 'admin@example.com',
      },
      { ...process.env, LAMPHP_CACHE_DIR: TEST_CACHE_DIR, LAMPHP_SESSION_DIR: path.join(tmp, 'sessions'), DB_HOST: '' },
      logger,
    );
    await serving.close();
    fs.writeFileSync(path.join(siteDir, 'hello.php'), HELLO);
  });

  it('prints a line per step, a size report, and stays within 12 MB zipped', () => {
    expect(lines.filter((l) => /^\[\d\/4\] /.test(l))).toHaveLength(4);
    expect(lines.join('\n')).toMatch(/zipped +[\d.]+ MB +budget 12\.0 MB/);
    expect(built.zippedBytes).toBeLessThanOrEqual(12 * 1024 * 1024);
    expect(fs.statSync(built.zip).size).toBe(built.zippedBytes);
    // Source maps are kept apart from the layer.
    expect(fs.readdirSync(built.mapsDir).sort()).toEqual(['lamphp.mjs.map', 'php-worker.mjs.map']);
    expect(built.entries.some((e) => e.endsWith('.map'))).toBe(false);
  });

  it('holds exactly the allow-listed files, with fixed modes and timestamps', () => {
    const zip = fs.readFileSync(built.zip);
    expect(fileList(zip)).toEqual(allowList());
    expect(new Set(readZip(zip).map((e) => e.dosTime))).toEqual(new Set([(0 << 25) | (1 << 21) | (1 << 16)]));
    expect(fs.statSync(path.join(opt, 'lamphp/bootstrap')).mode & 0o777).toBe(0o755);
  });

  it('serves hello.php and the WordPress home page from the unpacked layer', async () => {
    // The exec-wrapper shape: Lambda passes the managed runtime's command; only its node is used.
    const rt = await startBootstrap(path.join(opt, 'lamphp/bootstrap'), opt, siteDir, {
      args: [NODE, '--expose-gc', '--max-http-header-size', '81920', '/var/runtime/index.mjs'],
    });
    try {
      const hello = await get(rt, '/hello.php', 'name=layer');
      expect(hello.status).toBe(200);
      expect(hello.body).toBe(`Hello from PHP ${DEFAULT_PHP_VERSION} layer`);

      const home = await get(rt, '/');
      expect(home.status).toBe(200);
      expect(home.body).toContain('<title>Layer Test Site');
      expect(home.body).toMatch(/wp-content\/themes\//);

      // The native lock binding in use is the layer's, for this architecture.
      const bindings = mappedBindings(rt.child.pid!);
      expect(bindings.length).toBeGreaterThan(0);
      for (const b of bindings) expect(b.startsWith(path.join(opt, 'lamphp/node_modules/'))).toBe(true);
      expect(rt.output()).not.toContain(REPO);
    } finally {
      await rt.stop();
    }
  });

  it('the optional intl layer, unpacked into the same /opt, gives PHP intl with LAMPHP_PHP_EXTENSIONS=intl', async () => {
    // The same PHP version as the main layer (its default).
    const ext = buildExtensionLayer({ php: DEFAULT_PHP_VERSION, extension: 'intl', nodeModules: path.join(REPO, 'node_modules'), outDir: path.join(tmp, 'dist'), print: () => {} });
    expect(fileList(fs.readFileSync(ext.zip))).toEqual([
      '0644 lamphp/extensions/intl.json',
      `0644 lamphp/node_modules/@php-wasm/node-${DEFAULT_PHP_VERSION.replace('.', '-')}/jspi/extensions/intl/intl.so`,
      '0644 lamphp/shared/icu.dat',
    ]);
    extractZip(fs.readFileSync(ext.zip), opt);
    fs.writeFileSync(path.join(siteDir, 'intl.php'), '<?php echo extension_loaded("intl") ? (new NumberFormatter("de_DE", NumberFormatter::DECIMAL))->format(1234.5) : "no intl";');
    const rt = await startBootstrap(path.join(opt, 'lamphp/bootstrap'), opt, siteDir, { args: [NODE], env: { LAMPHP_PHP_EXTENSIONS: 'intl' } });
    try {
      expect(await get(rt, '/intl.php')).toEqual({ status: 200, body: '1.234,5' });
    } finally {
      await rt.stop();
    }
  });
});

describe('--php', () => {
  it('8.4 ships only that version and makes it the default of LAMPHP_PHP_VERSION', async () => {
    const built = await buildLayer({ outDir: path.join(tmp, 'dist'), php: '8.4', print: () => {} });
    expect(path.basename(built.zip)).toBe('lamphp-layer-php8.4.zip');
    const files = fileList(fs.readFileSync(built.zip));
    expect(files.some((f) => f.includes('/@php-wasm/node-8-4/jspi/8_4_'))).toBe(true);
    expect(files.filter((f) => f.includes('/@php-wasm/') && !f.includes('/@php-wasm/node-8-4/'))).toEqual([]);
    const opt = unpack(built.zip, 'php84');
    const rt = await startBootstrap(path.join(opt, 'lamphp/bootstrap'), opt, siteWithHello('php84'), { args: [NODE, '/var/runtime/index.mjs'] });
    try {
      expect(await get(rt, '/hello.php')).toEqual({ status: 200, body: 'Hello from PHP 8.4 ' });
    } finally {
      await rt.stop();
    }
  });
});

describe('reproducibility', () => {
  /** The working tree's files (what `git` tracks or would track), copied with this umask and these mtimes. */
  function copySources(dest: string, umask: number, mtime: Date): void {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && fs.existsSync(path.join(REPO, f)));
    for (const f of files) {
      const to = path.join(dest, f);
      fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o777 & ~umask });
      fs.copyFileSync(path.join(REPO, f), to);
      const executable = (fs.statSync(path.join(REPO, f)).mode & 0o100) !== 0;
      fs.chmodSync(to, (executable ? 0o777 : 0o666) & ~umask);
      fs.utimesSync(to, mtime, mtime);
    }
    // The sources only: packages come from the one shared, read-only node_modules.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dest, 'node_modules'));
  }

  function buildIn(dir: string, umask: number): Buffer {
    const r = spawnSync('/bin/sh', ['-c', `umask ${umask.toString(8)} && exec "$0" layer/build.ts --out dist`, NODE], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TZ: umask === 0o077 ? 'Pacific/Kiritimati' : 'America/Los_Angeles' },
    });
    expect(r.stderr).toMatch(/\[4\/4\] zip/);
    expect(r.status).toBe(0);
    return fs.readFileSync(path.join(dir, `dist/lamphp-layer-php${DEFAULT_PHP_VERSION}.zip`));
  }

  it('two builds from separate copies (different paths, mtimes, umask, time zone) are byte-identical and match the allow-list', () => {
    const a = path.join(tmp, 'repro-a', 'src');
    const b = path.join(tmp, 'repro-b', 'one', 'level', 'deeper', 'src');
    copySources(a, 0o022, new Date('2001-02-03T04:05:06Z'));
    copySources(b, 0o077, new Date());
    expect(fs.statSync(path.join(b, 'runtime/lambda/bootstrap')).mode & 0o777).toBe(0o700);
    const zipA = buildIn(a, 0o022);
    const zipB = buildIn(b, 0o077);
    expect(zipA.length).toBeGreaterThan(1024 * 1024);
    expect(Buffer.compare(zipA, zipB)).toBe(0);
    expect(fileList(zipA)).toEqual(allowList());
  });
});

/** The Node package tarball is fetched with npm pack; without the registry the variant cannot be built. */
async function buildWithNode(arch: 'x86_64' | 'arm64'): Promise<LayerBuildResult | string> {
  try {
    return await buildLayer({ outDir: path.join(tmp, 'dist'), arches: [arch], withNode: true, cacheDir: NODE_CACHE, print: () => {} });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENODEFETCH') return (err as Error).message;
    throw err;
  }
}

function siteWithHello(name: string): string {
  const root = path.join(tmp, name, 'site');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'hello.php'), HELLO);
  return root;
}

describe('the self-contained layer (provided.al2023)', () => {
  it('x86_64: /opt/bootstrap runs the layer\'s own Node and serves hello.php', async (ctx) => {
    const built = await buildWithNode('x86_64');
    if (typeof built === 'string') {
      console.log(`skipped: ${built}`);
      return ctx.skip();
    }
    expect(built.zippedBytes).toBeLessThanOrEqual(60 * 1024 * 1024);
    expect(built.unpackedBytes).toBeLessThanOrEqual(200 * 1024 * 1024);
    const expected = [
      ...allowList().filter((l) => !l.includes('linux-arm64')),
      '0755 bootstrap',
      '0644 lamphp/node/LICENSE',
      '0755 lamphp/node/bin/node',
    ].sort((x, y) => (x.slice(5) < y.slice(5) ? -1 : 1));
    expect(fileList(fs.readFileSync(built.zip))).toEqual(expected);

    const opt = unpack(built.zip, 'node-x64');
    const rt = await startBootstrap(path.join(opt, 'bootstrap'), opt, siteWithHello('node-x64'));
    try {
      const hello = await get(rt, '/hello.php');
      expect(hello).toEqual({ status: 200, body: `Hello from PHP ${DEFAULT_PHP_VERSION} ` });
      const exe = fs.readlinkSync(`/proc/${rt.child.pid}/exe`);
      expect(exe).toBe(path.join(opt, 'lamphp/node/bin/node'));
    } finally {
      await rt.stop();
    }
  });

  it('arm64: the layer\'s Node serves hello.php under qemu-user emulation', { timeout: 600_000 }, async (ctx) => {
    const qemu = ['/usr/bin/qemu-aarch64-static', '/usr/bin/qemu-aarch64'].find((q) => fs.existsSync(q));
    if (!qemu) {
      console.log('skipped: qemu-user-static is not installed (apt-get install qemu-user-static)');
      return ctx.skip();
    }
    const sysroot = arm64Sysroot();
    if (!sysroot.ok) {
      console.log(`skipped: ${sysroot.reason}`);
      return ctx.skip();
    }
    const built = await buildWithNode('arm64');
    if (typeof built === 'string') {
      console.log(`skipped: ${built}`);
      return ctx.skip();
    }
    expect(built.zippedBytes).toBeLessThanOrEqual(60 * 1024 * 1024);
    const opt = unpack(built.zip, 'node-arm64');
    const layerNode = path.join(opt, 'lamphp/node/bin/node');
    // Run the layer's arm64 node explicitly through qemu (binfmt_misc may not be registered).
    const wrapper = path.join(tmp, 'node-arm64', 'qemu-node');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${qemu}" -L "${sysroot.dir}" "${layerNode}" "$@"\n`, { mode: 0o755 });
    const rt = await startBootstrap(path.join(opt, 'bootstrap'), opt, siteWithHello('node-arm64'), { env: { LAMPHP_NODE: wrapper } });
    try {
      const hello = await get(rt, '/hello.php');
      expect(hello).toEqual({ status: 200, body: `Hello from PHP ${DEFAULT_PHP_VERSION} ` });
      const maps = fs.readFileSync(`/proc/${rt.child.pid}/maps`, 'utf8');
      expect(maps).toContain(path.join(opt, 'lamphp/node_modules/fs-ext-extra-prebuilt/binaries/fs-ext-linux-arm64-node-24.0.0.node'));
    } finally {
      await rt.stop();
    }
  });
});

/**
 * Debian's arm64 C and C++ runtime (the `*-arm64-cross` packages are architecture-independent,
 * so `apt-get download` fetches them on any host), unpacked into .cache/arm64-sysroot.
 */
function arm64Sysroot(): { ok: true; dir: string } | { ok: false; reason: string } {
  const base = path.join(REPO, '.cache', 'arm64-sysroot');
  const dir = path.join(base, 'usr', 'aarch64-linux-gnu');
  if (fs.existsSync(path.join(dir, 'lib', 'ld-linux-aarch64.so.1'))) return { ok: true, dir };
  const debs = path.join(base, 'debs');
  fs.mkdirSync(debs, { recursive: true });
  const packages = ['libc6-arm64-cross', 'libstdc++6-arm64-cross', 'libgcc-s1-arm64-cross'];
  const dl = spawnSync('apt-get', ['download', ...packages], { cwd: debs, encoding: 'utf8', timeout: 120_000 });
  if (dl.status !== 0) return { ok: false, reason: `no arm64 runtime libraries for qemu (apt-get download ${packages.join(' ')} failed: ${(dl.stderr || dl.error?.message || '').trim()})` };
  for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    const x = spawnSync('dpkg-deb', ['-x', path.join(debs, deb), base], { encoding: 'utf8' });
    if (x.status !== 0) return { ok: false, reason: `dpkg-deb -x ${deb} failed: ${x.stderr}` };
  }
  return fs.existsSync(path.join(dir, 'lib', 'ld-linux-aarch64.so.1'))
    ? { ok: true, dir }
    : { ok: false, reason: `the arm64 packages did not provide ${dir}/lib/ld-linux-aarch64.so.1` };
}
