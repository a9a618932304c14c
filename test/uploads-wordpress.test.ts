/**
 * WordPress (SQLite) media offloaded to S3 through the bridge, against s3rver: a real multipart
 * upload through /wp-admin/async-upload.php puts the original and every generated size in the
 * bucket before the answer; pages link the CDN address; deleting the attachment deletes the
 * objects; an unreachable S3 loses nothing; the front door's limit is stated and enforced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CACHE } from '../bridge/config.ts';
import { PendingJournal } from '../bridge/uploads/pending.ts';
import { Visitor } from './support/http-client.ts';
import { logIn, restNonce, startWordPress, type TestSite } from './support/wordpress.ts';
import { eventually, startS3, type TestS3 } from './support/s3.ts';

const PHOTO = fs.readFileSync(path.resolve(import.meta.dirname, 'fixtures/uploads/photo-1600x1200.jpg'));
const PREFIX = 'wp-content/uploads/';
/** LAMPHP_MAX_BODY_BYTES for this site: an ALB-sized front door (1 MiB). */
const BODY_LIMIT = 1024 * 1024;
const FILE_LIMIT = BODY_LIMIT - 16 * 1024;

interface Uploaded {
  id: number;
  url: string;
  nonces: { delete: string };
}

describe('WordPress media offloaded to S3', () => {
  let s3: TestS3;
  let site: TestSite;
  let admin: Visitor;
  let cdn: string;
  let formNonce: string;
  let mediaScreen: string;
  const uploadsDir = () => path.join(site.siteDir, 'wp-content/uploads');

  function localUploads(dir = uploadsDir(), rel = ''): string[] {
    if (!fs.existsSync(path.join(dir, rel))) return [];
    return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? localUploads(dir, child) : [child];
    });
  }

  async function upload(name: string, bytes: Uint8Array, type = 'image/jpeg') {
    const form = new FormData();
    form.set('name', name);
    form.set('action', 'upload-attachment');
    form.set('_wpnonce', formNonce);
    form.set('async-upload', new Blob([bytes], { type }), name);
    return admin.request('/wp-admin/async-upload.php', { method: 'POST', body: form });
  }

  beforeAll(async () => {
    s3 = await startS3('media');
    cdn = `${s3.endpoint}/${s3.bucket}/wp-content/uploads`;
    site = await startWordPress({
      db: 'sqlite',
      env: {
        ...s3.env,
        LAMPHP_UPLOADS_BUCKET: s3.bucket,
        LAMPHP_UPLOADS_PREFIX: PREFIX,
        LAMPHP_UPLOADS_URL: cdn,
        LAMPHP_MAX_BODY_BYTES: String(BODY_LIMIT),
      },
    });
    admin = new Visitor(site.url);
    expect((await logIn(admin, site.admin.user, site.admin.password)).status).toBe(302);
    const page = await admin.get('/wp-admin/media-new.php');
    expect(page.status).toBe(200);
    mediaScreen = page.text;
    formNonce = /"_wpnonce":"([0-9a-f]+)"/.exec(page.text)?.[1] ?? '';
    expect(formNonce).not.toBe('');
  });
  afterAll(async () => {
    await site?.close();
    await s3?.close();
  });

  it('installs the must-use plugin', () => {
    expect(fs.existsSync(path.join(site.siteDir, 'wp-content/mu-plugins/lamphp-uploads.php'))).toBe(true);
  });

  it('states the front door limit on the media screen', () => {
    // 1 MiB of request minus room for the multipart framing: 1,032,192 bytes = 1,008 KB.
    expect(mediaScreen).toMatch(/Maximum upload file size: 1,008 KB/);
    expect(mediaScreen).toContain(`"max_file_size":"${FILE_LIMIT}b"`);
  });

  let photo: Uploaded;
  let photoKeys: string[];

  it('puts the original and every generated size in the bucket before answering, byte for byte', async () => {
    const res = await upload('lamphp-photo.jpg', PHOTO);
    expect(res.status).toBe(200);
    const json = JSON.parse(res.text) as { success: boolean; data: Uploaded & { sizes: Record<string, { url: string }> } };
    expect(json.success, res.text.slice(0, 500)).toBe(true);
    photo = json.data;
    // The URL the admin UI loads at once is the CDN's, and it is already there.
    expect(photo.url.startsWith(`${cdn}/`)).toBe(true);

    const local = localUploads().filter((rel) => rel.includes('lamphp-photo'));
    // Original plus thumbnail, medium, medium_large, large and 1536x1536 for a 1600×1200 image.
    expect(local.length).toBeGreaterThanOrEqual(5);
    photoKeys = local.map((rel) => PREFIX + rel).sort();
    expect((await s3.keys(PREFIX)).filter((k) => k.includes('lamphp-photo'))).toEqual(photoKeys);
    for (const rel of local) {
      const object = await s3.get(PREFIX + rel);
      expect(object?.contentType, rel).toBe('image/jpeg');
      expect(object?.cacheControl, rel).toBe(DEFAULT_CACHE.uploads);
      expect(Buffer.from(object!.bytes).equals(fs.readFileSync(path.join(uploadsDir(), rel))), rel).toBe(true);
    }
    for (const size of Object.values(json.data.sizes)) expect(size.url.startsWith(`${cdn}/`)).toBe(true);
  });

  it("points the attachment page's <img src> and srcset at LAMPHP_UPLOADS_URL", async () => {
    // WordPress 6.4+ turns attachment pages off on new sites; turn them on through All Settings.
    const settings = await admin.get('/wp-admin/options.php');
    const nonce = /name="_wpnonce" value="([0-9a-f]+)"/.exec(settings.text)?.[1];
    expect(nonce).toBeTruthy();
    const saved = await admin.postForm('/wp-admin/options.php', {
      option_page: 'options',
      action: 'update',
      _wpnonce: nonce!,
      page_options: 'wp_attachment_pages_enabled',
      wp_attachment_pages_enabled: '1',
    });
    expect(saved.status).toBe(302);

    const visitor = new Visitor(site.url);
    let page = await visitor.get(`/?attachment_id=${photo.id}`);
    // The canonical redirect leads to the attachment page's permalink; it must not lead to the file.
    const location = page.status === 301 ? page.headers.get('location') ?? '' : '';
    if (location) {
      expect(location.startsWith(`${site.url}/`)).toBe(true);
      page = await visitor.get(location.slice(site.url.length));
    }
    expect(page.status).toBe(200);
    const img = /<img[^>]+lamphp-photo[^>]*>/.exec(page.text)?.[0];
    expect(img, page.text.slice(0, 2000)).toBeTruthy();
    const src = /\ssrc="([^"]+)"/.exec(img!)?.[1];
    const srcset = /\ssrcset="([^"]+)"/.exec(img!)?.[1];
    expect(src?.startsWith(`${cdn}/`)).toBe(true);
    expect(srcset).toBeTruthy();
    const candidates = srcset!.split(',').map((c) => c.trim().split(/\s+/)[0]!);
    expect(candidates.length).toBeGreaterThanOrEqual(3);
    for (const url of candidates) expect(url.startsWith(`${cdn}/`), url).toBe(true);
    // The CDN origin (here s3rver itself) serves what the page links.
    const served = await fetch(src!.replace(/&amp;/g, '&'));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
  });

  it('refuses a file above the limit with a clear error and leaves nothing behind', async () => {
    const before = localUploads().sort();
    const keysBefore = await s3.keys(PREFIX);
    // Fits the front door (1 MiB) but not the stated file limit: WordPress refuses it.
    const justOver = new Uint8Array(FILE_LIMIT + 4096).fill(0x41);
    const res = await upload('too-big.jpg', justOver);
    const json = JSON.parse(res.text) as { success: boolean; data: { message: string } };
    expect(json.success).toBe(false);
    expect(json.data.message).toMatch(/too-big\.jpg.* is 1,012 KB, larger than the 1,008 KB this site accepts per upload/);
    // Beyond the front door: refused before PHP runs.
    const huge = await upload('huge.jpg', new Uint8Array(2 * BODY_LIMIT).fill(0x42));
    expect(huge.status).toBe(413);
    expect(huge.text).toMatch(/larger than the 1048576 bytes allowed/);
    expect(localUploads().sort()).toEqual(before);
    expect(await s3.keys(PREFIX)).toEqual(keysBefore);
  });

  it('takes a file larger than the front door straight to S3 through a presigned URL', async () => {
    const nonce = await restNonce(admin);
    const big = new Uint8Array(3 * BODY_LIMIT).map((_, i) => (i * 7919) % 251);
    const start = await admin.request('/wp-json/lamphp/v1/direct-uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      body: JSON.stringify({ name: 'big talk.mp4', type: 'video/mp4', size: big.byteLength }),
    });
    expect(start.status, start.text).toBe(200);
    const ticket = JSON.parse(start.text) as { token: string; url: string; method: string; headers: Record<string, string> };
    expect(ticket.url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(ticket.url).toContain('/.lamphp-incoming/');
    // The browser's part: straight to the bucket, not through the front door.
    const put = await fetch(ticket.url, { method: ticket.method, headers: ticket.headers, body: big });
    expect(put.status).toBe(200);
    const done = await admin.request(`/wp-json/lamphp/v1/direct-uploads/${ticket.token}`, { method: 'POST', headers: { 'x-wp-nonce': nonce } });
    expect(done.status, done.text).toBe(200);
    const attachment = JSON.parse(done.text) as { id: number; url: string; filename: string };
    expect(attachment.url.startsWith(`${cdn}/`)).toBe(true);
    const rel = attachment.url.slice(cdn.length + 1);
    expect(Buffer.from(fs.readFileSync(path.join(uploadsDir(), rel))).equals(Buffer.from(big))).toBe(true);
    const object = await s3.get(PREFIX + rel);
    expect(object?.contentType).toBe('video/mp4');
    expect(object?.cacheControl).toBe(DEFAULT_CACHE.uploads);
    expect(Buffer.from(object!.bytes).equals(Buffer.from(big))).toBe(true);
    expect(await s3.keys('.lamphp-incoming/')).toEqual([]);
    // A token is good for one attachment only.
    const again = await admin.request(`/wp-json/lamphp/v1/direct-uploads/${ticket.token}`, { method: 'POST', headers: { 'x-wp-nonce': nonce } });
    expect(again.status).toBe(404);
  });

  it('keeps an upload local and pending while S3 is down, and a later request completes it', async () => {
    const journal = new PendingJournal(path.join(site.siteDir, 'wp-content/.lamphp-pending'));
    await s3.stop();
    let local: string[];
    try {
      const res = await upload('offline-photo.jpg', PHOTO);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).success).toBe(true);
      local = localUploads().filter((rel) => rel.includes('offline-photo'));
      expect(local.length).toBeGreaterThanOrEqual(5);
      const { batches } = await journal.list();
      expect(batches).toHaveLength(1);
      expect(batches[0]!.ops.map((o) => o.path).sort()).toEqual([...local].sort());
      expect(site.logs.some((r) => r.msg === 'uploads sync failed; the files stay local and the work is pending')).toBe(true);
    } finally {
      await s3.start();
    }
    await new Promise((r) => setTimeout(r, 1100)); // the first retry is due after 1 s
    expect((await new Visitor(site.url).get('/')).status).toBe(200);
    const wanted = local.map((rel) => PREFIX + rel).sort();
    await eventually(async () => (await s3.keys(PREFIX)).filter((k) => k.includes('offline-photo')).join() === wanted.join(), 'retry completed');
    for (const rel of local) {
      const object = await s3.get(PREFIX + rel);
      expect(Buffer.from(object!.bytes).equals(fs.readFileSync(path.join(uploadsDir(), rel))), rel).toBe(true);
    }
    await eventually(async () => (await journal.list()).batches.length === 0, 'pending batch cleared');
  });

  it('deleting the attachment removes every object', async () => {
    const res = await admin.postForm('/wp-admin/admin-ajax.php', {
      action: 'delete-post',
      id: String(photo.id),
      _ajax_nonce: photo.nonces.delete,
    });
    expect(res.text).toBe('1');
    expect(localUploads().filter((rel) => rel.includes('lamphp-photo'))).toEqual([]);
    await eventually(async () => (await s3.keys(PREFIX)).every((k) => !photoKeys.includes(k)), 'objects deleted');
  });
});
