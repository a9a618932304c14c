/**
 * An AWS endpoint inside the twin: an address of its own on the namespace's loopback, HTTPS on
 * 443 with a certificate from the twin's authority for its DNS names (and plain HTTP on 80 when
 * asked), and the names registered so sandboxes that reach the service resolve them.
 */
import http from 'node:http';
import https from 'node:https';
import type { Twin } from './twin.ts';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, secure: boolean) => void;

export interface ServedEndpoint {
  address: string;
  close(): Promise<void>;
}

export async function serveEndpoint(
  twin: Twin,
  options: { name: string; hostnames: string[]; service: string; handler: Handler; plainHttp?: boolean; certNames?: string[] },
): Promise<ServedEndpoint> {
  const address = twin.network.address(options.name);
  const { key, cert } = twin.tls.leaf(options.certNames ?? options.hostnames);
  const servers: http.Server[] = [https.createServer({ key, cert }, (req, res) => options.handler(req, res, true))];
  if (options.plainHttp) servers.push(http.createServer((req, res) => options.handler(req, res, false)));
  await Promise.all(
    servers.map((s, i) => new Promise<void>((resolve, reject) => {
      s.requestTimeout = 0;
      s.headersTimeout = 60_000;
      s.once('error', reject);
      s.listen(i === 0 ? 443 : 80, address, () => resolve());
    })),
  );
  for (const h of options.hostnames) twin.network.register(h, address, options.service);
  return {
    address,
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}

/** Reads a request body whole. */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An AWS JSON 1.1 protocol service (SSM, Secrets Manager): `X-Amz-Target: Prefix.Operation`, JSON in and out. */
export function awsJsonHandler(operations: Record<string, (input: any, req: http.IncomingMessage) => Promise<unknown> | unknown>): Handler {
  return (req, res) => {
    void readBody(req).then(async (body) => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const reply = (status: number, value: unknown) => {
        const text = JSON.stringify(value);
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
        res.end(text);
      };
      const fn = operations[op];
      if (!fn) return reply(400, { __type: 'UnknownOperationException', message: `The twin does not implement ${op}.` });
      try {
        reply(200, (await fn(body.length ? JSON.parse(body.toString('utf8')) : {}, req)) ?? {});
      } catch (err) {
        const e = err as { type?: string; status?: number; message: string };
        reply(e.status ?? 400, { __type: e.type ?? 'ValidationException', message: e.message });
      }
    });
  };
}

/** An AWS service error for awsJsonHandler. */
export function awsError(type: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { type, status });
}
