/**
 * The local front door: a node:http server feeding the same bridge that runs in Lambda.
 * It only moves bytes: socket request → HttpRequest → bridge → socket response.
 */
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { LamphpError } from '../../bridge/index.ts';
import type { Bridge, Config, HeaderMap, HttpRequest, HttpResponse, Logger } from '../../bridge/index.ts';
import { errorPage } from '../../bridge/index.ts';

export interface LocalServerOptions {
  bridge: Bridge;
  config: Config;
  logger: Logger;
  host?: string;
  port?: number;
  /** How long a client may take to send its request headers (Node's default, 60 s); past it: 408 and closed. */
  headersTimeoutMs?: number;
}

export interface LocalServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerMap(raw: string[]): HeaderMap {
  // No prototype: a header named `__proto__` or `constructor` is just a header.
  const headers: HeaderMap = Object.create(null);
  for (let i = 0; i + 1 < raw.length; i += 2) (headers[raw[i]!.toLowerCase()] ??= []).push(raw[i + 1]!);
  return headers;
}

/** Turns a socket request into the bridge's HttpRequest (the socket peer is the client). */
export function toHttpRequest(req: http.IncomingMessage, body: Uint8Array, localPort: number): HttpRequest {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const headers = headerMap(req.rawHeaders);
  const hostHeader = headers.host?.[0] ?? `127.0.0.1:${localPort}`;
  const hostMatch = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
  const peer = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? '' : target.slice(q + 1),
    headers,
    body,
    clientAddress: peer,
    clientPort: req.socket.remotePort ?? 0,
    scheme: 'http',
    host: hostMatch?.[1] ?? '127.0.0.1',
    port: hostMatch?.[2] ? Number(hostMatch[2]) : localPort,
    protocol: `HTTP/${req.httpVersion}`,
    requestId: randomUUID(),
    receivedAt: Date.now(),
  };
}

async function writeResponse(res: http.ServerResponse, response: HttpResponse, head: boolean): Promise<void> {
  for (const [name, values] of Object.entries(response.headers)) res.setHeader(name, values);
  res.statusCode = response.status;
  const body = response.body;
  if (response.status === 204 || response.status === 304) {
    // No body, and no Content-Length announcing one (RFC 9110 §8.6): whatever the page produced.
    res.removeHeader('content-length');
    res.end();
    return;
  }
  if (body instanceof Uint8Array) {
    if (!res.hasHeader('content-length')) res.setHeader('content-length', body.byteLength);
    res.end(head ? undefined : body);
    return;
  }
  if (head) {
    res.end();
    return;
  }
  for await (const chunk of body) {
    if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
  }
  res.end();
}

/** The address a server on `host`:`port` is reached at. */
export function serverUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A failure to listen, as a sentence the user can act on. */
export function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') return new LamphpError('EPORTINUSE', `Port ${port} on ${host} is already in use. Stop the other server or pass --port with a free port.`);
  if (err.code === 'EACCES') return new LamphpError('EPORTDENIED', `Not allowed to listen on port ${port}. Use a port above 1024.`);
  return err;
}

/**
 * The port the server will get: `port` itself if it is free now (0: one the system picks), for
 * an address that must be known before the server listens.
 */
export function reservePort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
    probe.listen(port, host, () => {
      const chosen = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(chosen));
    });
  });
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { bridge, config, logger } = options;
  const headersTimeout = options.headersTimeoutMs ?? 60_000;
  // No limit on receiving a whole request (a large upload on a slow link), but Node derives the
  // headers timeout from that one: it is set on its own, or a half-sent request would stay open.
  const timeouts = { keepAliveTimeout: 5000, requestTimeout: 0, headersTimeout, connectionsCheckingInterval: Math.min(30_000, headersTimeout) };
  const server = http.createServer(timeouts, (req, res) => {
    const localPort = (req.socket.localPort ?? 0) as number;
    readBody(req, config.maxBodyBytes)
      .then(async (body) => {
        const request = toHttpRequest(req, body, localPort);
        const response = await bridge.handle(request, { deadline: Date.now() + config.requestTimeoutMs });
        await writeResponse(res, response, request.method === 'HEAD');
      })
      .catch(async (err) => {
        if (err instanceof BodyTooLarge) {
          logger.warn('request body too large', { limit: config.maxBodyBytes, path: req.url?.slice(0, 512) });
          res.setHeader('connection', 'close');
          await writeResponse(res, errorPage(413, `The request body is larger than the ${config.maxBodyBytes} bytes allowed.`), false);
          return;
        }
        logger.error('local server failed to answer', { err, path: req.url?.slice(0, 512) });
        if (res.headersSent) return void res.destroy();
        // Nothing set for the failed answer (a Set-Cookie above all) may ride on the error page.
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        await writeResponse(res, errorPage(500, 'The request could not be completed.'), false);
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, options.port ?? 8080)));
    server.listen(options.port ?? 8080, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: serverUrl(host, port),
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
