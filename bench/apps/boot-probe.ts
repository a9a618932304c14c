/**
 * One measured PHP runtime in a fresh process (bench/apps/extensions.ts starts it): boot time,
 * first request, warm request times, RSS — with or without an extension, with or without
 * lamphp's auto_prepend_file. Prints one JSON line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPhpWasmEngine } from '../../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { DEFAULT_PHP_VERSION } from '../../bridge/config.ts';

const started = performance.now();
const extensions = (process.env.PROBE_EXTENSIONS ?? '').split(',').filter(Boolean);
const noPrepend = process.env.PROBE_NO_PREPEND === '1';
const warm = Number(process.env.PROBE_WARM ?? '300');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-boot-probe-'));
fs.writeFileSync(path.join(root, 'hello.php'), '<?php echo "hello";');
fs.writeFileSync(path.join(root, 'intl.php'), '<?php echo Normalizer::normalize("e\\u{301}"), (new NumberFormatter("de_DE", NumberFormatter::DECIMAL))->format(1234.5);');
fs.writeFileSync(path.join(root, 'sodium.php'), '<?php $k = str_repeat("k", 32); $n = str_repeat("n", 24); echo strlen(sodium_crypto_secretbox_open(sodium_crypto_secretbox("x", $n, $k), $n, $k));');
const engine = await createPhpWasmEngine({
  documentRoot: root,
  workers: 1,
  queue: 10,
  maxRequestsPerRuntime: 100_000,
  sessionDir: root,
  phpVersion: process.env.LAMPHP_PHP_VERSION ?? DEFAULT_PHP_VERSION,
  logger: memoryLogger('error'),
  ...(extensions.length && { extensions }),
  ...(noPrepend && { iniOverrides: { auto_prepend_file: '' } }),
});
const booted = performance.now();
const run = async (script: string) => {
  const t = performance.now();
  const r = await engine.handle(
    { requestId: 'p', body: new Uint8Array(0), env: { SCRIPT_FILENAME: path.join(root, script), SCRIPT_NAME: `/${script}`, REQUEST_URI: `/${script}`, REQUEST_METHOD: 'GET', DOCUMENT_ROOT: root, HTTP_HOST: 'x' } },
    Date.now() + 60_000,
  );
  if (r.status !== 200) throw new Error(`${script}: ${r.status} ${r.errors}`);
  return performance.now() - t;
};
const script = process.env.PROBE_SCRIPT ?? 'hello.php';
const first = await run(script);
const times: number[] = [];
for (let i = 0; i < warm; i++) times.push(await run(script));
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
process.stdout.write(
  JSON.stringify({ bootMs: booted - started, firstMs: first, p50Ms: q(0.5), p90Ms: q(0.9), rssMiB: process.memoryUsage().rss / 1048576 }) + '\n',
);
await engine.close();
fs.rmSync(root, { recursive: true, force: true });
