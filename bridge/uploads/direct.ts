/**
 * Direct uploads: a file larger than the front door goes from the browser straight to S3.
 * PHP (the must-use plugin's REST routes, which check the user) asks the bridge through
 * `post_message_to_js`:
 *
 *   {"lamphp":"uploads.presign","name":"talk.mp4","type":"video/mp4","size":52428800}
 *     → {"ok":true,"token":"…","url":"https://…","method":"PUT","headers":{…}}
 *   (the browser PUTs the file to `url` with those headers: type and size are signed)
 *   {"lamphp":"uploads.fetch","token":"…","name":"talk.mp4","path":"2026/11/talk.mp4"}
 *     → {"ok":true,"size":52428800}
 *
 * The browser's object waits under `.lamphp-incoming/<token>/` at the bucket root (outside the
 * CDN's uploads path). `fetch` streams it into the uploads directory (WordPress needs the file
 * to make sizes, and the local copy is the one that is never lost), copies it inside S3 to its
 * final key with the uploads headers, and removes the incoming object.
 */
import { randomBytes } from 'node:crypto';
import type { CachePolicySettings } from '../config.ts';
import type { Logger } from '../log.ts';
import { hostPath, objectHeaders, objectKey, type UploadsLayout } from './objects.ts';
import { publishableBySite } from './app-rules.ts';
import type { ObjectStore } from './store.ts';

export const INCOMING_PREFIX = '.lamphp-incoming/';
const TOKEN = /^[0-9a-f]{32}$/;
/** A plain file name: no directories, nothing hidden. */
const NAME = /^[^/\\\u0000-\u001f.][^/\\\u0000-\u001f]{0,199}$/;

export interface DirectUploadsOptions {
  layout: UploadsLayout;
  policy: CachePolicySettings;
  store: ObjectStore;
  logger: Logger;
  /** How long a presigned URL stays valid (default 15 minutes). */
  expiresInSeconds?: number;
}

type Reply = Record<string, unknown>;

export function createDirectUploads(options: DirectUploadsOptions) {
  const { layout, policy, store, logger } = options;
  const expiresInSeconds = options.expiresInSeconds ?? 900;

  async function presign(msg: Record<string, unknown>): Promise<Reply> {
    const { name, type, size } = msg;
    if (typeof name !== 'string' || !NAME.test(name)) return { ok: false, error: 'The file name is not acceptable.' };
    if (typeof type !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(type)) return { ok: false, error: 'The file type is not acceptable.' };
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) return { ok: false, error: 'The file size is not acceptable.' };
    if (!store.presignPut) return { ok: false, error: 'This bucket does not take direct uploads.' };
    const token = randomBytes(16).toString('hex');
    const key = `${INCOMING_PREFIX}${token}/${name}`;
    const url = await store.presignPut(key, { contentType: type, contentLength: size, expiresInSeconds });
    return { ok: true, token, key, url, method: 'PUT', headers: { 'content-type': type }, expiresInSeconds };
  }

  async function fetchIncoming(msg: Record<string, unknown>, log: Logger): Promise<Reply> {
    const { token, name, path: rel } = msg;
    if (typeof token !== 'string' || !TOKEN.test(token)) return { ok: false, error: 'Unknown upload.' };
    if (typeof name !== 'string' || !NAME.test(name)) return { ok: false, error: 'The file name is not acceptable.' };
    if (typeof rel !== 'string' || !publishableBySite(layout, rel)) return { ok: false, error: 'The destination is not in the uploads directory.' };
    if (!store.download || !store.copy) return { ok: false, error: 'This bucket does not take direct uploads.' };
    const incoming = `${INCOMING_PREFIX}${token}/${name}`;
    const key = objectKey(layout, rel);
    const { size, sha256 } = await store.download(incoming, hostPath(layout, rel));
    await store.copy(incoming, key, objectHeaders(layout, rel, policy), sha256);
    await store.delete(incoming);
    log.info('direct upload received', { key, size });
    return { ok: true, size };
  }

  return {
    /** `post_message_to_js` target; answers '' to messages that are not for it. */
    async onMessage(requestId: string, json: string): Promise<string> {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(json) as Record<string, unknown>;
      } catch {
        return '';
      }
      if (msg?.lamphp !== 'uploads.presign' && msg?.lamphp !== 'uploads.fetch') return '';
      const log = logger.child({ requestId });
      try {
        const reply = msg.lamphp === 'uploads.presign' ? await presign(msg) : await fetchIncoming(msg, log);
        if (reply.ok === false) log.warn('direct upload refused', { op: msg.lamphp, error: reply.error });
        return JSON.stringify(reply);
      } catch (err) {
        log.error('direct upload failed', { op: msg.lamphp, err });
        const code = (err as { code?: string }).code;
        return JSON.stringify({ ok: false, error: code === 'EEXIST' ? 'A file of that name already exists.' : 'The upload could not be completed.' });
      }
    },
  };
}
