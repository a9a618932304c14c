/**
 * The one place that decides how a job reaches its AWS API (LAMPHP_AWS_ROUTE):
 * - `direct`: the function performs it now (needs a route to SES and CloudFront: a NAT gateway
 *   or interface endpoints, or no VPC at all);
 * - `outbox`: the function writes it to the outbox in the uploads bucket (S3 is reachable from
 *   the VPC through its free gateway endpoint) and the relay function performs it.
 * Either way `submit` resolves only once the job is safe — accepted by the API, or stored in S3 —
 * and throws otherwise, so the caller can tell its own caller (mail() returns false).
 */
import type { Config, Env } from '../config.ts';
import { LamphpError } from '../errors.ts';
import { createS3Client } from '../uploads/store.ts';
import { createCloudFrontClient } from '../cdn/cloudfront-client.ts';
import type { Job } from './job.ts';
import { createSesClient, lazyClients, performJob, type JobClients, type Receipt } from './perform.ts';
import { s3Outbox, type Outbox } from './store.ts';

export type Submitted = { route: 'direct'; receipt: Receipt } | { route: 'outbox'; key: string };

export interface JobSubmitter {
  readonly route: 'direct' | 'outbox';
  submit(job: Job): Promise<Submitted>;
}

export function directSubmitter(clients: JobClients): JobSubmitter {
  return { route: 'direct', submit: async (job) => ({ route: 'direct', receipt: await performJob(job, clients) }) };
}

export function outboxSubmitter(outbox: Outbox): JobSubmitter {
  return { route: 'outbox', submit: async (job) => ({ route: 'outbox', key: await outbox.put(job) }) };
}

/** The submitter the settings ask for; throws LamphpError(EINVALIDCONFIG) when the outbox has no bucket. */
export function jobSubmitterFromConfig(config: Pick<Config, 'awsRoute' | 'uploadsBucket'>, env: Env): JobSubmitter {
  if (config.awsRoute === 'outbox') {
    if (!config.uploadsBucket) {
      throw new LamphpError(
        'EINVALIDCONFIG',
        'LAMPHP_AWS_ROUTE=outbox writes jobs to the uploads bucket, but LAMPHP_UPLOADS_BUCKET is not set. Set it, or use LAMPHP_AWS_ROUTE=direct where the function can reach SES and CloudFront.',
      );
    }
    // A request waits for the job to be stored: fail fast when S3 is unreachable.
    return outboxSubmitter(s3Outbox(createS3Client(env, { maxAttempts: 2 }), config.uploadsBucket));
  }
  return directSubmitter(lazyClients({ ses: () => createSesClient(env), cloudfront: () => createCloudFrontClient(env) }));
}
