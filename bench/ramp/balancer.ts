/**
 * A minimal HTTP load balancer with no queue of its own, shaped like an ALB:
 *
 * - `round-robin`: each request goes to the next upstream in turn, on a keep-alive
 *   connection if one is idle and on a new one otherwise (never waits for a connection);
 *   if that upstream refuses or breaks the connection the client gets 502.
 * - `lambda`: each upstream is one single-request execution environment; a request goes to
 *   an idle one, and when `cap` requests are already running it is throttled with 429 at
 *   once, like reserved concurrency.
 *
 * Every arrival is timed (see sink.ts) so the run can report the pacing it delivered.
 *
 *   node bench/ramp/balancer.ts --port 8080 --upstream http://127.0.0.1:8081 \
 *     [--upstream …] [--policy round-robin|lambda] [--cap N]
 */
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { ArrivalRecorder, handleControl, listen, type RunningServer } from './sink.ts';

export type BalancerPolicy = 'round-robin' | 'lambda';

export interface BalancerOptions {
  upstreams: string[];
  policy?: BalancerPolicy;
  /** Concurrent requests allowed in `lambda` policy; defaults to the number of upstreams. */
  cap?: number;
  port?: number;
  /** Longest an upstream may take to answer, ms; then 504. */
  timeoutMs?: number;
}

export interface BalancerStats {
  proxied: number;
  badGateway: number;
  timedOut: number;
  throttled: number;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export async function startBalancer(
  options: BalancerOptions,
): Promise<RunningServer & { recorder: ArrivalRecorder; stats: BalancerStats }> {
  const { upstreams, policy = 'round-robin', timeoutMs = 60_000 } = options;
  if (upstreams.length === 0) throw new Error('the balancer needs at least one upstream');
  const cap = Math.min(options.cap ?? upstreams.length, upstreams.length);
  // connections: null = as many as needed; a bounded pool would queue, which an ALB does not.
  const pools = upstreams.map(
    (origin) =>
      new Pool(origin, {
        connections: null,
        pipelining: 1,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        keepAliveTimeout: 4_000,
      }),
  );
  const inFlight = new Array<number>(upstreams.length).fill(0);
  let running = 0;
  let next = 0;
  const recorder = new ArrivalRecorder();
  const stats: BalancerStats = { proxied: 0, badGateway: 0, timedOut: 0, throttled: 0 };

  const choose = (): number | undefined => {
    if (policy === 'round-robin') {
      const chosen = next;
      next = (next + 1) % pools.length;
      return chosen;
    }
    if (running >= cap) return undefined;
    for (let i = 0; i < cap; i++) if (inFlight[i] === 0) return i;
    return undefined;
  };

  const server = http.createServer((req, res) => {
    if (handleControl(recorder, req, res)) return;
    recorder.record();
    const chosen = choose();
    if (chosen === undefined) {
      stats.throttled++;
      req.resume();
      const body = '{"message":"Rate Exceeded."}';
      res.writeHead(429, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-amzn-errortype': 'TooManyRequestsException',
      });
      res.end(body);
      return;
    }
    inFlight[chosen]!++;
    running++;
    void proxy(chosen, req, res).finally(() => {
      inFlight[chosen]!--;
      running--;
    });
  });

  async function proxy(chosen: number, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    try {
      const upstream = await pools[chosen]!.request({
        method: (req.method ?? 'GET') as 'GET',
        path: req.url ?? '/',
        headers,
        body: hasBody ? req : null,
      });
      if (!hasBody) req.resume();
      const outHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) outHeaders[name] = value;
      }
      res.writeHead(upstream.statusCode, outHeaders);
      await pipeline(upstream.body, res);
      stats.proxied++;
    } catch (err) {
      if (res.headersSent) {
        res.destroy(err as Error);
        return;
      }
      const code = (err as { code?: string }).code ?? 'ERROR';
      const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
      if (timedOut) stats.timedOut++;
      else stats.badGateway++;
      const status = timedOut ? 504 : 502;
      const body = `${timedOut ? 'upstream timed out' : 'bad gateway'}: ${code}\n`;
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }
  }

  const bound = await listen(server, options.port ?? 0);
  return {
    ...bound,
    recorder,
    stats,
    async close() {
      await bound.close();
      await Promise.all(pools.map((pool) => pool.destroy()));
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      upstream: { type: 'string', multiple: true, default: [] },
      policy: { type: 'string', default: 'round-robin' },
      cap: { type: 'string' },
      'timeout-ms': { type: 'string', default: '60000' },
    },
  });
  if (values.policy !== 'round-robin' && values.policy !== 'lambda') {
    process.stderr.write(`unknown --policy ${values.policy} (round-robin | lambda)\n`);
    process.exit(2);
  }
  const balancer = await startBalancer({
    port: Number(values.port),
    upstreams: values.upstream,
    policy: values.policy,
    ...(values.cap !== undefined ? { cap: Number(values.cap) } : {}),
    timeoutMs: Number(values['timeout-ms']),
  });
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: 'balancer listening', port: balancer.port, policy: values.policy })}\n`,
  );
  process.on('SIGTERM', () => void balancer.close().then(() => process.exit(0)));
}
