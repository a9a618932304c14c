import { describe, expect, it } from 'vitest';
import { buildCgiEnv, type PhpRoute } from '../bridge/cgi.ts';
import type { HttpRequest } from '../bridge/http.ts';

const ROOT = '/mnt/wp';
const RECEIVED_AT = 1_764_158_400_123.5; // 2025-11-26T12:00:00.1235Z

function request(overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    path: '/',
    query: '',
    headers: {},
    body: new Uint8Array(),
    clientAddress: '203.0.113.9',
    clientPort: 54321,
    scheme: 'https',
    host: 'example.com',
    port: 443,
    protocol: 'HTTP/1.1',
    requestId: 'req-1',
    receivedAt: RECEIVED_AT,
    ...overrides,
  };
}

const script = (scriptName: string, pathInfo = ''): PhpRoute => ({
  kind: 'php',
  scriptName,
  scriptFilename: ROOT + scriptName,
  pathInfo,
});
const front = script('/index.php');

describe('buildCgiEnv: a front-controller GET over https on 443', () => {
  const env = buildCgiEnv(
    request({ path: '/hello-world/', query: 'utm=a%20b&x=1', headers: { accept: ['text/html'] } }),
    front,
    { documentRoot: ROOT },
  );

  it.each([
    ['GATEWAY_INTERFACE', 'CGI/1.1'],
    ['SERVER_SOFTWARE', 'lamphp'],
    ['SERVER_NAME', 'example.com'],
    ['SERVER_PORT', '443'],
    ['SERVER_PROTOCOL', 'HTTP/1.1'],
    ['REQUEST_METHOD', 'GET'],
    ['REQUEST_SCHEME', 'https'],
    ['HTTPS', 'on'],
    ['REMOTE_ADDR', '203.0.113.9'],
    ['REMOTE_PORT', '54321'],
    ['DOCUMENT_ROOT', '/mnt/wp'],
    ['SCRIPT_NAME', '/index.php'],
    ['SCRIPT_FILENAME', '/mnt/wp/index.php'],
    ['PHP_SELF', '/index.php'],
    ['REQUEST_URI', '/hello-world/?utm=a%20b&x=1'],
    ['QUERY_STRING', 'utm=a%20b&x=1'],
    ['REDIRECT_STATUS', '200'],
    ['REQUEST_TIME', '1764158400'],
    ['REQUEST_TIME_FLOAT', '1764158400.123500'],
    ['HTTP_HOST', 'example.com'],
    ['HTTP_ACCEPT', 'text/html'],
  ])('%s = %j', (name, value) => {
    expect(env[name]).toBe(value);
  });

  it.each(['PATH_INFO', 'PATH_TRANSLATED', 'CONTENT_TYPE', 'CONTENT_LENGTH', 'SERVER_ADDR'])('%s is unset', (name) => {
    expect(env).not.toHaveProperty(name);
  });
});

describe('buildCgiEnv: request line and connection', () => {
  it.each<[string, Partial<HttpRequest>, Record<string, string | undefined>]>([
    [
      'http on 8080 keeps the port in HTTP_HOST and sets no HTTPS',
      { scheme: 'http', port: 8080 },
      { HTTP_HOST: 'example.com:8080', SERVER_PORT: '8080', REQUEST_SCHEME: 'http', HTTPS: undefined },
    ],
    ['http on 80 omits the port', { scheme: 'http', port: 80 }, { HTTP_HOST: 'example.com', HTTPS: undefined }],
    ['https on 8443 keeps the port', { port: 8443 }, { HTTP_HOST: 'example.com:8443', HTTPS: 'on' }],
    ['https on 80 is not the default port', { port: 80 }, { HTTP_HOST: 'example.com:80' }],
    ['no query leaves REQUEST_URI bare', { path: '/a/b', query: '' }, { REQUEST_URI: '/a/b', QUERY_STRING: '' }],
    [
      'the raw path and query are passed untouched',
      { path: '/caf%C3%A9/%2e', query: 'a[]=1&a[]=2&b' },
      { REQUEST_URI: '/caf%C3%A9/%2e?a[]=1&a[]=2&b', QUERY_STRING: 'a[]=1&a[]=2&b' },
    ],
    ['HTTP/2 is reported as such', { protocol: 'HTTP/2.0' }, { SERVER_PROTOCOL: 'HTTP/2.0' }],
    ['IPv6 clients keep their address', { clientAddress: '2001:db8::1' }, { REMOTE_ADDR: '2001:db8::1' }],
    ['a whole-second arrival still has a fraction', { receivedAt: 1_700_000_000_000 }, { REQUEST_TIME: '1700000000', REQUEST_TIME_FLOAT: '1700000000.000000' }],
    ['the method is passed as given', { method: 'DELETE' }, { REQUEST_METHOD: 'DELETE' }],
  ])('%s', (_name, overrides, expected) => {
    const env = buildCgiEnv(request(overrides), front, { documentRoot: ROOT });
    for (const [name, value] of Object.entries(expected)) {
      if (value === undefined) expect(env).not.toHaveProperty(name);
      else expect(env[name]).toBe(value);
    }
  });

  it('takes SERVER_SOFTWARE and SERVER_ADDR from the options', () => {
    const env = buildCgiEnv(request(), front, { documentRoot: ROOT, serverSoftware: 'lamphp/0.1', serverAddress: '10.0.0.5' });
    expect(env).toMatchObject({ SERVER_SOFTWARE: 'lamphp/0.1', SERVER_ADDR: '10.0.0.5' });
  });
});

