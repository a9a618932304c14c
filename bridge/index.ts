/** The bridge's public entry: front doors (runtime/) import only from here. */
export type { HttpRequest, HttpResponse, HeaderMap, Body } from './http.ts';
export { bodyBytes, headerValue } from './http.ts';
export type { Config, Env } from './config.ts';
export { readConfig, PHP_VERSIONS, DEFAULT_PHP_VERSION, PHP_EXTENSIONS, type PhpVersion, type PhpExtension } from './config.ts';
export type { Logger, LogLevel } from './log.ts';
export { createLogger } from './log.ts';
export { LamphpError } from './errors.ts';
export type { PhpEngine, CgiRequest, CgiResponse, EngineStats } from './engine/engine.ts';
export { EngineError } from './engine/engine.ts';
export type { Bridge, HandleOptions } from './handler.ts';
export type { UploadsSync, ObjectStore, ReconcileAction, TouchedUpload } from './uploads/index.ts';
export { chainMessageHooks, type MessageHook } from './messages.ts';
export {
  applyReconcile,
  createS3Client,
  normalisePrefix,
  PendingJournal,
  pendingDirFor,
  planReconcile,
  s3Store,
  uploadsSyncFromConfig,
  uploadsWatchDir,
} from './uploads/index.ts';
export { createBridge } from './handler.ts';
export type { CdnInvalidator, InvalidationOutcome } from './cdn/invalidation.ts';
export { cdnInvalidatorFromEnv, createCdnInvalidator, invalidationPaths } from './cdn/invalidation.ts';
export { createCloudFrontClient } from './cdn/cloudfront-client.ts';
export { servicesFromConfig, type BridgeServices } from './services.ts';
export type { MailHandoff, MailStatus } from './mail/index.ts';
export * from './outbox/index.ts';
export { errorPage } from './pages.ts';
export { compilePathRules } from './deny-rules.ts';
export type { EventAdapter, AdapterContext, SourceKind } from './events/index.ts';
export { detectSource, EventError, resultFits } from './events/index.ts';
