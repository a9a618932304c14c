/**
 * The traversal corpus through the whole bridge and a real PHP engine, against a real tree
 * with a sentinel just outside the document root and secrets inside it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, type Bridge } from '../bridge/handler.ts';
import { readConfig } from '../bridge/config.ts';
import { memoryLogger } from '../bridge/log.ts';
import { createPhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { bodyBytes } from '../bridge/http.ts';
import { makeRequest } from './support/requests.ts';

const SECRETS = {
  sentinel: 'SENTINEL-OUTSIDE-ROOT-7f3a',
  env: 'DOTENV-SECRET-1c9e',
  config: 'WPCONFIG-SECRET-55aa',
  backup: 'BACKUP-SECRET-0b0b',
  upload: 'UPLOADED-PHP-RAN-9d9d',
};

describe('hostile paths through the bridge', () => {
  let tmp: string;
  let bridge: Bridge;
  const corpus = fs
    .readFileSync(path.join(import.meta.dirname, 'fixtures', 'traversal-corpus.txt'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-trav-'));
    const root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'wp-content', 'uploads'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'sentinel.txt'), SECRETS.sentinel);
    fs.writeFileSync(path.join(root, '.env'), `KEY=${SECRETS.env}`);
    fs.writeFileSync(path.join(root, 'wp-config.php'), `<?php define('X', '${SECRETS.config}');`);
    fs.writeFileSync(path.join(root, 'x.php.bak'), `<?php // ${SECRETS.backup}`);
    fs.writeFileSync(path.join(root, 'wp-content', 'uploads', 'x.php'), `<?php echo '${SECRETS.upload.slice(0, 8)}' . '${SECRETS.upload.slice(8)}';`);
    fs.writeFileSync(path.join(root, 'index.php'), '<?php echo "front controller";');
    fs.writeFileSync(path.join(root, 'hello.txt'), 'hello');
    fs.symlinkSync(path.join(tmp, 'sentinel.txt'), path.join(root, 'link-out.txt'));
    const config = readConfig({ LAMPHP_DOCUMENT_ROOT: root, LAMPHP_WORKERS: '1', LAMPHP_SESSION_DIR: path.join(tmp, 's') });
    fs.mkdirSync(config.sessionDir, { recursive: true });
    const logger = memoryLogger('warn');
    const engine = await createPhpWasmEngine({
      documentRoot: root,
      workers: 1,
      queue: 100,
      maxRequestsPerRuntime: 1000,
      sessionDir: config.sessionDir,
      phpVersion: config.phpVersion,
      logger,
    });
    bridge = createBridge({ config, engine, logger });
  });

  afterAll(async () => {
    await bridge?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(`has a corpus of at least 40 hostile paths (${corpus.length})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  it('never answers with the sentinel, a secret file, or PHP source', async () => {
    for (const raw of corpus) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        const res = await bridge.handle(makeRequest({ url: raw, method }), { deadline: Date.now() + 10_000 });
        const text = Buffer.from(await bodyBytes(res.body)).toString('latin1');
        for (const secret of Object.values(SECRETS)) expect(text, `${method} ${raw}`).not.toContain(secret);
        expect(text, `${method} ${raw}`).not.toContain('<?php');
        expect(res.status, `${method} ${raw}`).not.toBe(500);
      }
    }
  });

  it('still serves the ordinary files of the same tree', async () => {
    const txt = await bridge.handle(makeRequest({ url: '/hello.txt' }), { deadline: Date.now() + 10_000 });
    expect(txt.status).toBe(200);
    expect(Buffer.from(await bodyBytes(txt.body)).toString()).toBe('hello');
    const php = await bridge.handle(makeRequest({ url: '/anything/at/all' }), { deadline: Date.now() + 10_000 });
    expect(php.status).toBe(200);
    expect(Buffer.from(await bodyBytes(php.body)).toString()).toBe('front controller');
  });
});
