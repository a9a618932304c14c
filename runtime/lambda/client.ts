/**
 * Client of the Lambda Runtime API (2018-06-01). node:http rather than fetch/undici because a
 * streamed response reports a mid-stream failure in HTTP trailers, which only node:http sends.
 */
import http from 'node:http';
import { LamphpError } from '../../bridge/index.ts';

const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_SEPARATOR = new Uint8Array(8);
const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';

export interface Invocation {
  requestId: string;
  /** Epoch ms after which Lambda stops the sandbox. */
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string | undefined;
  event: unknown;
}

/** What is reported to `…/error` and `init/error`. */
export interface RuntimeErrorReport {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export interface RuntimeApiClient {
  /** Long-polls for the next invocation; never times out. Rejects with ECANCELED on abort. */
  next(signal?: AbortSignal): Promise<Invocation>;
  respond(requestId: string, payload: unknown): Promise<void>;
  /** Streams `prelude`, 8 NUL bytes, then `body`; a failing body ends the stream with error trailers. */
  respondStream(requestId: string, prelude: object, body: AsyncIterable<Uint8Array>): Promise<void>;
  error(requestId: string, err: unknown): Promise<void>;
  initError(err: unknown): Promise<void>;
  close(): void;
}

/** Turns anything thrown into the `{errorType, errorMessage, stackTrace}` shape Lambda shows. */
export function toErrorReport(err: unknown): RuntimeErrorReport {
  if (err && typeof err === 'object' && 'errorType' in err && 'errorMessage' in err) {
    const r = err as RuntimeErrorReport;
    return { errorType: String(r.errorType), errorMessage: String(r.errorMessage), stackTrace: r.stackTrace ?? [] };
  }
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return {
      errorType: typeof code === 'string' ? `${err.name}.${code}` : err.name,
      errorMessage: err.message,
      stackTrace: (err.stack ?? '').split('\n').slice(1).map((l) => l.trim()),
    };
  }
  return { errorType: 'Error', errorMessage: String(err), stackTrace: [] };
}

function apiError(message: string, cause?: unknown): LamphpError {
  return new LamphpError('ERUNTIMEAPI', message, { cause });
}

export function createRuntimeApiClient(endpoint: string | undefined = process.env.AWS_LAMBDA_RUNTIME_API): RuntimeApiClient {
  if (!endpoint) {
    throw new LamphpError('ERUNTIMEAPI', 'AWS_LAMBDA_RUNTIME_API is not set: this process is not running inside Lambda.');
  }
  const [host, portText] = endpoint.replace(/^https?:\/\//, '').split(':');
  const port = Number(portText ?? 80);
  // Keep-alive: every invocation reuses the connection; the loop never has two requests in flight.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const base = '/2018-06-01/runtime';

  const request = (
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    signal?: AbortSignal,
  ): { req: http.ClientRequest; response: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> } => {
    const req = http.request({ host, port, method, path, headers, agent, signal });
    const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', (err) => {
        if (signal?.aborted) reject(new LamphpError('ECANCELED', 'Waiting for the next invocation was cancelled.', { cause: err }));
        else reject(apiError(`Runtime API ${method} ${path} failed: ${err.message}`, err));
      });
    });
    return { req, response };
  };

  const expectAccepted = async (
    what: string,
    pending: Promise<{ status: number; body: Buffer }>,
  ): Promise<void> => {
    const { status, body } = await pending;
    if (status < 200 || status > 299) {
      const err = apiError(`Runtime API refused ${what} with ${status}: ${body.toString('utf8').slice(0, 500)}`);
      (err as LamphpError & { status?: number }).status = status;
      throw err;
    }
  };

  const postJson = (path: string, payload: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    const text = JSON.stringify(payload) ?? 'null';
    const { req, response } = request('POST', path, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    req.end(text);
    return response;
  };

  const postError = (path: string, err: unknown) => {
    const report = toErrorReport(err);
    return postJson(path, report, { [ERROR_TYPE]: report.errorType });
  };

  return {
    async next(signal) {
      if (signal?.aborted) throw new LamphpError('ECANCELED', 'Waiting for the next invocation was cancelled.');
      const { req, response } = request('GET', `${base}/invocation/next`, {}, signal);
      req.end();
      const { status, headers, body } = await response;
      if (status !== 200) throw apiError(`Runtime API answered next with ${status}: ${body.toString('utf8').slice(0, 500)}`);
      const requestId = String(headers['lambda-runtime-aws-request-id'] ?? '');
      if (!requestId) throw apiError('Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id.');
      let event: unknown;
      try {
        event = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
      } catch {
        event = body.toString('utf8'); // Lambda payloads are JSON, but keep a raw string rather than lose it.
      }
      const trace = headers['lambda-runtime-trace-id'];
      return {
        requestId,
        deadlineMs: Number(headers['lambda-runtime-deadline-ms'] ?? 0),
        invokedFunctionArn: String(headers['lambda-runtime-invoked-function-arn'] ?? ''),
        traceId: trace === undefined ? undefined : String(trace),
        event,
      };
    },

    respond(requestId, payload) {
      return expectAccepted('the response', postJson(`${base}/invocation/${encodeURIComponent(requestId)}/response`, payload));
    },

    async respondStream(requestId, prelude, body) {
      const { req, response } = request('POST', `${base}/invocation/${encodeURIComponent(requestId)}/response`, {
        'content-type': PRELUDE_CONTENT_TYPE,
        'transfer-encoding': 'chunked',
        'lambda-runtime-function-response-mode': 'streaming',
        trailer: `${ERROR_TYPE}, ${ERROR_BODY}`,
      });
      // An early answer (e.g. 4xx) or a broken socket ends the upload: stop writing.
      let early: unknown;
      const settled = response.then(
        (r) => ((early ??= r), r),
        (e) => {
          early ??= e;
          throw e;
        },
      );
      settled.catch(() => {});
      const write = (chunk: Uint8Array) =>
        new Promise<void>((resolve, reject) => {
          if (early !== undefined) return resolve();
          req.write(chunk, (err) => (err ? reject(err) : resolve()));
        });
      const iterator = body[Symbol.asyncIterator]();
      try {
        await write(Buffer.concat([Buffer.from(JSON.stringify(prelude)), PRELUDE_SEPARATOR]));
        while (early === undefined) {
          let step: IteratorResult<Uint8Array>;
          try {
            step = await iterator.next();
          } catch (err) {
            // Headers are gone already: the only way left to report the failure is a trailer.
            const report = toErrorReport(err);
            req.addTrailers({ [ERROR_TYPE]: report.errorType, [ERROR_BODY]: Buffer.from(JSON.stringify(report)).toString('base64') });
            break;
          }
          if (step.done) break;
          if (step.value.length > 0) await write(step.value);
        }
      } catch (err) {
        req.destroy(err as Error);
        await Promise.resolve(iterator.return?.()).catch(() => {}); // the body's own cleanup must not hide why
        await settled.catch(() => {});
        throw apiError(`Streaming the response failed: ${(err as Error).message}`, err);
      }
      if (early !== undefined) await iterator.return?.();
      req.end();
      await expectAccepted('the streamed response', settled);
    },

    error(requestId, err) {
      return expectAccepted('the invocation error', postError(`${base}/invocation/${encodeURIComponent(requestId)}/error`, err));
    },

    initError(err) {
      return expectAccepted('the init error', postError(`${base}/init/error`, err));
    },

    close() {
      agent.destroy();
    },
  };
}
