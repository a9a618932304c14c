/**
 * The response-header rule (bridge/response-headers.ts), proven with generated header lines
 * sent by real PHP through both front doors: whatever bytes PHP puts in header names and values
 * (tabs, control characters, DEL, prototype names, non-Latin-1 text, bytes that are not UTF-8),
 * the visitor gets a valid response, every other header and the status PHP chose stay intact,
 * an answer that carried a private Cache-Control or a cookie never becomes shareable, and one
 * whose Content-Type line was dropped is never labelled HTML.
 *
 * The expectation for each line is computed here from the rule as SECURITY.md states it, on the
 * line's bytes, independently of the implementation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, readConfig } from '../../bridge/index.ts';
import type { CgiResponse, PhpEngine } from '../../bridge/engine/engine.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { readHeaderBlock } from '../../bridge/response-headers.ts';
import { startLocalServer } from '../../runtime/local/server.ts';
import { logged, startStack, type Stack } from '../support/faults/stack.ts';
import { EVENT_KINDS, eventFor, expectValidResult, get, lambdaAnswer, lambdaDoor, raw, rawValues, type EventKind } from '../support/doors.ts';

const EMIT = `<?php
$d = json_decode(base64_decode(strtr($_GET['d'], '-_', '+/')), true);
foreach ($d['lines'] as $line) header(base64_decode($line), false);
if ($d['cookie']) header('Set-Cookie: sid=s3cr3t; Path=/; HttpOnly', false);
if ($d['private']) header('Cache-Control: private, max-age=0', false);
if ($d['location']) header('Location: /next', false);
http_response_code($d['status']);
echo 'body:', $d['marker'];
`;

/** Names PHP or the front doors treat specially; generated lines never use them by chance. */
const SPECIAL = new Set([
  'status', 'location', 'content-type', 'content-length', 'set-cookie', 'cache-control', 'www-authenticate', 'date',
  'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'x-powered-by',
]);
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'prototype'];
/** Headers the front door adds or the script always sends. */
const FRAME = new Set(['content-type', 'content-length', 'cache-control', 'date', 'connection', 'keep-alive', 'set-cookie', 'location']);

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
/** Header text as bytes, one char per byte. */
type Bytes = string;

