/**
 * Generated invocations through the whole Lambda handler (runtime/lambda/handler.ts → event
 * adapter → real bridge and router → a stub engine that answers with generated, often hostile,
 * PHP output or fails). Properties: nothing ever throws out of the handler; every outcome is a
 * result of a valid shape for the event's source (status 100–599, header names tokens, no CR,
 * LF or NUL in any header value or cookie, within the source's size limit), a well-formed
 * stream prelude, or a clear `Lamphp.*` invocation error for events that are not HTTP.
 * (test/events.property.test.ts covers the adapters alone; this is the assembled path.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, detectSource, readConfig } from '../../bridge/index.ts';
import { EngineError, type CgiResponse, type PhpEngine } from '../../bridge/engine/engine.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { createInvocationHandler } from '../../runtime/lambda/handler.ts';

const RUNS = 1500;
const REPO = path.resolve(import.meta.dirname, '../..');
const FIXTURES = ['test/fixtures/aws-events', 'test/fixtures/events'].flatMap((dir) =>
  fs
    .readdirSync(path.join(REPO, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(REPO, dir, f), 'utf8')) as Record<string, unknown>),
);

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('a\r\nSet-Cookie: pwned=1', '\0', '../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '%', '\ud800', 'x'.repeat(70_000), '', ' ', 'Ω'),
);
const junk = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(hostileText, { maxLength: 3 }), fc.dictionary(hostileText, hostileText, { maxKeys: 3 }));

/** Paths into an event object, for mutation. */
function fieldPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      if (prefix.length < 3) fieldPaths((value as Record<string, unknown>)[key], [...prefix, key], out);
    }
  }
  return out;
}

/** A real event with a few fields replaced, removed or given hostile headers and paths. */
const mutatedEvent = fc
  .tuple(
    fc.constantFrom(...FIXTURES),
    fc.array(fc.tuple(fc.nat(), junk, fc.boolean()), { maxLength: 4 }),
    fc.constantFrom(undefined, '/', '/index.php', '/a.txt', '/../../etc/passwd', '/%2e%2e/x', '/wp-config.php', '/.env', '/dir', '/x%00.php', '//evil.example'),
    fc.dictionary(fc.constantFrom('host', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'cookie', 'content-type', 'x-lamphp-origin-secret', 'cloudfront-viewer-address', 'Transfer-Encoding'), hostileText, { maxKeys: 4 }),
  )
  .map(([fixture, mutations, p, headers]) => {
    const event = structuredClone(fixture) as Record<string, any>;
    if (p !== undefined) {
      if ('rawPath' in event) event.rawPath = p;
      if ('path' in event) event.path = p;
    }
    if (event.headers && typeof event.headers === 'object') Object.assign(event.headers, headers);
    if (event.multiValueHeaders && typeof event.multiValueHeaders === 'object') {
      for (const [k, v] of Object.entries(headers)) event.multiValueHeaders[k] = [v];
    }
    const paths = fieldPaths(event);
    for (const [at, value, remove] of mutations) {
      if (paths.length === 0) break;
      const field = paths[at % paths.length]!;
      let parent: any = event;
      for (const key of field.slice(0, -1)) parent = parent?.[key];
      if (!parent || typeof parent !== 'object') continue;
      if (remove) delete parent[field.at(-1)!];
      else parent[field.at(-1)!] = value;
    }
    return event;
  });
const anyEvent = fc.oneof({ arbitrary: mutatedEvent, weight: 8 }, { arbitrary: fc.anything({ maxDepth: 2 }), weight: 1 });

/** What the engine does for the request: answer (often badly) or fail. */
const engineAnswer = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      status: fc.oneof(fc.constantFrom(200, 204, 301, 304, 404, 500, 503), fc.integer({ min: -5, max: 2000 }), fc.constant(Number.NaN)),
      headers: fc.dictionary(
        fc.oneof(fc.constantFrom('set-cookie', 'content-length', 'location', 'x-a', 'transfer-encoding', 'content-type', 'cache-control'), hostileText),
        fc.array(hostileText, { minLength: 1, maxLength: 3 }),
        { maxKeys: 5 },
      ),
      // Now and then larger than every source carries (ALB 1 MB, the others 6 MB).
      body: fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 256 }), weight: 30 }, { arbitrary: fc.constant(new Uint8Array(6_500_000)), weight: 1 }),
      errors: fc.constantFrom('', 'PHP Warning: x'),
      exitCode: fc.constantFrom(0, 0, 0, 255),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('ETIMEDOUT', 'EBUSY', 'ECRASHED', 'ECLOSED', 'EBOOT', 'plain') },
);

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const UNSAFE = /[\r\n\0]/;

