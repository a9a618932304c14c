/**
 * A presigned S3 PUT URL (SigV4, query-string authentication), so a browser can send a file
 * larger than the front door straight to the bucket. Pure: credentials, region and the clock
 * come in as arguments.
 */
import { createHash, createHmac } from 'node:crypto';

export interface PresignInput {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region: string;
  bucket: string;
  key: string;
  /** Custom endpoint (path-style), e.g. `http://127.0.0.1:4568`; default the regional virtual-hosted one. */
  endpoint?: string;
  /** Signed: the upload must send exactly this Content-Type. */
  contentType?: string;
  /** Signed: the upload must be exactly this many bytes (a browser sends a Blob's size). */
  contentLength?: number;
  expiresInSeconds: number;
  now: Date;
}

/** RFC 3986 encoding as SigV4 wants it (`/` kept when encoding a path). */
function encode(value: string, keepSlash = false): string {
  const out = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? out.replace(/%2F/g, '/') : out;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function presignPut(input: PresignInput): string {
  const { credentials, region, bucket, key } = input;
  const amzDate = input.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20261126T151500Z
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;

  let base: URL;
  let path: string;
  if (input.endpoint) {
    base = new URL(input.endpoint);
    path = `${base.pathname.replace(/\/+$/, '')}/${encode(bucket)}/${encode(key, true)}`;
  } else {
    base = new URL(`https://${bucket}.s3.${region}.amazonaws.com`);
    path = `/${encode(key, true)}`;
  }
  const host = base.host;

  const headers: Record<string, string> = { host };
  if (input.contentType) headers['content-type'] = input.contentType;
  if (input.contentLength !== undefined) headers['content-length'] = String(input.contentLength);
  const signedHeaders = Object.keys(headers).sort().join(';');
  const query: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(input.expiresInSeconds),
    'X-Amz-SignedHeaders': signedHeaders,
    ...(credentials.sessionToken && { 'X-Amz-Security-Token': credentials.sessionToken }),
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${encode(k)}=${encode(query[k]!)}`)
    .join('&');
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((k) => `${k}:${headers[k]!.trim()}\n`)
    .join('');
  const canonicalRequest = ['PUT', path, canonicalQuery, canonicalHeaders, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `${base.protocol}//${host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
