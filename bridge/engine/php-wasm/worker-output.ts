/**
 * What a PHP worker thread writes to its own stdout and stderr — php-wasm prints to the console
 * (a multi-line stack when a process cannot be spawned, warnings about polls) — becomes one
 * structured log line per write, so every line of the process's output stays a JSON object.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../log.ts';

/** Longest text kept in one log line; the rest is cut with a marker. */
const MAX_TEXT = 8192;

/** Worker options that keep the thread's stdio away from the process's own streams. */
export const CAPTURED_STDIO = { stdout: true, stderr: true } as const;

/** Logs each write of `worker` to stdout (info) or stderr (warn); `requestId` names the request running then. */
export function logWorkerOutput(worker: Worker, logger: Logger, requestId: () => string | undefined): void {
  const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8').replace(/\s+$/, '');
    if (text === '') return;
    const fields = {
      ...(requestId() !== undefined && { requestId: requestId() }),
      stream,
      text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text,
    };
    logger[stream === 'stderr' ? 'warn' : 'info']('php runtime output', fields);
  };
  worker.stdout.on('data', forward('stdout'));
  worker.stderr.on('data', forward('stderr'));
}
