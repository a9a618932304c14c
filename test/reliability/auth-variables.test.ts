/**
 * PHP_AUTH_USER, PHP_AUTH_PW and PHP_AUTH_DIGEST are what php-cgi makes of the Authorization
 * header, byte for byte: the same PHP script runs under Debian's real php-cgi (the reference,
 * installed by scripts/system-packages.js) and under lamphp through both front doors, for a
 * generated family of Authorization headers (Basic with an empty user or password, colons in the
 * password, bad or truncated base64, any case of the scheme, Digest, Bearer…) and for Bref's
 * basic-auth fixtures through the real Lambda bootstrap.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/faults/stack.ts';
import { EVENT_KINDS, eventFor, get, lambdaAnswer, lambdaDoor, raw } from '../support/doors.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from '../support/lambda-process.ts';

const PHP_CGI = '/usr/bin/php-cgi8.2';
const haveCgi = fs.existsSync(PHP_CGI);
if (!haveCgi) console.warn(`auth-variables: ${PHP_CGI} is missing (scripts/system-packages.js installs php8.2-cgi as root): the comparison is skipped`);

/** Every value as base64 (they are bytes), null when PHP did not set it. */
const AUTH_PHP = `<?php
header('Content-Type: application/json');
$b = fn($k) => isset($_SERVER[$k]) ? base64_encode($_SERVER[$k]) : null;
echo json_encode(['seen' => $b('HTTP_AUTHORIZATION'), 'user' => $b('PHP_AUTH_USER'), 'pw' => $b('PHP_AUTH_PW'), 'digest' => $b('PHP_AUTH_DIGEST'), 'type' => $b('AUTH_TYPE')]);
`;

interface Seen {
  seen: string | null;
  user: string | null;
  pw: string | null;
  digest: string | null;
  type: string | null;
}

/** What php-cgi gives the same script for this Authorization header (CGI's HTTP_AUTHORIZATION). */
function phpCgi(script: string, authorization: string): Omit<Seen, 'seen'> {
  const run = spawnSync(PHP_CGI, ['-n'], {
    env: { REDIRECT_STATUS: '200', GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', SCRIPT_FILENAME: script, HTTP_AUTHORIZATION: authorization },
    encoding: 'latin1',
  });
  const body = run.stdout.slice(run.stdout.indexOf('\r\n\r\n') + 4);
  const { seen, ...rest } = JSON.parse(body) as Seen;
  expect(Buffer.from(seen ?? '', 'base64').toString('latin1')).toBe(authorization);
  return rest;
}

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');
/** The Authorization header families lamphp must read exactly as php-cgi does (printable ASCII, SP, HTAB). */
const credentialsArb = fc
  .tuple(
    fc.oneof(fc.constantFrom('', 'alice', 'a b', 'ü'), fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('latin1'))),
    fc.constantFrom(':', ':', '', '::'),
    fc.oneof(fc.constantFrom('', 'secret', 'p:w', 'a:b:c', ' '), fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('latin1'))),
  )
  .map(([user, colon, pw]) => user + colon + pw);
const payloadArb = fc.oneof(
  credentialsArb.map(b64),
  credentialsArb.map((c) => b64(c).replace(/=+$/, '')),
  fc.tuple(credentialsArb, fc.nat(), fc.constantFrom(' ', '=', '!', '-', '_', '.', '==', '\t')).map(([c, at, junk]) => {
    const e = b64(c);
    const i = at % (e.length + 1);
    return e.slice(0, i) + junk + e.slice(i);
  }),
  fc.tuple(credentialsArb, fc.nat()).map(([c, n]) => b64(c).slice(0, n % (b64(c).length + 1))),
  fc.stringMatching(/^[\x20-\x7e]{0,24}$/),
  fc.constantFrom('username="bob", realm="x", nonce="abc", uri="/", response="f00"', 'abc.def.ghi'),
);
const authorizationArb = fc
  .tuple(
    fc.constantFrom('Basic', 'basic', 'BASIC', 'bAsIc', 'Digest', 'digest', 'DIGEST', 'Bearer', 'Basicx', 'Negotiate', 'Bas', ''),
    fc.constantFrom(' ', ' ', '  ', '', '\t'),
    payloadArb,
  )
  .map(([scheme, sep, payload]) => `${scheme}${sep}${payload}`);

/** The families the issue names, spelled out (each also occurs in the generated runs). */
const NAMED = [
  `Basic ${b64('alice:secret')}`,
  `Basic ${b64(':')}`,
  `Basic ${b64('alice:')}`,
  `Basic ${b64(':secret')}`,
  `Basic ${b64('alice:pa:ss:word')}`,
  `Basic ${b64('no colon at all')}`,
  `Basic ${b64('al\0ice:secret')}`,
  `Basic ${b64('alice:se\0cret')}`,
  `Basic ${b64('Ünïcödé:pässwörd')}`,
  'Basic !!!not base64!!!',
  `Basic ${b64('alice:secret').slice(0, -3)}`,
  `basic ${b64('alice:secret')}`,
  `BASIC  ${b64('alice:secret')}`,
  'Digest username="bob", realm="x", nonce="abc", uri="/", response="f00"',
  'digest foo',
  'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig',
  'Basic',
  '',
];

