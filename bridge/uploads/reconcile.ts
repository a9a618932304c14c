/**
 * `lamphp uploads sync`: makes the bucket match an uploads directory (migrating an existing
 * site, or repairing after an outage). The plan compares every publishable local file with the
 * object under its key — size, then the MD5 that S3 reports as the ETag of a single-part
 * upload, else the SHA-256 lamphp stores as metadata — and lists objects with no local file.
 * Applying it uses the same PUT (Content-Type, uploads Cache-Control, digests) as the request path.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CachePolicySettings } from '../config.ts';
import type { Logger } from '../log.ts';
import { mapLimit, readContent } from './content.ts';
import { hostPath, normalisePrefix, objectHeaders, objectKey, type UploadsLayout } from './objects.ts';
import { publishableBySite } from './app-rules.ts';
import type { ObjectStore, RemoteObject } from './store.ts';

export type ReconcileAction =
  | { kind: 'put'; path: string; key: string; size: number; reason: 'missing' | 'changed' }
  | { kind: 'delete'; key: string; size: number };

export interface ReconcilePlan {
  actions: ReconcileAction[];
  /** Local files already in the bucket with the same content. */
  unchanged: number;
  /** Local files that are never published (dotfiles, PHP, backups), relative to the uploads dir. */
  skipped: string[];
  /** Objects without a local file that are kept because deletion was not asked for. */
  kept: number;
}

export interface ReconcileOptions {
  layout: UploadsLayout;
  store: ObjectStore;
  /** Delete objects under the prefix that have no local file (default true). */
  deleteExtra?: boolean;
  /** Called as local files are compared: (files done, files total). */
  onCompare?: (done: number, total: number) => void;
  concurrency?: number;
}

/** Files below `dir`, relative to it with posix separators. Symlinked directories are not followed. */
async function localFiles(dir: string): Promise<{ rel: string; size: number }[]> {
  const out: { rel: string; size: number }[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(abs, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && rel === '') return;
      throw err;
    }
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const childAbs = path.join(abs, entry.name);
      if (entry.isDirectory()) await walk(childAbs, childRel);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        const stat = await fs.promises.stat(childAbs).catch(() => undefined);
        if (stat?.isFile()) out.push({ rel: childRel, size: stat.size });
      }
    }
  };
  await walk(dir, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function digest(file: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * lamphp's own working areas at the bucket root (`.lamphp-outbox/`, `.lamphp-incoming/`): no
 * uploads file maps there, so with an empty prefix they would look like orphans. Never touched.
 */
export function isReservedKey(key: string): boolean {
  return key.startsWith('.lamphp-');
}

export async function planReconcile(options: ReconcileOptions): Promise<ReconcilePlan> {
  const { layout, store } = options;
  const prefix = normalisePrefix(layout.prefix);
  const remote = new Map<string, RemoteObject>();
  for await (const object of store.list(prefix)) remote.set(object.key, object);

  const files = await localFiles(path.join(layout.documentRoot, layout.uploadsDir));
  const skipped: string[] = [];
  const candidates = files.filter((f) => (publishableBySite(layout, f.rel) ? true : (skipped.push(f.rel), false)));
  const localKeys = new Set(candidates.map((f) => objectKey(layout, f.rel)));

  let done = 0;
  const compared = await mapLimit(candidates, options.concurrency ?? 8, async (f): Promise<ReconcileAction | undefined> => {
    const key = objectKey(layout, f.rel);
    const object = remote.get(key);
    const file = hostPath(layout, f.rel);
    let action: ReconcileAction | undefined;
    if (object === undefined) action = { kind: 'put', path: f.rel, key, size: f.size, reason: 'missing' };
    else if (object.size !== f.size) action = { kind: 'put', path: f.rel, key, size: f.size, reason: 'changed' };
    else if (!/^[0-9a-f]{32}$/.test(object.etag) || (await digest(file, 'md5')) !== object.etag) {
      // Multipart and SSE-KMS ETags are no MD5 of the content: compare the SHA-256 lamphp stored.
      const head = await store.head(key);
      if (head?.sha256 !== (await digest(file, 'sha256'))) action = { kind: 'put', path: f.rel, key, size: f.size, reason: 'changed' };
    }
    options.onCompare?.(++done, candidates.length);
    return action;
  });
  const actions: ReconcileAction[] = [];
  for (const r of compared) {
    if (r.status === 'rejected') throw r.reason;
    if (r.value) actions.push(r.value);
  }
  let kept = 0;
  for (const [key, object] of remote) {
    if (localKeys.has(key) || isReservedKey(key)) continue;
    if (options.deleteExtra === false) kept++;
    else actions.push({ kind: 'delete', key, size: object.size });
  }
  return { actions, unchanged: candidates.length - actions.filter((a) => a.kind === 'put').length, skipped, kept };
}

export interface ApplyResult {
  put: number;
  deleted: number;
  failed: { key: string; error: Error }[];
}

export async function applyReconcile(
  plan: ReconcilePlan,
  options: {
    layout: UploadsLayout;
    store: ObjectStore;
    policy: CachePolicySettings;
    logger?: Logger;
    concurrency?: number;
    /** (bytes done, bytes total) of the uploads, then of deletions counted as 1 byte each. */
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ApplyResult> {
  const { layout, store, policy } = options;
  const total = plan.actions.reduce((n, a) => n + (a.kind === 'put' ? Math.max(1, a.size) : 1), 0);
  let done = 0;
  const result: ApplyResult = { put: 0, deleted: 0, failed: [] };
  const settled = await mapLimit(plan.actions, options.concurrency ?? 8, async (action) => {
    if (action.kind === 'put') {
      const file = hostPath(layout, action.path);
      const stat = await fs.promises.stat(file);
      await store.put(action.key, await readContent(file, stat.size), objectHeaders(layout, action.path, policy));
      result.put++;
    } else {
      await store.delete(action.key);
      result.deleted++;
    }
    done += action.kind === 'put' ? Math.max(1, action.size) : 1;
    options.onProgress?.(done, total);
  });
  settled.forEach((r, i) => {
    if (r.status === 'rejected') {
      const key = plan.actions[i]!.key;
      result.failed.push({ key, error: r.reason as Error });
      options.logger?.error('uploads sync: object failed', { key, err: r.reason });
    }
  });
  return result;
}