describe('buildCgiEnv: script, PATH_INFO and PATH_TRANSLATED', () => {
  it.each<[string, PhpRoute, string, Record<string, string | undefined>]>([
    [
      'a script with path info',
      script('/wp-admin/index.php', '/extra/path'),
      '/wp-admin/index.php/extra/path',
      {
        SCRIPT_NAME: '/wp-admin/index.php',
        SCRIPT_FILENAME: '/mnt/wp/wp-admin/index.php',
        PATH_INFO: '/extra/path',
        PATH_TRANSLATED: '/mnt/wp/extra/path',
        PHP_SELF: '/wp-admin/index.php/extra/path',
        REQUEST_URI: '/wp-admin/index.php/extra/path',
      },
    ],
    [
      'decoded path info from an encoded URI',
      script('/index.php', '/a b/é'),
      '/index.php/a%20b/%C3%A9',
      { PATH_INFO: '/a b/é', PHP_SELF: '/index.php/a b/é', REQUEST_URI: '/index.php/a%20b/%C3%A9' },
    ],
    [
      'a directory index keeps the directory URI',
      script('/wp-admin/index.php'),
      '/wp-admin/',
      { SCRIPT_NAME: '/wp-admin/index.php', PHP_SELF: '/wp-admin/index.php', REQUEST_URI: '/wp-admin/', PATH_INFO: undefined },
    ],
    [
      'the front controller sees the original URI',
      front,
      '/2025/11/hello-world/',
      { SCRIPT_NAME: '/index.php', REQUEST_URI: '/2025/11/hello-world/', PATH_INFO: undefined, PATH_TRANSLATED: undefined },
    ],
  ])('%s', (_name, route, path, expected) => {
    const env = buildCgiEnv(request({ path }), route, { documentRoot: ROOT });
    for (const [name, value] of Object.entries(expected)) {
      if (value === undefined) expect(env).not.toHaveProperty(name);
      else expect(env[name]).toBe(value);
    }
  });
});

describe('buildCgiEnv: request body', () => {
  const form = new TextEncoder().encode('log=admin&pwd=secret');
  it.each<[string, Partial<HttpRequest>, Record<string, string | undefined>]>([
    [
      'a form post',
      { method: 'POST', body: form, headers: { 'content-type': ['application/x-www-form-urlencoded'], 'content-length': ['20'] } },
      { CONTENT_TYPE: 'application/x-www-form-urlencoded', CONTENT_LENGTH: '20' },
    ],
    [
      'CONTENT_LENGTH is the length of the body PHP receives',
      { method: 'POST', body: form, headers: { 'content-type': ['text/plain'], 'content-length': ['28'] } },
      { CONTENT_LENGTH: '20' },
    ],
    ['a body without a Content-Type header', { method: 'PUT', body: form }, { CONTENT_LENGTH: '20', CONTENT_TYPE: undefined }],
    [
      'an empty body announced as such',
      { method: 'POST', headers: { 'content-length': ['0'], 'content-type': ['application/json'] } },
      { CONTENT_LENGTH: '0', CONTENT_TYPE: 'application/json' },
    ],
    ['no body and no headers', { method: 'GET' }, { CONTENT_LENGTH: undefined, CONTENT_TYPE: undefined }],
  ])('%s', (_name, overrides, expected) => {
    const env = buildCgiEnv(request(overrides), front, { documentRoot: ROOT });
    for (const [name, value] of Object.entries(expected)) {
      if (value === undefined) expect(env).not.toHaveProperty(name);
      else expect(env[name]).toBe(value);
    }
    expect(env).not.toHaveProperty('HTTP_CONTENT_TYPE');
    expect(env).not.toHaveProperty('HTTP_CONTENT_LENGTH');
  });
});

