/**
 * The relay function's handler: a standard Node.js Lambda handler (`index.handler` in the bundle
 * `lamphp relay build` writes), outside the VPC, performing the outbox jobs the site's function
 * writes to the uploads bucket (bridge/outbox/relay.ts). Wired by the stack to three triggers:
 * the bucket's notification for `.lamphp-outbox/jobs/`, Lambda's on-failure destination, and a
 * schedule for the sweep. Settings: LAMPHP_UPLOADS_BUCKET, LAMPHP_OUTBOX_RETRY_MINUTES,
 * LAMPHP_LOG_LEVEL, and the standard AWS_* ones (AWS_ENDPOINT_URL_S3/_SESV2/_CLOUDFRONT).
 */
import {
  createCloudFrontClient,
  createLogger,
  createRelay,
  createS3Client,
  createSesClient,
  LamphpError,
  lazyClients,
  performJob,
  readConfig,
  relayEventOf,
  s3Outbox,
  type Logger,
  type Relay,
} from '../../bridge/index.ts';

interface Booted {
  relay: Relay;
  bucket: string;
  logger: Logger;
}

export function bootRelay(env: NodeJS.ProcessEnv = process.env, log?: Logger): Booted {
  const config = readConfig(env);
  const logger = log ?? createLogger({ level: config.logLevel });
  if (!config.uploadsBucket) {
    throw new LamphpError('EINVALIDCONFIG', 'The relay needs LAMPHP_UPLOADS_BUCKET: the bucket whose .lamphp-outbox/ it performs.');
  }
  const clients = lazyClients({ ses: () => createSesClient(env), cloudfront: () => createCloudFrontClient(env) });
  const relay = createRelay({
    outbox: s3Outbox(createS3Client(env, { maxAttempts: 3 }), config.uploadsBucket),
    perform: (job) => performJob(job, clients),
    logger,
    retryAfterMs: config.outboxRetryAfterMs,
  });
  return { relay, bucket: config.uploadsBucket, logger };
}

/** Keys of `bucket` among the objects; others are logged and left alone (this relay has no business there). */
function keysIn(objects: { bucket: string; key: string }[], bucket: string, log: Logger): string[] {
  const ours = objects.filter((o) => o.bucket === bucket);
  if (ours.length < objects.length) log.error('relay invoked for another bucket; ignored', { expected: bucket, got: objects.filter((o) => o.bucket !== bucket) });
  return ours.map((o) => o.key);
}

export type RelayHandler = (event: unknown, context?: { awsRequestId?: string }) => Promise<unknown>;

/** A handler reading its settings from `env` at its first invocation (a bad setting fails that invocation, with the reason). */
export function createRelayHandler(env: NodeJS.ProcessEnv = process.env, logger?: Logger): RelayHandler {
  let booted: Booted | undefined;
  return async (event, context) => {
    booted ??= bootRelay(env, logger);
    return handle(booted, event, context);
  };
}

async function handle(booted: Booted, event: unknown, context?: { awsRequestId?: string }): Promise<unknown> {
  const { relay, bucket } = booted;
  const log = booted.logger.child({ requestId: context?.awsRequestId });
  const parsed = relayEventOf(event);
  switch (parsed.kind) {
    case 'jobs':
      return { jobs: await relay.jobs(keysIn(parsed.objects, bucket, log), log) };
    case 'failed':
      await relay.failed(keysIn(parsed.objects, bucket, log), parsed.failure, log);
      return { failed: parsed.objects.length };
    case 'sweep':
      return { sweep: await relay.sweep(log) };
    case 'unknown':
      // Not retried: another shape will not become a job by trying again.
      log.error('relay invoked with an event it does not know; ignored', { event: JSON.stringify(event).slice(0, 2000) });
      return { ignored: true };
  }
}

/** What Lambda calls (`index.handler` in the relay zip). */
export const handler: RelayHandler = createRelayHandler();
