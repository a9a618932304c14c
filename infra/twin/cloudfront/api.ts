/**
 * The CloudFront API's invalidations (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html)
 * at `cloudfront.amazonaws.com`: CreateInvalidation empties the matching entries of the
 * distribution's edge cache at once (CloudFront takes a few seconds to minutes) and answers
 * Completed; GetInvalidation reports it. Only callers whose network reaches the API get here.
 */
import type http from 'node:http';
import { readBody, serveEndpoint } from '../endpoint.ts';
import type { Twin } from '../twin.ts';
import { distributions } from './resources.ts';

const xml = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': crypto.randomUUID(), ...headers });
  res.end(body);
};

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
    const done = new Map<string, { distributionId: string; paths: string[]; reference: string; at: number }>();
    const render = (id: string) => {
      const inv = done.get(id)!;
      return `<?xml version="1.0" encoding="UTF-8"?>\n<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${id}</Id><Status>Completed</Status><CreateTime>${new Date(inv.at).toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${inv.paths.length}</Quantity><Items>${inv.paths.map((p) => `<Path>${p}</Path>`).join('')}</Items></Paths><CallerReference>${inv.reference}</CallerReference></InvalidationBatch></Invalidation>`;
    };
    const endpoint = await serveEndpoint(twin, {
      name: 'cloudfront-api',
      service: 'cloudfront',
      hostnames: ['cloudfront.amazonaws.com'],
      handler: (req, res) => {
        void readBody(req).then(async (body) => {
          const m = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation(?:\/([^/?]+))?/.exec(req.url ?? '');
          const dist = m ? (await distributions(twin)).get(m[1]!) : undefined;
          if (!m || !dist) return xml(res, 404, '<ErrorResponse><Error><Code>NoSuchDistribution</Code><Message>The specified distribution does not exist.</Message></Error></ErrorResponse>');
          if (req.method === 'GET' && m[2]) {
            return done.has(m[2]) ? xml(res, 200, render(m[2])) : xml(res, 404, '<ErrorResponse><Error><Code>NoSuchInvalidation</Code></Error></ErrorResponse>');
          }
          const text = body.toString('utf8');
          const paths = [...text.matchAll(/<Path>([^<]*)<\/Path>/g)].map((x) => x[1]!);
          const id = `I${twin.randomId(13)}`;
          done.set(id, { distributionId: dist.id, paths, reference: /<CallerReference>([^<]*)</.exec(text)?.[1] ?? '', at: twin.clock.now() });
          dist.cache.invalidate(paths);
          twin.logs.append('/twin/cloudfront', dist.id, `invalidation ${id}: ${paths.join(' ')}`);
          xml(res, 201, render(id), { location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${dist.id}/invalidation/${id}` });
        });
      },
    });
    return {
      get invalidations(): InvalidationRecord[] {
        return [...done].map(([id, d]) => ({ id, distributionId: d.distributionId, paths: d.paths, createdAt: d.at, completedAt: d.at }));
      },
      close: () => endpoint.close(),
    };
  });
}
