/**
 * A Lambda Runtime API (2018-06-01) over node:http, faithful where our runtime could get it
 * wrong: long-polled `next`, real deadlines, the 6 MB buffered limit (413), streamed responses
 * with the HTTP-integration prelude and error trailers, init errors. The stack twin runs one per
 * function instance; tests and the benchmark harness import it; nothing here runs in Lambda.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** Largest buffered response body the real Runtime API accepts. */
export const MAX_BUFFERED_BYTES = 6_291_556;
/** Largest streamed response Lambda forwards. */
export const MAX_STREAMED_BYTES = 200 * 1024 * 1024;
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_SEPARATOR = Buffer.alloc(8);
const BASE = '/2018-06-01/runtime';

export type InvokeResult =
  | {
      kind: 'response';
      /** Bytes as posted (for a stream with a prelude: prelude, separator and body). */
      body: Buffer;
      /** `body` parsed as JSON when it is JSON. */
      json?: any;
      streamed: boolean;
      /** The HTTP-integration prelude `{statusCode, headers, cookies}` of a streamed response. */
      prelude?: any;
      /** The streamed body after the prelude. */
      streamBody?: Buffer;
      /** Lower-case trailer names (`lambda-runtime-function-error-type` / `-body`). */
      trailers?: Record<string, string>;
      /** Milliseconds from dispatch to the first body byte (streamed responses). */
      firstByteMs?: number;
      /** Milliseconds from dispatch to the complete response. */
      durationMs: number;
      requestId: string;
    }
  | { kind: 'error'; errorType: string; errorMessage: string; body: any; requestId: string }
  | { kind: 'timeout'; requestId: string };

export interface InitErrorRecord {
  errorType: string;
  errorMessage: string;
  body: any;
}

/** One line of the emulator's timeline; `seq` orders events that share a millisecond. */
export interface EmulatorEvent {
  seq: number;
  /** performance.now() of this process. */
  at: number;
  type: 'next' | 'dispatch' | 'response' | 'error' | 'init-error' | 'timeout' | 'rejected';
  requestId?: string;
  detail?: string;
}

export interface InvokeOptions {
  /** Function timeout for this invocation; the deadline header is dispatch time + this. */
  timeoutMs?: number;
  traceId?: string;
}

export interface EmulatorOptions {
  port?: number;
  /** Listening address; default 127.0.0.1. */
  host?: string;
  /** Called for every timeline event as it happens (the twin measures init and billed time from them). */
  onEvent?: (event: EmulatorEvent) => void;
  /** Default function timeout (ms). */
  timeoutMs?: number;
  functionArn?: string;
}

export interface Emulator {
  /** `host:port`, the value for AWS_LAMBDA_RUNTIME_API. */
  readonly url: string;
  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** Resolves with the first error posted to `/runtime/init/error`. */
  readonly initError: Promise<InitErrorRecord>;
  readonly initErrors: InitErrorRecord[];
  /** True once an invocation outlived its deadline: like Lambda, the sandbox is then dead. */
  readonly timedOut: boolean;
  readonly events: EmulatorEvent[];
  /** Runtime clients currently long-polling `next`. */
  readonly waiting: number;
  close(): Promise<void>;
}

interface Invocation {
  id: string;
  payload: Buffer;
  timeoutMs: number;
  traceId: string;
  dispatchedAt?: number;
  timer?: NodeJS.Timeout;
  settle(result: InvokeResult): void;
  done: boolean;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const functionArn = options.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:lamphp-test';
  const defaultTimeout = options.timeoutMs ?? 30_000;
  const queue: Invocation[] = [];
  const pollers: http.ServerResponse[] = [];
  const active = new Map<string, Invocation>();
  const events: EmulatorEvent[] = [];
  const initErrors: InitErrorRecord[] = [];
  let seq = 0;
  let timedOut = false;
  let resolveInitError!: (r: InitErrorRecord) => void;
  const initError = new Promise<InitErrorRecord>((resolve) => (resolveInitError = resolve));

  const record = (type: EmulatorEvent['type'], requestId?: string, detail?: string) => {
    const event = { seq: ++seq, at: performance.now(), type, requestId, detail };
    events.push(event);
    options.onEvent?.(event);
  };

