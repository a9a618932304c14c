/**
 * How the bridge answers when the engine cannot: each engine error code becomes one clear
 * page and one log line, and no PHP error text ever reaches the client.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge } from '../bridge/handler.ts';
import { readConfig } from '../bridge/config.ts';
import { memoryLogger } from '../bridge/log.ts';
import { EngineError, type CgiResponse, type EngineErrorCode, type PhpEngine } from '../bridge/engine/engine.ts';
import { bodyBytes } from '../bridge/http.ts';
import { makeRequest } from './support/requests.ts';

function engineAnswering(answer: () => Promise<CgiResponse>): PhpEngine {
  return {
    handle: answer,
    stats: () => ({ workers: 1, busy: 0, queued: 0, requests: 0, rotations: 0, restarts: 0 }),
    close: async () => {},
  };
}

describe('bridge answers for engine failures', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-err-'));
    fs.writeFileSync(path.join(root, 'index.php'), '<?php');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const cases: [EngineErrorCode, number, string, 'warn' | 'error'][] = [
    ['ETIMEDOUT', 504, 'took too long', 'error'],
    ['EBUSY', 503, 'busy', 'warn'],
    ['ECLOSED', 503, 'shutting down', 'warn'],
    ['ECRASHED', 500, 'could not be generated', 'error'],
    ['EBOOT', 500, 'could not be generated', 'error'],
  ];
  it.each(cases)('%s → %i with a generic page and one %s line', async (code, status, text, level) => {
    const logger = memoryLogger('debug');
    const bridge = createBridge({
      config: readConfig({ LAMPHP_DOCUMENT_ROOT: root }),
      engine: engineAnswering(async () => {
        throw new EngineError(code, 'PHP Fatal error: secret detail in /var/task/x.php');
      }),
      logger,
    });
    const res = await bridge.handle(makeRequest({ url: '/' }), { deadline: Date.now() + 1000 });
    const body = Buffer.from(await bodyBytes(res.body)).toString();
    expect(res.status).toBe(status);
    expect(body).toContain(text);
    expect(body).not.toContain('secret detail');
    expect(res.headers['cache-control']).toEqual(['no-store']);
    if (status === 503) expect(res.headers['retry-after']).toEqual(['1']);
    const lines = logger.records.filter((r) => r.level === 'error' || r.level === 'warn');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level, code });
    expect(lines[0]!.requestId).toBeTruthy();
  });

  it('a fatal error before any header (PHP set its own 500) becomes a generic 500, with the PHP error text in the log only', async () => {
    const logger = memoryLogger('debug');
    const bridge = createBridge({
      config: readConfig({ LAMPHP_DOCUMENT_ROOT: root }),
      engine: engineAnswering(async () => ({
        status: 500,
        headers: { 'content-type': ['text/html'] },
        body: new TextEncoder().encode('partial output'),
        errors: 'PHP Fatal error: Allowed memory size exhausted in /srv/secret.php',
        exitCode: 255,
      })),
      logger,
    });
    const res = await bridge.handle(makeRequest({ url: '/' }), { deadline: Date.now() + 1000 });
    const body = Buffer.from(await bodyBytes(res.body)).toString();
    expect(res.status).toBe(500);
    expect(body).not.toContain('partial output');
    expect(body).not.toContain('Allowed memory');
    expect(JSON.stringify(logger.records)).toContain('Allowed memory size exhausted');
  });

  it.each([
    ['an exit(1) after a 503 maintenance page', 503, '', 1],
    ['an exit(1) after the app chose 500 itself', 500, '', 1],
    ['a fatal error after headers were sent', 200, 'PHP Fatal error: Allowed memory size exhausted', 255],
    ['a fatal error after the app chose 503', 503, 'PHP Fatal error: Uncaught Error', 255],
  ])('%s is sent as PHP produced it, as php-fpm does', async (_name, status, errors, exitCode) => {
    const logger = memoryLogger('debug');
    const bridge = createBridge({
      config: readConfig({ LAMPHP_DOCUMENT_ROOT: root }),
      engine: engineAnswering(async () => ({
        status,
        headers: { 'content-type': ['text/html'], 'retry-after': ['30'] },
        body: new TextEncoder().encode('<h1>the app page</h1>'),
        errors,
        exitCode,
      })),
      logger,
    });
    const res = await bridge.handle(makeRequest({ url: '/' }), { deadline: Date.now() + 1000 });
    expect(res.status).toBe(status);
    expect(res.headers['retry-after']).toEqual(['30']);
    expect(Buffer.from(await bodyBytes(res.body)).toString()).toBe('<h1>the app page</h1>');
    expect(logger.records.find((r) => r.msg === 'php exited with an error')).toMatchObject({ exitCode, status });
  });
});
