/**
 * CloudFront's resource types and the twin's edge: every distribution answers on one listener
 * (Unix sockets for HTTP and HTTPS that the host side forwards one TCP port to), by its domain
 * name. Cache and origin request
 * policies come from the template or, named by id, from the dated managed-policy table;
 * functions are compiled from the template's code; origin access controls sign S3 requests as
 * the distribution.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { physicalName, type ResourceModule, type StandIn } from '../resource.ts';
import type { Twin } from '../twin.ts';
import { EdgeCache } from './cache.ts';
import { createEdge, type ViewerRequest } from './edge.ts';
import { compileFunction } from './functions-runtime.ts';
import { acceptViewer, type ViewerAddress } from './viewer-address.ts';
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, type CachePolicyConfig, type OriginRequestPolicyConfig } from './managed-policies.ts';

interface Distribution {
  id: string;
  domainName: string;
  cache: EdgeCache;
  handle(r: ViewerRequest): ReturnType<ReturnType<typeof createEdge>['handle']>;
}

export interface CloudFrontService {
  cachePolicies: Map<string, CachePolicyConfig>;
  originRequestPolicies: Map<string, OriginRequestPolicyConfig>;
  functions: Map<string, ReturnType<typeof compileFunction>>;
  accessControls: Map<string, { signing: string }>;
  distributions: Map<string, Distribution>;
  close(): Promise<void>;
}


function cloudfrontService(twin: Twin): Promise<CloudFrontService> {
  return twin.service('cloudfront', async () => {
    const svc: CloudFrontService = {
      cachePolicies: new Map(), originRequestPolicies: new Map(), functions: new Map(), accessControls: new Map(), distributions: new Map(),
      close: async () => {},
    };
    const socketPath = String(twin.settings.edgeSocket ?? '');
    if (!socketPath) return svc;
    const { key, cert } = twin.tls.leaf(['*.cloudfront.localhost', 'cloudfront.localhost', '*.cloudfront.net']);
    const viewers = new WeakMap<object, ViewerAddress>();
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const host = String(req.headers.host ?? '').toLowerCase();
        // Viewers reach the edge through the host's forwarder, whatever its port: match the name.
        const dist = [...svc.distributions.values()].find((d) => d.domainName === host.replace(/:\d+$/, ''));
        // The viewer's own address, as the host's forwarder accepted its connection.
        const viewer = viewers.get(req.socket);
        if (!viewer) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('The edge does not know who this viewer is.');
          return;
        }
        if (!dist) {
          res.writeHead(403, { 'content-type': 'text/plain' }).end(`The request could not be satisfied: no distribution answers for ${host}.`);
          return;
        }
        const url = new URL(req.url ?? '/', 'https://edge');
        const headers: [string, string][] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
        dist.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), headers, body: Buffer.concat(chunks), viewerIp: viewer.ip, viewerPort: viewer.port, secure: (req.socket as tls.TLSSocket).encrypted === true })
          .then((r) => {
            const out: http.OutgoingHttpHeaders = {};
            for (const [n, v] of r.headers) out[n] = out[n] === undefined ? v : [...[out[n]].flat() as string[], v];
            out['content-length'] = String(r.body.length);
            res.writeHead(r.status, out);
            res.end(req.method === 'HEAD' ? undefined : r.body);
          })
          .catch((err) => {
            twin.logs.append('/twin/cloudfront', dist.id, `edge failure: ${(err as Error).stack}`);
            res.writeHead(502).end('edge failure');
          });
      });
    });
    server.requestTimeout = 0;
    // Viewers arrive through the host's forwarder, which picks the socket by the first byte (TLS
    // or not) and names the viewer in a PROXY line first (viewer-address.ts).
    const secureContext = tls.createSecureContext({ key, cert });
    const accept = (secure: boolean) => net.createServer((raw) => acceptViewer(raw, (stream, viewer) => {
      const socket = secure ? new tls.TLSSocket(stream, { isServer: true, secureContext }) : stream;
      viewers.set(socket, viewer);
      server.emit('connection', socket);
    }));
    const listeners: [net.Server, string][] = [[accept(false), `${socketPath}.http`], [accept(true), `${socketPath}.https`]];
    for (const [l, p] of listeners) {
      fs.rmSync(p, { force: true });
      await new Promise<void>((resolve) => l.listen(p, () => resolve()));
      fs.chmodSync(p, 0o666);
    }
    svc.close = async () => {
      server.closeAllConnections();
      for (const [l] of listeners) await new Promise<void>((r) => l.close(() => r()));
    };
    return svc;
  });
}

/** Signature headers for an S3 request made as `cloudfront.amazonaws.com` for this distribution (OAC). */
function oacSigner(twin: Twin, distributionArn: string) {
  const creds = twin.credentials.issue({ kind: 'service', id: 'cloudfront.amazonaws.com', sourceArn: distributionArn, account: twin.account });
  return () => {
    const date = new Date(twin.clock.now()).toISOString().replace(/[-:]|\.\d+/g, '');
    return {
      'x-amz-date': date,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${date.slice(0, 8)}/${twin.region}/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
    };
  };
}

