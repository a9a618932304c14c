/**
 * The stack's install invocation through the real bootstrap and the Runtime API emulator: the
 * command dispatcher hands `{"lamphp":{"command":"install",…}}` to bridge/wordpress/install-site.ts,
 * which fills an empty document root (the EFS mount in Lambda) and runs WordPress's installer
 * through the bridge; a second install changes nothing; the site then serves pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryLogger } from '../bridge/log.ts';
import { resolveWordPressSource } from '../bridge/wordpress/index.ts';
import { TEST_CACHE_DIR } from './support/wordpress.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from './support/lambda-process.ts';

const repo = path.resolve(import.meta.dirname, '..');
let tmp: string;
let siteDir: string;
let rt: LambdaProcess;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-ops-install-'));
  siteDir = path.join(tmp, 'efs/wordpress');
  fs.mkdirSync(siteDir, { recursive: true });
  const source = await resolveWordPressSource({ cacheDir: TEST_CACHE_DIR, logger: memoryLogger('warn') });
  rt = await startLambdaProcess({
    documentRoot: siteDir,
    home: tmp,
    env: {
      LAMPHP_WORDPRESS_SOURCE: source.dir,
      LAMPHP_SITE_TITLE: 'Installed by invocation',
      LAMPHP_SESSION_DIR: path.join(tmp, 'efs/sessions'),
      TMPDIR: tmp,
    },
  });
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('install invocation', () => {
  const install = { lamphp: { command: 'install', mode: 'install', siteUrl: 'https://blog.example.com', distributionId: 'E2QWRUHEXAMPLE' } };

  it('installs WordPress onto the empty document root and runs its installer', async () => {
    const result = payloadOf(await rt.emu.invoke(install, { timeoutMs: 120_000 }), rt.output());
    expect(result).toMatchObject({ command: 'install', mode: 'install', changed: true, installed: true, admin: { user: 'admin' } });
    expect(fs.readFileSync(path.join(siteDir, 'wp-config.php'), 'utf8')).toContain("define( 'DISABLE_WP_CRON', true );");
  }, 180_000);

  it('changes nothing the second time', async () => {
    const again = payloadOf(await rt.emu.invoke(install, { timeoutMs: 120_000 }), rt.output());
    expect(again).toMatchObject({ command: 'install', changed: false });
    expect(again).not.toHaveProperty('admin');
  }, 180_000);

  it('serves the installed site', async () => {
    const event = JSON.parse(fs.readFileSync(path.join(repo, 'test/fixtures/aws-events/lambda-urls-request.json'), 'utf8'));
    Object.assign(event, { rawPath: '/', rawQueryString: '', body: undefined });
    event.requestContext.http.path = '/';
    event.requestContext.http.method = 'GET';
    delete event.cookies;
    const page = payloadOf(await rt.emu.invoke(event), rt.output());
    expect(page.statusCode).toBe(200);
    const html = page.isBase64Encoded ? Buffer.from(page.body, 'base64').toString() : page.body;
    expect(html).toContain('Installed by invocation');
  }, 60_000);

  it('fails the invocation with the reason when the install cannot work', async () => {
    const r = await rt.emu.invoke({ lamphp: { command: 'install', mode: 'install', assetBucket: 'no-such-bucket', assetKey: 'wp.zip' } }, { timeoutMs: 60_000 });
    expect(r).toMatchObject({ kind: 'error', errorType: 'Lamphp.CommandFailed' });
    expect((r as { errorMessage: string }).errorMessage).toMatch(/^The install command failed/);
  }, 90_000);
});
