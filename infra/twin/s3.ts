/**
 * S3: s3rver (a real S3 HTTP server) holds the objects; in front of it the twin's S3 endpoint
 * (`s3.<region>.amazonaws.com`, `<bucket>.s3.<region>.amazonaws.com`, HTTPS and HTTP) decides
 * who may do what, because s3rver enforces no policy: the bucket policy from the template and the
 * caller's identity policies are evaluated (infra/twin/iam.ts) with `aws:SecureTransport` and
 * the OAC's `AWS:SourceArn`, and `s3:prefix` for a listing (its `prefix` parameter); a missing
 * object is 404 only for a caller allowed s3:ListBucket on the bucket, 403 otherwise, as S3
 * answers (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions") —
 * with the requested key as `s3:prefix`, so a listing right limited to a prefix gives 404 under
 * that prefix only, as AWS does (Ceph's S3 gateway matched it: ceph/ceph#68577). PutObject's
 * conditional writes (`If-None-Match`, `If-Match`) are S3's (s3rver-semantics.ts).
 * The CDK bootstrap bucket holds the assembly's file assets, published before a deploy.
 */
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { zipSync } from 'fflate';
import type { FileAsset } from './assembly.ts';
import { readBody, serveEndpoint } from './endpoint.ts';
import { evaluate, type PolicyDocument, type Principal } from './iam.ts';
import { physicalName, type ResourceModule } from './resource.ts';
import { addS3Semantics } from './s3rver-semantics.ts';
import type { Twin } from './twin.ts';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

export interface ObjectEvent {
  bucket: string;
  key: string;
  /** `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectRemoved:Delete`, … */
  eventName: string;
  size?: number;
  etag?: string;
  /** Who wrote it: a role ARN, a service, or `anonymous`. */
  principal: string;
  sourceIp: string;
}

export interface S3Service {
  /** Where a stand-in reaches the objects without authorization (the service's own reads). */
  internal: string;
  createBucket(name: string): Promise<void>;
  setPolicy(bucket: string, policy: PolicyDocument | undefined): void;
  put(bucket: string, key: string, body: Uint8Array): Promise<void>;
  get(bucket: string, key: string): Promise<Buffer | undefined>;
  /** Keys under a prefix (the service's own listing, no authorization). */
  list(bucket: string, prefix: string): Promise<string[]>;
  /** Writes an object as the bucket's owner would through S3's API: notifications follow. */
  putAsOwner(bucket: string, key: string, body: Uint8Array): Promise<void>;
  /** Called after every successful object write or delete through the endpoint (bucket notifications). */
  onObjectEvent(listener: (e: ObjectEvent) => void): void;
  close(): Promise<void>;
}

