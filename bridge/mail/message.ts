/**
 * What PHP's `mail()` hands to `sendmail`, made ready for delivery. The message is kept as PHP
 * built it, byte for byte, apart from these documented changes:
 * - `Bcc:` fields are removed (their addresses stay recipients), as `sendmail -t` does;
 * - with a forced sender (LAMPHP_MAIL_FROM): `From:` names that address (keeping the original
 *   display name), the original `From:` becomes `Reply-To:` when the address differs and the
 *   message has none, `Sender:` is removed and `Return-Path:` names the forced sender, so only
 *   the verified identity ever appears as a sender.
 * Recipients follow sendmail's rules: with `-t`, every `To:`, `Cc:` and `Bcc:` address, plus
 * the addresses given as arguments.
 */
import addressparser from 'nodemailer/lib/addressparser';
import { LamphpError } from '../errors.ts';

export interface PreparedMail {
  /** The message to deliver (header block rewritten as described above; body untouched). */
  raw: Uint8Array;
  envelope: { from: string | undefined; to: string[] };
  /** Decoded subject, for logs. */
  subject: string;
  /** Whether a `Reply-To:` was added from the original `From:`. */
  replyToAdded: boolean;
}

interface Field {
  /** Lower-case name. */
  name: string;
  /** The field exactly as received, folded lines and line ending included (latin1: one char per byte). */
  raw: string;
  /** Unfolded value without the name and colon, trimmed. */
  value: string;
}

interface ParsedMessage {
  fields: Field[];
  /** Everything from the blank line that ends the header block (latin1). */
  rest: string;
  eol: '\r\n' | '\n';
}