function expectValidResult(kind: string, result: Record<string, any>, maxBytes: number) {
  const json = JSON.stringify(result);
  expect(Buffer.byteLength(json)).toBeLessThanOrEqual(maxBytes);
  expect(Number.isInteger(result.statusCode) && result.statusCode >= 100 && result.statusCode <= 599, String(result.statusCode)).toBe(true);
  expect(typeof result.body).toBe('string');
  expect(typeof result.isBase64Encoded).toBe('boolean');
  for (const [name, value] of Object.entries<any>(result.headers ?? {})) {
    expect(name, name).toMatch(TOKEN);
    expect(typeof value).toBe('string');
    expect(value, name).not.toMatch(UNSAFE);
  }
  for (const [name, values] of Object.entries<any>(result.multiValueHeaders ?? {})) {
    expect(name, name).toMatch(TOKEN);
    for (const v of values) expect(v, name).not.toMatch(UNSAFE);
  }
  for (const c of result.cookies ?? []) expect(c).not.toMatch(UNSAFE);
  if (kind === 'alb' || kind === 'alb-multi') expect(result.statusDescription).toMatch(/^\d{3} \S/);
}

describe('the Lambda handler on generated invocations', () => {
  let root: string;
  let answer: unknown;
  const engine: PhpEngine = {
    async handle() {
      const a = answer as string | CgiResponse;
      if (typeof a === 'string') throw a === 'plain' ? new Error('boom') : new EngineError(a as never, 'failed');
      return a;
    },
    stats: () => ({ workers: 1, busy: 0, queued: 0, requests: 0, rotations: 0, restarts: 0 }),
    close: async () => {},
  };

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-handler-fuzz-'));
    fs.writeFileSync(path.join(root, 'index.php'), '<?php');
    fs.writeFileSync(path.join(root, 'a.txt'), 'static text');
    fs.writeFileSync(path.join(root, 'wp-config.php'), 'SECRET');
    fs.writeFileSync(path.join(root, '.env'), 'SECRET');
    fs.mkdirSync(path.join(root, 'dir'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each(['buffered', 'stream'] as const)(`never throws; every %s outcome is a valid result for its source or a clear invocation error (${RUNS} invocations)`, async (mode) => {
    await fc.assert(
      fc.asyncProperty(anyEvent, engineAnswer, fc.constantFrom(undefined, 's3cret'), fc.constantFrom(undefined, 'www.example.org'), async (event, a, secret, canonical) => {
        answer = a;
        const config = readConfig({}, { documentRoot: root, responseMode: mode, originSecret: secret, canonicalHost: canonical, basePath: '/prod' });
        const logger = memoryLogger('error');
        const bridge = createBridge({ config, engine, logger });
        const handler = createInvocationHandler({ config, logger, bridge });
        const outcome = await handler(event, { requestId: 'fuzz', deadlineMs: Date.now() + 30_000, invokedFunctionArn: 'arn:aws:lambda:x', traceId: undefined });
        const adapter = detectSource(event);
        if (outcome.kind === 'error') {
          expect(adapter).toBeUndefined();
          expect(outcome.errorType).toMatch(/^Lamphp\.[A-Za-z]+$/);
          expect(outcome.errorMessage.length).toBeGreaterThan(20);
          return;
        }
        expect(adapter).toBeDefined();
        if (outcome.kind === 'buffered') {
          expectValidResult(adapter!.kind, outcome.payload as Record<string, any>, adapter!.maxResponseBytes);
          const body = JSON.stringify(outcome.payload);
          expect(body).not.toContain('SECRET');
        } else {
          const prelude = outcome.prelude as { statusCode: number; headers: Record<string, string>; cookies: string[] };
          expect(prelude.statusCode >= 100 && prelude.statusCode <= 599).toBe(true);
          for (const [n, v] of Object.entries(prelude.headers)) {
            expect(n).toMatch(TOKEN);
            expect(v).not.toMatch(UNSAFE);
          }
          for (const c of prelude.cookies) expect(c).not.toMatch(UNSAFE);
          for await (const chunk of outcome.body) expect(chunk).toBeInstanceOf(Uint8Array);
        }
        // Hostile events are logged, never leak the origin secret into a log line.
        if (secret) expect(JSON.stringify(logger.records)).not.toContain('"s3cret"');
      }),
      { numRuns: RUNS },
    );
  });
});
