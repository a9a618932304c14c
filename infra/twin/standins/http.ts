/** The bit of node:http every stand-in shares: listen on an ephemeral loopback port, read a body, close. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Uint8Array;
}

export interface Listening {
  /** `http://127.0.0.1:<port>`: what an AWS_ENDPOINT_URL_<SERVICE> setting names. */
  url: string;
  close(): Promise<void>;
}

export async function listen(
  handle: (request: Received) => Promise<{ status: number; headers?: Record<string, string>; body: string }>,
  options: { host?: string; port?: number } = {},
): Promise<Listening> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: new Uint8Array(Buffer.concat(chunks)) };
      handle(received).then(
        (answer) => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String((err as Error)?.message ?? err));
        },
      );
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
