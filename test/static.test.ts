import { mkdir, mkdtemp, readdir, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CACHE } from '../bridge/config.ts';
import { bodyBytes, type HeaderMap, type HttpRequest, type HttpResponse } from '../bridge/http.ts';
import { BUFFER_LIMIT, decideRange, serveStatic, type StaticOptions } from '../bridge/static.ts';

const OPTIONS: StaticOptions = { uploadsDir: 'wp-content/uploads', policy: DEFAULT_CACHE };
const MTIME = new Date('2024-01-02T03:04:05.678Z');
const LAST_MODIFIED = 'Tue, 02 Jan 2024 03:04:05 GMT';
const TEXT = 'body { color: #123456; } /* 0123456789 abcdefghij */\n';
const BIG_SIZE = 2 * 1024 * 1024;
const BIG = Uint8Array.from({ length: BIG_SIZE }, (_, i) => (i * 7 + (i >> 11)) % 251);

let root: string;

const FILES: Record<string, string | Uint8Array> = {
  'style.css': TEXT,
  'wp-includes/js/app.js': 'console.log(1);\n',
  'wp-content/themes/t/theme.js': 'console.log(2);\n',
  'wp-content/uploads/2024/01/photo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'data.json': '{"a":1}',
  'index.html': '<!doctype html>',
  'readme.txt': 'hello',
  'font.woff2': new Uint8Array([1, 2, 3]),
  'archive.unknownext': new Uint8Array([9]),
  'empty.txt': '',
  'big.bin': BIG,
};

