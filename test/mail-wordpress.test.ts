/**
 * WordPress's own mail through the real bridge (`lamphp serve`, SQLite, lamphp's php.ini with
 * the process functions disabled): a password reset and a comment-moderation notice become `.eml` files outside the
 * site with the right recipients and a reset link on the canonical host; with SES configured an
 * SES stand-in receives a signed SendEmail; with mail off WordPress says the email could not be
 * sent and the log says why, once. Site Health reflects each transport.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSesStandin, type SesStandin } from '../infra/twin/standins/index.ts';
import { Visitor } from './support/http-client.ts';
import { logIn, startWordPress, type TestSite } from './support/wordpress.ts';

const HOST = 'blog.example.test';
const CREDENTIALS = { AKIDWPMAIL: 'wp-mail-secret' };
const latin1 = (b: Uint8Array | Buffer) => Buffer.from(b).toString('latin1');

/** Asks for a password reset as a visitor would, on wp-login.php. */
async function requestReset(site: TestSite) {
  const visitor = new Visitor(site.url);
  visitor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
  return visitor.postForm('/wp-login.php?action=lostpassword', { user_login: site.admin.user, redirect_to: '', 'wp-submit': 'Get New Password' });
}

const RESET_LINK = new RegExp(`http://${HOST.replace(/\./g, "\\.")}/wp-login\\.php\\?login=admin&key=([A-Za-z0-9]+)&action=rp`);

