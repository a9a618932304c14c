/**
 * Uploads offloaded to S3. The engine journals what PHP writes under the uploads directory
 * (fs-journal.ts, inside each worker); the bridge hands each request's list to the sync
 * (sync.ts), which publishes the files before answering and keeps what S3 refused in a pending
 * journal (pending.ts) retried on later requests. `lamphp uploads sync` reconciles a whole
 * directory (reconcile.ts).
 */
import path from 'node:path';
import type { Config } from '../config.ts';

export type { TouchedUpload, UploadOp, UploadsJournal } from './fs-journal.ts';
export { journalUploads, journalPhpUploads, journalPhpWasmUploads } from './fs-journal.ts';
export { hostPath, normalisePrefix, objectHeaders, objectKey, publishable, type UploadsLayout } from './objects.ts';
export { createS3Client, s3Store, SHA256_META, StoreError, type ObjectStore, type PutSource, type RemoteObject } from './store.ts';
export { PendingJournal, backoffMs, pendingDirFor, type PendingBatch, type PendingOp } from './pending.ts';
export {
  createUploadsSync,
  uploadsSyncFromConfig,
  type BatchResult,
  type PathOutcome,
  type RequestSyncPlan,
  type UploadsSync,
  type UploadsSyncOptions,
} from './sync.ts';
export { createDirectUploads, INCOMING_PREFIX, type DirectUploadsOptions } from './direct.ts';
export { presignPut, type PresignInput } from './presign.ts';
export { uploadFileLimit, uploadsServerVars, MULTIPART_OVERHEAD, type FrontDoorLimits } from './limits.ts';
export { planReconcile, applyReconcile, type ReconcilePlan, type ReconcileAction, type ReconcileOptions } from './reconcile.ts';

/** The absolute uploads directory the engine watches (the document root is mounted at its own path). */
export function uploadsWatchDir(config: Pick<Config, 'documentRoot' | 'uploadsDir'>): string {
  return path.join(config.documentRoot, config.uploadsDir);
}