/** Splits the header block into fields; bytes are kept one-to-one as latin1 characters. */
function parse(bytes: Uint8Array): ParsedMessage {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  const atCrlf = crlf !== -1 && (lf === -1 || crlf < lf);
  const end = atCrlf ? crlf + 2 : lf !== -1 ? lf + 1 : text.length;
  const head = text.slice(0, end);
  const rest = text.slice(end);
  const firstEol = /\r?\n/.exec(head)?.[0];
  const eol = firstEol === '\n' ? '\n' : '\r\n';
  const fields: Field[] = [];
  const lines = head.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (const line of lines) {
    const last = fields.at(-1);
    if (last && /^[ \t]/.test(line)) {
      last.raw += line;
      continue;
    }
    const colon = line.indexOf(':');
    fields.push({ name: colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '', raw: line, value: '' });
  }
  for (const field of fields) {
    const colon = field.raw.indexOf(':');
    field.value = colon > 0 ? field.raw.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim() : '';
  }
  return { fields, rest, eol };
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`) and raw UTF-8 in a latin1-held header value. */
export function decodeHeaderValue(value: string): string {
  const utf8 = Buffer.from(value, 'latin1').toString('utf8');
  return utf8.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, charset: string, enc: string, data: string) => {
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    try {
      return new TextDecoder(charset.split('*')[0]!).decode(bytes);
    } catch {
      return bytes.toString('latin1');
    }
  });
}

/** Every address in an address field (groups flattened). */
export function addressesOf(value: string): string[] {
  return addressparser(decodeHeaderValue(value), { flatten: true })
    .map((a) => a.address.trim())
    .filter((a) => a.includes('@'));
}

export interface SendmailArgs {
  /** `-t`: read recipients from the message. */
  readRecipients: boolean;
  /** `-f` / `-r`: envelope sender. */
  sender: string | undefined;
  /** Addresses given as arguments. */
  recipients: string[];
}

/** The parts of a sendmail command line that matter for delivery (argv without the program). */
export function parseSendmailArgs(args: readonly string[]): SendmailArgs {
  const out: SendmailArgs = { readRecipients: false, sender: undefined, recipients: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.recipients.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.recipients.push(arg);
      continue;
    }
    const flag = arg[1];
    if (flag === 't') out.readRecipients = true;
    else if (flag === 'f' || flag === 'r') {
      const value = arg.length > 2 ? arg.slice(2) : args[++i];
      if (value) out.sender = value.replace(/^<|>$/g, '');
    } else if ((flag === 'F' || flag === 'o' || flag === 'B' || flag === 'N' || flag === 'R' || flag === 'V' || flag === 'X') && arg.length === 2) {
      i++; // options that take a separate value
    }
  }
  out.recipients = out.recipients.flatMap((r) => addressesOf(r));
  return out;
}

/** The address part of a sender setting (`Name <a@b>` or `a@b`). */
export function senderAddress(sender: string): string {
  const [first] = addressparser(sender, { flatten: true });
  if (!first?.address || !first.address.includes('@')) {
    throw new LamphpError('EINVALIDCONFIG', `LAMPHP_MAIL_FROM must be an e-mail address such as wordpress@example.com, got "${sender}".`);
  }
  return first.address;
}

function uniqueAddresses(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A display name as a header phrase: quoted when needed, RFC 2047-encoded when not ASCII. */
function phrase(name: string): string {
  if (/[^\x20-\x7e]/.test(name)) return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name) ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

/** The forced From value: the setting as given when it has a name, else the original display name with the forced address. */
function forcedFrom(setting: string, original: Field | undefined): string {
  if (/</.test(setting)) return setting.trim();
  const address = senderAddress(setting);
  const name = original ? addressparser(decodeHeaderValue(original.value), { flatten: true })[0]?.name : undefined;
  return name ? `${phrase(name)} <${address}>` : address;
}

/**
 * Makes a message ready for delivery. `args` is what followed the program on the sendmail
 * command line (PHP passes `-t -i` plus mail()'s fifth argument). Throws LamphpError(ENORECIPIENTS)
 * when the message names nobody to deliver to.
 */
export function prepareMail(bytes: Uint8Array, args: readonly string[], options: { from?: string } = {}): PreparedMail {
  const { fields, rest, eol } = parse(bytes);
  const argv = parseSendmailArgs(args);
  const headerAddresses = argv.readRecipients
    ? fields.filter((f) => f.name === 'to' || f.name === 'cc' || f.name === 'bcc').flatMap((f) => addressesOf(f.value))
    : [];
  const to = uniqueAddresses([...headerAddresses, ...argv.recipients]);
  if (to.length === 0) throw new LamphpError('ENORECIPIENTS', 'The message names no recipient (no To, Cc or Bcc address).');
  const originalFrom = fields.find((f) => f.name === 'from');
  const subjectField = fields.find((f) => f.name === 'subject');
  let kept = fields.filter((f) => f.name !== 'bcc');
  let envelopeFrom = argv.sender ?? (originalFrom ? addressesOf(originalFrom.value)[0] : undefined);
  let replyToAdded = false;
  if (options.from) {
    const forced = senderAddress(options.from);
    envelopeFrom = forced;
    const fromLine = `From: ${forcedFrom(options.from, originalFrom)}${eol}`;
    const originalAddress = originalFrom ? addressesOf(originalFrom.value)[0] : undefined;
    const addReplyTo =
      originalFrom !== undefined &&
      originalAddress !== undefined &&
      originalAddress.toLowerCase() !== forced.toLowerCase() &&
      !fields.some((f) => f.name === 'reply-to');
    const out: Field[] = [{ name: 'return-path', raw: `Return-Path: <${forced}>${eol}`, value: `<${forced}>` }];
    let fromPlaced = false;
    for (const field of kept) {
      if (field.name === 'return-path' || field.name === 'sender') continue;
      if (field.name === 'from') {
        if (fromPlaced) continue;
        fromPlaced = true;
        out.push({ name: 'from', raw: fromLine, value: '' });
        if (addReplyTo) out.push({ name: 'reply-to', raw: `Reply-To: ${originalFrom.value}${eol}`, value: originalFrom.value });
        continue;
      }
      out.push(field);
    }
    if (!fromPlaced) out.splice(1, 0, { name: 'from', raw: fromLine, value: '' });
    replyToAdded = addReplyTo;
    kept = out;
  }
  const head = kept.map((f) => f.raw).join('');
  return {
    raw: new Uint8Array(Buffer.from(head + rest, 'latin1')),
    envelope: { from: envelopeFrom, to },
    subject: subjectField ? decodeHeaderValue(subjectField.value) : '',
    replyToAdded,
  };
}
