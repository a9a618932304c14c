/**
 * Keeps the bucket in step with the uploads directory, one PHP request at a time.
 *
 * The sync is state-based: for each path a request touched it looks at the file as it is now
 * — present: PUT its bytes; gone: DELETE the key. So a retry, a duplicate or a late batch can
 * only ever publish the current local content, never an older one, and S3 stores exactly the
 * bytes that were hashed (Content-MD5, checked again against the returned ETag). A retry asks S3
 * first and skips the upload when the object already holds the same SHA-256.
 *
 * Requests that wrote files wait for their upload (the admin UI loads the new URL at once);
 * deletions and retries run after the response. Every batch is written to the pending journal
 * before its first attempt and removed only when S3 confirmed all of it.
 */
import fs from 'node:fs/promises';
import type { CachePolicySettings, Config, Env } from '../config.ts';
import { LamphpError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { mapLimit, readContent } from './content.ts';
import type { TouchedUpload } from './fs-journal.ts';
import { hostPath, objectHeaders, objectKey, type UploadsLayout } from './objects.ts';
import { publishableBySite } from './app-rules.ts';
import { compilePathRules } from '../deny-rules.ts';
import { PendingJournal, backoffMs, pendingDirFor, type PendingBatch, type PendingOp } from './pending.ts';
import { createS3Client, s3Store, type ObjectStore } from './store.ts';
import { createDirectUploads } from './direct.ts';

export interface UploadsSyncOptions {
  layout: UploadsLayout;
  policy: CachePolicySettings;
  store: ObjectStore;
  logger: Logger;
  /** Default: `.lamphp-pending` beside the uploads directory. */
  pendingDir?: string;
  /** First retry delay; doubles per failed attempt up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a batch being worked on is left alone by other instances. */
  leaseMs?: number;
  /** How often the pending directory is read for batches this process does not know of. */
  scanIntervalMs?: number;
  /** S3 requests in flight per batch. */
  concurrency?: number;
  /** Pending batches retried after one response at most (the rest wait for the next one). */
  batchesPerRetry?: number;
  now?: () => number;
}

/** What the bridge does for one PHP request. */
export interface RequestSyncPlan {
  /** Await before answering: the request wrote files whose URLs it may return. Never rejects. */
  beforeResponse?: Promise<void>;
  /** Run after the response (deletions only). Never rejects. */
  afterResponse?: () => Promise<void>;
}

export type PathOutcome = 'put' | 'delete' | 'unchanged' | 'skipped';

export interface BatchResult {
  outcomes: { path: string; key: string; outcome?: PathOutcome; error?: Error }[];
  pending: boolean;
}

export interface UploadsSync {
  readonly store: ObjectStore;
  readonly journal: PendingJournal;
  /** Plans the sync of what one PHP request touched (paths outside the rules are ignored). */
  afterPhp(touched: readonly TouchedUpload[], requestId: string, log: Logger): RequestSyncPlan;
  /** Retry work for the after-response slot when pending batches may be due; undefined otherwise. */
  dueWork(log: Logger): (() => Promise<void>) | undefined;
  /** Retries every due pending batch now. */
  retryDue(log: Logger): Promise<{ retried: number; completed: number }>;
  /** Resolves when no sync work of this process is running. */
  idle(): Promise<void>;
  /** Target of PHP's `post_message_to_js` for direct (browser → S3) uploads; see direct.ts. */
  onMessage(requestId: string, json: string): Promise<string>;
}

const MINUTE = 60_000;

export function createUploadsSync(options: UploadsSyncOptions): UploadsSync {
  const { layout, policy, store, logger } = options;
  const now = options.now ?? Date.now;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retryMaxMs = options.retryMaxMs ?? 15 * MINUTE;
  const leaseMs = options.leaseMs ?? 2 * MINUTE;
  const scanIntervalMs = options.scanIntervalMs ?? MINUTE;
  const concurrency = options.concurrency ?? 8;
  const batchesPerRetry = options.batchesPerRetry ?? 25;
  const journal = new PendingJournal(options.pendingDir ?? pendingDirFor(layout.documentRoot, layout.uploadsDir));

  /** Per-key chains: two requests touching one file sync it one after the other. */
  const chains = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();
  /** Earliest moment the pending directory is worth reading (0: at the first request). */
  let nextCheckAt = 0;
  let retrying: Promise<unknown> | undefined;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };

  function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = chains.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.catch(() => {});
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return run;
  }

  async function syncPath(rel: string, verifyRemote: boolean, note: (sha256: string) => void): Promise<PathOutcome> {
    const key = objectKey(layout, rel);
    const file = hostPath(layout, rel);
    for (let round = 0; round < 3; round++) {
      const before = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
        throw err;
      });
      if (before === undefined) {
        await store.delete(key);
        return 'delete';
      }
      if (!before.isFile()) return 'skipped'; // a directory: its files are journaled one by one
      const content = await readContent(file, before.size);
      note(content.sha256);
      if (verifyRemote) {
        const remote = await store.head(key);
        if (remote?.sha256 === content.sha256 && remote.size === content.size) return 'unchanged';
      }
      await store.put(key, content, objectHeaders(layout, rel, policy));
      const after = await fs.stat(file).catch(() => undefined);
      // Written again while we read or sent it: send the newer content too.
      if (after && after.size === before.size && after.mtimeMs === before.mtimeMs) return 'put';
    }
    throw new LamphpError('EUPLOADBUSY', `${rel} kept changing while it was uploaded; it stays pending.`);
  }

  async function runBatch(batch: PendingBatch, log: Logger, verifyRemote: boolean): Promise<BatchResult> {
    const started = performance.now();
    const hashes = new Map<string, string>();
    const settled = await mapLimit(batch.ops, concurrency, (op) =>
      serialised(op.path, () => syncPath(op.path, verifyRemote, (sha) => hashes.set(op.path, sha))),
    );
    const outcomes = batch.ops.map((op, i) => {
      const r = settled[i]!;
      const key = objectKey(layout, op.path);
      return r.status === 'fulfilled' ? { path: op.path, key, outcome: r.value } : { path: op.path, key, error: r.reason as Error };
    });
    const failed = outcomes.filter((o) => o.error !== undefined);
    const ms = Math.round(performance.now() - started);
    if (failed.length === 0) {
      await journal.remove(batch.id).catch((err: unknown) => log.error('uploads: could not clear a finished pending batch', { batch: batch.id, err }));
      const count = (o: PathOutcome) => outcomes.filter((x) => x.outcome === o).length;
      log.info(batch.attempts > 0 ? 'uploads synced after retry' : 'uploads synced', {
        bucket: store.bucket,
        put: count('put'),
        deleted: count('delete'),
        unchanged: count('unchanged'),
        keys: outcomes.filter((o) => o.outcome !== 'skipped').map((o) => o.key).slice(0, 50),
        attempts: batch.attempts + 1,
        ms,
      });
      return { outcomes, pending: false };
    }
    const attempts = batch.attempts + 1;
    const delay = backoffMs(attempts, retryBaseMs, retryMaxMs);
    const next: PendingBatch = {
      ...batch,
      attempts,
      nextAttemptAt: now() + delay,
      lastError: failed[0]!.error!.message,
      ops: batch.ops.filter((op) => failed.some((f) => f.path === op.path)).map((op) => ({ ...op, ...(hashes.has(op.path) && { sha256: hashes.get(op.path) }) })),
    };
    nextCheckAt = Math.min(nextCheckAt, next.nextAttemptAt);
    const fields = {
      bucket: store.bucket,
      batch: batch.id,
      attempt: attempts,
      failed: failed.map((f) => ({ key: f.key, error: f.error!.message, code: (f.error as { code?: string }).code })).slice(0, 20),
      succeeded: outcomes.length - failed.length,
      retryInMs: delay,
      retryAt: new Date(next.nextAttemptAt).toISOString(),
      ms,
    };
    try {
      await journal.save(next);
      log[attempts >= 10 ? 'error' : 'warn']('uploads sync failed; the files stay local and the work is pending', { ...fields, pendingDir: journal.dir });
    } catch (err) {
      log.error('uploads sync failed and the pending record could not be written', { ...fields, pendingDir: journal.dir, err });
    }
    return { outcomes, pending: true };
  }

  async function startBatch(ops: PendingOp[], requestId: string, log: Logger): Promise<void> {
    const createdAt = now();
    const batch: PendingBatch = {
      v: 1,
      id: journal.newId(createdAt),
      requestId,
      createdAt,
      attempts: 0,
      nextAttemptAt: createdAt + leaseMs,
      ops,
    };
    try {
      // Written ahead: if this process dies mid-sync, the batch is still there for the next one.
      await journal.save(batch);
    } catch (err) {
      log.error('uploads: could not record pending work before syncing', { pendingDir: journal.dir, err });
    }
    try {
      await runBatch(batch, log, false);
    } catch (err) {
      log.error('uploads sync failed unexpectedly', { batch: batch.id, err });
    }
  }

  async function retryDue(log: Logger): Promise<{ retried: number; completed: number }> {
    const t = now();
    nextCheckAt = t + scanIntervalMs;
    const { batches, unreadable } = await journal.list();
    if (unreadable.length > 0) log.error('uploads: unreadable pending records left in place', { pendingDir: journal.dir, files: unreadable });
    let retried = 0;
    let completed = 0;
    for (const batch of batches) {
      if (batch.nextAttemptAt > t) {
        nextCheckAt = Math.min(nextCheckAt, batch.nextAttemptAt);
        continue;
      }
      if (retried >= batchesPerRetry) {
        // A backlog after an outage: keep this slot short, continue after the next response.
        nextCheckAt = t;
        break;
      }
      // Claim it for the length of an attempt so other instances leave it alone.
      await journal.save({ ...batch, nextAttemptAt: now() + leaseMs });
      retried++;
      const result = await runBatch(batch, log, true);
      if (result.pending) {
        // S3 still refuses: one failed batch per slot is enough to know; the rest wait their turn.
        nextCheckAt = Math.min(nextCheckAt, now() + retryBaseMs);
        break;
      }
      completed++;
    }
    return { retried, completed };
  }

  return {
    store,
    journal,
    afterPhp(touched, requestId, log) {
      const ops: PendingOp[] = touched.filter((t) => publishableBySite(layout, t.path)).map((t) => ({ path: t.path, op: t.op }));
      if (ops.length === 0) return {};
      if (ops.some((o) => o.op === 'write')) return { beforeResponse: track(startBatch(ops, requestId, log)) };
      return { afterResponse: () => track(startBatch(ops, requestId, log)) };
    },
    dueWork(log) {
      if (retrying !== undefined || now() < nextCheckAt) return undefined;
      return () => {
        retrying ??= track(
          retryDue(log)
            .catch((err: unknown) => log.error('uploads: retrying pending work failed', { pendingDir: journal.dir, err }))
            .finally(() => (retrying = undefined)),
        );
        return retrying.then(() => {});
      };
    },
    retryDue: (log) => track(retryDue(log)),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    onMessage: createDirectUploads({ layout, policy, store, logger }).onMessage,
  };
}

/** The sync the settings ask for: undefined unless `LAMPHP_UPLOADS_BUCKET` is set. */
export function uploadsSyncFromConfig(
  config: Config,
  logger: Logger,
  env: Env = process.env,
  options: Partial<Omit<UploadsSyncOptions, 'layout' | 'policy' | 'logger'>> = {},
): UploadsSync | undefined {
  if (config.uploadsBucket === undefined) return undefined;
  return createUploadsSync({
    layout: { documentRoot: config.documentRoot, uploadsDir: config.uploadsDir, prefix: config.uploadsPrefix, paths: compilePathRules(config.denyPaths, config.allowPaths) },
    policy: config.cache,
    store: options.store ?? s3Store(createS3Client(env), config.uploadsBucket),
    logger,
    ...options,
  });
}
