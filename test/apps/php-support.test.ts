/**
 * What applications expect of a stock PHP that php-wasm lacks: the sodium API (sodium_compat,
 * loaded only when first called), intl when LAMPHP_PHP_EXTENSIONS asks for it, and HTTPS that
 * verifies certificates against the CAs Node trusts — a local HTTPS server whose certificate
 * comes from a test CA is accepted when that CA is trusted (NODE_EXTRA_CA_CERTS) and refused
 * when it is not, by PHP streams and by curl.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/faults/stack.ts';
import { payloadOf, startLambdaProcess, type LambdaProcess } from '../support/lambda-process.ts';
import { functionUrlEvent } from '../support/events.ts';

const SCRIPTS: Record<string, string> = {
  'sodium.php': `<?php
header('Content-Type: application/json');
$before = class_exists('ParagonIE_Sodium_Compat', false);
$key = sodium_crypto_secretbox_keygen();
$nonce = random_bytes(SODIUM_CRYPTO_SECRETBOX_NONCEBYTES);
$box = sodium_crypto_secretbox('attack at dawn', $nonce, $key);
$n = "\\x01\\x00"; sodium_increment($n);
echo json_encode([
  'lazyUntilCalled' => !$before && class_exists('ParagonIE_Sodium_Compat', false),
  'open' => sodium_crypto_secretbox_open($box, $nonce, $key),
  'tampered' => sodium_crypto_secretbox_open($box . 'x', $nonce, $key),
  'keyBytes' => strlen($key) === SODIUM_CRYPTO_SECRETBOX_KEYBYTES,
  'blake2b' => bin2hex(sodium_crypto_generichash('abc')),
  'increment' => bin2hex($n),
  'version' => SODIUM_LIBRARY_VERSION,
]);`,
  'lazy.php': `<?php echo json_encode(['fn' => function_exists('sodium_crypto_box'), 'const' => defined('SODIUM_CRYPTO_BOX_SEEDBYTES'), 'loaded' => class_exists('ParagonIE_Sodium_Compat', false)]);`,
  'intl.php': `<?php echo json_encode(['intl' => extension_loaded('intl'), 'nfc' => class_exists('Normalizer') ? Normalizer::normalize("e\\u{301}") === "\\u{e9}" : null, 'de' => class_exists('NumberFormatter') ? (new NumberFormatter('de_DE', NumberFormatter::DECIMAL))->format(1234.5) : null]);`,
  'https.php': `<?php
$url = $_GET['url'];
$warnings = [];
set_error_handler(function ($no, $message) use (&$warnings) { $warnings[] = $message; return true; });
$stream = file_get_contents($url);
restore_error_handler();
$streamError = implode(' | ', $warnings);
$ch = curl_init($url);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$curl = curl_exec($ch);
echo json_encode(['stream' => $stream, 'streamError' => $streamError, 'curl' => $curl, 'curlErrno' => curl_errno($ch), 'curlError' => curl_error($ch)]);`,
};

let tmp: string;
let root: string;
let stack: Stack;
let plain: Stack;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-support-'));
  root = path.join(tmp, 'root');
  fs.mkdirSync(root);
  for (const [name, code] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(root, name), code);
  [stack, plain] = await Promise.all([startStack({ root, env: { LAMPHP_PHP_EXTENSIONS: 'intl' } }), startStack({ root })]);
});
afterAll(async () => {
  await Promise.all([stack?.close(), plain?.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const json = async (s: Stack, p: string) => (await fetch(`${s.url}${p}`)).json() as Promise<Record<string, unknown>>;

describe('sodium through sodium_compat', () => {
  it('declares the API on every request but loads the implementation only on the first call', async () => {
    expect(await json(plain, '/lazy.php')).toEqual({ fn: true, const: true, loaded: false });
  });

  it('encrypts, authenticates and hashes like libsodium', async () => {
    expect(await json(plain, '/sodium.php')).toEqual({
      lazyUntilCalled: true,
      open: 'attack at dawn',
      tampered: false,
      keyBytes: true,
      blake2b: 'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319', // BLAKE2b-256("abc")
      increment: '0200',
      version: '1.0.8',
    });
  });
});

describe('LAMPHP_PHP_EXTENSIONS', () => {
  it('loads intl when asked, and only then', async () => {
    expect(await json(stack, '/intl.php')).toEqual({ intl: true, nfc: true, de: '1.234,5' });
    expect(await json(plain, '/intl.php')).toEqual({ intl: false, nfc: null, de: null });
  });
});

describe('HTTPS from PHP', () => {
  let server: https.Server;
  let url: string;
  let caFile: string;
  let trusting: LambdaProcess;
  let strangers: LambdaProcess;

  beforeAll(async () => {
    const dir = path.join(tmp, 'pki');
    fs.mkdirSync(dir);
    const at = (n: string) => path.join(dir, n);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=lamphp test CA');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(at('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
    caFile = at('ca.pem');
    server = https.createServer({ key: fs.readFileSync(at('server.key')), cert: fs.readFileSync(at('server.pem')) }, (_req, res) => res.end('secret over tls'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    [trusting, strangers] = await Promise.all([
      startLambdaProcess({ documentRoot: root, home: path.join(tmp, 'a'), env: { NODE_EXTRA_CA_CERTS: caFile } }),
      startLambdaProcess({ documentRoot: root, home: path.join(tmp, 'b') }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([trusting?.stop(), strangers?.stop()]);
    server?.close();
  });

  const fetchThrough = async (rt: LambdaProcess) => {
    const payload = payloadOf(await rt.emu.invoke(functionUrlEvent('/https.php', { query: `url=${encodeURIComponent(url)}` })), rt.output());
    return JSON.parse(Buffer.from(payload.body, payload.isBase64Encoded ? 'base64' : 'utf8').toString());
  };

  it('verifies against the CAs Node trusts: the test CA added → both streams and curl succeed', async () => {
    expect(await fetchThrough(trusting)).toMatchObject({ stream: 'secret over tls', curl: 'secret over tls', curlErrno: 0 });
  });

  it('a certificate from a CA nobody trusts fails verification in streams and curl', async () => {
    const seen = await fetchThrough(strangers);
    expect(seen.stream).toBe(false);
    expect(seen.streamError).toMatch(/certificate verify failed/i);
    expect(seen.curl).toBe(false);
    expect(seen.curlErrno).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
  });
});
