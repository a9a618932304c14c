/**
 * Sync work not yet confirmed by S3, kept on the same filesystem as the uploads (EFS in Lambda)
 * so that any instance, now or after a restart, finishes it. One JSON file per request's batch
 * in a dot directory beside the uploads directory (the router never serves dot paths), written
 * before the first attempt and removed once S3 has everything: a process that dies mid-sync
 * leaves the batch for the next one.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { UploadOp } from './fs-journal.ts';

export interface PendingOp {
  /** Relative to the uploads directory. */
  path: string;
  /** What the request did; the sync still looks at the file as it is when it runs. */
  op: UploadOp;
  /** SHA-256 of the content the last failed attempt tried to upload. */
  sha256?: string;
}

export interface PendingBatch {
  v: 1;
  /** File name inside the pending directory. */
  id: string;
  requestId: string;
  createdAt: number;
  /** Failed attempts so far. */
  attempts: number;
  /** Epoch ms before which nobody retries it (a lease while an attempt runs, a backoff after one failed). */
  nextAttemptAt: number;
  lastError?: string;
  ops: PendingOp[];
}

/** The pending directory for an uploads directory: `<parent>/.lamphp-pending`. */
export function pendingDirFor(documentRoot: string, uploadsDir: string): string {
  return path.join(documentRoot, path.dirname(uploadsDir), '.lamphp-pending');
}

export class PendingJournal {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  newId(createdAt: number): string {
    return `${String(createdAt).padStart(14, '0')}-${randomBytes(6).toString('hex')}.json`;
  }

  /** Writes (or replaces) a batch atomically: a reader sees the old or the new file, never half of one. */
  async save(batch: PendingBatch): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, batch.id);
    const tmp = path.join(this.dir, `.${batch.id}.${randomBytes(4).toString('hex')}.tmp`);
    await fs.writeFile(tmp, JSON.stringify(batch) + '\n');
    await fs.rename(tmp, file);
  }

  async remove(id: string): Promise<void> {
    await fs.rm(path.join(this.dir, id), { force: true });
  }

  /** Every batch on disk (unreadable files are reported, not dropped). */
  async list(): Promise<{ batches: PendingBatch[]; unreadable: string[] }> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { batches: [], unreadable: [] };
      throw err;
    }
    const batches: PendingBatch[] = [];
    const unreadable: string[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        const batch = JSON.parse(await fs.readFile(path.join(this.dir, name), 'utf8')) as PendingBatch;
        if (batch?.v !== 1 || !Array.isArray(batch.ops)) throw new Error('not a pending batch');
        batches.push({ ...batch, id: name });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // finished by another instance meanwhile
        unreadable.push(name);
      }
    }
    return { batches, unreadable };
  }
}

/** Delay before attempt `attempts + 1`: 1 s, 2 s, 4 s … capped (default 15 minutes). */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
