/**
 * Bridge overhead per invocation: the Runtime API emulator round trip of hello.php minus a
 * direct engine call of the same script (same CGI environment, same engine options), p50
 * and p99 over the same number of sequential requests. Split in two: the invocation handler
 * called in-process (adapter, router, CGI, bridge, result) and the Runtime API transport on
 * top. And the same for `lamphp serve` over a loopback HTTP connection. Sequential, one
 * worker: no queueing anywhere.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'undici';
import { createPhpWasmEngine } from '../../bridge/engine/php-wasm/index.ts';
import { buildCgiEnv } from '../../bridge/cgi.ts';
import { route } from '../../bridge/router.ts';
import { readConfig } from '../../bridge/config.ts';
import { createBridge } from '../../bridge/handler.ts';
import { createInvocationHandler } from '../../runtime/lambda/handler.ts';
import { createLogger } from '../../bridge/log.ts';
import { LamphpError } from '../../bridge/errors.ts';
import type { HttpRequest } from '../../bridge/http.ts';
import { timeSequential } from './load.ts';
import { difference, summarize } from './stats.ts';
import { startServer } from './servers.ts';
import { startEmulator } from '../../infra/twin/lambda/runtime-api.ts';
import { BOOTSTRAP, lambdaEnv, waitForPollers } from './lambda-front.ts';
import { functionUrlEvent } from './lambda-event.ts';
import { spawnService } from '../ramp/processes.ts';
import type { OverheadResult } from './result.ts';
import type { Profile } from './profile.ts';

export const TARGET_P50_MS = 0.3;

function helloRequest(port: number): HttpRequest {
  return {
    method: 'GET',
    path: '/hello.php',
    query: '',
    headers: { host: [`127.0.0.1:${port}`], 'user-agent': ['lamphp-bench'] },
    body: new Uint8Array(0),
    clientAddress: '127.0.0.1',
    clientPort: 40000,
    scheme: 'http',
    host: '127.0.0.1',
    port,
    protocol: 'HTTP/1.1',
    requestId: randomUUID(),
    receivedAt: Date.now(),
  };
}

/**
 * In this process, on one engine: the direct engine call, then the Lambda invocation handler
 * (event adapter, router, CGI environment, bridge, result) with no Runtime API transport.
 */