const etagOf = (size: number) => `"${size.toString(16)}-${MTIME.getTime().toString(16)}"`;
const CSS_ETAG = etagOf(Buffer.byteLength(TEXT));
const CSS_SIZE = Buffer.byteLength(TEXT);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lamphp-static-'));
  for (const [name, content] of Object.entries(FILES)) {
    const file = path.join(root, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    await utimes(file, MTIME, MTIME);
  }
  await mkdir(path.join(root, 'a-directory'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function request(method: string, headers: HeaderMap = {}, query = ''): HttpRequest {
  return {
    method, path: '/', query, headers, body: new Uint8Array(0),
    clientAddress: '203.0.113.9', clientPort: 50000, scheme: 'https', host: 'example.com', port: 443,
    protocol: 'HTTP/1.1', requestId: 'test', receivedAt: 0,
  };
}

function serve(name: string, method = 'GET', headers: HeaderMap = {}, query = ''): Promise<HttpResponse> {
  return serveStatic(request(method, headers, query), { filePath: path.join(root, name), urlPath: `/${name}` }, OPTIONS);
}

async function text(response: HttpResponse): Promise<string> {
  return Buffer.from(await bodyBytes(response.body)).toString('utf8');
}

describe('a plain GET', () => {
  it('answers 200 with the whole file and every header', async () => {
    const response = await serve('style.css');
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({
      'content-type': ['text/css; charset=utf-8'],
      'content-length': [String(CSS_SIZE)],
      etag: [CSS_ETAG],
      'last-modified': [LAST_MODIFIED],
      'cache-control': [DEFAULT_CACHE.static],
      'accept-ranges': ['bytes'],
      'x-content-type-options': ['nosniff'],
    });
    expect(await text(response)).toBe(TEXT);
  });

  it.each([
    ['style.css', 'text/css; charset=utf-8'],
    ['wp-includes/js/app.js', 'text/javascript; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['logo.svg', 'image/svg+xml; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
    ['readme.txt', 'text/plain; charset=utf-8'],
    ['wp-content/uploads/2024/01/photo.png', 'image/png'],
    ['font.woff2', 'font/woff2'],
    ['archive.unknownext', 'application/octet-stream'],
  ])('serves %s as %s', async (name, type) => {
    expect((await serve(name)).headers['content-type']).toEqual([type]);
  });

  it('serves an empty file as 200 with Content-Length 0', async () => {
    const response = await serve('empty.txt', 'GET', { range: ['bytes=0-0'] });
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toEqual(['0']);
    expect((await bodyBytes(response.body)).length).toBe(0);
  });

  it('reads files up to 1 MiB into memory', async () => {
    expect((await serve('style.css')).body).toBeInstanceOf(Uint8Array);
  });
});

describe('HEAD', () => {
  it('answers the same headers as GET with an empty body', async () => {
    const [get, head] = [await serve('style.css'), await serve('style.css', 'HEAD')];
    expect(head.status).toBe(200);
    expect(head.headers).toEqual(get.headers);
    expect((await bodyBytes(head.body)).length).toBe(0);
  });

  it('ignores Range, as ranges are defined for GET only', async () => {
    const head = await serve('style.css', 'HEAD', { range: ['bytes=0-3'] });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toEqual([String(CSS_SIZE)]);
    expect(head.headers['content-range']).toBeUndefined();
  });
});

describe('other methods', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s → 405 with Allow: GET, HEAD', async (method) => {
    const response = await serve('style.css', method);
    expect(response.status).toBe(405);
    expect(response.headers.allow).toEqual(['GET, HEAD']);
  });
});

describe('missing files', () => {
  it('answers 404 for a file that does not exist', async () => {
    expect((await serve('nope.css')).status).toBe(404);
  });

  it('answers 404 when a path component is a file', async () => {
    expect((await serve('style.css/nope')).status).toBe(404);
  });

  it('answers 404 for a directory', async () => {
    expect((await serve('a-directory')).status).toBe(404);
  });

  it('answers 404 for a file deleted between routing and serving', async () => {
    const file = path.join(root, 'gone.txt');
    await writeFile(file, 'soon gone');
    const routed = { filePath: file, urlPath: '/gone.txt' };
    await unlink(file);
    expect((await serveStatic(request('GET'), routed, OPTIONS)).status).toBe(404);
  });
});

describe('conditional requests', () => {
  const secondEarlier = new Date(MTIME.getTime() - 1000).toUTCString();
  const later = new Date(MTIME.getTime() + 86_400_000).toUTCString();

  const cases: [name: string, headers: HeaderMap, status: number][] = [
    ['If-None-Match with the ETag', { 'if-none-match': [CSS_ETAG] }, 304],
    ['If-None-Match with the weak form of the ETag', { 'if-none-match': [`W/${CSS_ETAG}`] }, 304],
    ['If-None-Match with a list holding the ETag', { 'if-none-match': [`"other", ${CSS_ETAG}`] }, 304],
    ['If-None-Match split over two header lines', { 'if-none-match': ['"other"', CSS_ETAG] }, 304],
    ['If-None-Match: *', { 'if-none-match': ['*'] }, 304],
    ['If-None-Match with another ETag', { 'if-none-match': ['"other"'] }, 200],
    ['If-Modified-Since equal to Last-Modified', { 'if-modified-since': [LAST_MODIFIED] }, 304],
    ['If-Modified-Since later than Last-Modified', { 'if-modified-since': [later] }, 304],
    ['If-Modified-Since one second earlier', { 'if-modified-since': [secondEarlier] }, 200],
    ['If-Modified-Since that is not a date', { 'if-modified-since': ['yesterday'] }, 200],
    ['a stale ETag wins over a fresh date', { 'if-none-match': ['"other"'], 'if-modified-since': [later] }, 200],
    ['a matching ETag wins over an old date', { 'if-none-match': [CSS_ETAG], 'if-modified-since': [secondEarlier] }, 304],
  ];

  it.each(cases)('%s → %i', async (_name, headers, status) => {
    expect((await serve('style.css', 'GET', headers)).status).toBe(status);
  });

  it('answers 304 with only the validators and Cache-Control, and no body', async () => {
    const response = await serve('style.css', 'GET', { 'if-none-match': [CSS_ETAG] });
    expect(response.headers).toEqual({
      etag: [CSS_ETAG],
      'last-modified': [LAST_MODIFIED],
      'cache-control': [DEFAULT_CACHE.static],
    });
    expect((await bodyBytes(response.body)).length).toBe(0);
  });

  it('answers 304 to HEAD too', async () => {
    expect((await serve('style.css', 'HEAD', { 'if-modified-since': [LAST_MODIFIED] })).status).toBe(304);
  });

  it('answers 304 before looking at Range', async () => {
    expect((await serve('style.css', 'GET', { 'if-none-match': [CSS_ETAG], range: ['bytes=0-1'] })).status).toBe(304);
  });
});

describe('byte ranges', () => {
  const last = CSS_SIZE - 1;
  const cases: [range: string, status: number, contentRange: string | undefined, bytes: [number, number]][] = [
    ['bytes=0-9', 206, `bytes 0-9/${CSS_SIZE}`, [0, 10]],
    ['bytes=10-', 206, `bytes 10-${last}/${CSS_SIZE}`, [10, CSS_SIZE]],
    ['bytes=-5', 206, `bytes ${CSS_SIZE - 5}-${last}/${CSS_SIZE}`, [CSS_SIZE - 5, CSS_SIZE]],
    ['bytes=5-5', 206, `bytes 5-5/${CSS_SIZE}`, [5, 6]],
    ['bytes=3-99999', 206, `bytes 3-${last}/${CSS_SIZE}`, [3, CSS_SIZE]],
    ['bytes=-99999', 206, `bytes 0-${last}/${CSS_SIZE}`, [0, CSS_SIZE]],
    [`bytes=${last}-`, 206, `bytes ${last}-${last}/${CSS_SIZE}`, [last, CSS_SIZE]],
    ['bytes=0-1,4-5', 200, undefined, [0, CSS_SIZE]],
    ['bytes=5-2', 200, undefined, [0, CSS_SIZE]],
    ['bytes=abc', 200, undefined, [0, CSS_SIZE]],
    ['bytes=-', 200, undefined, [0, CSS_SIZE]],
    ['items=0-1', 200, undefined, [0, CSS_SIZE]],
  ];

  it.each(cases)('Range: %s → %i %s', async (range, status, contentRange, [from, to]) => {
    const response = await serve('style.css', 'GET', { range: [range] });
    expect(response.status).toBe(status);
    expect(response.headers['content-range']).toEqual(contentRange === undefined ? undefined : [contentRange]);
    expect(response.headers['content-length']).toEqual([String(to - from)]);
    expect(response.headers['accept-ranges']).toEqual(['bytes']);
    expect(await text(response)).toBe(TEXT.slice(from, to));
  });

  it.each([`bytes=${CSS_SIZE}-`, `bytes=${CSS_SIZE + 10}-${CSS_SIZE + 20}`, 'bytes=-0'])(
    'Range: %s → 416 with Content-Range: bytes */size',
    async (range) => {
      const response = await serve('style.css', 'GET', { range: [range] });
      expect(response.status).toBe(416);
      expect(response.headers['content-range']).toEqual([`bytes */${CSS_SIZE}`]);
    },
  );

  const ifRange: [name: string, value: string, status: number][] = [
    ['the current ETag', CSS_ETAG, 206],
    ['the weak form of the ETag (needs a strong match)', `W/${CSS_ETAG}`, 200],
    ['another ETag', '"other"', 200],
    ['the Last-Modified date', LAST_MODIFIED, 206],
    ['another date', new Date(MTIME.getTime() - 1000).toUTCString(), 200],
  ];

  it.each(ifRange)('If-Range with %s → %i', async (_name, value, status) => {
    const response = await serve('style.css', 'GET', { range: ['bytes=0-3'], 'if-range': [value] });
    expect(response.status).toBe(status);
    expect(await text(response)).toBe(status === 206 ? TEXT.slice(0, 4) : TEXT);
  });

  it('decides ranges as a pure function', () => {
    expect(decideRange(undefined, 10)).toEqual({ kind: 'ignore' });
    expect(decideRange('bytes=2-4', 10)).toEqual({ kind: 'range', range: { start: 2, end: 4 } });
    expect(decideRange('bytes=-3', 0)).toEqual({ kind: 'ignore' });
    expect(decideRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('large files', () => {
  it('are bigger than the in-memory limit in this test', () => {
    expect(BIG_SIZE).toBeGreaterThan(BUFFER_LIMIT);
  });

  it('stream the whole file', async () => {
    const response = await serve('big.bin');
    expect(response.status).toBe(200);
    expect(response.body).not.toBeInstanceOf(Uint8Array);
    expect(response.headers['content-type']).toEqual(['application/octet-stream']);
    expect(response.headers['content-length']).toEqual([String(BIG_SIZE)]);
    expect(Buffer.compare(await bodyBytes(response.body), BIG)).toBe(0);
  });

  it.each([
    ['bytes=1048000-1049999', 1048000, 1050000],
    ['bytes=2000000-', 2000000, BIG_SIZE],
    ['bytes=-70000', BIG_SIZE - 70000, BIG_SIZE],
  ])('stream exactly the bytes of Range: %s', async (range, from, to) => {
    const response = await serve('big.bin', 'GET', { range: [range] });
    expect(response.status).toBe(206);
    expect(response.body).not.toBeInstanceOf(Uint8Array);
    expect(response.headers['content-range']).toEqual([`bytes ${from}-${to - 1}/${BIG_SIZE}`]);
    expect(response.headers['content-length']).toEqual([String(to - from)]);
    expect(Buffer.compare(await bodyBytes(response.body), BIG.subarray(from, to))).toBe(0);
  });

  it('answer HEAD without opening a stream', async () => {
    const response = await serve('big.bin', 'HEAD');
    expect(response.headers['content-length']).toEqual([String(BIG_SIZE)]);
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect((response.body as Uint8Array).length).toBe(0);
  });

  it('answer 304 by ETag and 416 for a range past the end', async () => {
    const etag = etagOf(BIG_SIZE);
    expect((await serve('big.bin', 'GET', { 'if-none-match': [etag] })).status).toBe(304);
    expect((await serve('big.bin', 'GET', { range: [`bytes=${BIG_SIZE}-`] })).status).toBe(416);
  });
});

describe('Cache-Control from the policy table', () => {
  it.each([
    ['wp-includes/js/app.js', 'ver=6.7', DEFAULT_CACHE.versioned],
    ['wp-content/themes/t/theme.js', 'v=2', DEFAULT_CACHE.versioned],
    ['wp-includes/js/app.js', '', DEFAULT_CACHE.static],
    ['wp-content/uploads/2024/01/photo.png', '', DEFAULT_CACHE.uploads],
    ['style.css', 'ver=1', DEFAULT_CACHE.static],
  ])('/%s?%s → %s', async (name, query, expected) => {
    expect((await serve(name, 'GET', {}, query)).headers['cache-control']).toEqual([expected]);
  });

  it('keeps the policy header on 304 and 206', async () => {
    const notModified = await serve('wp-includes/js/app.js', 'GET', { 'if-modified-since': [LAST_MODIFIED] }, 'ver=6.7');
    const partial = await serve('wp-includes/js/app.js', 'GET', { range: ['bytes=0-1'] }, 'ver=6.7');
    expect(notModified.headers['cache-control']).toEqual([DEFAULT_CACHE.versioned]);
    expect(partial.headers['cache-control']).toEqual([DEFAULT_CACHE.versioned]);
  });
});

describe('file handles', () => {
  const openFds = async () => (await readdir('/proc/self/fd')).length;

  it.runIf(process.platform === 'linux')('are closed on every path once the body is consumed', async () => {
    const before = await openFds();
    for (let i = 0; i < 20; i++) {
      const responses = await Promise.all([
        serve('style.css'),
        serve('style.css', 'HEAD'),
        serve('style.css', 'GET', { 'if-none-match': [CSS_ETAG] }),
        serve('style.css', 'GET', { range: ['bytes=0-1'] }),
        serve('style.css', 'GET', { range: [`bytes=${CSS_SIZE}-`] }),
        serve('a-directory'),
        serve('big.bin', 'GET', { range: ['bytes=0-99'] }),
        serve('big.bin', 'HEAD'),
      ]);
      for (const response of responses) await bodyBytes(response.body);
    }
    expect(await openFds()).toBeLessThanOrEqual(before);
  });

  it.runIf(process.platform === 'linux')('are closed when a consumer stops reading a stream early', async () => {
    const before = await openFds();
    const response = await serve('big.bin');
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    // The stream closes its handle asynchronously after being destroyed.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openFds()).toBeLessThanOrEqual(before);
  });
});