describe('WordPress mail', () => {
  let tmp: string;
  let mailDir: string;
  let ses: SesStandin;
  let dirSite: TestSite;
  let sesSite: TestSite;
  let offSite: TestSite;
  const emls = () => fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort();
  const readEml = (name: string) => latin1(fs.readFileSync(path.join(mailDir, name)));
  const mailLines = (site: TestSite) => site.logs.filter((r) => String(r.msg).startsWith('mail '));

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-wpmail-'));
    mailDir = path.join(tmp, 'mail');
    ses = await startSesStandin({ credentials: CREDENTIALS, verifiedIdentities: ['verified.test'] });
    const common = { LAMPHP_CANONICAL_HOST: HOST };
    [dirSite, sesSite, offSite] = await Promise.all([
      startWordPress({ workers: 1, env: { ...common, LAMPHP_MAIL_DIR: mailDir } }),
      startWordPress({
        workers: 1,
        env: {
          ...common,
          LAMPHP_MAIL_TRANSPORT: 'ses',
          LAMPHP_MAIL_FROM: 'wordpress@verified.test',
          AWS_ENDPOINT_URL_SESV2: ses.url,
          AWS_ACCESS_KEY_ID: 'AKIDWPMAIL',
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.AKIDWPMAIL,
          AWS_REGION: 'eu-central-1',
        },
      }),
      startWordPress({ workers: 1, env: { ...common, LAMPHP_MAIL_TRANSPORT: 'off' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([dirSite?.close(), sesSite?.close(), offSite?.close()]);
    await ses?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("runs PHP with lamphp's php.ini, which disables the process functions", async () => {
    fs.writeFileSync(path.join(dirSite.siteDir, 'lamphp-probe.php'), "<?php echo json_encode([function_exists('exec'), function_exists('proc_open')]);");
    expect((await new Visitor(dirSite.url).get('/lamphp-probe.php')).text).toBe('[false,false]');
    fs.rmSync(path.join(dirSite.siteDir, 'lamphp-probe.php'));
  });

  it('writes a password reset to a .eml file with a working reset link on the canonical host', async () => {
    const before = emls();
    const res = await requestReset(dirSite);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('checkemail=confirm');
    const added = emls().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    const eml = readEml(added[0]!);
    expect(eml).toMatch(/^To: admin@example\.com\r?$/m);
    expect(eml).toMatch(/^Subject: .*Password Reset/m);
    expect(eml).toMatch(new RegExp(`^From: WordPress <wordpress@${HOST.replace(/\./g, '\\.')}>\\r?$`, 'm'));
    const link = RESET_LINK.exec(eml);
    expect(link, 'reset link on the canonical host').not.toBeNull();
    expect(mailLines(dirSite).at(-1)).toMatchObject({ level: 'info', msg: 'mail written', to: ['admin@example.com'], subject: expect.stringContaining('Password Reset') });
    // The link works: WordPress checks the key and moves it into a cookie.
    const follow = await new Visitor(dirSite.url).get(`/wp-login.php?login=admin&key=${link![1]}&action=rp`);
    expect(follow.status).toBe(302);
    expect(follow.setCookies.some((c) => c.startsWith('wp-resetpass-'))).toBe(true);
    // Nothing under the site leads to the mail folder (WordPress may redirect a guess; never to the file).
    for (const probe of [`/mail/${added[0]}`, `/../mail/${added[0]}`, `/%2e%2e/mail/${added[0]}`, `/${path.relative(dirSite.siteDir, path.join(mailDir, added[0]!))}`]) {
      const res = await new Visitor(dirSite.url).get(probe);
      expect([301, 400, 404], probe).toContain(res.status);
      expect(res.text).not.toContain(link![1]);
    }
  });

  it('writes the comment-moderation notice for a held comment to the admin', async () => {
    const before = emls();
    const visitor = new Visitor(dirSite.url);
    const res = await visitor.postForm('/wp-comments-post.php', {
      comment_post_ID: '1',
      author: 'A Visitor',
      email: 'visitor@example.org',
      url: '',
      comment: `A first comment that waits for approval ${Date.now()}`,
    });
    expect(res.status).toBe(302);
    const added = emls().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    const eml = readEml(added[0]!);
    expect(eml).toMatch(/^To: admin@example\.com\r?$/m);
    expect(eml).toMatch(/^Subject: .*Please moderate/m);
    expect(eml).toMatch(/^Email: visitor@example\.org\r?$/m);
    expect(eml).toContain(`http://${HOST}/wp-admin/comment.php?action=approve`);
  });

  it('sends the password reset through SES: a signed SendEmail from the verified sender, WordPress\'s From as Reply-To', async () => {
    const before = ses.sent.length;
    expect((await requestReset(sesSite)).status).toBe(302);
    expect(ses.sent).toHaveLength(before + 1);
    const message = ses.sent.at(-1)!;
    expect(message).toMatchObject({
      accessKeyId: 'AKIDWPMAIL',
      region: 'eu-central-1',
      fromEmailAddress: 'wordpress@verified.test',
      destination: { to: ['admin@example.com'] },
    });
    const raw = latin1(message.raw);
    expect(raw).toMatch(/^Return-Path: <wordpress@verified\.test>\r\n/);
    expect(raw).toMatch(/^From: WordPress <wordpress@verified\.test>\r?$/m);
    expect(raw).toMatch(new RegExp(`^Reply-To: WordPress <wordpress@${HOST.replace(/\./g, '\\.')}>\\r?$`, 'm'));
    expect(raw).toMatch(RESET_LINK);
  });

  it('with mail off: WordPress says the email could not be sent, and one log line says why', async () => {
    const before = mailLines(offSite).length;
    const res = await requestReset(offSite);
    expect(res.status).toBe(200);
    expect(res.text).toContain('could not be sent');
    const lines = mailLines(offSite).slice(before);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('LAMPHP_MAIL_TRANSPORT=off'), to: ['admin@example.com'] }),
    ]);
  });

  it('shows the transport in Site Health', async () => {
    const expectations: [TestSite, string, string][] = [
      [dirSite, 'This site can send email', 'written as .eml files'],
      [sesSite, 'This site can send email', 'sent by Amazon SES as wordpress@verified.test'],
      [offSite, 'This site cannot send email', 'LAMPHP_MAIL_TRANSPORT=off'],
    ];
    for (const [site, label, detail] of expectations) {
      const admin = new Visitor(site.url);
      expect((await logIn(admin, site.admin.user, site.admin.password)).status).toBe(302);
      const page = await admin.get('/wp-admin/site-health.php');
      expect(page.status).toBe(200);
      const text = page.text.replace(/\\\//g, '/');
      expect(text).toContain(label);
      expect(text).toContain(detail);
    }
  });
});
