/**
 * Checks an AWS Signature Version 4 `Authorization` header for real: the request is signed
 * again with the secret of the access key it names (@smithy/signature-v4, the SDK's own signer),
 * over exactly the headers it says it signed, at the time it says it was signed, and the two
 * signatures must match. A stand-in for an AWS API uses it to refuse what AWS would refuse.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedRequest {
  method: string;
  /** Path and query as received, e.g. `/v2/email/outbound-emails?x=1`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export type Verdict =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; code: 'MissingAuthenticationToken' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch'; reason: string };

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** node:crypto behind the checksum interface the signer expects (HMAC when given a secret). */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20260101T120000Z` → Date. */
function amzDate(value: string | undefined): Date | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/** Access key id → secret access key: a table, or a lookup (the twin's issued credentials). */
export type Secrets = Record<string, string> | ((accessKeyId: string) => string | undefined);

export async function verifySigV4(request: SignedRequest, secrets: Secrets): Promise<Verdict> {
  const authorization = single(request.headers.authorization);
  const match = authorization ? AUTH.exec(authorization) : null;
  if (!match) return { ok: false, code: 'MissingAuthenticationToken', reason: 'no AWS4-HMAC-SHA256 Authorization header' };
  const [, accessKeyId, , region, service, signedList] = match as unknown as string[];
  const secretAccessKey = typeof secrets === 'function' ? secrets(accessKeyId!) : secrets[accessKeyId!];
  if (secretAccessKey === undefined) return { ok: false, code: 'InvalidClientTokenId', reason: `unknown access key ${accessKeyId}` };
  const signingDate = amzDate(single(request.headers['x-amz-date']));
  if (!signingDate) return { ok: false, code: 'SignatureDoesNotMatch', reason: 'no valid X-Amz-Date header' };
  const signed = signedList!.split(';');
  if (!signed.includes('host')) return { ok: false, code: 'SignatureDoesNotMatch', reason: 'the Host header is not signed' };
  const declaredHash = single(request.headers['x-amz-content-sha256']);
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== bodyHash) {
    return { ok: false, code: 'SignatureDoesNotMatch', reason: 'the body does not match X-Amz-Content-Sha256' };
  }
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = single(request.headers[name]);
    if (value === undefined) return { ok: false, code: 'SignatureDoesNotMatch', reason: `signed header ${name} is missing` };
    headers[name] = value;
  }
  const url = new URL(request.url, 'http://standin');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    service: service!,
    region: region!,
    credentials: { accessKeyId: accessKeyId!, secretAccessKey },
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
  });
  const expected = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host!.replace(/:\d+$/, ''),
      path: url.pathname.split('/').map(decodeURIComponent).join('/'),
      query,
      headers,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(signed) },
  );
  const again = single((expected.headers as Record<string, string>).authorization);
  if (again !== authorization) return { ok: false, code: 'SignatureDoesNotMatch', reason: 'the signature does not match the request' };
  return { ok: true, accessKeyId: accessKeyId!, region: region!, service: service! };
}
