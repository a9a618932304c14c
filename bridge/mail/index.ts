/**
 * Mail from PHP: the transport LAMPHP_MAIL_TRANSPORT names, checked at start so a
 * misconfiguration stops the runtime with a sentence instead of failing every message later.
 */
import type { Config } from '../config.ts';
import { LamphpError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { JobSubmitter } from '../outbox/submit.ts';
import { checkOutsideRoot, dirTransport } from './dir.ts';
import { createMailHandoff, type MailHandoff } from './handoff.ts';
import { senderAddress } from './message.ts';
import { offTransport } from './off.ts';
import { sesTransport } from './ses.ts';
import { smtpTransport } from './smtp.ts';
import type { MailTransport } from './transport.ts';

export type { MailHandoff } from './handoff.ts';
export type { MailStatus } from './transport.ts';
export { prepareMail, type PreparedMail } from './message.ts';

const need = (setting: string, transport: string, example: string) =>
  new LamphpError('EINVALIDCONFIG', `LAMPHP_MAIL_TRANSPORT=${transport} needs ${setting} (${example}).`);

export function mailTransportFromConfig(
  config: Pick<Config, 'mailTransport' | 'mailFrom' | 'mailDir' | 'smtpUrl' | 'documentRoot'>,
  jobs: () => JobSubmitter,
): MailTransport {
  if (config.mailFrom) senderAddress(config.mailFrom); // a malformed sender fails at start
  switch (config.mailTransport) {
    case 'ses':
      if (!config.mailFrom) throw need('LAMPHP_MAIL_FROM', 'ses', 'an identity verified in SES, e.g. wordpress@example.com');
      return sesTransport(config.mailFrom, jobs());
    case 'smtp':
      if (!config.smtpUrl) throw need('LAMPHP_SMTP_URL', 'smtp', 'e.g. smtp://user:password@mail.example.com:587');
      return smtpTransport(config.smtpUrl, config.mailFrom);
    case 'dir':
      if (!config.mailDir) throw need('LAMPHP_MAIL_DIR', 'dir', 'a folder outside the document root');
      checkOutsideRoot(config.mailDir, config.documentRoot);
      return dirTransport(config.mailDir);
    case 'off':
      return offTransport(true);
    case undefined:
      return offTransport(false);
  }
}

export function mailHandoffFromConfig(config: Config, logger: Logger, jobs: () => JobSubmitter): MailHandoff {
  return createMailHandoff({ transport: mailTransportFromConfig(config, jobs), ...(config.mailFrom && { from: config.mailFrom }), logger });
}
