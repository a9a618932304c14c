/**
 * PHP's `mail()` writes the message to `sendmail_path` (`/usr/sbin/sendmail -t -i`) through the
 * C library's popen, which php-wasm turns into a spawn of the `sendmail` command; that works
 * even with exec/popen/proc_open in disable_functions, which only hide the PHP functions. Here,
 * in the worker, the spawn collects what PHP writes and hands it to the host (the bridge's mail
 * hand-over, bridge/mail) as a `post_message_to_js`-style message; the exit status tells PHP
 * whether the message was accepted, so `mail()` — and WordPress's `wp_mail()` — return false
 * when it was not.
 */
import * as util from '@php-wasm/util';
import type { PhpInstance } from './php-wasm-api.ts';

import { SENDMAIL_MESSAGE } from '../../messages.ts';
/** php-wasm's own cap on what its sendmail accepts; a larger message is refused before the host sees it. */
export const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;
/** Not accepted. Not sysexits' EX_TEMPFAIL (75): PHP's mail() counts that as queued, i.e. success. */
const NOT_ACCEPTED = 1;

/** The host's answer: JSON `{"ok":true}` or `{"ok":false,"error":"…"}`. */
export type AskHost = (json: string) => Promise<string>;

interface ProcessApi {
  on(event: 'stdin', listener: (chunk: Uint8Array) => void): void;
  childProcess: { stdin: NodeJS.EventEmitter & { ended?: boolean; writableEnded?: boolean; writableFinished?: boolean } };
  stderr(text: string): void;
  exit(code: number): void;
}

// Typed here: the package's .d.ts re-exports an extensionless path that nodenext cannot follow.
const { createSpawnHandler } = util as unknown as { createSpawnHandler(program: (argv: string[], proc: ProcessApi) => Promise<void>): unknown };

function stdinEnded(stdin: ProcessApi['childProcess']['stdin']): Promise<void> {
  if (stdin.ended || stdin.writableEnded || stdin.writableFinished) return Promise.resolve();
  return new Promise((resolve) => stdin.once('finish', () => resolve()));
}

/**
 * Installs the `sendmail` command in a runtime. `ask` reaches the host; without one (no host
 * listening) every message is refused, so mail() fails at once instead of hanging.
 */
export function installSendmail(php: PhpInstance, ask: AskHost | undefined): void {
  const handler = createSpawnHandler(async (argv: string[], proc: ProcessApi) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    proc.on('stdin', (chunk) => {
      size += chunk.byteLength;
      if (size <= MAX_MESSAGE_BYTES) chunks.push(chunk.slice());
    });
    await stdinEnded(proc.childProcess.stdin);
    let reply: { ok?: boolean; error?: string };
    if (size > MAX_MESSAGE_BYTES) reply = { ok: false, error: `message larger than ${MAX_MESSAGE_BYTES} bytes` };
    else if (!ask) reply = { ok: false, error: 'no mail hand-over on this runtime' };
    else {
      try {
        const message = Buffer.concat(chunks).toString('base64');
        reply = JSON.parse(await ask(JSON.stringify({ lamphp: SENDMAIL_MESSAGE, args: argv.slice(1), message }))) as typeof reply;
      } catch (err) {
        reply = { ok: false, error: (err as Error)?.message ?? String(err) };
      }
    }
    if (reply?.ok === true) return proc.exit(0);
    proc.stderr(`sendmail: ${reply?.error ?? 'message not accepted'}\n`);
    proc.exit(NOT_ACCEPTED);
  });
  php.setCommandSpawnHandler('sendmail', handler);
}
