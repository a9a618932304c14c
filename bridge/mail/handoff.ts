/**
 * The host side of PHP's mail(): the PHP worker's `sendmail` (engine/php-wasm/sendmail.ts) sends
 * `{"lamphp":"sendmail","args":[…],"message":"<base64>"}`; this prepares the message
 * (message.ts), delivers it through the configured transport and answers `{"ok":true}` or
 * `{"ok":false,"error":…}` — mail() returns false on the latter. Each message gets exactly one
 * log line: where it went, or why it did not. `{"lamphp":"mail-status"}` answers the transport's
 * status (the must-use plugin shows it in Site Health).
 */
import type { Logger } from '../log.ts';
import { SENDMAIL_MESSAGE, type MessageHook } from '../messages.ts';
import { prepareMail, type PreparedMail } from './message.ts';
import type { MailStatus, MailTransport } from './transport.ts';

export const STATUS_MESSAGE = 'mail-status';

export interface MailHandoff {
  onMessage: MessageHook;
  readonly status: MailStatus;
  close(): Promise<void>;
}

export function createMailHandoff({ transport, from, logger }: { transport: MailTransport; from?: string; logger: Logger }): MailHandoff {
  const status = transport.status;
  return {
    status,
    async onMessage(requestId, json) {
      let message: { lamphp?: unknown; args?: unknown; message?: unknown };
      try {
        message = JSON.parse(json) as typeof message;
      } catch {
        return '';
      }
      if (message?.lamphp === STATUS_MESSAGE) return JSON.stringify(status);
      if (message?.lamphp !== SENDMAIL_MESSAGE) return '';
      const log = logger.child({ requestId });
      const args = Array.isArray(message.args) ? message.args.filter((a): a is string => typeof a === 'string') : [];
      let mail: PreparedMail;
      try {
        if (typeof message.message !== 'string') throw new Error('no message bytes');
        mail = prepareMail(new Uint8Array(Buffer.from(message.message, 'base64')), args, { ...(from && { from }) });
      } catch (err) {
        log.warn('mail not sent: the message cannot be delivered', { transport: status.transport, reason: (err as Error).message });
        return JSON.stringify({ ok: false, error: (err as Error).message });
      }
      const about = { transport: status.transport, subject: mail.subject.slice(0, 200), to: mail.envelope.to, from: mail.envelope.from };
      if (!status.ready) {
        log.warn(`mail not sent: ${status.detail}`, about);
        return JSON.stringify({ ok: false, error: status.detail });
      }
      const started = performance.now();
      try {
        const detail = await transport.deliver(mail);
        log.info(status.transport === 'dir' ? 'mail written' : 'mail sent', { ...about, ...detail, ms: Math.round(performance.now() - started) });
        return JSON.stringify({ ok: true });
      } catch (err) {
        log.error('mail not sent: the transport refused it; mail() returns false', { ...about, err });
        return JSON.stringify({ ok: false, error: (err as Error).message });
      }
    },
    close: async () => transport.close?.(),
  };
}
