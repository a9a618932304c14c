/**
 * PHP's mail() through the real engine with lamphp's php.ini, which disables exec, shell_exec,
 * system, passthru, popen and proc_open: the message PHP writes to sendmail reaches the bridge, which delivers it as a
 * `.eml` file, through a real SMTP server (smtp-server), or to an SES stand-in that checks the
 * SigV4 signature for real — byte for byte what PHP produced, apart from the documented
 * changes — or refuses it with one log line, and mail() says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../bridge/config.ts';
import { memoryLogger } from '../bridge/log.ts';
import { mailHandoffFromConfig, type MailHandoff } from '../bridge/mail/index.ts';
import { SENDMAIL_MESSAGE } from '../bridge/messages.ts';
import { jobSubmitterFromConfig } from '../bridge/outbox/submit.ts';
import { startSesStandin, type SesStandin } from '../infra/twin/standins/index.ts';
import { cgi, inSeconds, json, startEngine } from './engine-helpers.ts';

const CREDENTIALS = { AKIDMAILTEST: 'mail-test-secret' };
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('mail() through the engine', () => {
  const logger = memoryLogger('info');
  let engine: Awaited<ReturnType<typeof startEngine>>['engine'];
  let handoff: MailHandoff | undefined;
  /** What PHP wrote to sendmail, as the engine handed it over. */
  const handed: Uint8Array[] = [];
  let tmp: string;
  let ses: SesStandin;
  const smtp: { from?: string; to: string[]; data: Buffer }[] = [];
  let smtpServer: SMTPServer;
  let smtpPort: number;

  const use = (env: Record<string, string>) => {
    const config = readConfig(env);
    handoff = mailHandoffFromConfig(config, logger, () => jobSubmitterFromConfig(config, env));
  };
  const send = async (query = '') => {
    logger.records.length = 0;
    handed.length = 0;
    const response = await engine.handle(cgi(`mail.php${query}`), inSeconds(30));
    return json(response) as { sent: boolean; exec: boolean; popen: boolean };
  };
  const mailLines = () => logger.records.filter((r) => String(r.msg).startsWith('mail '));

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-mail-'));
    ses = await startSesStandin({ credentials: CREDENTIALS, verifiedIdentities: ['verified.test'] });
    smtpServer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom;
          smtp.push({ from: from ? from.address : undefined, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtpServer.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtpServer.server.address() as { port: number }).port;
    ({ engine } = await startEngine({
      workers: 1,
      onMessage: async (requestId, message) => {
        const parsed = JSON.parse(message) as { lamphp?: string; message?: string };
        if (parsed.lamphp === SENDMAIL_MESSAGE) handed.push(new Uint8Array(Buffer.from(parsed.message!, 'base64')));
        return handoff ? handoff.onMessage(requestId, message) : '';
      },
    }));
  });
  afterAll(async () => {
    await engine?.close();
    await ses?.close();
    await new Promise<void>((resolve) => smtpServer.close(() => resolve()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the message PHP built, without its Bcc field, to a .eml file, announced in one log line', async () => {
    const dir = path.join(tmp, 'mail-dir');
    use({ LAMPHP_MAIL_TRANSPORT: 'dir', LAMPHP_MAIL_DIR: dir, LAMPHP_DOCUMENT_ROOT: tmp + '/root' });
    expect(await send()).toEqual({ sent: true, exec: false, popen: false });
    expect(handed).toHaveLength(1);
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(1);
    const php = latin1(handed[0]!);
    expect(php).toContain('Bcc: hidden@example.com\r\n');
    expect(latin1(fs.readFileSync(path.join(dir, files[0]!)))).toBe(php.replace('Bcc: hidden@example.com\r\n', ''));
    expect(mailLines()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'mail written',
        subject: 'Grüße from lamphp',
        to: ['first@example.com', 'second@example.com', 'copy@example.com', 'hidden@example.com'],
        file: path.join(dir, files[0]!),
      }),
    ]);
  });

  it('sends it through SES: a signed SendEmail whose raw MIME is PHP\'s, with only the documented changes', async () => {
    use({
      LAMPHP_MAIL_TRANSPORT: 'ses',
      LAMPHP_MAIL_FROM: 'noreply@verified.test',
      AWS_ENDPOINT_URL_SESV2: ses.url,
      AWS_ACCESS_KEY_ID: 'AKIDMAILTEST',
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.AKIDMAILTEST,
      AWS_REGION: 'eu-west-1',
    });
    expect((await send()).sent).toBe(true);
    expect(ses.sent).toHaveLength(1);
    const message = ses.sent[0]!;
    expect(message).toMatchObject({
      accessKeyId: 'AKIDMAILTEST',
      region: 'eu-west-1',
      fromEmailAddress: 'noreply@verified.test',
      feedbackForwardingEmailAddress: 'noreply@verified.test',
      destination: { to: ['first@example.com', 'second@example.com', 'copy@example.com', 'hidden@example.com'], cc: [], bcc: [] },
    });
    const php = latin1(handed[0]!);
    const expected =
      'Return-Path: <noreply@verified.test>\r\n' +
      php
        .replace('Bcc: hidden@example.com\r\n', '')
        .replace('From: Site Owner <owner@site.test>\r\n', 'From: Site Owner <noreply@verified.test>\r\nReply-To: Site Owner <owner@site.test>\r\n');
    expect(latin1(message.raw)).toBe(expected);
    expect(mailLines()).toEqual([expect.objectContaining({ level: 'info', msg: 'mail sent', transport: 'ses', route: 'direct', messageIds: [message.messageId] })]);
  });

  it('reports a refused SES request to PHP: mail() returns false and one error line says why', async () => {
    use({
      LAMPHP_MAIL_TRANSPORT: 'ses',
      LAMPHP_MAIL_FROM: 'noreply@verified.test',
      AWS_ENDPOINT_URL_SESV2: ses.url,
      AWS_ACCESS_KEY_ID: 'AKIDMAILTEST',
      AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    });
    const before = ses.sent.length;
    expect((await send()).sent).toBe(false);
    expect(ses.sent).toHaveLength(before);
    expect(ses.requests.at(-1)).toMatchObject({ status: 403, error: 'SignatureDoesNotMatch' });
    expect(mailLines()).toEqual([expect.objectContaining({ level: 'error', msg: 'mail not sent: the transport refused it; mail() returns false' })]);
  });

  it('relays it to an SMTP server with the forced sender as envelope and From', async () => {
    use({ LAMPHP_MAIL_TRANSPORT: 'smtp', LAMPHP_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, LAMPHP_MAIL_FROM: 'noreply@verified.test' });
    expect((await send()).sent).toBe(true);
    expect(smtp).toHaveLength(1);
    expect(smtp[0]!.from).toBe('noreply@verified.test');
    expect(smtp[0]!.to).toEqual(['first@example.com', 'second@example.com', 'copy@example.com', 'hidden@example.com']);
    const received = latin1(smtp[0]!.data);
    expect(received).not.toContain('hidden@example.com');
    expect(received).toContain('From: Site Owner <noreply@verified.test>\r\nReply-To: Site Owner <owner@site.test>\r\n');
    expect(received).toContain('\r\n.\r\nline after a lone dot\r\n');
    expect(mailLines()).toEqual([expect.objectContaining({ level: 'info', msg: 'mail sent', transport: 'smtp' })]);
  });

  it('refuses every message when no transport is configured: mail() false, one line saying why', async () => {
    use({});
    expect((await send()).sent).toBe(false);
    expect(mailLines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringContaining('No mail transport is configured'),
        to: ['first@example.com', 'second@example.com', 'copy@example.com', 'hidden@example.com'],
      }),
    ]);
    use({ LAMPHP_MAIL_TRANSPORT: 'off' });
    expect((await send()).sent).toBe(false);
    expect(mailLines()).toEqual([expect.objectContaining({ msg: expect.stringContaining('LAMPHP_MAIL_TRANSPORT=off') })]);
  });

  it('refuses a message with no recipient', async () => {
    use({ LAMPHP_MAIL_TRANSPORT: 'dir', LAMPHP_MAIL_DIR: path.join(tmp, 'nobody'), LAMPHP_DOCUMENT_ROOT: tmp + '/root' });
    expect((await send('?to=&from_only=1')).sent).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'nobody'))).toBe(false);
    expect(mailLines()).toEqual([expect.objectContaining({ level: 'warn', reason: expect.stringContaining('no recipient') })]);
  });
});

describe('mail() in a runtime with no host listening', () => {
  it('fails at once instead of hanging', async () => {
    const { engine } = await startEngine({ workers: 1 });
    try {
      const started = Date.now();
      expect(json(await engine.handle(cgi('mail.php'), inSeconds(20))).sent).toBe(false);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await engine.close();
    }
  });
});
