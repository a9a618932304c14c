/**
 * LAMPHP_MAIL_TRANSPORT=dir: each message becomes a `.eml` file (what would have been delivered)
 * in a folder outside the document root, so nothing PHP serves can reach it; the log line that
 * announces it names the subject and every recipient (Bcc ones included).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LamphpError } from '../errors.ts';
import type { MailTransport } from './transport.ts';

/** Throws EINVALIDCONFIG when `dir` is the document root or inside it. */
export function checkOutsideRoot(dir: string, documentRoot: string): void {
  const rel = path.relative(path.resolve(documentRoot), path.resolve(dir));
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw new LamphpError(
      'EINVALIDCONFIG',
      `LAMPHP_MAIL_DIR (${dir}) is inside the document root ${documentRoot}, where visitors could fetch messages (password reset links). Choose a folder outside it.`,
    );
  }
}

export function dirTransport(dir: string): MailTransport {
  return {
    status: { transport: 'dir', ready: true, detail: `Messages are written as .eml files to ${dir} (nothing is sent).` },
    async deliver(mail) {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      const file = path.join(dir, name);
      // Written aside and renamed: a reader never sees half a message.
      const tmp = path.join(dir, `.${name}.tmp`);
      await fs.promises.writeFile(tmp, mail.raw, { mode: 0o600 });
      await fs.promises.rename(tmp, file);
      return { file };
    },
  };
}
