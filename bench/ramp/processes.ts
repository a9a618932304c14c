/**
 * Child processes of a run (app instances, balancer, nginx): start with output to a log
 * file, wait until they answer HTTP, stop them by pid within a bounded time. Every child
 * started here is killed when this process exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import { LamphpError } from '../../bridge/errors.ts';

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Stops `child` when this process exits (SIGTERM: nginx's master then stops its workers too). */
export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of children) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGTERM');
    });
  }
}

export interface Service {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** The last part of the log, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

export function spawnService({
  name,
  command,
  args,
  logFile,
  env,
  cwd,
}: {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): Service {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: env ?? process.env, ...(cwd ? { cwd } : {}) });
  closeSync(fd);
  track(child);
  return {
    name,
    child,
    logFile,
    tail: () => {
      try {
        return readFileSync(logFile, 'utf8').slice(-2000);
      } catch {
        return '';
      }
    },
    stop: () => stopProcess(child),
  };
}

/** Signals the child, waits up to `graceMs` for it to exit, then kills it. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
  if ((await Promise.race([exited, timer(graceMs)])) === 'timeout') {
    child.kill('SIGKILL');
    await Promise.race([exited, timer(2_000)]);
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One GET; resolves with the status, or null when nothing answered. */
export function probe(url: string, timeoutMs = 2_000): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? null));
      res.once('error', () => resolve(null));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(null));
  });
}

/**
 * Polls `url` until it answers 200 (or anything, with `acceptAny`), the child exits, or
 * `timeoutMs` passes.
 */
export async function waitForHttp(
  url: string,
  { timeoutMs, child, acceptAny = false, describe }: { timeoutMs: number; child?: ChildProcess; acceptAny?: boolean; describe?: () => string },
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last: number | null = null;
  while (performance.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new LamphpError('BENCH_CHILD_EXITED', `The process behind ${url} exited (${child.exitCode ?? child.signalCode}).${describe ? `\n${describe()}` : ''}`);
    }
    last = await probe(url);
    if (last !== null && (acceptAny || last === 200)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LamphpError(
    'BENCH_NOT_READY',
    `${url} did not answer ${acceptAny ? '' : '200 '}within ${timeoutMs} ms (last: ${last ?? 'no answer'}).${describe ? `\n${describe()}` : ''}`,
  );
}
