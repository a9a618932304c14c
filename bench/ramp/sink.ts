/**
 * Where arrivals are timed: the first server a generated request reaches records when its
 * headers arrived, so each run can report the pacing actually delivered, not just planned.
 * The balancer embeds a recorder; `startSink` is a server that does nothing else (used to
 * calibrate the generator alone, and in tests).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class ArrivalRecorder {
  #arrivals: number[] = [];

  record(atMs = performance.now()): void {
    this.#arrivals.push(atMs);
  }

  reset(): void {
    this.#arrivals = [];
  }

  /** Arrival times in ms on this process's monotonic clock, in arrival order. */
  get arrivals(): readonly number[] {
    return this.#arrivals;
  }
}

/** Control endpoints every recording server answers; never recorded as arrivals. */
export const CONTROL_PREFIX = '/__bench/';

/**
 * Answers `GET /__bench/arrivals` (JSON `{ arrivalsMs }`), `POST /__bench/reset` and
 * `GET /__bench/health`; returns false for any other path.
 */
export function handleControl(recorder: ArrivalRecorder, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!req.url?.startsWith(CONTROL_PREFIX)) return false;
  const what = req.url.slice(CONTROL_PREFIX.length);
  if (what === 'arrivals') {
    sendJson(res, 200, { arrivalsMs: recorder.arrivals });
  } else if (what === 'reset' && req.method === 'POST') {
    recorder.reset();
    sendJson(res, 200, { ok: true });
  } else if (what === 'health') {
    sendJson(res, 200, { ok: true });
  } else {
    sendJson(res, 404, { error: `unknown control path ${req.url}` });
  }
  return true;
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** A server that records each arrival and answers 204 at once. */
export async function startSink(port = 0): Promise<RunningServer & { recorder: ArrivalRecorder }> {
  const recorder = new ArrivalRecorder();
  const server = http.createServer((req, res) => {
    if (handleControl(recorder, req, res)) return;
    recorder.record();
    req.resume();
    res.writeHead(204).end();
  });
  return { ...(await listen(server, port)), recorder };
}

export async function listen(server: http.Server, port: number): Promise<RunningServer> {
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.main) {
  const portArg = process.argv.indexOf('--port');
  const sink = await startSink(portArg > 0 ? Number(process.argv[portArg + 1]) : 0);
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'sink listening', port: sink.port })}\n`);
  process.on('SIGTERM', () => void sink.close().then(() => process.exit(0)));
}
