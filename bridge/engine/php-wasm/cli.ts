/**
 * Main-thread side of a console run: a PHP runtime of its own in a thread of its own (the SAPI
 * name is fixed before a runtime's first request, so the request workers cannot run `cli`),
 * its output collected up to a limit, and the thread terminated at the deadline, whatever PHP
 * is doing. The runtime shares the engine's lock table like any other worker.
 */
import { Worker } from 'node:worker_threads';
import { EngineError } from '../engine.ts';
import { WORKER_URL } from './files.ts';
import { WORKER_RESOURCE_LIMITS, type WorkerSpec } from './protocol.ts';
import type { CliFromWorker, CliToWorker } from './cli-worker.ts';
import type { MessageHook } from './php-worker.ts';
import type { Logger } from '../../log.ts';
import { CAPTURED_STDIO, logWorkerOutput } from './worker-output.ts';

export interface CliRun {
  /**
   * What follows `php` on a command line: a script (relative to the document root, which is the
   * working directory) and its arguments, or PHP's own options such as `-r CODE`.
   */
  args: string[];
  /** Environment the script reads with getenv(). */
  env?: Record<string, string>;
  /** Epoch ms: past it the runtime is stopped and the result says `timedOut`. */
  deadline: number;
  /** Bytes kept of stdout and of stderr each; past it the middle is left out, with a marker. */
  outputLimit: number;
  /** Correlates the script's `post_message_to_js()` calls, as a request id does for a page. */
  requestId?: string;
}

export interface CliResult {
  /** PHP's exit code; TIMED_OUT_EXIT_CODE when the script was stopped at the deadline. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Bytes the script wrote to each stream, kept or not. */
  stdoutBytes: number;
  stderrBytes: number;
  /** Some output was left out (see outputLimit). */
  truncated: boolean;
  /** The script ran past the deadline and was stopped. */
  timedOut: boolean;
  /** Boot of the runtime plus the script, in ms. */
  durationMs: number;
  /** Files under the watched uploads directory the script wrote or deleted. */
  touched?: { path: string; op: 'write' | 'delete' }[];
}

/** The exit code reported for a script stopped at its deadline, as coreutils' `timeout` does. */
export const TIMED_OUT_EXIT_CODE = 124;

/** Keeps the first and the last bytes of a stream, at most `limit` in all. */
export class OutputCapture {
  readonly #headLimit: number;
  readonly #tailLimit: number;
  #head: Uint8Array[] = [];
  #headBytes = 0;
  #tail: Uint8Array[] = [];
  #tailBytes = 0;
  total = 0;

  constructor(limit: number) {
    this.#headLimit = Math.ceil(limit / 2);
    this.#tailLimit = limit - this.#headLimit;
  }

