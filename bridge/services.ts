/**
 * What the bridge offers PHP besides running it, wired the same way by every front door (the
 * Lambda runtime, `lamphp serve`): uploads offloaded to S3, CDN invalidation, mail. The jobs
 * that need SES or CloudFront all leave through one submitter (outbox/submit.ts), and PHP's
 * `post_message_to_js()` / `sendmail` reach each feature through one chained hook.
 */
import type { Config, Env } from './config.ts';
import { cdnInvalidatorFromEnv, type CdnInvalidator } from './cdn/invalidation.ts';
import type { Logger } from './log.ts';
import { mailHandoffFromConfig, type MailHandoff } from './mail/index.ts';
import { chainMessageHooks, type MessageHook } from './messages.ts';
import { jobSubmitterFromConfig, type JobSubmitter } from './outbox/submit.ts';
import { uploadsSyncFromConfig, type UploadsSync } from './uploads/index.ts';

export interface BridgeServices {
  uploads: UploadsSync | undefined;
  cdn: CdnInvalidator | undefined;
  mail: MailHandoff;
  jobs: JobSubmitter;
  /** The engine's `onMessage`: every feature's messages. */
  onMessage: MessageHook;
  close(): Promise<void>;
}

/** Throws LamphpError(EINVALIDCONFIG) for settings that cannot work, before anything starts. */
export function servicesFromConfig(config: Config, env: Env, logger: Logger): BridgeServices {
  const jobs = jobSubmitterFromConfig(config, env);
  const uploads = uploadsSyncFromConfig(config, logger, env);
  const cdn = cdnInvalidatorFromEnv(env, { documentRoot: config.documentRoot, logger, jobs, maxPaths: config.cdnInvalidationMaxPaths });
  const mail = mailHandoffFromConfig(config, logger, () => jobs);
  return {
    uploads,
    cdn,
    mail,
    jobs,
    onMessage: chainMessageHooks(mail.onMessage, uploads?.onMessage, cdn?.onMessage)!,
    close: () => mail.close(),
  };
}
