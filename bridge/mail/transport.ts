/** A way to deliver a message PHP handed over (see handoff.ts); one per LAMPHP_MAIL_TRANSPORT value. */
import type { MailTransportName } from '../config.ts';
import type { PreparedMail } from './message.ts';

export interface MailStatus {
  transport: MailTransportName;
  /** Whether messages can leave at all. */
  ready: boolean;
  /** One sentence for Site Health and logs: where mail goes, or why it cannot. */
  detail: string;
  /** The sender every message is sent as, when one is forced. */
  from?: string;
}

export interface MailTransport {
  readonly status: MailStatus;
  /** Resolves with what to log once the message is accepted; throws (with a reason a user can act on) otherwise. */
  deliver(mail: PreparedMail): Promise<Record<string, unknown>>;
  close?(): Promise<void>;
}
