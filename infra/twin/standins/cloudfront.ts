/**
 * The CloudFront API's invalidations, for tests (`AWS_ENDPOINT_URL_CLOUDFRONT`) and for the stack
 * twin (`cloudfront.amazonaws.com`, infra/twin/cloudfront/api.ts), one implementation:
 * `CreateInvalidation` and `GetInvalidation`
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html).
 * Every request's SigV4 signature is checked (sigv4.ts; CloudFront signs for us-east-1), and,
 * given an `authorize` hook, the caller's IAM permission on the distribution's ARN. As in
 * CloudFront, a repeated CallerReference with the same paths answers the invalidation already
 * made instead of making another, and with different paths is refused. The stand-in has nothing
 * to propagate: an invalidation is Completed when it is created (the twin's `distribution` hook
 * empties the edge cache's matching entries then).
 */
import { listen, type Listening, type Received } from './http.ts';
import { verifySigV4, type Secrets } from './sigv4.ts';

export interface Invalidation {
  distributionId: string;
  id: string;
  callerReference: string;
  paths: string[];
  /** When it was created (the `now` option's clock). */
  createdAt: number;
}

export interface CloudFrontApiOptions {
  credentials: Secrets;
  /** The caller's permission for `action` on `resource` (a distribution ARN); absent: every valid signature may. */
  authorize?: (request: { accessKeyId: string; action: string; resource: string }) => boolean;
  /** The distribution by id, to invalidate; absent: any id is a distribution with nothing cached. */
  distribution?: (id: string) => { invalidate(paths: string[]): void } | undefined;
  account?: string;
  now?: () => number;
  /** A new invalidation's id (the twin makes CloudFront-shaped random ones). */
  newId?: (n: number) => string;
}

export interface CloudFrontApi {
  handle(req: Received): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  /** Invalidations made (one per distinct caller reference). */
  invalidations: Invalidation[];
  /** CreateInvalidation calls that reached the API, accepted or not. */
  calls: { distributionId: string; status: number; callerReference?: string }[];
  /** While on, every call fails with 503 ServiceUnavailable. */
  setFail(fail: boolean): void;
}

export interface CloudFrontStandin extends Listening, Omit<CloudFrontApi, 'handle'> {}

const xml = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': crypto.randomUUID(), ...headers },
  body: `<?xml version="1.0" encoding="UTF-8"?>${body}`,
});
const error = (status: number, code: string, message: string) =>
  xml(status, `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error></ErrorResponse>`);
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function invalidationXml(inv: Invalidation): string {
  const paths = inv.paths.map((p) => `<Path>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Path>`).join('');
  return (
    `<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${inv.id}</Id><Status>Completed</Status>` +
    `<CreateTime>${new Date(inv.createdAt).toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${inv.paths.length}</Quantity>` +
    `<Items>${paths}</Items></Paths><CallerReference>${inv.callerReference}</CallerReference></InvalidationBatch></Invalidation>`
  );
}

export function createCloudFrontApi(options: CloudFrontApiOptions): CloudFrontApi {
  const invalidations: Invalidation[] = [];
  const calls: CloudFrontApi['calls'] = [];
  const now = options.now ?? Date.now;
  const account = options.account ?? '123456789012';
  const newId = options.newId ?? ((n: number) => `I${String(n).padStart(13, '0')}`);
  let fail = false;
  const handle = async (req: Received) => {
    const path = new URL(req.url, 'http://standin').pathname;
    const match = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation(?:\/([^/]+))?$/.exec(path);
    const get = req.method === 'GET' && match?.[2] !== undefined;
    if (!match || (!get && (req.method !== 'POST' || match[2] !== undefined))) return error(404, 'NoSuchResource', `no such operation: ${req.method} ${path}`);
    const distributionId = decodeURIComponent(match[1]!);
    const body = Buffer.from(req.body).toString('utf8');
    const callerReference = get ? undefined : /<CallerReference>([^<]*)<\/CallerReference>/.exec(body)?.[1];
    const call = (status: number) => !get && calls.push({ distributionId, status, ...(callerReference !== undefined && { callerReference }) });
    const verdict = await verifySigV4(req, options.credentials);
    if (!verdict.ok) {
      call(403);
      return error(403, verdict.code, verdict.reason);
    }
    if (verdict.service !== 'cloudfront' || verdict.region !== 'us-east-1') {
      call(403);
      return error(403, 'SignatureDoesNotMatch', `signed for ${verdict.service} in ${verdict.region}, not cloudfront in us-east-1`);
    }
    const action = get ? 'cloudfront:GetInvalidation' : 'cloudfront:CreateInvalidation';
    const resource = `arn:aws:cloudfront::${account}:distribution/${distributionId}`;
    if (options.authorize && !options.authorize({ accessKeyId: verdict.accessKeyId, action, resource })) {
      call(403);
      return error(403, 'AccessDenied', `User is not authorized to perform: ${action} on resource: ${resource}`);
    }
    const dist = options.distribution ? options.distribution(distributionId) : { invalidate: () => {} };
    if (!dist) {
      call(404);
      return error(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
    }
    if (fail) {
      call(503);
      return error(503, 'ServiceUnavailable', 'the stand-in was told to fail');
    }
    if (get) {
      const found = invalidations.find((i) => i.distributionId === distributionId && i.id === decodeURIComponent(match[2]!));
      return found ? xml(200, invalidationXml(found)) : error(404, 'NoSuchInvalidation', 'The specified invalidation does not exist.');
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
    const inv: Invalidation = { distributionId, id: newId(invalidations.length + 1), callerReference, paths, createdAt: now() };
    invalidations.push(inv);
    dist.invalidate(paths);
    call(201);
    return xml(201, invalidationXml(inv), { location: `https://cloudfront.amazonaws.com${path}/${inv.id}` });
  };
  return {
    handle,
    invalidations,
    calls,
    setFail(value) {
      fail = value;
    },
  };
}

/** The API on a loopback port of its own, for `AWS_ENDPOINT_URL_CLOUDFRONT`. */
export async function startCloudFrontStandin(options: CloudFrontApiOptions & { host?: string; port?: number }): Promise<CloudFrontStandin> {
  const api = createCloudFrontApi(options);
  const server = await listen(api.handle, options);
  return { ...server, invalidations: api.invalidations, calls: api.calls, setFail: api.setFail };
}
