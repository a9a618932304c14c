/**
 * The php-wasm engine runs a CGI request in a worker thread and answers a CGI response.
 * Request/response translation, PHP's configuration, and recovery from failing scripts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountList, type PhpWasmEngine } from '../bridge/engine/php-wasm/index.ts';
import { iniLine } from '../bridge/engine/php-wasm/ini.ts';
import { PHP_ROOT, cgi, inSeconds, json, rejection, startEngine, text } from './engine-helpers.ts';

let engine: PhpWasmEngine;
let records: Record<string, unknown>[];
let sessionDir: string;
let userIni: string;

beforeAll(async () => {
  userIni = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-ini-')), 'user.ini');
  fs.writeFileSync(userIni, 'memory_limit = 300M\n[Date]\ndate.timezone = Europe/Paris\n');
  const started = await startEngine({ userIniFile: userIni, iniOverrides: { 'date.timezone': 'UTC', upload_max_filesize: '64M' } });
  ({ engine, sessionDir } = started);
  records = started.logger.records;
});
afterAll(() => engine?.close());

describe('request translation', () => {
  it('fills $_GET from QUERY_STRING and keeps REQUEST_URI as sent', async () => {
    const r = await engine.handle(cgi('request.php?a=1&list[]=x&list[]=y', { REQUEST_URI: '/pretty/path?a=1&list[]=x&list[]=y' }), inSeconds(10));
    const seen = json(r);
    expect(seen.get).toEqual({ a: '1', list: ['x', 'y'] });
    expect(seen.server.REQUEST_URI).toBe('/pretty/path?a=1&list[]=x&list[]=y');
    expect(seen.server.QUERY_STRING).toBe('a=1&list[]=x&list[]=y');
    expect(seen.server.SCRIPT_NAME).toBe('/request.php');
    expect(seen.server.PHP_SELF).toBe('/request.php');
    expect(seen.sapi).toBe('fpm-fcgi');
  });

  it('takes $_GET from a rewritten QUERY_STRING, not from the original URI', async () => {
    const r = await engine.handle(cgi('request.php', { REQUEST_URI: '/blog/?p=1', QUERY_STRING: 'p=2' }), inSeconds(10));
    expect(json(r).get).toEqual({ p: '2' });
  });

  it('parses a urlencoded POST into $_POST and keeps it in php://input', async () => {
    const req = cgi('request.php', { REQUEST_METHOD: 'POST', CONTENT_TYPE: 'application/x-www-form-urlencoded', CONTENT_LENGTH: '13' }, 'k=v&name=J%C3%BC');
    const seen = json(await engine.handle(req, inSeconds(10)));
    expect(seen.post).toEqual({ k: 'v', name: 'Jü' });
    expect(seen.input).toBe('k=v&name=J%C3%BC');
  });

  it('takes a short body that lives in Node\'s Buffer pool (a local multipart upload)', async () => {
    const body = Buffer.concat([Buffer.from('k=v&'), Buffer.from('pooled=yes')]);
    const req = cgi('request.php', { REQUEST_METHOD: 'POST', CONTENT_TYPE: 'application/x-www-form-urlencoded', CONTENT_LENGTH: String(body.length) }, body);
    expect(json(await engine.handle(req, inSeconds(10))).post).toEqual({ k: 'v', pooled: 'yes' });
    expect(body.toString()).toBe('k=v&pooled=yes'); // the caller's buffer is not detached
  });

  it('hands a JSON body to php://input untouched', async () => {
    const body = JSON.stringify({ hello: 'world', n: [1, 2] });
    const req = cgi('request.php', { REQUEST_METHOD: 'PUT', CONTENT_TYPE: 'application/json', CONTENT_LENGTH: String(body.length) }, body);
    const seen = json(await engine.handle(req, inSeconds(10)));
    expect(seen.input).toBe(body);
    expect(seen.post).toEqual([]);
    expect(seen.server.REQUEST_METHOD).toBe('PUT');
  });

  it('parses a multipart upload into $_FILES and $_POST', async () => {
    const boundary = '----lamphp' + Date.now();
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="title"',
      '',
      'A picture',
      `--${boundary}`,
      'Content-Disposition: form-data; name="upload"; filename="hello.txt"',
      'Content-Type: text/plain',
      '',
      'file contents\nsecond line',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const req = cgi(
      'request.php',
      { REQUEST_METHOD: 'POST', CONTENT_TYPE: `multipart/form-data; boundary=${boundary}`, CONTENT_LENGTH: String(body.length) },
      body,
    );
    const seen = json(await engine.handle(req, inSeconds(10)));
    expect(seen.post).toEqual({ title: 'A picture' });
    expect(seen.files.upload).toEqual({ name: 'hello.txt', type: 'text/plain', size: 25, error: 0, content: 'file contents\nsecond line' });
  });

  it('fills $_COOKIE from the Cookie header', async () => {
    const seen = json(await engine.handle(cgi('request.php', { HTTP_COOKIE: 'a=1; theme=dark%20mode' }), inSeconds(10)));
    expect(seen.cookie).toEqual({ a: '1', theme: 'dark mode' });
  });

  it('lets the CGI environment win: REMOTE_ADDR, HTTPS, SERVER_PORT, HTTP_HOST and custom headers', async () => {
    const env = { REMOTE_ADDR: '203.0.113.9', HTTPS: 'on', SERVER_PORT: '8443', HTTP_HOST: 'shop.example.org:8443', SERVER_NAME: 'shop.example.org', HTTP_X_CUSTOM: 'yes' };
    const seen = json(await engine.handle(cgi('request.php', env), inSeconds(10)));
    expect(seen.server).toMatchObject(env);
  });

  it('does not report HTTPS on for a plain-HTTP request', async () => {
    const plain = json(await engine.handle(cgi('request.php'), inSeconds(10)));
    expect(plain.server.HTTPS).not.toBe('on');
    const off = json(await engine.handle(cgi('request.php', { HTTPS: 'off' }), inSeconds(10)));
    expect(off.server.HTTPS).not.toBe('on');
  });

  it('returns status, lower-case headers with every value, and the body bytes', async () => {
    const r = await engine.handle(cgi('request.php'), inSeconds(10));
    expect(r.status).toBe(200);
    expect(r.headers['set-cookie']).toEqual(['first=1', 'second=2']);
    expect(r.headers['content-type']).toEqual(['application/json']);
    expect(r.headers['x-powered-by']).toBeUndefined(); // expose_php = 0
    expect(r.exitCode).toBe(0);
    expect(r.errors).toBe('');
  });

  it('returns binary output byte for byte', async () => {
    const r = await engine.handle(cgi('bytes.php'), inSeconds(10));
    expect(Array.from(r.body)).toEqual(Array.from({ length: 256 }, (_, i) => i));
  });

  it('leaves the caller’s request body intact', async () => {
    const req = cgi('request.php', { REQUEST_METHOD: 'POST', CONTENT_TYPE: 'text/plain' }, 'still mine');
    await engine.handle(req, inSeconds(10));
    expect(new TextDecoder().decode(req.body)).toBe('still mine');
  });
});

describe('PHP configuration', () => {
  it('has shared-memory opcache enabled under the fpm-fcgi SAPI', async () => {
    const status = json(await engine.handle(cgi('status.php'), inSeconds(10)));
    expect(status.opcache_enabled).toBe(true);
    expect(status.sapi).toBe('fpm-fcgi');
  });

  it('applies php.ini, then the user ini, then overrides; session.save_path is the session dir', async () => {
    const { ini } = json(await engine.handle(cgi('status.php'), inSeconds(10)));
    expect(ini).toMatchObject({
      display_errors: '0',
      log_errors: '1',
      expose_php: '0',
      'opcache.file_cache_only': '0',
      memory_limit: '300M', // user ini beats ours
      'date.timezone': 'UTC', // override beats the user ini
      upload_max_filesize: '64M',
      'session.save_path': sessionDir,
    });
  });

  it('returns warnings in `errors`, not in the page', async () => {
    const r = await engine.handle(cgi('warning.php'), inSeconds(10));
    expect(text(r)).toBe('ok done');
    expect(r.errors).toContain('PHP Warning:  something odd');
  });
});

describe('failing scripts', () => {
  it('answers a fatal error with status 500, a non-zero exit code and the error text', async () => {
    const r = await engine.handle(cgi('fatal.php'), inSeconds(10));
    expect(r.status).toBe(500);
    expect(r.exitCode).not.toBe(0);
    expect(r.errors).toContain('Call to undefined function undefined_function()');
    expect(text(r)).not.toContain('undefined_function'); // display_errors = 0
  });

  it('reports exit(1) as exit code 1', async () => {
    const r = await engine.handle(cgi('exit-code.php'), inSeconds(10));
    expect(r.exitCode).toBe(1);
    expect(r.errors).toContain('giving up');
  });

  it('answers memory exhaustion with status 500 and the error text', async () => {
    const r = await engine.handle(cgi('memory.php'), inSeconds(10));
    expect(r.status).toBe(500);
    expect(r.exitCode).not.toBe(0);
    expect(r.errors).toContain('Allowed memory size of 16777216 bytes exhausted');
  });

  it('keeps serving after fatal errors, exits and memory exhaustion, without restarting a worker', async () => {
    for (const script of ['fatal.php', 'exit-code.php', 'memory.php', 'fatal.php']) await engine.handle(cgi(script), inSeconds(10));
    const r = await engine.handle(cgi('hello.php'), inSeconds(10));
    expect(text(r)).toBe('Hello, world!');
    expect(engine.stats()).toMatchObject({ workers: 2, restarts: 0 });
  });

  it('answers a missing script with 404 like php-fpm, without restarting a worker', async () => {
    const r = await engine.handle(cgi('no-such-script.php'), inSeconds(10));
    expect(r.status).toBe(404);
    expect(r.errors).toContain('Primary script unknown');
    expect(text(await engine.handle(cgi('hello.php'), inSeconds(10)))).toBe('Hello, world!');
    expect(engine.stats().restarts).toBe(0);
  });

  it('rejects ECRASHED when the runtime itself breaks, logs it, and replaces the worker', async () => {
    const req = cgi('crash.php');
    expect(await rejection(engine.handle(req, inSeconds(20)))).toBe('ECRASHED');
    expect(records).toContainEqual(expect.objectContaining({ level: 'error', msg: 'PHP runtime crashed', requestId: req.requestId }));
    await engine.idle(); // the replacement has booted
    expect(engine.stats()).toMatchObject({ workers: 2, restarts: 1 });
    // Two at once: one of them runs on the replacement.
    const [a, b] = await Promise.all([engine.handle(cgi('slow.php'), inSeconds(10)), engine.handle(cgi('slow.php'), inSeconds(10))]);
    expect([a.status, b.status]).toEqual([200, 200]);
  });
});

describe('mounts and ini lines', () => {
  it('serves a document root reached through a symlink under either spelling', async () => {
    const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-link-')), 'root');
    fs.symlinkSync(PHP_ROOT, link);
    const { engine: linked } = await startEngine({ workers: 1, documentRoot: link });
    try {
      const viaLink = await linked.handle(cgi('hello.php', { SCRIPT_FILENAME: path.join(link, 'hello.php') }), inSeconds(10));
      const viaReal = await linked.handle(cgi('hello.php', { SCRIPT_FILENAME: path.join(PHP_ROOT, 'hello.php') }), inSeconds(10));
      expect([text(viaLink), text(viaReal)]).toEqual(['Hello, world!', 'Hello, world!']);
    } finally {
      await linked.close();
    }
  });

  it('mounts each directory once, skipping those inside another mount', () => {
    expect(mountList(['/srv/www', '/srv/www/sessions', '/srv/www/', '/var/db'])).toEqual(['/srv/www', '/var/db']);
  });

  it('writes ini values raw when PHP reads them right, quoted otherwise', () => {
    expect(iniLine('error_reporting', 'E_ALL & ~E_NOTICE')).toBe('error_reporting = E_ALL & ~E_NOTICE');
    expect(iniLine('session.save_path', '/tmp/lamphp-sessions')).toBe('session.save_path = /tmp/lamphp-sessions');
    expect(iniLine('sendmail_path', '/usr/bin/true; echo')).toBe('sendmail_path = "/usr/bin/true; echo"');
    expect(() => iniLine('bad key', '1')).toThrow(/Invalid php.ini key/);
  });
});