/** One request to s3rver on a fresh connection (a reused keep-alive socket can be reset by the server). */
function storage(url: string, method: string, headers: Record<string, string> = {}, body?: Uint8Array): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body && { 'content-length': String(body.length) }) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new Error(`s3rver did not answer ${method} ${url}: ${err.message}`)));
    req.end(body);
  });
}

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** The IAM action of an S3 REST request (the subset the twin's callers use). */
function actionOf(method: string, key: string, query: URLSearchParams, headers: http.IncomingHttpHeaders): string {
  if (!key) {
    if (method === 'POST' && query.has('delete')) return 's3:DeleteObject';
    if (query.has('location')) return 's3:GetBucketLocation';
    if (method === 'GET' && query.has('versions')) return 's3:ListBucketVersions';
    if (method === 'GET' || method === 'HEAD') return 's3:ListBucket';
    if (method === 'PUT') return 's3:CreateBucket';
    if (method === 'DELETE') return 's3:DeleteBucket';
    return `s3:${method}Bucket`;
  }
  if (method === 'GET' || method === 'HEAD') return query.has('tagging') ? 's3:GetObjectTagging' : 's3:GetObject';
  if (method === 'PUT' || method === 'POST') return headers['x-amz-copy-source'] ? 's3:PutObject' : 's3:PutObject';
  if (method === 'DELETE') return query.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject';
  return `s3:${method}Object`;
}

export async function startS3(twin: Twin): Promise<S3Service> {
  const dir = twin.dir('s3');
  const internalAddress = twin.network.address('s3-storage');
  const server = new S3rver({ port: 0, address: internalAddress, silent: true, directory: dir });
  addS3Semantics(server as unknown as Parameters<typeof addS3Semantics>[0]);
  const { port } = await server.run();
  const internal = `http://${internalAddress}:${port}`;
  const policies = new Map<string, PolicyDocument | undefined>();
  const listeners: ((e: ObjectEvent) => void)[] = [];
  const region = twin.region;

  const decide = (principal: Principal, action: string, resource: string, keys: Record<string, string>, bucket: string) =>
    evaluate({ principal, action, resource, keys }, policies.get(bucket), principal.kind === 'role' ? twin.roles.policiesOf(principal.id) : []);

  const handler = (req: http.IncomingMessage, res: http.ServerResponse, secure: boolean) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://s3');
      const host = String(req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const virtual = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(host);
      const segments = url.pathname.split('/');
      const bucket = virtual ? virtual[1]! : decodeURIComponent(segments[1] ?? '');
      const keyPath = virtual ? url.pathname.slice(1) : segments.slice(2).join('/');
      const key = decodeURIComponent(keyPath);
      const signer = twin.credentials.principalOf(req.headers.authorization, url.searchParams);
      const principal: Principal = signer ?? { kind: 'anonymous', id: '*' };
      const method = req.method ?? 'GET';
      const action = actionOf(method, key, url.searchParams, req.headers);
      const resource = key ? `arn:aws:s3:::${bucket}/${key}` : `arn:aws:s3:::${bucket}`;
      const keys: Record<string, string> = { 'aws:SecureTransport': String(secure) };
      if (signer?.sourceArn) Object.assign(keys, { 'aws:SourceArn': signer.sourceArn, 'aws:SourceAccount': signer.account });
      if (signer?.kind === 'role') keys['aws:PrincipalArn'] = signer.id;
      if (action === 's3:ListBucket' && url.searchParams.has('prefix')) keys['s3:prefix'] = url.searchParams.get('prefix')!;
      const body = await readBody(req);
      if (!policies.has(bucket)) return send(res, 404, xmlError('NoSuchBucket', 'The specified bucket does not exist'));
      if (decide(principal, action, resource, keys, bucket) !== 'allow') return send(res, 403, xmlError('AccessDenied', 'Access Denied'));
      // s3rver checks its own keys: the request is authorized here, so it goes on unsigned.
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: `${internalAddress}:${port}` };
      for (const h of ['authorization', 'x-amz-security-token']) delete headers[h];
      for (const q of [...url.searchParams.keys()]) if (/^X-Amz-/i.test(q)) url.searchParams.delete(q);
      const upstream = await storage(
        `${internal}/${encodeURIComponent(bucket)}/${keyPath}${url.search}`,
        method,
        Object.fromEntries(Object.entries(headers).filter(([k]) => !['connection', 'content-length', 'transfer-encoding'].includes(k)).map(([k, v]) => [k, String(v)])),
        method === 'GET' || method === 'HEAD' ? undefined : body,
      );
      const out = upstream.body;
      if (upstream.status === 404 && key && (method === 'GET' || method === 'HEAD')) {
        // S3 tells a missing key from a forbidden one only to callers who may list the bucket.
        if (decide(principal, 's3:ListBucket', `arn:aws:s3:::${bucket}`, { ...keys, 's3:prefix': key }, bucket) !== 'allow') {
          return send(res, 403, method === 'HEAD' ? '' : xmlError('AccessDenied', 'Access Denied'));
        }
      }
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(upstream.headers)) {
        if (v !== undefined && !['connection', 'transfer-encoding', 'content-length', 'keep-alive'].includes(k)) responseHeaders[k] = v;
      }
      if (method === 'HEAD') responseHeaders['content-length'] = String(upstream.headers['content-length'] ?? '0');
      res.writeHead(upstream.status, responseHeaders);
      res.end(method === 'HEAD' ? undefined : out);
      if (upstream.status < 300 && key && (method === 'PUT' || method === 'DELETE' || method === 'POST')) {
        const created = method === 'POST' ? 'ObjectCreated:CompleteMultipartUpload' : req.headers['x-amz-copy-source'] ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
        const event: ObjectEvent = {
          bucket,
          key,
          eventName: method === 'DELETE' ? 'ObjectRemoved:Delete' : created,
          size: body.length,
          ...(typeof upstream.headers.etag === 'string' && { etag: upstream.headers.etag.replace(/"/g, '') }),
          principal: principal.id,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        };
        for (const l of listeners) l(event);
      }
    })().catch((err) => send(res, 500, xmlError('InternalError', String((err as Error).message))));
  };

  const endpoint = await serveEndpoint(twin, {
    name: 's3',
    service: 's3',
    plainHttp: true,
    hostnames: [`s3.amazonaws.com`, `s3.${region}.amazonaws.com`],
    certNames: [`s3.amazonaws.com`, `*.s3.amazonaws.com`, `s3.${region}.amazonaws.com`, `*.s3.${region}.amazonaws.com`],
    handler,
  });

  const service: S3Service = {
    internal,
    async createBucket(name) {
      const r = await storage(`${internal}/${name}`, 'PUT');
      if (r.status >= 300 && r.status !== 409) throw new Error(`s3rver refused bucket ${name}: ${r.status} ${r.body}`);
      if (!policies.has(name)) policies.set(name, undefined);
      for (const h of [`${name}.s3.amazonaws.com`, `${name}.s3.${region}.amazonaws.com`]) twin.network.register(h, endpoint.address, 's3');
    },
    setPolicy(bucket, policy) {
      policies.set(bucket, policy);
    },
    async put(bucket, key, body) {
      const r = await storage(`${internal}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, 'PUT', {}, body);
      if (r.status >= 300) throw new Error(`s3rver refused ${bucket}/${key}: ${r.status}`);
    },
    async get(bucket, key) {
      const r = await storage(`${internal}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, 'GET');
      return r.status === 200 ? r.body : undefined;
    },
    async list(bucket, prefix) {
      const keys: string[] = [];
      let token = '';
      do {
        const r = await storage(`${internal}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`, 'GET');
        if (r.status !== 200) throw new Error(`s3rver could not list ${bucket}/${prefix}: ${r.status}`);
        const xml = r.body.toString('utf8');
        for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'"));
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? (/<NextContinuationToken>([^<]*)</.exec(xml)?.[1] ?? '') : '';
      } while (token);
      return keys;
    },
    async putAsOwner(bucket, key, body) {
      await service.put(bucket, key, body);
      const event: ObjectEvent = { bucket, key, eventName: 'ObjectCreated:Put', size: body.length, principal: `arn:aws:iam::${twin.account}:root`, sourceIp: '127.0.0.1' };
      for (const l of listeners) l(event);
    },
    onObjectEvent: (l) => void listeners.push(l),
    async close() {
      await endpoint.close();
      await server.close();
    },
  };
  return service;
}

