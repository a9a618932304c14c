/**
 * The sendmail hand-over without PHP: recipients as `sendmail -t` finds them, and a message
 * rewritten only as documented (Bcc removed; with a forced sender From, Reply-To, Sender and
 * Return-Path) — every other byte, the body included, as PHP wrote it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressesOf, decodeHeaderValue, parseSendmailArgs, prepareMail } from '../bridge/mail/message.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
/** What PHP 8.3's mail() wrote for mail('a@example.com, B <b@example.com>', 'Hé subject', …) in php-wasm. */
const PHP_MESSAGE =
  'To: a@example.com, B <b@example.com>\r\nSubject: H\xc3\xa9 subject\r\nFrom: WP <wordpress@site.test>\r\n' +
  'Bcc: hidden@example.com\r\nCc: c@example.com\r\n\r\nline1\nline2\n.\nend\r\n';

describe('sendmail arguments', () => {
  it('reads -t, -f in both spellings, options with values, and recipients', () => {
    expect(parseSendmailArgs(['-t', '-i', '-fbounce@site.test'])).toEqual({ readRecipients: true, sender: 'bounce@site.test', recipients: [] });
    expect(parseSendmailArgs(['-f', '<b@x.test>', '-F', 'Name', '-oi', 'r@x.test', '--', 'Q <q@x.test>'])).toEqual({
      readRecipients: false,
      sender: 'b@x.test',
      recipients: ['r@x.test', 'q@x.test'],
    });
  });
});

describe('prepareMail', () => {
  it('finds every To, Cc and Bcc recipient and removes the Bcc field, nothing else', () => {
    const mail = prepareMail(bytes(PHP_MESSAGE), ['-t', '-i']);
    expect(mail.envelope).toEqual({ from: 'wordpress@site.test', to: ['a@example.com', 'b@example.com', 'hidden@example.com', 'c@example.com'] });
    expect(text(mail.raw)).toBe(PHP_MESSAGE.replace('Bcc: hidden@example.com\r\n', ''));
    expect(mail.subject).toBe('Hé subject');
  });

  it('forces the sender: From keeps the display name, the original From becomes Reply-To, Return-Path names the sender', () => {
    const mail = prepareMail(bytes(PHP_MESSAGE), ['-t', '-i', '-fbounce@site.test'], { from: 'noreply@verified.test' });
    expect(text(mail.raw)).toBe(
      'Return-Path: <noreply@verified.test>\r\nTo: a@example.com, B <b@example.com>\r\nSubject: H\xc3\xa9 subject\r\n' +
        'From: WP <noreply@verified.test>\r\nReply-To: WP <wordpress@site.test>\r\nCc: c@example.com\r\n\r\nline1\nline2\n.\nend\r\n',
    );
    expect(mail.envelope.from).toBe('noreply@verified.test');
    expect(mail.replyToAdded).toBe(true);
  });

  it('adds no Reply-To when the From already is the sender or one is set, and drops Sender and old Return-Path', () => {
    const same = prepareMail(bytes('From: x <noreply@verified.test>\nTo: a@x.test\n\nhi'), ['-t'], { from: 'Site <noreply@verified.test>' });
    expect(text(same.raw)).toBe('Return-Path: <noreply@verified.test>\nFrom: Site <noreply@verified.test>\nTo: a@x.test\n\nhi');
    const kept = prepareMail(
      bytes('Return-Path: <x@evil.test>\r\nSender: s@evil.test\r\nFrom: a@x.test\r\nReply-To: r@x.test\r\nTo: b@x.test\r\n\r\nhi'),
      ['-t'],
      { from: 'noreply@verified.test' },
    );
    expect(text(kept.raw)).toBe('Return-Path: <noreply@verified.test>\r\nFrom: noreply@verified.test\r\nReply-To: r@x.test\r\nTo: b@x.test\r\n\r\nhi');
  });

  it('refuses a message with no recipient', () => {
    expect(() => prepareMail(bytes('Subject: x\r\n\r\nbody'), ['-t', '-i'])).toThrow(expect.objectContaining({ code: 'ENORECIPIENTS' }));
  });

  it('decodes encoded words and groups', () => {
    expect(decodeHeaderValue('=?UTF-8?B?SMOp?= =?ISO-8859-1?Q?_caf=E9?=')).toBe('Hé café');
    expect(addressesOf('team: a@x.test, "Doe, J" <j@x.test>;, b@x.test (c)')).toEqual(['a@x.test', 'j@x.test', 'b@x.test']);
  });

  // Any message: the body's bytes and the untouched fields, in order, survive exactly.
  const fieldName = fc.constantFrom('To', 'Cc', 'Bcc', 'Subject', 'X-Mailer', 'Content-Type', 'MIME-Version', 'X-Custom');
  const address = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,8}$/), fc.constantFrom('x.test', 'example.com')).map(([l, d]) => `${l}@${d}`);
  const field = fc.tuple(fieldName, address, fc.boolean()).map(([name, value, folded]) => `${name}: ${folded ? `\r\n ${value}` : value}\r\n`);
  const body = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'));
  it('changes nothing but the documented fields (property)', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), address, body, fc.boolean(), (fields, from, payload, force) => {
        const message = `To: first@x.test\r\n${fields.join('')}From: Me <${from}>\r\n\r\n${payload}`;
        const mail = prepareMail(bytes(message), ['-t', '-i'], force ? { from: 'noreply@verified.test' } : {});
        const out = text(mail.raw);
        const split = out.indexOf('\r\n\r\n');
        expect(out.slice(split + 4)).toBe(payload);
        expect(out.slice(0, split + 2)).not.toMatch(/^Bcc:/im);
        const untouched = ['To: first@x.test\r\n', ...fields.filter((f) => !f.startsWith('Bcc:'))];
        const headerFields = out.slice(0, split + 2).match(/[^\r\n]+\r\n(?:[ \t][^\r\n]*\r\n)*/g) ?? [];
        expect(headerFields.filter((f) => !/^(From|Reply-To|Return-Path):/.test(f))).toEqual(untouched);
        for (const f of fields) {
          const addr = f.slice(f.indexOf(':') + 1).trim();
          if (/^(To|Cc|Bcc):/.test(f)) expect(mail.envelope.to).toContain(addr);
        }
        if (force) {
          expect(out).toContain('From: Me <noreply@verified.test>\r\n');
          expect(out).toContain(`Reply-To: Me <${from}>\r\n`);
          expect(mail.envelope.from).toBe('noreply@verified.test');
        } else {
          expect(out).toContain(`From: Me <${from}>\r\n`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
