/**
 * Lambda function URLs (AWS::Lambda::Url) as AWS documents them
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html): HTTPS at
 * `<url-id>.lambda-url.<region>.on.aws`; each request becomes a payload 2.0 event (cookies apart,
 * repeated headers and query values joined with commas, binary bodies base64-encoded,
 * x-forwarded-* added); the result is the response when it has a statusCode, else a 200 JSON
 * body; a function error is 502, a throttle 429. AuthType NONE still needs resource-based
 * permissions for `*`: `lambda:InvokeFunctionUrl` and — for URLs created since October 2025
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html) — `lambda:InvokeFunction`
 * (which may be limited to calls through the URL); 403 without either.
 */
import type http from 'node:http';
import { readBody, serveEndpoint } from '../endpoint.ts';
import type { ResourceModule } from '../resource.ts';
import type { Twin } from '../twin.ts';
import { lambdaService, type LambdaFunction } from './functions.ts';
import type { Invoker } from './instances.ts';

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export function toEvent(req: http.IncomingMessage, body: Buffer, urlId: string, domainName: string, account: string, sourceIp: string) {
  const url = new URL(req.url ?? '/', `https://${domainName}`);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  Object.assign(headers, { 'x-forwarded-for': sourceIp, 'x-forwarded-proto': 'https', 'x-forwarded-port': '443', 'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}` });
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const binary = body.length > 0 && !TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length && { cookies }),
    headers,
    ...(Object.keys(query).length && { queryStringParameters: query }),
    requestContext: {
      accountId: 'anonymous',
      apiId: urlId,
      domainName,
      domainPrefix: urlId,
      http: { method: req.method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length && { body: binary ? body.toString('base64') : body.toString('utf8') }),
    isBase64Encoded: binary,
  };
}

function respond(res: http.ServerResponse, status: number, body: Buffer | string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': crypto.randomUUID() });
  res.end(body);
}

/** Who called, by the caller's address: the CloudFront stand-in connects from its own. */
function invokerOf(twin: Twin, address: string | undefined): { invoker: Invoker; caller?: string } {
  return address === twin.network.address('cloudfront-edge') ? { invoker: 'cloudfront', caller: 'cloudfront' } : { invoker: 'api', caller: address };
}

async function handle(twin: Twin, fn: LambdaFunction, urlId: string, domainName: string, req: http.IncomingMessage, res: http.ServerResponse) {
  const body = await readBody(req);
  const permissions = [...fn.permissions.values()].filter((p) => p.principal === '*');
  const allowed = permissions.some((p) => p.action === 'lambda:InvokeFunctionUrl' && p.functionUrlAuthType === 'NONE') && permissions.some((p) => p.action === 'lambda:InvokeFunction');
  if (!allowed) return respond(res, 403, '{"Message":"Forbidden"}', { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
  const sourceIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const svc = await lambdaService(twin);
  const { result } = await svc.invoke(fn, toEvent(req, body, urlId, domainName, twin.account, sourceIp), invokerOf(twin, sourceIp));
  if (result.kind === 'throttled') return respond(res, 429, '{"Message":"Rate Exceeded."}', { 'content-type': 'application/json' });
  if (result.kind !== 'response') return respond(res, 502, 'Internal Server Error', { 'content-type': 'text/plain' });
  const out = result.json;
  if (out === null || typeof out !== 'object' || !('statusCode' in out)) {
    return respond(res, 200, result.body, { 'content-type': 'application/json' });
  }
  const headers: Record<string, string | string[]> = { ...(out.headers ?? {}) };
  if (Array.isArray(out.cookies) && out.cookies.length) headers['set-cookie'] = out.cookies;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const payload = out.body === undefined ? Buffer.alloc(0) : out.isBase64Encoded ? Buffer.from(out.body, 'base64') : Buffer.from(String(out.body));
  for (const h of Object.keys(headers)) if (['content-length', 'connection', 'transfer-encoding'].includes(h.toLowerCase())) delete headers[h];
  respond(res, Number(out.statusCode), payload, headers);
}

export const functionUrls: ResourceModule = {
  types: ['AWS::Lambda::Url'],
  async create({ twin, logicalId, properties: p }) {
    const svc = await lambdaService(twin);
    const fn = svc.find(p.TargetFunctionArn);
    if (!fn) throw new Error(`${logicalId} targets ${p.TargetFunctionArn}, which the twin does not run.`);
    if (p.AuthType !== 'NONE') throw new Error(`${logicalId}: the twin serves function URLs with AuthType NONE only (got ${p.AuthType}).`);
    const urlId = twin.randomId(32).toLowerCase();
    const domainName = `${urlId}.lambda-url.${twin.region}.on.aws`;
    const endpoint = await serveEndpoint(twin, {
      name: `function-url-${logicalId}`,
      service: 'internet',
      hostnames: [domainName],
      handler: (req, res) => void handle(twin, fn, urlId, domainName, req, res).catch((err) => respond(res, 500, String((err as Error).message))),
    });
    return {
      ref: fn.arn,
      attributes: { FunctionUrl: `https://${domainName}/`, FunctionArn: fn.arn },
      update: async (next) => next.TargetFunctionArn === p.TargetFunctionArn && next.AuthType === p.AuthType,
      delete: () => endpoint.close(),
    };
  },
};