function send(res: http.ServerResponse, status: number, body: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export const s3Service = (twin: Twin) => twin.service('s3', () => startS3(twin));

/** CDK's bootstrap bucket (`cdk-hnb659fds-assets-<account>-<region>`) with the assembly's file assets, as `cdk deploy` publishes them. */
export async function publishAssets(twin: Twin, assets: FileAsset[]): Promise<void> {
  const s3 = await s3Service(twin);
  for (const a of assets) {
    const bucket = a.bucketName.replace('${AWS::AccountId}', twin.account).replace('${AWS::Region}', twin.region).replace('${AWS::Partition}', 'aws');
    await s3.createBucket(bucket);
    const body = a.packaging === 'zip' ? zipDirectory(a.source) : fs.readFileSync(a.source);
    await s3.put(bucket, a.objectKey, body);
  }
}

/** A directory asset zipped as CDK zips it: Unix modes kept (Lambda unpacks code with them). */
function zipDirectory(dir: string): Uint8Array {
  const files: Record<string, [Uint8Array, { os: number; attrs: number }]> = {};
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const full = `${abs}/${e.name}`;
      if (e.isDirectory()) walk(full, r);
      else files[r] = [fs.readFileSync(full), { os: 3, attrs: ((0o100000 | (fs.statSync(full).mode & 0o777) | 0o444) << 16) >>> 0 }];
    }
  };
  walk(dir, '');
  return zipSync(files);
}

export const buckets: ResourceModule = {
  types: ['AWS::S3::Bucket', 'AWS::S3::BucketPolicy'],
  async create({ twin, logicalId, type, properties: p }) {
    const s3 = await s3Service(twin);
    if (type === 'AWS::S3::BucketPolicy') {
      s3.setPolicy(p.Bucket, p.PolicyDocument);
      return {
        ref: physicalName(twin, logicalId),
        update: async (next) => s3.setPolicy(next.Bucket, next.PolicyDocument),
        delete: async () => s3.setPolicy(p.Bucket, undefined),
      };
    }
    const name = p.BucketName ?? physicalName(twin, logicalId, { lower: true, max: 63 });
    await s3.createBucket(name);
    return {
      ref: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${twin.region}.amazonaws.com`,
        DualStackDomainName: `${name}.s3.dualstack.${twin.region}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website-${twin.region}.amazonaws.com`,
      },
      // Properties such as versioning or lifecycle rules change nothing the twin serves.
      update: async () => true,
    };
  },
};
