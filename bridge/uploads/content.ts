/** A file's bytes and digests, read once so that what is hashed is exactly what is sent. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { PutSource } from './store.ts';

/** Files up to this size are held in memory; larger ones are streamed from disk. */
export const IN_MEMORY_LIMIT = 16 * 1024 * 1024;

export async function readContent(file: string, size: number): Promise<PutSource> {
  if (size <= IN_MEMORY_LIMIT) {
    const bytes = new Uint8Array(await fs.promises.readFile(file));
    return {
      bytes,
      size: bytes.byteLength,
      md5: createHash('md5').update(bytes).digest('hex'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let total = 0;
  for await (const chunk of fs.createReadStream(file)) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
    total += (chunk as Buffer).byteLength;
  }
  return { file, size: total, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}

/** Runs `fn` over `items`, at most `limit` at once; settles every item (no early abort). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