const nameArb: fc.Arbitrary<Bytes> = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.stringMatching(/^[xX]-[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/),
  fc.uint8Array({ minLength: 1, maxLength: 10 }).map(latin1),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map(utf8),
);
const valueArb: fc.Arbitrary<Bytes> = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,20}$/),
  fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.constantFrom('\t', ' \t ', '\t\t')).map(([a, t]) => `${a}${t}${a}`),
  fc.tuple(fc.stringMatching(/^[a-z]{0,6}$/), fc.integer({ min: 1, max: 0x1f }), fc.stringMatching(/^[a-z]{0,6}$/)).map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`),
  fc.stringMatching(/^[a-z]{0,6}$/).map((a) => `${a}\x7f${a}`),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map(utf8),
  fc.constantFrom('café', 'naïve ½', '€uro', '😀', '\u0085next', 'Ünïcödé', '\u00a0nbsp').map(utf8),
  fc.uint8Array({ maxLength: 12 }).map(latin1),
  fc.stringMatching(/^[a-z]{1,6}$/).map((a) => `  ${a} \t`),
);
/** A line named Cache-Control or Set-Cookie whose value the rule always drops. */
const badSpecialArb: fc.Arbitrary<Bytes> = fc
  .tuple(fc.constantFrom('Cache-Control', 'Set-Cookie', 'cache-control'), fc.constantFrom('public\x01', 'a=b\x7f', utf8('public, max-age=9€'), 'x\x1bq', latin1(Uint8Array.of(0x70, 0xe9, 0x20, 0x75))))
  .map(([n, v]) => `${n}: ${v}`);
/**
 * A Content-Type line the rule drops: an HTML type with a control character, DEL, a character above
 * U+00FF or bytes that are not UTF-8 (often a type or charset reflected from the request), or a
 * name that is not a token (PHP then also sends its default text/html).
 */
const badContentTypeArb: fc.Arbitrary<Bytes> = fc
  .tuple(
    fc.constantFrom('Content-Type', 'content-type', 'CONTENT-TYPE', 'Content-Type '),
    fc.constantFrom('text/html', 'text/html; charset=UTF-8', 'application/xhtml+xml', 'image/svg+xml'),
    fc.oneof(
      fc.integer({ min: 1, max: 0x1f }).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\x7f', utf8('€'), utf8('\u0085'), latin1(Uint8Array.of(0xe9)), utf8('😀')),
    ),
    fc.boolean(),
  )
  .map(([n, type, bad, atEnd]) => (atEnd ? `${n}: ${type}${bad}x` : `${n}: ${bad}${type}`));
const lineArb: fc.Arbitrary<Bytes> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(nameArb, valueArb).map(([n, v]) => `${n}: ${v}`) },
  { weight: 1, arbitrary: fc.tuple(nameArb, valueArb).map(([n, v]) => `${n}:${v}`) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map(latin1) },
  { weight: 1, arbitrary: badSpecialArb },
  { weight: 1, arbitrary: badContentTypeArb },
);

interface Case {
  lines: Bytes[];
  status: number;
  cookie: boolean;
  private: boolean;
  location: boolean;
  marker: number;
}
const caseArb: fc.Arbitrary<Case> = fc.record({
  lines: fc.array(lineArb, { maxLength: 8 }).map((lines) => lines.map(avoidSpecial)),
  status: fc.constantFrom(200, 201, 204, 302, 307, 403, 404, 410, 500, 503),
  cookie: fc.boolean(),
  private: fc.boolean(),
  location: fc.boolean(),
  marker: fc.integer({ min: 0, max: 1e9 }),
});

/** Keeps generated lines away from names PHP or the doors act on (status lines, Location…), except the deliberate bad ones. */
function avoidSpecial(line: Bytes): Bytes {
  const name = line.split(':', 1)[0]!.trim().toLowerCase();
  if (/^http\//i.test(line.trimStart()) || (SPECIAL.has(name) && !isDroppedByRule(line))) return `x-${line}`;
  return line;
}

/**
 * What PHP does with a header() line before anyone else sees it (main/SAPI.c): cuts trailing
 * whitespace (a trailing CR/LF included) first, then refuses a line that still holds CR, LF or NUL.
 */
function phpSends(line: Bytes): Bytes | undefined {
  const cut = line.replace(/[ \t\n\v\f\r]+$/, '');
  return /[\r\n\0]/.test(cut) ? undefined : cut;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** The rule, stated on bytes: token name before the first colon; value trimmed, valid UTF-8, only HTAB/visible ASCII/SP/U+00A0–U+00FF. */
function ruleKeeps(line: Bytes): { name: string; value: string } | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon);
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
  let value: string;
  try {
    value = strictUtf8.decode(Buffer.from(line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, ''), 'latin1'));
  } catch {
    return undefined;
  }
  if (!/^[\t\x20-\x7e\xa0-\xff]*$/.test(value)) return undefined;
  return { name: name.toLowerCase(), value };
}

function isDroppedByRule(line: Bytes): boolean {
  const sent = phpSends(line);
  return sent !== undefined && ruleKeeps(sent) === undefined;
}

interface Expected {
  headers: Map<string, string[]>;
  /** A Cache-Control or Set-Cookie line was dropped. */
  droppedPrivate: boolean;
  /** A Content-Type line was dropped. */
  droppedContentType: boolean;
  dropped: number;
}

function expected(c: Case): Expected {
  const headers = new Map<string, string[]>();
  let droppedPrivate = false;
  let droppedContentType = false;
  let dropped = 0;
  for (const line of c.lines) {
    const sent = phpSends(line);
    if (sent === undefined) continue;
    const kept = ruleKeeps(sent);
    if (!kept) {
      dropped++;
      const name = sent.split(':', 1)[0]!.trim().toLowerCase();
      if (sent.includes(':') && (name === 'cache-control' || name === 'set-cookie')) droppedPrivate = true;
      if (sent.includes(':') && name === 'content-type') droppedContentType = true;
      continue;
    }
    headers.set(kept.name, [...(headers.get(kept.name) ?? []), kept.value]);
  }
  return { headers, droppedPrivate, droppedContentType, dropped };
}

const query = (c: Case) =>
  'd=' + Buffer.from(JSON.stringify({ ...c, lines: c.lines.map((l) => Buffer.from(l, 'latin1').toString('base64')) })).toString('base64url');

/** What every door must show for case `c`, given a way to read one field's values. */
function checkAnswer(c: Case, status: number, values: (name: string) => string[], names: string[], body: string, joined: boolean) {
  const want = expected(c);
  const label = JSON.stringify(c.lines);
  expect(status, label).toBe(c.status);
  expect(body, label).toBe(c.status === 204 ? '' : `body:${c.marker}`);
  for (const [name, list] of want.headers) {
    const got = values(name);
    if (joined) expect(got.join(', '), `${label} ${name}`).toBe(list.join(', '));
    else expect(got, `${label} ${name}`).toEqual(list);
  }
  for (const name of names) {
    const allowed = FRAME.has(name) || want.headers.has(name) || (want.droppedContentType && name === 'x-content-type-options');
    expect(allowed, `${label}: unexpected ${name}`).toBe(true);
  }
  if (want.droppedContentType) {
    // Never the default text/html: reflected data must not become a page.
    expect(values('content-type'), label).toEqual(['application/octet-stream']);
    expect(values('x-content-type-options'), label).toEqual(['nosniff']);
  } else {
    expect(values('content-type'), label).toEqual(['text/html; charset=UTF-8']);
  }
  expect(values('set-cookie'), label).toEqual(c.cookie ? ['sid=s3cr3t; Path=/; HttpOnly'] : []);
  expect(values('location'), label).toEqual(c.location ? ['/next'] : []);
  const cacheControl = values('cache-control').join(', ');
  if (c.private || c.cookie || want.droppedPrivate) {
    expect(cacheControl, label).not.toMatch(/public|s-maxage/);
    expect(cacheControl, label).toMatch(/private|no-store/);
  }
  if (c.private && !want.droppedPrivate) expect(cacheControl, label).toBe('private, max-age=0');
}

describe('response-header rule', () => {
  describe("php-wasm's header block", () => {
    /** php-wasm's writer: `{ "status": N, "headers": [` then each line quoted with only `"` and `\` escaped. */
    const block = (status: number, lines: Uint8Array[]) => {
      const parts = lines.map((l) => '"' + latin1(l).replace(/["\\]/g, (ch) => '\\' + ch) + '"');
      return Buffer.from(`{ "status": ${status}, "headers": [${[...parts, '"__terminator__"'].join(',\n')}]}`, 'latin1');
    };

    it('reads back every line, whatever bytes it holds, and the status', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 999 }), fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), (status, lines) => {
          const read = readHeaderBlock(block(status, lines));
          expect(read?.status).toBe(status);
          expect(read?.lines).toEqual(lines.map((l) => new TextDecoder().decode(l)));
        }),
        { numRuns: 500 },
      );
    });

    it('never throws on arbitrary bytes, and refuses a truncated block', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          readHeaderBlock(bytes);
        }),
        { numRuns: 500 },
      );
      const whole = block(302, [Buffer.from('Location: /x'), Buffer.from('X-Tab: a\tb')]);
      expect(readHeaderBlock(whole)).toEqual({ status: 302, lines: ['Location: /x', 'X-Tab: a\tb'] });
      for (let cut = 0; cut < whole.length; cut++) expect(readHeaderBlock(whole.subarray(0, cut)), String(cut)).toBeUndefined();
    });
  });

  describe('through real PHP', () => {
    let root: string;
    let stack: Stack;
    beforeAll(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-headers-'));
      fs.writeFileSync(path.join(root, 'emit.php'), EMIT);
      fs.writeFileSync(path.join(root, 'echo.php'), `<?php header('Content-Type: application/json'); echo json_encode(['c' => $_SERVER['HTTP_CONSTRUCTOR'] ?? null]);`);
      stack = await startStack({ root, workers: 1 });
    });
    afterAll(async () => {
      await stack?.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('local server: a valid response with every other header and the status intact, never newly public', async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const res = await raw(stack.port, get(`/emit.php?${query(c)}`));
          checkAnswer(c, res.status, (n) => rawValues(res, n), res.headers.map(([n]) => n), res.body.toString('latin1'), false);
        }),
        { numRuns: 60 },
      );
      // Dropped lines are logged once per request, by name only.
      const perRequest = new Map<unknown, number>();
      for (const r of logged(stack.logs, 'unsafe response headers dropped')) perRequest.set(r.requestId, (perRequest.get(r.requestId) ?? 0) + 1);
      expect(perRequest.size).toBeGreaterThan(0);
      expect(Math.max(...perRequest.values())).toBe(1);
    });

    it('Lambda handler (every event source, buffered and streamed): the same answer', async () => {
      const buffered = lambdaDoor(stack.config, stack.bridge);
      const streamed = lambdaDoor({ ...stack.config, responseMode: 'stream' }, stack.bridge);
      await fc.assert(
        fc.asyncProperty(caseArb, fc.constantFrom<EventKind | 'stream'>(...EVENT_KINDS, 'stream'), async (c, kind) => {
          const result = kind === 'stream' ? await streamed(eventFor('function-url', '/emit.php', query(c))) : await buffered(eventFor(kind, '/emit.php', query(c)));
          expectValidResult(result);
          const answer = lambdaAnswer(result);
          const values = (n: string) => answer.headers.get(n) ?? [];
          checkAnswer(c, answer.status, values, [...answer.headers.keys()], answer.body.toString('latin1'), true);
        }),
        { numRuns: 60 },
      );
    });

    it('request header names such as __proto__ and constructor are plain fields in both doors', async () => {
      const res = await raw(stack.port, get('/echo.php', '__proto__: a\r\nconstructor: b\r\nhasOwnProperty: c\r\n'));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString())).toEqual({ c: 'b' });
      const door = lambdaDoor(stack.config, stack.bridge);
      for (const kind of EVENT_KINDS) {
        const answer = lambdaAnswer(await door(eventFor(kind, '/echo.php', '', { __proto__: 'a', constructor: 'b', hasownproperty: 'c' } as Record<string, string>)));
        expect(answer.status, kind).toBe(200);
        expect(JSON.parse(answer.body.toString()), kind).toEqual({ c: 'b' });
      }
    });
  });

  describe('a header block that cannot be read', () => {
    const unreadable: CgiResponse = {
      status: 200,
      headers: { 'set-cookie': ['sid=s3cr3t'], 'cache-control': ['public, max-age=600'] },
      headerBlockUnreadable: true,
      body: new TextEncoder().encode('secret page'),
      errors: '',
      exitCode: 0,
    };
    const engine: PhpEngine = {
      handle: async () => structuredClone(unreadable),
      stats: () => ({ workers: 1, busy: 0, queued: 0, requests: 0, rotations: 0, restarts: 0 }),
      close: async () => {},
    };

    it('is a 502 that is never cacheable and carries nothing PHP sent, in both doors', async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-headers-stub-'));
      fs.writeFileSync(path.join(root, 'index.php'), '<?php');
      const logger = memoryLogger('info');
      const config = readConfig({}, { documentRoot: root });
      const bridge = createBridge({ config, engine, logger });
      const server = await startLocalServer({ bridge, config, logger, port: 0 });
      try {
        const res = await raw(server.port, get('/index.php'));
        expect(res.status).toBe(502);
        expect(rawValues(res, 'cache-control')).toEqual(['no-store']);
        expect(rawValues(res, 'set-cookie')).toEqual([]);
        expect(res.body.toString()).not.toContain('secret');
        for (const kind of EVENT_KINDS) {
          const answer = lambdaAnswer(await lambdaDoor(config, bridge)(eventFor(kind, '/index.php')));
          expect(answer.status, kind).toBe(502);
          expect(answer.headers.get('cache-control'), kind).toEqual(['no-store']);
          expect(answer.headers.has('set-cookie'), kind).toBe(false);
        }
        expect(logged(logger.records, 'php sent a header block that cannot be read').length).toBeGreaterThan(0);
      } finally {
        await server.close();
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  });
});
