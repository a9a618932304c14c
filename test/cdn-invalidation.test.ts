/**
 * The CDN invalidator without PHP: which paths it sends, the CreateInvalidation request it
 * makes to a local stand-in for the CloudFront API (AWS_ENDPOINT_URL_CLOUDFRONT), where the
 * distribution id comes from, and that failures are only logged. The publish → invalidation
 * path through WordPress is in install-site.test.ts.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdnInvalidatorFromEnv, invalidationPaths, MAX_PATHS } from '../bridge/cdn/invalidation.ts';
import { servicesFromConfig } from '../bridge/services.ts';
import { memoryLogger, type Logger } from '../bridge/log.ts';
import { readConfig } from '../bridge/config.ts';
import { jobSubmitterFromConfig } from '../bridge/outbox/submit.ts';
import { INSTALL_STATE_FILE } from '../bridge/wordpress/install-state.ts';

describe('invalidationPaths', () => {
  it('keeps valid absolute paths, deduplicated and sorted', () => {
    expect(invalidationPaths(['/b/', '/', '/b/', '/a/?x*', 'relative', '/with space', '/\u00e9', ''])).toEqual(['/', '/a/?x*', '/b/']);
  });
  it('invalidates everything with one wildcard beyond the cap or when asked', () => {
    const many = Array.from({ length: MAX_PATHS + 1 }, (_, i) => `/post-${i}/`);
    expect(invalidationPaths(many)).toEqual(['/*']);
    expect(invalidationPaths(many.slice(0, MAX_PATHS))).toHaveLength(MAX_PATHS);
    expect(invalidationPaths(['/', '/*', '/x/'])).toEqual(['/*']);
  });
});

describe('CloudFront invalidator', () => {
  const requests: { url: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
  let status = 201;
  let server: http.Server;
  let endpoint: string;
  let tmp: string;
  const env = () => ({
    AWS_ENDPOINT_URL_CLOUDFRONT: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDLAMPHPTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-for-tests',
    AWS_REGION: 'ap-southeast-2',
  });

  /** Wired as the runtime does: the invalidator's jobs go through the submitter the settings choose. */
  const invalidator = (e: Record<string, string>, logger: Logger) =>
    cdnInvalidatorFromEnv(e, { documentRoot: tmp, logger, jobs: jobSubmitterFromConfig(readConfig(e), e) });

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-cdn-'));
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(
          status === 201
            ? '<Invalidation><Id>I1</Id><Status>InProgress</Status><CreateTime>2026-01-01T00:00:00Z</CreateTime></Invalidation>'
            : '<ErrorResponse><Error><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('collects paths per request from PHP messages and ignores messages that are not its own', async () => {
    const cdn = invalidator({ ...env(), LAMPHP_CLOUDFRONT_DISTRIBUTION_ID: 'EFIXED' }, memoryLogger())!;
    expect(JSON.parse(await cdn.onMessage('r1', JSON.stringify({ lamphp: 'cdn-invalidate', paths: ['/a/', '/'] })))).toEqual({ ok: true });
    await cdn.onMessage('r1', JSON.stringify({ lamphp: 'cdn-invalidate', paths: ['/', '/b/', 7] }));
    await cdn.onMessage('r2', JSON.stringify({ lamphp: 'cdn-invalidate', paths: ['/other/'] }));
    expect(await cdn.onMessage('r1', JSON.stringify({ lamphp: 'uploads.presign' }))).toBe('');
    expect(await cdn.onMessage('r1', 'not json')).toBe('');
    expect(cdn.take('r1')?.sort()).toEqual(['/', '/a/', '/b/']);
    expect(cdn.take('r1')).toBeUndefined();
    expect(cdn.take('r2')).toEqual(['/other/']);
  });

  it('sends one CreateInvalidation with a unique caller reference, signed for us-east-1', async () => {
    requests.length = 0;
    const cdn = invalidator({ ...env(), LAMPHP_CLOUDFRONT_DISTRIBUTION_ID: 'EFIXED' }, memoryLogger())!;
    expect(await cdn.invalidate(['/hello/', '/', '/hello/'])).toMatchObject({ kind: 'created', paths: ['/', '/hello/'], invalidationId: 'I1' });
    await cdn.invalidate(['/']);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.url).toBe('/2020-05-31/distribution/EFIXED/invalidation');
    expect(requests[0]!.headers.authorization).toContain('/us-east-1/cloudfront/aws4_request');
    expect(requests[0]!.body).toContain('<Paths><Quantity>2</Quantity><Items><Path>/</Path><Path>/hello/</Path></Items></Paths>');
    const refs = requests.map((r) => /<CallerReference>([^<]+)</.exec(r.body)?.[1]);
    expect(refs[0]).toBeTruthy();
    expect(refs[0]).not.toBe(refs[1]);
  });

  it('sends one /* beyond LAMPHP_CDN_INVALIDATION_MAX_PATHS paths; a value it cannot use is refused at start', async () => {
    requests.length = 0;
    const e = { ...env(), LAMPHP_CLOUDFRONT_DISTRIBUTION_ID: 'EFIXED', LAMPHP_CDN_INVALIDATION_MAX_PATHS: '1' };
    // Wired as the runtime wires it: the setting read by readConfig, the invalidator built by servicesFromConfig.
    const services = servicesFromConfig(readConfig({ ...e, LAMPHP_DOCUMENT_ROOT: tmp }), e, memoryLogger());
    const one = services.cdn!;
    expect(await one.invalidate(['/'])).toMatchObject({ kind: 'created', paths: ['/'] });
    expect(await one.invalidate(['/', '/feed/', '/post-1/'])).toMatchObject({ kind: 'created', paths: ['/*'] });
    expect(readConfig({}).cdnInvalidationMaxPaths).toBe(MAX_PATHS);
    await services.close();
    for (const bad of ['0', '-3', 'many', '1.5']) expect(() => readConfig({ LAMPHP_CDN_INVALIDATION_MAX_PATHS: bad })).toThrow(/LAMPHP_CDN_INVALIDATION_MAX_PATHS/);
  });

  it('uses the distribution the install recorded, and does nothing without one', async () => {
    requests.length = 0;
    const logger = memoryLogger();
    const cdn = invalidator(env(), logger)!;
    expect(await cdn.invalidate(['/'])).toEqual({ kind: 'skipped', reason: 'no distribution id' });
    expect(requests).toHaveLength(0);
    fs.mkdirSync(path.join(tmp, 'wp-content'), { recursive: true });
    fs.writeFileSync(path.join(tmp, INSTALL_STATE_FILE), JSON.stringify({ version: '6.8.12', distributionId: 'ERECORDED' }));
    expect(await cdn.invalidate(['/'])).toMatchObject({ kind: 'created', distributionId: 'ERECORDED' });
    expect(requests[0]!.url).toBe('/2020-05-31/distribution/ERECORDED/invalidation');
  });

  it('logs a failure and resolves', async () => {
    status = 403;
    try {
      const logger = memoryLogger();
      const cdn = invalidator({ ...env(), LAMPHP_CLOUDFRONT_DISTRIBUTION_ID: 'EFIXED' }, logger)!;
      expect(await cdn.invalidate(['/'])).toMatchObject({ kind: 'failed' });
      expect(logger.records.find((r) => String(r.msg).startsWith('cdn invalidation failed'))).toMatchObject({ level: 'error', paths: ['/'] });
    } finally {
      status = 201;
    }
  });

  it('is off with LAMPHP_CDN_INVALIDATION=false', () => {
    expect(invalidator({ ...env(), LAMPHP_CDN_INVALIDATION: 'false' }, memoryLogger())).toBeUndefined();
  });
});
