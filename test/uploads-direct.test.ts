/**
 * Direct uploads: the presigned URL is the one the AWS SDK's own SigV4 signer produces, and the
 * bridge refuses messages that would reach outside the incoming area or the uploads directory.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE } from '../bridge/config.ts';
import { memoryLogger } from '../bridge/log.ts';
import { createDirectUploads } from '../bridge/uploads/direct.ts';
import { presignPut } from '../bridge/uploads/presign.ts';
import type { ObjectStore } from '../bridge/uploads/store.ts';

const bytes = (d: Uint8Array | ArrayBuffer | ArrayBufferView | string): Buffer =>
  typeof d === 'string' ? Buffer.from(d) : d instanceof ArrayBuffer ? Buffer.from(d) : Buffer.from(d.buffer, d.byteOffset, d.byteLength);

/** The hash constructor the SDK signer expects, over node:crypto. */
class Sha256 {
  #h;
  constructor(secret?: Uint8Array | ArrayBuffer | ArrayBufferView | string) {
    this.#h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Uint8Array | ArrayBuffer | ArrayBufferView | string) {
    this.#h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.#h.digest());
  }
}

describe('presigned PUT', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'to/ken+=' };
  const now = new Date('2026-11-26T15:15:00Z');

  for (const endpoint of [undefined, 'http://127.0.0.1:4568']) {
    it(`matches the AWS SDK signer (${endpoint ? 'path-style endpoint' : 'virtual-hosted S3'})`, async () => {
      const key = '.lamphp-incoming/0123/big talk (1)+ü.mp4';
      const url = new URL(
        presignPut({ credentials, region: 'eu-west-1', bucket: 'media', key, endpoint, contentType: 'video/mp4', contentLength: 1234, expiresInSeconds: 900, now }),
      );
      const signer = new SignatureV4({ service: 's3', region: 'eu-west-1', credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
      const signed = await signer.presign(
        {
          method: 'PUT',
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port && { port: Number(url.port) }),
          path: url.pathname,
          query: {},
          headers: { host: url.host, 'content-type': 'video/mp4', 'content-length': '1234', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        },
        { signingDate: now, expiresIn: 900, unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) },
      );
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
      expect(url.searchParams.get('X-Amz-Signature')).toBe(signed.query?.['X-Amz-Signature']);
      expect(url.host).toBe(endpoint ? '127.0.0.1:4568' : 'media.s3.eu-west-1.amazonaws.com');
    });
  }
});

describe('direct upload messages', () => {
  const calls: string[] = [];
  const store: ObjectStore = {
    bucket: 'b',
    put: async () => {},
    delete: async (key) => void calls.push(`DELETE ${key}`),
    head: async () => undefined,
    async *list() {},
    presignPut: async (key) => `https://b.example/${key}?X-Amz-Signature=x`,
    download: async (key, file) => (calls.push(`GET ${key} → ${file}`), { size: 3, sha256: 'abc' }),
    copy: async (from, to, headers) => void calls.push(`COPY ${from} → ${to} ${headers.contentType}`),
  };
  const direct = createDirectUploads({
    layout: { documentRoot: '/srv/site', uploadsDir: 'wp-content/uploads', prefix: 'wp-content/uploads/' },
    policy: DEFAULT_CACHE,
    store,
    logger: memoryLogger('error'),
  });
  const ask = async (msg: object) => JSON.parse(await direct.onMessage('r', JSON.stringify(msg)));

  it('answers nothing to messages that are not its own', async () => {
    expect(await direct.onMessage('r', '{"lamphp":"cdn-invalidate","paths":["/"]}')).toBe('');
    expect(await direct.onMessage('r', 'not json')).toBe('');
  });

  it('presigns under the incoming prefix and completes into the uploads directory', async () => {
    const ticket = await ask({ lamphp: 'uploads.presign', name: 'talk.mp4', type: 'video/mp4', size: 3 });
    expect(ticket).toMatchObject({ ok: true, method: 'PUT', headers: { 'content-type': 'video/mp4' } });
    expect(ticket.key).toBe(`.lamphp-incoming/${ticket.token}/talk.mp4`);
    const done = await ask({ lamphp: 'uploads.fetch', token: ticket.token, name: 'talk.mp4', path: '2026/11/talk.mp4' });
    expect(done).toEqual({ ok: true, size: 3 });
    expect(calls).toEqual([
      `GET .lamphp-incoming/${ticket.token}/talk.mp4 → /srv/site/wp-content/uploads/2026/11/talk.mp4`,
      `COPY .lamphp-incoming/${ticket.token}/talk.mp4 → wp-content/uploads/2026/11/talk.mp4 video/mp4`,
      `DELETE .lamphp-incoming/${ticket.token}/talk.mp4`,
    ]);
  });

  it('refuses names, tokens and destinations that reach elsewhere', async () => {
    for (const name of ['../x.mp4', '.htaccess', 'a/b.mp4', '']) {
      expect((await ask({ lamphp: 'uploads.presign', name, type: 'video/mp4', size: 3 })).ok, name).toBe(false);
    }
    expect((await ask({ lamphp: 'uploads.presign', name: 'a.mp4', type: 'video/mp4', size: -1 })).ok).toBe(false);
    const token = '0'.repeat(32);
    for (const path of ['../wp-config.php', '2026/11/shell.php', '/etc/passwd', '2026/../../x.jpg']) {
      expect((await ask({ lamphp: 'uploads.fetch', token, name: 'a.jpg', path })).ok, path).toBe(false);
    }
    expect((await ask({ lamphp: 'uploads.fetch', token: '../../x', name: 'a.jpg', path: 'a.jpg' })).ok).toBe(false);
  });
});
