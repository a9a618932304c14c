/**
 * `lamphp uploads sync`: reconciles an uploads directory with the bucket — uploads what is
 * missing or different, deletes objects with no local file — with a progress bar, or only
 * lists what it would do (`--dry-run`).
 */
import path from 'node:path';
import {
  LamphpError,
  applyReconcile,
  compilePathRules,
  createLogger,
  createS3Client,
  normalisePrefix,
  PendingJournal,
  pendingDirFor,
  planReconcile,
  readConfig,
  s3Store,
  type ObjectStore,
  type ReconcileAction,
} from '../bridge/index.ts';
import { progressBar } from './progress.ts';

export interface UploadsSyncFlags {
  root?: string;
  bucket?: string;
  prefix?: string;
  dryRun?: boolean;
  /** Keep objects that have no local file (default: delete them). */
  keepExtra?: boolean;
  concurrency?: number;
}

export interface UploadsSyncSummary {
  actions: ReconcileAction[];
  unchanged: number;
  skipped: string[];
  put: number;
  deleted: number;
  failed: number;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/** Runs the command; `out` receives the listing and summary (stdout by default). */
export async function uploadsSync(
  flags: UploadsSyncFlags,
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  store?: ObjectStore,
): Promise<UploadsSyncSummary> {
  const config = readConfig(env, {
    ...(flags.root !== undefined && { documentRoot: path.resolve(flags.root) }),
    ...(flags.bucket !== undefined && { uploadsBucket: flags.bucket }),
    ...(flags.prefix !== undefined && { uploadsPrefix: flags.prefix }),
  });
  if (config.uploadsBucket === undefined) {
    throw new LamphpError('EUSAGE', 'No bucket: set LAMPHP_UPLOADS_BUCKET or pass --bucket.');
  }
  const logger = createLogger({ level: config.logLevel });
  const layout = { documentRoot: config.documentRoot, uploadsDir: config.uploadsDir, prefix: config.uploadsPrefix, paths: compilePathRules(config.denyPaths, config.allowPaths) };
  const bucket = store ?? s3Store(createS3Client(env, { maxAttempts: 5 }), config.uploadsBucket);
  const journal = new PendingJournal(pendingDirFor(config.documentRoot, config.uploadsDir));
  const pendingBefore = flags.dryRun ? [] : (await journal.list()).batches;

  const where = `s3://${bucket.bucket}/${normalisePrefix(config.uploadsPrefix)}`;
  const local = path.join(config.documentRoot, config.uploadsDir);
  process.stderr.write(`Comparing ${local} with ${where}\n`);
  const plan = await planReconcile({
    layout,
    store: bucket,
    deleteExtra: !flags.keepExtra,
    concurrency: flags.concurrency,
    onCompare: countProgress('Comparing'),
  });

  const prefix = flags.dryRun ? 'would ' : '';
  for (const a of plan.actions) {
    out(a.kind === 'put' ? `${prefix}upload  ${a.key}  (${size(a.size)}, ${a.reason})` : `${prefix}delete  ${a.key}`);
  }
  const puts = plan.actions.filter((a) => a.kind === 'put');
  const deletes = plan.actions.length - puts.length;
  const summary: UploadsSyncSummary = { actions: plan.actions, unchanged: plan.unchanged, skipped: plan.skipped, put: 0, deleted: 0, failed: 0 };
  const counts = `${puts.length} to upload (${size(puts.reduce((n, a) => n + a.size, 0))}), ${deletes} to delete, ${plan.unchanged} unchanged` +
    (plan.skipped.length ? `, ${plan.skipped.length} never published (dotfiles, PHP, backups)` : '') +
    (plan.kept ? `, ${plan.kept} extra objects kept` : '');
  if (flags.dryRun) {
    out(`Dry run: ${counts}. Nothing was changed.`);
    return summary;
  }
  const result = await applyReconcile(plan, {
    layout,
    store: bucket,
    policy: config.cache,
    logger,
    concurrency: flags.concurrency,
    onProgress: progressBar('Syncing'),
  });
  summary.put = result.put;
  summary.deleted = result.deleted;
  summary.failed = result.failed.length;
  if (result.failed.length === 0) {
    // The whole directory now matches: work recorded before this run is done.
    for (const batch of pendingBefore) await journal.remove(batch.id);
  }
  out(`Synced ${where}: ${result.put} uploaded, ${result.deleted} deleted, ${plan.unchanged} unchanged` +
    (result.failed.length ? `, ${result.failed.length} FAILED (see the log lines above; run again)` : '') + '.');
  return summary;
}

/** A progress line for counts (the shared bar counts bytes). */
function countProgress(label: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    if (tty) process.stderr.write(`\r${label} ${done}/${total} files${done === total ? '\n' : ''}`);
  };
}