export const cloudfront: ResourceModule = {
  types: ['AWS::CloudFront::Distribution', 'AWS::CloudFront::CachePolicy', 'AWS::CloudFront::OriginRequestPolicy', 'AWS::CloudFront::OriginAccessControl', 'AWS::CloudFront::Function', 'AWS::CloudFront::ResponseHeadersPolicy'],
  async create({ twin, logicalId, type, properties: p }): Promise<StandIn> {
    const svc = await cloudfrontService(twin);
    const id = twin.randomId(14);
    switch (type) {
      case 'AWS::CloudFront::CachePolicy':
        svc.cachePolicies.set(id, p.CachePolicyConfig);
        return { ref: id, attributes: { Id: id }, update: async (n) => void svc.cachePolicies.set(id, n.CachePolicyConfig) };
      case 'AWS::CloudFront::OriginRequestPolicy':
        svc.originRequestPolicies.set(id, p.OriginRequestPolicyConfig);
        return { ref: id, attributes: { Id: id }, update: async (n) => void svc.originRequestPolicies.set(id, n.OriginRequestPolicyConfig) };
      case 'AWS::CloudFront::OriginAccessControl':
        svc.accessControls.set(id, { signing: p.OriginAccessControlConfig?.SigningBehavior ?? 'always' });
        return { ref: id, attributes: { Id: id } };
      case 'AWS::CloudFront::ResponseHeadersPolicy':
        return { ref: id, attributes: { Id: id } };
      case 'AWS::CloudFront::Function': {
        const name: string = p.Name ?? physicalName(twin, logicalId);
        const arn = `arn:aws:cloudfront::${twin.account}:function/${name}`;
        const compile = (props: typeof p) => compileFunction(name, props.FunctionCode, props.FunctionConfig?.Runtime ?? 'cloudfront-js-1.0', (line) => twin.logs.append(`/aws/cloudfront/function/${name}`, 'twin', line));
        svc.functions.set(arn, compile(p));
        return { ref: arn, attributes: { FunctionARN: arn, 'FunctionMetadata.FunctionARN': arn, Stage: 'LIVE' }, update: async (n) => void svc.functions.set(arn, compile(n)) };
      }
    }
    // AWS::CloudFront::Distribution
    const distributionId = `E${twin.randomId(13)}`;
    // Like d111111abcdef8.cloudfront.net, under .localhost so that browsers resolve it to this machine.
    const domainName = `d${twin.randomId(13).toLowerCase()}.cloudfront.localhost`;
    const arn = `arn:aws:cloudfront::${twin.account}:distribution/${distributionId}`;
    const cache = new EdgeCache();
    const build = (props: typeof p) => {
      const c = props.DistributionConfig;
      const edge = createEdge({
        clock: twin.clock,
        cache,
        distributionId,
        domainName,
        origins: c.Origins ?? [],
        behaviors: [...(c.CacheBehaviors ?? []), c.DefaultCacheBehavior],
        cachePolicy: (pid) => {
          const policy = MANAGED_CACHE_POLICIES[pid] ?? svc.cachePolicies.get(pid);
          if (!policy) throw new Error(`Cache policy ${pid} is neither managed (infra/twin/cloudfront/managed-policies.ts) nor in the template.`);
          return policy;
        },
        originRequestPolicy: (pid) => {
          const policy = MANAGED_ORIGIN_REQUEST_POLICIES[pid] ?? svc.originRequestPolicies.get(pid);
          if (!policy) throw new Error(`Origin request policy ${pid} is neither managed nor in the template.`);
          return policy;
        },
        viewerFunction: (fnArn) => svc.functions.get(fnArn),
        resolve: (domain) => twin.network.lookup(domain),
        ca: twin.tls.caPem,
        localAddress: twin.network.address('cloudfront-edge'),
        signS3: oacSigner(twin, arn),
        log: (line) => twin.logs.append('/twin/cloudfront', distributionId, line),
      });
      return edge.handle;
    };
    const dist: Distribution = { id: distributionId, domainName, cache, handle: build(p) };
    svc.distributions.set(distributionId, dist);
    return {
      ref: distributionId,
      attributes: { DomainName: domainName, Id: distributionId },
      update: async (n) => void (dist.handle = build(n)),
      delete: async () => void svc.distributions.delete(distributionId),
    };
  },
};

/** The distributions' caches, for the control API (invalidations) and tests. */
export async function distributions(twin: Twin): Promise<Map<string, Distribution>> {
  return (await cloudfrontService(twin)).distributions;
}
