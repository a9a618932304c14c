/**
 * The Amazon SES v2 API, enough for lamphp — `SendEmail` with raw content — for tests
 * (`AWS_ENDPOINT_URL_SESV2`) and for the stack twin (`email.<region>.amazonaws.com`,
 * infra/twin/ses.ts), one implementation. Every request's SigV4 signature is checked against the
 * known credentials (sigv4.ts); with `verifiedIdentities`, a sender that is not verified is
 * refused with `MessageRejected`, as SES does; with `authorize`, the caller's IAM permission
 * (`ses:SendRawEmail`, which SES v2 checks for raw content, on the sending identity's ARN) is
 * checked too. Accepted messages are kept in `sent`.
 */
import { randomUUID } from 'node:crypto';
import { listen, type Listening, type Received } from './http.ts';
import { verifySigV4, type Secrets } from './sigv4.ts';

export interface SesMessage {
  messageId: string;
  fromEmailAddress: string | undefined;
  feedbackForwardingEmailAddress: string | undefined;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  /** The raw MIME message as SES received it. */
  raw: Uint8Array;
  accessKeyId: string;
  region: string;
}

export interface SesApi {
  handle(req: Received): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  sent: SesMessage[];
  /** Every request, accepted or not, with the reason for a refusal. */
  requests: { path: string; status: number; error?: string }[];
  /** The next `count` SendEmail calls fail with this error type (e.g. `TooManyRequestsException`, HTTP 429). */
  failNext(count: number, errorType?: string, status?: number): void;
}

export interface SesStandin extends Listening, Omit<SesApi, 'handle'> {}

export interface SesStandinOptions {
  /** Access key id → secret access key. */
  credentials: Secrets;
  /** Addresses or domains a sender must be one of (SES identities); unset: any sender. */
  verifiedIdentities?: string[] | (() => string[]);
  /** The caller's permission for `action` on `resource` (the sending identity's ARN); absent: every valid signature may. */
  authorize?: (request: { accessKeyId: string; action: string; resource: string }) => boolean;
  account?: string;
  host?: string;
  port?: number;
}

const json = (status: number, body: unknown, errorType?: string) => ({
  status,
  headers: { 'content-type': 'application/json', ...(errorType && { 'x-amzn-errortype': errorType }) },
  body: JSON.stringify(body),
});

/** The verified identity a sender uses: the address itself if verified, else its domain (or a parent domain). */
function identityOf(address: string | undefined, identities: string[] | undefined): string | undefined {
  if (!address) return undefined;
  const lower = address.toLowerCase();
  if (!identities) return lower.split('@')[1] ?? lower;
  const exact = identities.find((id) => id.toLowerCase() === lower);
  if (exact) return exact.toLowerCase();
  const domain = lower.split('@')[1] ?? '';
  return identities.find((id) => !id.includes('@') && (domain === id.toLowerCase() || domain.endsWith(`.${id.toLowerCase()}`)))?.toLowerCase();
}

/** The address of the raw message's From header (SES checks it against the identities too). */
function headerFrom(raw: Uint8Array): string | undefined {
  const text = Buffer.from(raw).toString('latin1');
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const field = /^From:(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1];
  return field ? (/<([^>]+)>/.exec(field)?.[1] ?? field.trim()) : undefined;
}

export function createSesApi(options: SesStandinOptions): SesApi {
  const sent: SesMessage[] = [];
  const identities = () => (typeof options.verifiedIdentities === 'function' ? options.verifiedIdentities() : options.verifiedIdentities);
  const requests: SesStandin['requests'] = [];
  let failures: { count: number; errorType: string; status: number } = { count: 0, errorType: '', status: 0 };
  const handle = async (req: Received) => {
    const path = new URL(req.url, 'http://standin').pathname;
    const answer = (status: number, body: unknown, errorType?: string) => {
      requests.push({ path, status, ...(errorType && { error: errorType }) });
      return json(status, body, errorType);
    };
    const verdict = await verifySigV4(req, options.credentials);
    if (!verdict.ok) return answer(403, { message: verdict.reason }, verdict.code);
    if (verdict.service !== 'ses') return answer(403, { message: `signed for ${verdict.service}, not ses` }, 'SignatureDoesNotMatch');
    if (req.method !== 'POST' || path !== '/v2/email/outbound-emails') return answer(404, { message: `no such operation: ${req.method} ${path}` }, 'NotFoundException');
    if (failures.count > 0) {
      failures.count--;
      return answer(failures.status, { message: 'the stand-in was told to fail' }, failures.errorType);
    }
    let input: {
      FromEmailAddress?: string;
      FeedbackForwardingEmailAddress?: string;
      Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
      Content?: { Raw?: { Data?: string } };
    };
    try {
      input = JSON.parse(Buffer.from(req.body).toString('utf8')) as typeof input;
    } catch {
      return answer(400, { message: 'the body is not JSON' }, 'BadRequestException');
    }
    const data = input.Content?.Raw?.Data;
    if (typeof data !== 'string') return answer(400, { message: 'only raw content is supported' }, 'BadRequestException');
    const raw = new Uint8Array(Buffer.from(data, 'base64'));
    const destination = {
      to: input.Destination?.ToAddresses ?? [],
      cc: input.Destination?.CcAddresses ?? [],
      bcc: input.Destination?.BccAddresses ?? [],
    };
    if (destination.to.length + destination.cc.length + destination.bcc.length > 50) {
      return answer(400, { message: 'Recipient count exceeds 50.' }, 'MessageRejected');
    }
    const known = identities();
    for (const sender of [input.FromEmailAddress, headerFrom(raw)]) {
      if (!identityOf(sender, known)) {
        return answer(400, { message: `Email address is not verified. The following identities failed the check: ${sender}` }, 'MessageRejected');
      }
    }
    if (options.authorize) {
      const resource = `arn:aws:ses:${verdict.region}:${options.account ?? '123456789012'}:identity/${identityOf(input.FromEmailAddress ?? headerFrom(raw), known)}`;
      if (!options.authorize({ accessKeyId: verdict.accessKeyId, action: 'ses:SendRawEmail', resource })) {
        return answer(403, { message: `User is not authorized to perform \`ses:SendRawEmail' on resource \`${resource}'` }, 'AccessDeniedException');
      }
    }
    const messageId = `0100${randomUUID().replace(/-/g, '')}-standin`;
    sent.push({
      messageId,
      fromEmailAddress: input.FromEmailAddress,
      feedbackForwardingEmailAddress: input.FeedbackForwardingEmailAddress,
      destination,
      raw,
      accessKeyId: verdict.accessKeyId,
      region: verdict.region,
    });
    return answer(200, { MessageId: messageId });
  };
  return {
    handle,
    sent,
    requests,
    failNext(count, errorType = 'TooManyRequestsException', status = 429) {
      failures = { count, errorType, status };
    },
  };
}

/** The API on a loopback port of its own, for `AWS_ENDPOINT_URL_SESV2`. */
export async function startSesStandin(options: SesStandinOptions): Promise<SesStandin> {
  const api = createSesApi(options);
  const server = await listen(api.handle, options);
  return { ...server, sent: api.sent, requests: api.requests, failNext: api.failNext };
}
