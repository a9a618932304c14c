/**
 * The CloudFront API at `cloudfront.amazonaws.com` in the twin: the one stand-in
 * (infra/twin/standins/cloudfront.ts) with the twin's credentials (signatures checked), the
 * caller's role policies evaluated for `cloudfront:CreateInvalidation`/`GetInvalidation` on the
 * distribution's ARN, and the distributions of the template: an invalidation empties the
 * matching entries of the edge cache at once (CloudFront takes seconds to minutes) and is
 * Completed. Only callers whose network reaches the API get here (a function outside the VPC,
 * or one with a NAT route).
 */
import { readBody, serveEndpoint } from '../endpoint.ts';
import { evaluate } from '../iam.ts';
import { createCloudFrontApi } from '../standins/cloudfront.ts';
import type { Twin } from '../twin.ts';
import { distributions } from './resources.ts';

export interface InvalidationRecord {
  id: string;
  distributionId: string;
  paths: string[];
  /** Twin clock; the twin completes an invalidation when it is created. */
  createdAt: number;
  completedAt: number;
}

export function startCloudFrontApi(twin: Twin): Promise<{ invalidations: InvalidationRecord[]; close(): Promise<void> }> {
  return twin.service('cloudfront-api', async () => {
    const known = await distributions(twin);
    const api = createCloudFrontApi({
      credentials: (key) => twin.credentials.secretOf(key),
      authorize: ({ accessKeyId, action, resource }) => {
        const principal = twin.credentials.principalOfKey(accessKeyId);
        if (principal?.kind !== 'role') return false;
        return evaluate({ principal, action, resource, keys: { 'aws:SecureTransport': 'true' } }, undefined, twin.roles.policiesOf(principal.id)) === 'allow';
      },
      distribution: (id) => {
        const dist = known.get(id);
        return dist && {
          invalidate: (paths: string[]) => {
            dist.cache.invalidate(paths);
            twin.logs.append('/twin/cloudfront', dist.id, `invalidation: ${paths.join(' ')}`);
          },
        };
      },
      account: twin.account,
      now: () => twin.clock.now(),
      newId: () => `I${twin.randomId(13)}`,
    });
    const endpoint = await serveEndpoint(twin, {
      name: 'cloudfront-api',
      service: 'cloudfront',
      hostnames: ['cloudfront.amazonaws.com'],
      handler: (req, res) => {
        void readBody(req)
          .then((body) => api.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: new Uint8Array(body) }))
          .then((answer) => {
            res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
            res.end(answer.body);
          })
          .catch((err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(String((err as Error).message));
          });
      },
    });
    return {
      get invalidations(): InvalidationRecord[] {
        return api.invalidations.map((i) => ({ id: i.id, distributionId: i.distributionId, paths: i.paths, createdAt: i.createdAt, completedAt: i.createdAt }));
      },
      close: () => endpoint.close(),
    };
  });
}