describe('buildCgiEnv: headers as HTTP_*', () => {
  it.each<[string, HttpRequest['headers'], Record<string, string | undefined>]>([
    ['a dash becomes an underscore', { 'user-agent': ['curl/8'] }, { HTTP_USER_AGENT: 'curl/8' }],
    ['repeated headers join with ", "', { accept: ['text/html', 'application/json'] }, { HTTP_ACCEPT: 'text/html, application/json' }],
    [
      'X-Forwarded-For keeps every hop',
      { 'x-forwarded-for': ['198.51.100.1', '203.0.113.9'] },
      { HTTP_X_FORWARDED_FOR: '198.51.100.1, 203.0.113.9' },
    ],
    ['repeated cookies join with "; "', { cookie: ['a=1', 'b=2; c=3'] }, { HTTP_COOKIE: 'a=1; b=2; c=3' }],
    ['a single cookie header passes as is', { cookie: ['wordpress_logged_in=x%7Cy'] }, { HTTP_COOKIE: 'wordpress_logged_in=x%7Cy' }],
    ['Proxy is never passed (httpoxy)', { proxy: ['http://evil.example:8080'] }, { HTTP_PROXY: undefined }],
    [
      'underscore names are dropped so they cannot pose as dashed ones',
      { x_forwarded_for: ['6.6.6.6'], 'x-forwarded-for': ['198.51.100.1'] },
      { HTTP_X_FORWARDED_FOR: '198.51.100.1' },
    ],
    ['an underscore-only header is dropped', { x_real_ip: ['6.6.6.6'] }, { HTTP_X_REAL_IP: undefined }],
    ['names with other characters are dropped', { 'x.dot': ['1'], 'x dot': ['1'] }, { HTTP_X_DOT: undefined, HTTP_X_DOT_: undefined }],
    ['HTTP_HOST comes from the request, not the Host header', { host: ['attacker.example'] }, { HTTP_HOST: 'example.com' }],
    ['an empty header value is kept', { 'x-empty': [''] }, { HTTP_X_EMPTY: '' }],
    ['a header with no values is skipped', { 'x-none': [] }, { HTTP_X_NONE: undefined }],
    ['headers cannot override CGI variables', { 'remote-addr': ['6.6.6.6'] }, { REMOTE_ADDR: '203.0.113.9', HTTP_REMOTE_ADDR: '6.6.6.6' }],
  ])('%s', (_name, headers, expected) => {
    const env = buildCgiEnv(request({ headers }), front, { documentRoot: ROOT });
    for (const [name, value] of Object.entries(expected)) {
      if (value === undefined) expect(env).not.toHaveProperty(name);
      else expect(env[name]).toBe(value);
    }
  });

  it('passes only well-formed names: every HTTP_* key is upper-case letters, digits and underscores', () => {
    const env = buildCgiEnv(
      request({ headers: { 'a-b': ['1'], 'a_b': ['2'], 'ä': ['3'], '': ['4'], 'x-1': ['5'], 'Mixed-Case': ['6'] } }),
      front,
      { documentRoot: ROOT },
    );
    const httpKeys = Object.keys(env).filter((k) => k.startsWith('HTTP_')).sort();
    expect(httpKeys).toEqual(['HTTP_A_B', 'HTTP_HOST', 'HTTP_MIXED_CASE', 'HTTP_X_1']);
    expect(env.HTTP_A_B).toBe('1');
  });

  it('produces only string values', () => {
    const env = buildCgiEnv(request({ headers: { accept: ['*/*'] } }), script('/a.php', '/b'), { documentRoot: ROOT });
    for (const value of Object.values(env)) expect(typeof value).toBe('string');
  });
});