  push(chunk: Uint8Array): void {
    this.total += chunk.byteLength;
    const room = this.#headLimit - this.#headBytes;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.#head.push(part);
      this.#headBytes += part.byteLength;
      chunk = chunk.subarray(part.byteLength);
    }
    if (chunk.byteLength === 0 || this.#tailLimit === 0) return;
    this.#tail.push(chunk);
    this.#tailBytes += chunk.byteLength;
    while (this.#tailBytes - this.#tail[0]!.byteLength >= this.#tailLimit) this.#tailBytes -= this.#tail.shift()!.byteLength;
  }

  get truncated(): boolean {
    return this.total > this.#headBytes + Math.min(this.#tailBytes, this.#tailLimit);
  }

  text(): string {
    const head = Buffer.concat(this.#head);
    const tailAll = Buffer.concat(this.#tail);
    const tail = tailAll.subarray(Math.max(0, tailAll.byteLength - this.#tailLimit));
    const left = this.total - head.byteLength - tail.byteLength;
    if (left <= 0) return Buffer.concat([head, tail]).toString('utf8');
    return `${head.toString('utf8')}\n[lamphp: ${left} bytes of output left out; ${this.total} in all]\n${tail.toString('utf8')}`;
  }
}

/**
 * Runs one script in a fresh CLI runtime built from `spec`. Rejects with EngineError EBOOT
 * (the runtime did not start) or ECRASHED (it broke); a script that fails or runs too long
 * resolves with its exit code or `timedOut`. `onExit` hears when the thread is gone.
 */
export function runCli(
  spec: WorkerSpec,
  run: CliRun,
  hooks: { onExit?: (spec: WorkerSpec) => void; onMessage?: MessageHook; logger?: Logger } = {},
): { result: Promise<CliResult>; stop(): Promise<void> } {
  const started = performance.now();
  const worker = new Worker(WORKER_URL, {
    workerData: { ...spec, cli: true } satisfies WorkerSpec,
    transferList: [spec.locks.port],
    execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
    resourceLimits: WORKER_RESOURCE_LIMITS,
    ...CAPTURED_STDIO,
  });
  if (hooks.logger) logWorkerOutput(worker, hooks.logger, () => run.requestId);
  const stdout = new OutputCapture(run.outputLimit);
  const stderr = new OutputCapture(run.outputLimit);
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let fail: (error: EngineError) => void = () => {};

  const result = new Promise<CliResult>((resolve, reject) => {
    // Settles once the thread is gone, so its file locks are released (onExit) before the caller goes on.
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate().then(outcome, outcome);
    };
    const finish = (exitCode: number, timedOut: boolean, touched?: CliResult['touched']) => {
      const durationMs = Math.round(performance.now() - started);
      settle(() =>
        resolve({
          exitCode,
          stdout: stdout.text(),
          stderr: stderr.text(),
          stdoutBytes: stdout.total,
          stderrBytes: stderr.total,
          truncated: stdout.truncated || stderr.truncated,
          timedOut,
          durationMs,
          ...(touched && { touched }),
        }),
      );
    };
    fail = (error: EngineError) => settle(() => reject(error));
    const remaining = run.deadline - Date.now();
    if (remaining <= 0) {
      fail(new EngineError('ETIMEDOUT', 'The deadline passed before the PHP script could start.'));
      return;
    }
    // The deadline covers the boot as well: the caller has only so much time.
    timer = setTimeout(() => finish(TIMED_OUT_EXIT_CODE, true), Math.min(remaining, 2 ** 31 - 1));
    worker.on('message', (msg: CliFromWorker) => {
      switch (msg.t) {
        case 'ready': {
          const start: CliToWorker = { t: 'cli', argv: ['php', ...run.args], env: run.env ?? {} };
          worker.postMessage(start);
          break;
        }
        case 'boot-error':
          fail(new EngineError('EBOOT', `PHP ${spec.phpVersion} (CLI) failed to start: ${msg.message}`));
          break;
        case 'output':
          (msg.stream === 'stdout' ? stdout : stderr).push(new Uint8Array(msg.chunk));
          break;
        case 'exit':
          finish(msg.exitCode, false, msg.touched);
          break;
        case 'crash':
          fail(new EngineError('ECRASHED', `PHP runtime crashed: ${msg.message}`));
          break;
        case 'message':
          void forward(msg.callId, msg.data);
          break;
      }
    });
    worker.on('error', (error) => fail(new EngineError('ECRASHED', `PHP console worker died: ${error.message}`, { cause: error })));
    const forward = async (callId: number, data: string) => {
      let reply: CliToWorker;
      try {
        reply = { t: 'reply', callId, result: hooks.onMessage ? await hooks.onMessage(run.requestId ?? '', data) : '' };
      } catch (error) {
        reply = { t: 'reply', callId, result: '', error: (error as Error)?.message ?? String(error) };
      }
      if (!settled) worker.postMessage(reply);
    };
    worker.on('exit', (code) => {
      hooks.onExit?.(spec);
      fail(new EngineError('ECRASHED', `PHP console worker exited with code ${code} before the script finished.`));
    });
  });
  result.catch(() => {}); // the caller observes it; avoid an unhandled rejection meanwhile
  return {
    result,
    async stop() {
      fail(new EngineError('ECLOSED', 'The PHP engine is shut down.'));
      await result.catch(() => {});
    },
  };
}
