/**
 * Performs a job: the one place that calls SES and CloudFront. The function calls it directly
 * when it has a route to those APIs (LAMPHP_AWS_ROUTE=direct); the relay calls it for jobs it
 * reads from the outbox. It resolves once the API accepted the work and throws otherwise.
 */
import { SESv2Client, SendEmailCommand, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { CreateInvalidationCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { awsClientBase } from '../aws-env.ts';
import type { Env } from '../config.ts';
import { LamphpError } from '../errors.ts';
import type { Job } from './job.ts';

export interface JobClients {
  ses: () => Pick<SESv2Client, 'send'>;
  cloudfront: () => Pick<CloudFrontClient, 'send'>;
}

/** What the API answered, kept in the sent-marker and logged. */
export type Receipt = { messageId?: string } | { invalidationId?: string };

/** An SES v2 client honouring AWS_ENDPOINT_URL_SESV2 and explicit keys in `env`. */
export function createSesClient(env: Env = process.env, overrides: Partial<SESv2ClientConfig> = {}): SESv2Client {
  return new SESv2Client({
    ...awsClientBase(env, 'SESV2'),
    // A request (mail()) or a relay invocation waits for it: fail fast, the caller retries.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 15_000 },
    ...overrides,
  });
}

/** Lazily created clients (a function that only ever invalidates never loads SES's config). */
export function lazyClients(make: { ses: () => Pick<SESv2Client, 'send'>; cloudfront: () => Pick<CloudFrontClient, 'send'> }): JobClients {
  let ses: Pick<SESv2Client, 'send'> | undefined;
  let cloudfront: Pick<CloudFrontClient, 'send'> | undefined;
  return { ses: () => (ses ??= make.ses()), cloudfront: () => (cloudfront ??= make.cloudfront()) };
}

export async function performJob(job: Job, clients: JobClients): Promise<Receipt> {
  if (job.kind === 'ses-mail') {
    const out = await clients.ses().send(
      new SendEmailCommand({
        FromEmailAddress: job.mail.from,
        // Bounces and complaints go to the verified identity, never to an address PHP made up.
        FeedbackForwardingEmailAddress: job.mail.from,
        Destination: { ToAddresses: job.mail.to },
        Content: { Raw: { Data: Buffer.from(job.mail.raw, 'base64') } },
      }),
    );
    return { ...(out.MessageId && { messageId: out.MessageId }) };
  }
  if (job.kind === 'cdn-invalidation') {
    const { distributionId, paths } = job.invalidation;
    const out = await clients.cloudfront().send(
      new CreateInvalidationCommand({
        DistributionId: distributionId,
        // From the job id: CloudFront answers a repeated reference with the invalidation it already made.
        InvalidationBatch: { CallerReference: `lamphp-${job.id}`, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    return { ...(out.Invalidation?.Id && { invalidationId: out.Invalidation.Id }) };
  }
  throw new LamphpError('EBADJOB', `Unknown job kind ${(job as { kind?: unknown }).kind as string}.`);
}
