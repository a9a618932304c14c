/**
 * The time a request spends handing over a message or a job: PHP's mail() until it returns
 * (the message prepared by the bridge and accepted by the transport), per transport, and a CDN
 * invalidation's hand-over (post_message_to_js, the request's whole share: the job itself is
 * written after the response), plus that after-response write of the job to the outbox.
 *
 *   node bench/mail/handover.ts [--rounds 20] [--per-request 10]
 *
 * One PHP worker (php-wasm, the engine the bridge uses), one SES stand-in checking SigV4, one
 * smtp-server, s3rver for the outbox, all in this process on loopback. Transports are
 * interleaved round by round so drift hits them alike. `off` (refused at once) is the baseline:
 * the hand-over itself, with no delivery.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { createCdnInvalidator } from '../../bridge/cdn/invalidation.ts';
import { readConfig } from '../../bridge/config.ts';
import { createPhpWasmEngine } from '../../bridge/engine/php-wasm/index.ts';
import { memoryLogger } from '../../bridge/log.ts';
import { mailHandoffFromConfig, type MailHandoff } from '../../bridge/mail/index.ts';
import { chainMessageHooks } from '../../bridge/messages.ts';
import { jobSubmitterFromConfig } from '../../bridge/outbox/submit.ts';
import { startSesStandin } from '../../infra/twin/standins/index.ts';
import { startS3 } from '../../test/support/s3.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, 'per-request': { type: 'string', default: '10' } } });
const ROUNDS = Number(values.rounds);
const PER = Number(values['per-request']);
const ROOT = path.resolve(import.meta.dirname);

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-bench-mail-'));
const s3 = await startS3('bench-outbox');
const credentials = { [s3.env.AWS_ACCESS_KEY_ID]: s3.env.AWS_SECRET_ACCESS_KEY };
const ses = await startSesStandin({ credentials });
const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (stream, _s, cb) => stream.on('end', () => cb()).resume() });
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpPort = (smtp.server.address() as { port: number }).port;
const logger = memoryLogger('error');

const aws = { ...s3.env, AWS_ENDPOINT_URL_SESV2: ses.url };
const modes: Record<string, Record<string, string>> = {
  'off (hand-over only, refused)': { LAMPHP_MAIL_TRANSPORT: 'off' },
  'dir (.eml file)': { LAMPHP_MAIL_TRANSPORT: 'dir', LAMPHP_MAIL_DIR: path.join(tmp, 'mail'), LAMPHP_DOCUMENT_ROOT: ROOT },
  'ses, outbox (job PUT to s3rver)': { ...aws, LAMPHP_MAIL_TRANSPORT: 'ses', LAMPHP_MAIL_FROM: 'wp@example.test', LAMPHP_AWS_ROUTE: 'outbox', LAMPHP_UPLOADS_BUCKET: s3.bucket },
  'ses, direct (SendEmail to the stand-in)': { ...aws, LAMPHP_MAIL_TRANSPORT: 'ses', LAMPHP_MAIL_FROM: 'wp@example.test' },
  'smtp (smtp-server)': { LAMPHP_MAIL_TRANSPORT: 'smtp', LAMPHP_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, LAMPHP_MAIL_FROM: 'wp@example.test' },
};
const handoffs: Record<string, MailHandoff> = {};
for (const [name, env] of Object.entries(modes)) {
  const config = readConfig(env);
  handoffs[name] = mailHandoffFromConfig(config, logger, () => jobSubmitterFromConfig(config, env));
}
const outboxJobs = jobSubmitterFromConfig(readConfig({ LAMPHP_AWS_ROUTE: 'outbox', LAMPHP_UPLOADS_BUCKET: s3.bucket }), s3.env);
const cdn = createCdnInvalidator({ distributionId: () => 'EBENCH', jobs: outboxJobs, logger });
let current = handoffs['off (hand-over only, refused)']!;
fs.mkdirSync(path.join(tmp, 'sessions'), { recursive: true });
const engine = await createPhpWasmEngine({
  documentRoot: ROOT,
  workers: 1,
  queue: 10,
  maxRequestsPerRuntime: 1000,
  sessionDir: path.join(tmp, 'sessions'),
  phpVersion: '8.3',
  onMessage: chainMessageHooks((id, json) => current.onMessage(id, json), cdn.onMessage),
  logger,
});

let counter = 0;
async function request(kind: 'mail' | 'job'): Promise<number[]> {
  const requestId = `bench-${++counter}`;
  const response = await engine.handle(
    {
      requestId,
      body: new Uint8Array(),
      env: {
        REQUEST_METHOD: 'GET',
        SCRIPT_FILENAME: path.join(ROOT, 'send.php'),
        SCRIPT_NAME: '/send.php',
        REQUEST_URI: `/send.php?n=${PER}&kind=${kind}`,
        QUERY_STRING: `n=${PER}&kind=${kind}`,
        DOCUMENT_ROOT: ROOT,
        SERVER_NAME: 'bench.test',
        HTTP_HOST: 'bench.test',
        SERVER_PORT: '80',
        SERVER_PROTOCOL: 'HTTP/1.1',
        GATEWAY_INTERFACE: 'CGI/1.1',
        REMOTE_ADDR: '127.0.0.1',
      },
    },
    Date.now() + 60_000,
  );
  const out = JSON.parse(new TextDecoder().decode(response.body)) as { ok: number; ms: number[] };
  cdn.take(requestId);
  return out.ms;
}

const samples: Record<string, number[]> = Object.fromEntries([...Object.keys(modes), 'CDN invalidation hand-over (post_message_to_js)', 'CDN job written to the outbox (after the response)'].map((k) => [k, []]));
// Warm-up: each transport's first message opens its connections.
for (const name of Object.keys(modes)) {
  current = handoffs[name]!;
  await request('mail');
}
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(modes)) {
    current = handoffs[name]!;
    samples[name]!.push(...(await request('mail')));
  }
  samples['CDN invalidation hand-over (post_message_to_js)']!.push(...(await request('job')));
  for (let i = 0; i < PER; i++) {
    const t = performance.now();
    await cdn.invalidate(['/', `/post-${round}-${i}/`]);
    samples['CDN job written to the outbox (after the response)']!.push(performance.now() - t);
  }
}
await engine.close();
for (const h of Object.values(handoffs)) await h.close();
await ses.close();
await new Promise<void>((resolve) => smtp.close(() => resolve()));
await s3.close();
fs.rmSync(tmp, { recursive: true, force: true });

const rows = Object.entries(samples).map(([mode, ms]) => ({ mode, ...stats(ms) }));
const base = rows[0]!.p50;
const table = [
  '| hand-over | n | p50 ms | p99 ms | mean ms | p50 vs off |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.mode} | ${r.n} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.mean.toFixed(2)} | ${(r.p50 / base).toFixed(1)}× |`),
].join('\n');
console.log(table);
const results = path.resolve(ROOT, '../results/mail-handover.json');
fs.writeFileSync(results, JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds: ROUNDS, perRequest: PER, rows }, null, 2) + '\n');
console.log(`\nwritten ${path.relative(process.cwd(), results)}`);
process.exit(0);
