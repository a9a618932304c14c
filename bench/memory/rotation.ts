/**
 * RSS of one process with one PHP worker over N hello.php requests, runtimes replaced every
 * `--quota` requests, once per rotation mode (same run, same machine).
 *   node bench/memory/rotation.ts [--requests 5000] [--quota 500]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { createPhpWasmEngine } from '../../bridge/engine/php-wasm/index.ts';
import { createLogger } from '../../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../../bridge/config.ts';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '5000' }, quota: { type: 'string', default: '500' }, mode: { type: 'string' } },
});
if (values.mode === undefined) {
  // Each mode in a fresh process, so neither inherits the other's memory.
  for (const mode of ['overlap', 'sequential']) {
    process.stdout.write(execFileSync(process.execPath, [import.meta.filename, '--mode', mode, '--requests', values.requests!, '--quota', values.quota!]));
  }
  process.exit(0);
}
const requests = Number(values.requests);
const quota = Number(values.quota);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-mem-'));
fs.writeFileSync(path.join(root, 'hello.php'), '<?php echo "hello";');
const env = {
  GATEWAY_INTERFACE: 'CGI/1.1', SERVER_PROTOCOL: 'HTTP/1.1', REQUEST_METHOD: 'GET', REQUEST_URI: '/hello.php',
  QUERY_STRING: '', SCRIPT_NAME: '/hello.php', SCRIPT_FILENAME: path.join(root, 'hello.php'), DOCUMENT_ROOT: root,
  SERVER_NAME: 'bench', SERVER_PORT: '80', HTTP_HOST: 'bench', REMOTE_ADDR: '127.0.0.1',
};
const mib = () => Math.round(process.memoryUsage().rss / 1048576);

for (const rotation of [values.mode as 'overlap' | 'sequential']) {
  const engine = await createPhpWasmEngine({
    documentRoot: root, workers: 1, queue: 10, maxRequestsPerRuntime: quota, rotation,
    sessionDir: root, phpVersion: DEFAULT_PHP_VERSION, logger: createLogger({ level: 'warn' }),
  });
  const samples: number[] = [];
  const after = mib();
  for (let i = 1; i <= requests; i++) {
    await engine.handle({ env, body: new Uint8Array(), requestId: String(i) }, Date.now() + 30_000);
    await engine.idle();
    if (i % 100 === 0) samples.push(mib());
  }
  const { rotations } = engine.stats();
  await engine.close();
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({ rotation, requests, quota, rotations, bootedMiB: after, maxMiB: samples.at(-1), medianMiB: samples[Math.floor(samples.length / 2)] }));
}
fs.rmSync(root, { recursive: true, force: true });
