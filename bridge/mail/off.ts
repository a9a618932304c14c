/** No transport: every message is refused with the reason, so mail() returns false. */
import type { MailTransport } from './transport.ts';

export function offTransport(explicit: boolean): MailTransport {
  const detail = explicit
    ? 'Mail is switched off (LAMPHP_MAIL_TRANSPORT=off): messages are refused.'
    : 'No mail transport is configured: messages are refused. Set LAMPHP_MAIL_TRANSPORT to ses (with LAMPHP_MAIL_FROM), smtp (with LAMPHP_SMTP_URL) or dir (with LAMPHP_MAIL_DIR).';
  return {
    status: { transport: 'off', ready: false, detail },
    async deliver() {
      throw new Error(detail);
    },
  };
}
