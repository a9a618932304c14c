/**
 * Cold start: process start → first 200 response, for hello.php and the WordPress home.
 * `serve`: spawn `lamphp serve --workers 1` and poll the page every few ms. Lambda-shaped:
 * queue the invocation in the emulator first, then spawn the bootstrap, and stop the clock
 * when its response arrives (Lambda's init + first invoke).
 */
import path from 'node:path';
import { freePort, probe, spawnService, stopProcess } from '../ramp/processes.ts';
import { startEmulator } from '../../infra/twin/lambda/runtime-api.ts';
import { LamphpError } from '../../bridge/errors.ts';
import { BOOTSTRAP, lambdaEnv, startLambdaFront, waitForPollers } from './lambda-front.ts';
import { functionUrlEvent } from './lambda-event.ts';
import { NODE, serveArgs, serveEnv } from './servers.ts';
import { median, round } from './stats.ts';
import { PAGE_PATH } from './throughput.ts';
import type { ColdRow, Page } from './result.ts';

const POLL_MS = 5;
const LIMIT_MS = 60_000;

export async function coldServe(root: string, page: Page, workDir: string): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}${PAGE_PATH[page]}`;
  const t0 = performance.now();
  const service = spawnService({ name: 'cold serve', command: NODE, args: serveArgs(root, port, 1), logFile: path.join(workDir, `cold-serve-${port}.log`), env: serveEnv(workDir) });
  try {
    while (performance.now() - t0 < LIMIT_MS) {
      if (service.child.exitCode !== null) throw new LamphpError('BENCH_CHILD_EXITED', `lamphp serve exited during a cold start.\n${service.tail()}`);
      const status = await probe(url, 30_000);
      if (status === 200) return performance.now() - t0;
      if (status !== null) throw new LamphpError('BENCH_STATUS', `cold ${page} via serve answered ${status}.\n${service.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new LamphpError('BENCH_NOT_READY', `no answer from ${url} within ${LIMIT_MS} ms`);
  } finally {
    await stopProcess(service.child);
  }
}

export async function coldLambda(root: string, page: Page, workDir: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const emulator = await startEmulator({ timeoutMs: LIMIT_MS });
  const event = functionUrlEvent({ method: 'GET', url: PAGE_PATH[page], rawHeaders: ['host', '127.0.0.1:9000'], body: Buffer.alloc(0), sourceIp: '127.0.0.1', port: 9000 });
  const answered = emulator.invoke(event);
  const t0 = performance.now();
  const service = spawnService({
    name: 'cold lambda',
    command: BOOTSTRAP,
    args: [],
    logFile: path.join(workDir, `cold-lambda.log`),
    env: lambdaEnv(emulator, root, { LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), ...env }),
  });
  try {
    const failed = emulator.initError.then((e) => {
      throw new LamphpError('BENCH_LAMBDA_INIT', `init error: ${e.errorMessage}`);
    });
    const result = await Promise.race([answered, failed]);
    const ms = performance.now() - t0;
    if (result.kind !== 'response' || result.json?.statusCode !== 200) {
      throw new LamphpError('BENCH_STATUS', `cold ${page} via Lambda: ${result.kind} ${result.kind === 'response' ? result.json?.statusCode : ''}\n${service.tail()}`);
    }
    return ms;
  } finally {
    await service.stop();
    await emulator.close();
  }
}

/**
 * A deployed site's first environment writes the opcache snapshot after its first responses and
 * every later cold start restores it. A cold-start run stops right after its first response,
 * before that write lands, so one environment serves a few requests first, as a site in use has.
 */
export async function primeSnapshot(root: string, workDir: string, requests = 3, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const front = await startLambdaFront({ root, instances: 1, logDir: workDir, env: { LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), ...env } });
  try {
    for (let i = 0; i < requests; i++) {
      const res = await fetch(front.url + PAGE_PATH.wordpress);
      await res.arrayBuffer();
    }
    // The write happens after the response, before the runtime polls for the next invocation.
    await waitForPollers(front.emulator, 1, front.instances);
  } finally {
    await front.stop();
  }
}

export async function runColdStarts({
  roots,
  runs,
  workDir,
  log,
}: {
  roots: Record<Page, string>;
  runs: number;
  workDir: string;
  log: (line: string) => void;
}): Promise<ColdRow[]> {
  const rows: ColdRow[] = [];
  for (const page of ['hello', 'wordpress'] as const) {
    if (page === 'wordpress') await primeSnapshot(roots[page], workDir);
    for (const server of ['serve', 'lambda'] as const) {
      const runsMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        runsMs.push(round(await (server === 'serve' ? coldServe : coldLambda)(roots[page], page, workDir), 1)!);
      }
      const row: ColdRow = { page, server, runsMs, medianMs: round(median(runsMs), 1), ...(page === 'wordpress' && { snapshotPrimed: true }) };
      log(`  cold ${page} ${server}: median ${row.medianMs} ms (${runsMs.join(', ')})`);
      rows.push(row);
    }
  }
  return rows;
}
