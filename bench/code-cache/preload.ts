/**
 * Loaded with `node --import` into `lamphp serve` (and so into its PHP worker threads): counts
 * each worker's host filesystem calls under the document root by class — code (PHP, JSON, any
 * other file of the tree), the version marker, the SQLite database, uploads — and holds every
 * one of them for `LAMPHP_BENCH_EFS_DELAY_MS` (an EFS latency model: each call is a round trip).
 * Control over the IPC channel: bench/fsops/relay.ts.
 */
import fs from 'node:fs';
import { FsOpCounter, sleepSync, type FsOpKind } from '../fsops/counter.ts';
import { countWorkersFs } from '../fsops/relay.ts';

export const CHANNEL = 'lamphp-bench-code-cache';

const rootSetting = process.env.LAMPHP_BENCH_FSOPS_ROOT;
const delayMs = Number(process.env.LAMPHP_BENCH_EFS_DELAY_MS ?? '0');

/** `root:<code|marker|database|uploads>` under the document root, else `outside`. */
export function classifier(root: string) {
  return (p: string | undefined): string => {
    if (p === undefined || !(p + '/').startsWith(root)) return 'outside';
    if (p.endsWith('/.lamphp-code-version') || p.includes('/.lamphp-code-version.')) return 'root:marker';
    if (/(\.sqlite3?|\.db)(-journal|-wal|-shm)?$/i.test(p)) return 'root:database';
    if (p.startsWith(root + 'wp-content/uploads/')) return 'root:uploads';
    return 'root:code';
  };
}

/** Counts like FsOpCounter and holds each document-root call for the modelled round trip. */
class EfsModel extends FsOpCounter {
  record(kind: FsOpKind, p?: string): void {
    super.record(kind, p);
    if (delayMs > 0 && this.classify(p) !== 'outside') sleepSync(delayMs);
  }
}

if (rootSetting !== undefined) {
  const root = fs.realpathSync(rootSetting) + '/';
  countWorkersFs(CHANNEL, () => new EfsModel({ classify: classifier(root), traceLimit: Number(process.env.LAMPHP_BENCH_TRACE_LIMIT ?? '0') }));
}
