/** LAMPHP_MAIL_TRANSPORT=smtp: the message as PHP built it, relayed to LAMPHP_SMTP_URL by nodemailer. */
import nodemailer from 'nodemailer';
import type { MailTransport } from './transport.ts';

/** The URL without its password, for logs and Site Health. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export function smtpTransport(url: string, from: string | undefined): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    status: { transport: 'smtp', ready: true, detail: `Messages are relayed to the SMTP server ${safeUrl(url)}.`, ...(from && { from }) },
    async deliver(mail) {
      if (!mail.envelope.from) throw new Error('the message has no sender: set LAMPHP_MAIL_FROM');
      const info = await transporter.sendMail({ envelope: { from: mail.envelope.from, to: mail.envelope.to }, raw: Buffer.from(mail.raw) });
      return { messageId: info.messageId, response: info.response };
    },
    async close() {
      transporter.close();
    },
  };
}
