/**
 * PHP's `post_message_to_js()` reaches one engine hook; several bridge features listen. Each
 * hook answers '' to a message that is not its own; the first other answer is PHP's reply.
 */
/** Message type PHP's `sendmail` (engine/php-wasm/sendmail.ts) sends to the mail hand-over (mail/handoff.ts). */
export const SENDMAIL_MESSAGE = 'sendmail';

export type MessageHook = (requestId: string, json: string) => Promise<string>;

export function chainMessageHooks(...hooks: (MessageHook | undefined)[]): MessageHook | undefined {
  const present = hooks.filter((h): h is MessageHook => h !== undefined);
  if (present.length <= 1) return present[0];
  return async (requestId, json) => {
    for (const hook of present) {
      const reply = await hook(requestId, json);
      if (reply !== '') return reply;
    }
    return '';
  };
}