describe.skipIf(!haveCgi)('PHP_AUTH_* as php-cgi sets them', () => {
  let root: string;
  let script: string;
  let stack: Stack;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-auth-'));
    script = path.join(root, 'auth.php');
    fs.writeFileSync(script, AUTH_PHP);
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** lamphp through the local server, compared with php-cgi given what PHP saw. */
  async function viaLocal(authorization: string) {
    const res = await raw(stack.port, get('/auth.php', `Authorization: ${authorization}\r\n`));
    expect(res.status).toBe(200);
    const { seen, ...rest } = JSON.parse(res.body.toString()) as Seen;
    return { rest, reference: phpCgi(script, Buffer.from(seen ?? '', 'base64').toString('latin1')) };
  }

  it.each(NAMED)('%j: the same variables as php-cgi (local server)', async (authorization) => {
    const { rest, reference } = await viaLocal(authorization);
    expect(rest).toEqual(reference);
  });

  it('named cases say what php-cgi says they should', async () => {
    const decoded = async (a: string) => {
      const { rest } = await viaLocal(a);
      const d = (v: string | null) => (v === null ? null : Buffer.from(v, 'base64').toString('utf8'));
      return { user: d(rest.user), pw: d(rest.pw), digest: d(rest.digest) };
    };
    expect(await decoded(`Basic ${b64('alice:secret')}`)).toEqual({ user: 'alice', pw: 'secret', digest: null });
    expect(await decoded(`Basic ${b64(':')}`)).toEqual({ user: '', pw: null, digest: null });
    expect(await decoded(`Basic ${b64('alice:pa:ss:word')}`)).toEqual({ user: 'alice', pw: 'pa:ss:word', digest: null });
    expect(await decoded('digest foo')).toEqual({ user: null, pw: null, digest: 'foo' });
    expect(await decoded('Bearer x')).toEqual({ user: null, pw: null, digest: null });
  });

  it('generated Authorization headers: the same variables as php-cgi (local server)', async () => {
    await fc.assert(
      fc.asyncProperty(authorizationArb, async (authorization) => {
        const { rest, reference } = await viaLocal(authorization);
        expect(rest, JSON.stringify(authorization)).toEqual(reference);
      }),
      { numRuns: 50 },
    );
  });

  it('generated Authorization headers: the same variables as php-cgi (Lambda handler, every event source)', async () => {
    const door = lambdaDoor(stack.config, stack.bridge);
    await fc.assert(
      fc.asyncProperty(authorizationArb, fc.constantFrom(...EVENT_KINDS), async (authorization, kind) => {
        const answer = lambdaAnswer(await door(eventFor(kind, '/auth.php', '', { authorization })));
        expect(answer.status).toBe(200);
        const { seen, ...rest } = JSON.parse(answer.body.toString()) as Seen;
        expect(rest, `${kind} ${JSON.stringify(authorization)}`).toEqual(phpCgi(script, Buffer.from(seen ?? '', 'base64').toString('latin1')));
      }),
      { numRuns: 50 },
    );
  });
});

describe.skipIf(!haveCgi)("Bref's basic-auth fixtures through the Lambda bootstrap", () => {
  let tmp: string;
  let script: string;
  let rt: LambdaProcess;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-auth-rt-'));
    fs.mkdirSync(path.join(tmp, 'root'));
    script = path.join(tmp, 'root', 'auth.php');
    fs.writeFileSync(script, AUTH_PHP);
    rt = await startLambdaProcess({ documentRoot: path.join(tmp, 'root'), home: tmp });
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each(['ag-v1-header-basic-auth.json', 'ag-v2-header-basic-auth.json'])('%s: fake / secret, as php-cgi reads the same header', async (name) => {
    const event = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/bref', name), 'utf8'));
    if (event.version === '2.0') Object.assign(event, { rawPath: '/auth.php' });
    else Object.assign(event, { path: '/auth.php' });
    const result = payloadOf(await rt.emu.invoke(event), rt.output());
    expect(result.statusCode).toBe(200);
    const { seen, ...rest } = JSON.parse(Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8').toString()) as Seen;
    expect(Buffer.from(seen!, 'base64').toString()).toBe('Basic ZmFrZTpzZWNyZXQ=');
    expect(rest).toEqual({ user: b64('fake'), pw: b64('secret'), digest: null, type: null });
    expect(rest).toEqual(phpCgi(script, 'Basic ZmFrZTpzZWNyZXQ='));
  }, 60_000);
});
