/**
 * LAMPHP_MAIL_TRANSPORT=ses: each message becomes `ses-mail` jobs (SES takes 50 recipients a
 * message), sent through SES at once or left in the outbox for the relay, as LAMPHP_AWS_ROUTE
 * says. Either way mail() succeeds only once the job is safe.
 */
import { newJobId, SES_MAX_RECIPIENTS, type SesMailJob } from '../outbox/job.ts';
import type { JobSubmitter } from '../outbox/submit.ts';
import { senderAddress } from './message.ts';
import type { MailTransport } from './transport.ts';

export function sesTransport(from: string, jobs: JobSubmitter): MailTransport {
  const sender = senderAddress(from);
  const via = jobs.route === 'outbox' ? 'through the outbox relay' : 'directly';
  return {
    status: { transport: 'ses', ready: true, detail: `Messages are sent by Amazon SES as ${sender}, ${via}.`, from: sender },
    async deliver(mail) {
      const raw = Buffer.from(mail.raw).toString('base64');
      const results: string[] = [];
      for (let i = 0; i < mail.envelope.to.length; i += SES_MAX_RECIPIENTS) {
        const job: SesMailJob = {
          v: 1,
          id: newJobId(),
          kind: 'ses-mail',
          createdAt: new Date().toISOString(),
          mail: { from: sender, to: mail.envelope.to.slice(i, i + SES_MAX_RECIPIENTS), raw, subject: mail.subject },
        };
        const done = await jobs.submit(job);
        results.push(done.route === 'outbox' ? done.key : ('messageId' in done.receipt && done.receipt.messageId) || job.id);
      }
      return jobs.route === 'outbox' ? { route: 'outbox', jobs: results } : { route: 'direct', messageIds: results };
    },
  };
}
