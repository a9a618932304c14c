/**
 * A local stand-in for the CloudFront API (`AWS_ENDPOINT_URL_CLOUDFRONT`), enough for lamphp:
 * `CreateInvalidation`. Signatures are checked (sigv4.ts; CloudFront signs for us-east-1). As in
 * CloudFront, a repeated CallerReference with the same paths answers the invalidation already
 * made instead of making another, and with different paths is refused.
 */
import { listen, type Listening, type Received } from './http.ts';
import { verifySigV4 } from './sigv4.ts';

export interface Invalidation {
  distributionId: string;
  id: string;
  callerReference: string;
  paths: string[];
}

export interface CloudFrontStandin extends Listening {
  /** Invalidations made (one per distinct caller reference). */
  invalidations: Invalidation[];
  /** CreateInvalidation calls that reached the API, accepted or not. */
  calls: { distributionId: string; status: number; callerReference?: string }[];
  /** While on, every call fails with 503 ServiceUnavailable. */
  setFail(fail: boolean): void;
}

const xml = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'text/xml', ...headers },
  body: `<?xml version="1.0" encoding="UTF-8"?>${body}`,
});
const error = (status: number, code: string, message: string) =>
  xml(status, `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error></ErrorResponse>`);
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function invalidationXml(inv: Invalidation): string {
  const paths = inv.paths.map((p) => `<Path>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Path>`).join('');
  return (
    `<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${inv.id}</Id><Status>InProgress</Status>` +
    `<CreateTime>${new Date().toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${inv.paths.length}</Quantity>` +
    `<Items>${paths}</Items></Paths><CallerReference>${inv.callerReference}</CallerReference></InvalidationBatch></Invalidation>`
  );
}

export async function startCloudFrontStandin(options: { credentials: Record<string, string>; host?: string; port?: number }): Promise<CloudFrontStandin> {
  const invalidations: Invalidation[] = [];
  const calls: CloudFrontStandin['calls'] = [];
  let fail = false;
  const handle = async (req: Received) => {
    const path = new URL(req.url, 'http://standin').pathname;
    const match = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(path);
    if (!match || req.method !== 'POST') return error(404, 'NoSuchResource', `no such operation: ${req.method} ${path}`);
    const distributionId = decodeURIComponent(match[1]!);
    const body = Buffer.from(req.body).toString('utf8');
    const callerReference = /<CallerReference>([^<]*)<\/CallerReference>/.exec(body)?.[1];
    const call = (status: number) => calls.push({ distributionId, status, ...(callerReference !== undefined && { callerReference }) });
    const verdict = await verifySigV4(req, options.credentials);
    if (!verdict.ok) {
      call(403);
      return error(403, verdict.code, verdict.reason);
    }
    if (verdict.service !== 'cloudfront' || verdict.region !== 'us-east-1') {
      call(403);
      return error(403, 'SignatureDoesNotMatch', `signed for ${verdict.service} in ${verdict.region}, not cloudfront in us-east-1`);
    }
    if (fail) {
      call(503);
      return error(503, 'ServiceUnavailable', 'the stand-in was told to fail');
    }
    const paths = [...body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => unescape(m[1]!));
    const quantity = Number(/<Quantity>(\d+)<\/Quantity>/.exec(body)?.[1]);
    if (!callerReference || paths.length === 0 || quantity !== paths.length) {
      call(400);
      return error(400, 'InvalidArgument', 'CallerReference and Paths (with a matching Quantity) are required');
    }
    const previous = invalidations.find((i) => i.distributionId === distributionId && i.callerReference === callerReference);
    if (previous) {
      const same = previous.paths.length === paths.length && previous.paths.every((p, i) => p === paths[i]);
      call(same ? 201 : 409);
      return same ? xml(201, invalidationXml(previous)) : error(409, 'InvalidationBatchAlreadyExists', 'this CallerReference was used for other paths');
    }
    const inv = { distributionId, id: `I${String(invalidations.length + 1).padStart(13, '0')}`, callerReference, paths };
    invalidations.push(inv);
    call(201);
    return xml(201, invalidationXml(inv), { location: `https://cloudfront.amazonaws.com${path}/${inv.id}` });
  };
  const server = await listen(handle, options);
  return {
    ...server,
    invalidations,
    calls,
    setFail(value) {
      fail = value;
    },
  };
}