  const dispatch = () => {
    while (queue.length > 0 && pollers.length > 0) {
      const inv = queue.shift()!;
      const res = pollers.shift()!;
      if (res.destroyed) {
        queue.unshift(inv);
        continue;
      }
      inv.dispatchedAt = performance.now();
      active.set(inv.id, inv);
      record('dispatch', inv.id);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': inv.payload.length,
        'lambda-runtime-aws-request-id': inv.id,
        'lambda-runtime-deadline-ms': String(Date.now() + inv.timeoutMs),
        'lambda-runtime-invoked-function-arn': functionArn,
        'lambda-runtime-trace-id': inv.traceId,
      });
      res.end(inv.payload);
      inv.timer = setTimeout(() => {
        timedOut = true;
        record('timeout', inv.id);
        finish(inv, { kind: 'timeout', requestId: inv.id });
      }, inv.timeoutMs);
    }
  };

  const finish = (inv: Invocation, result: InvokeResult) => {
    if (inv.done) return;
    inv.done = true;
    clearTimeout(inv.timer);
    active.delete(inv.id);
    inv.settle(result);
  };

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const invalidId = (res: http.ServerResponse, id: string) => {
    record('rejected', id, 'unknown request id');
    reply(res, 400, { errorMessage: `Invalid request ID: ${id}`, errorType: 'InvalidRequestID' });
  };

  /** Reads a body up to `limit` bytes; resolves undefined (and stops reading) past it. */
  const readBody = (req: http.IncomingMessage, limit: number, onFirstByte?: () => void) =>
    new Promise<Buffer | undefined>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let first = true;
      req.on('data', (chunk: Buffer) => {
        if (first) {
          first = false;
          onFirstByte?.();
        }
        size += chunk.length;
        if (size > limit) {
          req.removeAllListeners('data');
          req.resume();
          resolve(undefined);
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const parseJson = (buf: Buffer): any => {
    try {
      return JSON.parse(buf.toString('utf8'));
    } catch {
      return undefined;
    }
  };

  const onResponse = async (req: http.IncomingMessage, res: http.ServerResponse, inv: Invocation) => {
    const streamed = /^streaming$/i.test(String(req.headers['lambda-runtime-function-response-mode'] ?? ''));
    let firstByteMs: number | undefined;
    const body = await readBody(req, streamed ? MAX_STREAMED_BYTES : MAX_BUFFERED_BYTES, () => {
      firstByteMs = performance.now() - inv.dispatchedAt!;
    });
    if (inv.done) return invalidId(res, inv.id);
    if (body === undefined) {
      const limit = streamed ? MAX_STREAMED_BYTES : MAX_BUFFERED_BYTES;
      record('rejected', inv.id, 'payload too large');
      reply(res, 413, {
        errorMessage: `Exceeded maximum allowed payload size (${limit} bytes).`,
        errorType: 'RequestEntityTooLarge',
      });
      // Lambda fails the invocation itself: the caller never sees this response.
      finish(inv, {
        kind: 'error',
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: 'Response payload size exceeded maximum allowed payload size.',
        body: undefined,
        requestId: inv.id,
      });
      return;
    }
    record('response', inv.id, streamed ? 'streamed' : 'buffered');
    const result: InvokeResult & { kind: 'response' } = {
      kind: 'response',
      body,
      streamed,
      durationMs: performance.now() - inv.dispatchedAt!,
      requestId: inv.id,
    };
    if (streamed) {
      result.firstByteMs = firstByteMs;
      const trailers = Object.fromEntries(Object.entries(req.trailers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      if (Object.keys(trailers).length > 0) result.trailers = trailers;
      if (String(req.headers['content-type'] ?? '').startsWith(PRELUDE_CONTENT_TYPE)) {
        const at = body.indexOf(PRELUDE_SEPARATOR);
        if (at >= 0) {
          result.prelude = parseJson(body.subarray(0, at));
          result.streamBody = body.subarray(at + PRELUDE_SEPARATOR.length);
        }
      } else {
        result.streamBody = body;
      }
    } else {
      result.json = parseJson(body);
    }
    reply(res, 202, { status: 'OK' });
    finish(inv, result);
  };

  const onError = async (req: http.IncomingMessage, res: http.ServerResponse, inv: Invocation | undefined) => {
    const raw = (await readBody(req, MAX_BUFFERED_BYTES)) ?? Buffer.alloc(0);
    const body = parseJson(raw);
    const errorType = String(req.headers['lambda-runtime-function-error-type'] ?? body?.errorType ?? 'Unhandled');
    const errorMessage = String(body?.errorMessage ?? '');
    if (inv === undefined) {
      record('init-error', undefined, errorMessage);
      const rec = { errorType, errorMessage, body };
      initErrors.push(rec);
      resolveInitError(rec);
      return reply(res, 202, { status: 'OK' });
    }
    if (inv.done) return invalidId(res, inv.id);
    record('error', inv.id, errorType);
    reply(res, 202, { status: 'OK' });
    finish(inv, { kind: 'error', errorType, errorMessage, body, requestId: inv.id });
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${BASE}/invocation/next`) {
      record('next');
      pollers.push(res);
      // A poll whose socket closes must not swallow the next invocation.
      res.on('close', () => {
        const i = pollers.indexOf(res);
        if (i >= 0) pollers.splice(i, 1);
      });
      dispatch();
      return;
    }
    if (req.method === 'POST' && url === `${BASE}/init/error`) return void onError(req, res, undefined);
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && m) {
      const id = decodeURIComponent(m[1]);
      const inv = active.get(id);
      if (!inv) {
        req.resume();
        return invalidId(res, id);
      }
      return void (m[2] === 'response' ? onResponse(req, res, inv) : onError(req, res, inv));
    }
    req.resume();
    reply(res, 404, { errorMessage: `No route for ${req.method} ${url}`, errorType: 'NotFound' });
  });
  // Long polls and multi-megabyte streams: no server-side timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.host ?? '127.0.0.1'}:${port}`,
    invoke(event, opts = {}) {
      if (timedOut) {
        return Promise.reject(
          Object.assign(new Error('The sandbox timed out on an earlier invocation and is dead.'), {
            code: 'ESANDBOXDEAD',
          }),
        );
      }
      return new Promise<InvokeResult>((settle) => {
        queue.push({
          id: randomUUID(),
          payload: Buffer.from(JSON.stringify(event)),
          timeoutMs: opts.timeoutMs ?? defaultTimeout,
          traceId: opts.traceId ?? `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Parent=${randomUUID().replace(/-/g, '').slice(0, 16)};Sampled=0`,
          settle,
          done: false,
        });
        dispatch();
      });
    },
    initError,
    initErrors,
    get timedOut() {
      return timedOut;
    },
    events,
    get waiting() {
      return pollers.length;
    },
    async close() {
      for (const inv of [...active.values(), ...queue]) clearTimeout(inv.timer);
      for (const res of pollers.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