async function inProcess(root: string, workDir: string, profile: Profile): Promise<{ direct: number[]; handler: number[] }> {
  fs.mkdirSync(path.join(workDir, 'sessions'), { recursive: true });
  const logger = createLogger({ level: 'warn' });
  const config = readConfig({ ...process.env, LAMPHP_DOCUMENT_ROOT: root, LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), AWS_LAMBDA_FUNCTION_NAME: 'lamphp-bench' });
  const engine = await createPhpWasmEngine({
    documentRoot: root,
    workers: 1,
    queue: 10,
    maxRequestsPerRuntime: config.maxRequestsPerRuntime,
    sessionDir: config.sessionDir,
    phpVersion: config.phpVersion,
    logger,
  });
  try {
    const request = helloRequest(80);
    const r = route(request, { documentRoot: root, frontController: 'index.php', uploadsDir: 'wp-content/uploads' });
    if (r.kind !== 'php') throw new LamphpError('BENCH_ROUTE', `hello.php routed to ${r.kind}`);
    const env = buildCgiEnv(request, r, { documentRoot: root });
    const call = async () => {
      const response = await engine.handle({ env, body: new Uint8Array(0), requestId: randomUUID() }, Date.now() + 30_000);
      if (response.status !== 200) throw new LamphpError('BENCH_STATUS', `direct hello.php answered ${response.status}`);
    };
    await timeSequential(profile.overheadWarmup, call);
    const direct = await timeSequential(profile.overheadInvocations, call);

    const handler = createInvocationHandler({ config, logger, bridge: createBridge({ config, engine, logger }) });
    const event = helloEvent();
    const invoke = async () => {
      const outcome = await handler(event, { requestId: randomUUID(), deadlineMs: Date.now() + 30_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lamphp-bench', traceId: undefined });
      if (outcome.kind !== 'buffered' || (outcome.payload as { statusCode?: number }).statusCode !== 200) {
        throw new LamphpError('BENCH_STATUS', `invocation handler: ${outcome.kind} ${JSON.stringify(outcome.kind === 'buffered' ? outcome.payload : outcome).slice(0, 200)}`);
      }
      await outcome.after?.();
    };
    await timeSequential(profile.overheadWarmup, invoke);
    return { direct, handler: await timeSequential(profile.overheadInvocations, invoke) };
  } finally {
    await engine.close();
  }
}

function helloEvent() {
  return functionUrlEvent({ method: 'GET', url: '/hello.php', rawHeaders: ['host', '127.0.0.1:9000', 'user-agent', 'lamphp-bench'], body: Buffer.alloc(0), sourceIp: '127.0.0.1', port: 9000 });
}

async function lambda(root: string, workDir: string, profile: Profile): Promise<number[]> {
  const emulator = await startEmulator({ timeoutMs: 60_000 });
  const service = spawnService({
    name: 'lambda-overhead',
    command: BOOTSTRAP,
    args: [],
    logFile: path.join(workDir, 'lambda-overhead.log'),
    env: lambdaEnv(emulator, root, { LAMPHP_SESSION_DIR: path.join(workDir, 'sessions') }),
  });
  try {
    await waitForPollers(emulator, 1, [service]);
    const event = helloEvent();
    const call = async () => {
      const result = await emulator.invoke(event);
      if (result.kind !== 'response' || result.json?.statusCode !== 200) {
        throw new LamphpError('BENCH_STATUS', `Lambda-shaped hello.php: ${result.kind} ${JSON.stringify(result.kind === 'response' ? result.json?.statusCode : result)}`);
      }
    };
    // Time the invocation only: the runtime's after-response work (before its next poll) is
    // outside any caller's latency in Lambda, so each call waits for the poll first.
    const polled = async () => {
      while (emulator.waiting < 1) await new Promise((resolve) => setImmediate(resolve));
    };
    await timeSequential(profile.overheadWarmup, call, polled);
    return await timeSequential(profile.overheadInvocations, call, polled);
  } finally {
    await service.stop();
    await emulator.close();
  }
}

async function serve(root: string, workDir: string, profile: Profile): Promise<number[]> {
  const server = await startServer('serve', { root, parallel: 1, workDir, readyPath: '/hello.php' });
  const client = new Client(server.url, { pipelining: 1 });
  try {
    const call = async () => {
      const { statusCode, body } = await client.request({ method: 'GET', path: '/hello.php', headers: { 'user-agent': 'lamphp-bench' } });
      await body.arrayBuffer();
      if (statusCode !== 200) throw new LamphpError('BENCH_STATUS', `serve hello.php answered ${statusCode}`);
    };
    await timeSequential(profile.overheadWarmup, call);
    return await timeSequential(profile.overheadInvocations, call);
  } finally {
    await client.close();
    await server.stop();
  }
}

export async function runOverhead({ root, workDir, profile }: { root: string; workDir: string; profile: Profile }): Promise<OverheadResult> {
  const local = await inProcess(root, workDir, profile);
  const d = summarize(local.direct);
  const h = summarize(local.handler);
  const l = summarize(await lambda(root, workDir, profile));
  const s = summarize(await serve(root, workDir, profile));
  return {
    invocations: profile.overheadInvocations,
    direct: d,
    handler: h,
    lambda: l,
    serve: s,
    addedMs: {
      handler: { p50: difference(h.p50, d.p50), p99: difference(h.p99, d.p99) },
      lambda: { p50: difference(l.p50, d.p50), p99: difference(l.p99, d.p99) },
      serve: { p50: difference(s.p50, d.p50), p99: difference(s.p99, d.p99) },
    },
    targetP50Ms: TARGET_P50_MS,
  };
}
