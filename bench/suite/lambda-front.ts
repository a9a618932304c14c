/**
 * The Lambda-shaped path as an HTTP server: each request becomes a Function URL event, goes
 * through the Runtime API emulator to `runtime/lambda/bootstrap` processes (one per
 * execution environment, one PHP worker each, as in Lambda), and the result comes back as
 * the HTTP response. The emulator hands an invocation to whichever environment is polling,
 * like Lambda does to a warm, idle one.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../infra/twin/lambda/runtime-api.ts';
import { spawnService, type Service } from '../ramp/processes.ts';
import { functionUrlEvent, resultToResponse } from './lambda-event.ts';
import { LamphpError } from '../../bridge/errors.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BOOTSTRAP = path.join(REPO, 'runtime/lambda/bootstrap');

/** The environment a bootstrap gets here: Lambda's variables, our settings, quiet logs. */
export function lambdaEnv(emulator: Emulator, root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_LAMBDA_RUNTIME_API: emulator.url,
    AWS_LAMBDA_FUNCTION_NAME: 'lamphp-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '2048',
    AWS_REGION: 'us-east-1',
    LAMPHP_DOCUMENT_ROOT: root,
    LAMPHP_WORKERS: '1',
    LAMPHP_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Resolves once `count` runtimes are long-polling `next`. */
export async function waitForPollers(emulator: Emulator, count: number, services: Service[], timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (emulator.waiting < count) {
    const dead = services.find((s) => s.child.exitCode !== null || s.child.signalCode !== null);
    if (dead) throw new LamphpError('BENCH_CHILD_EXITED', `${dead.name} exited before its first poll.\n${dead.tail()}`);
    if (emulator.initErrors.length > 0) throw new LamphpError('BENCH_LAMBDA_INIT', `init error: ${emulator.initErrors[0]!.errorMessage}`);
    if (performance.now() > deadline) throw new LamphpError('BENCH_NOT_READY', `only ${emulator.waiting} of ${count} runtimes polled within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface LambdaFront {
  url: string;
  emulator: Emulator;
  instances: Service[];
  stop(): Promise<void>;
}

export async function startLambdaFront({
  root,
  instances,
  logDir,
  env = {},
}: {
  root: string;
  instances: number;
  logDir: string;
  env?: NodeJS.ProcessEnv;
}): Promise<LambdaFront> {
  const emulator = await startEmulator({ timeoutMs: 60_000 });
  const services: Service[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const event = functionUrlEvent({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        port: (server.address() as AddressInfo).port,
      });
      try {
        const result = await emulator.invoke(event);
        if (result.kind !== 'response') {
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`${result.kind}: ${'errorType' in result ? result.errorType : ''}`);
          return;
        }
        const response = resultToResponse(result.json ?? result.body.toString());
        res.writeHead(response.status, Object.entries(response.headers).flatMap(([n, vs]) => vs.map((v) => [n, v])).flat());
        res.end(response.body);
      } catch (err) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end((err as Error).message);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await emulator.close();
  };
  try {
    for (let i = 0; i < instances; i++) {
      services.push(
        spawnService({
          name: `lambda-${i + 1}`,
          command: BOOTSTRAP,
          args: [],
          logFile: path.join(logDir, `lambda-${port}-${i + 1}.log`),
          env: lambdaEnv(emulator, root, env),
        }),
      );
    }
    await waitForPollers(emulator, instances, services);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, emulator, instances: services, stop };
}
