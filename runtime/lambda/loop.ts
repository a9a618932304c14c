/**
 * The Lambda invocation loop: next → handler → response → after-response work → next.
 * Work in the after-response slot runs while the caller already has its answer.
 */
import type { Logger } from '../../bridge/index.ts';
import type { RuntimeApiClient } from './client.ts';

export interface InvocationContext {
  requestId: string;
  /** Epoch ms at which Lambda stops the sandbox. */
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string | undefined;
}

export type InvocationOutcome = (
  | { kind: 'buffered'; payload: unknown }
  | { kind: 'stream'; prelude: object; body: AsyncIterable<Uint8Array> }
  | { kind: 'error'; errorType: string; errorMessage: string }
) & {
  /** Runs after the response is posted and before the next invocation is fetched. */
  after?: () => Promise<void>;
};

export type InvocationHandler = (event: unknown, ctx: InvocationContext) => Promise<InvocationOutcome>;

export interface LoopOptions {
  client: RuntimeApiClient;
  handler: InvocationHandler;
  logger: Logger;
  /** Aborting stops polling; an invocation in progress (and its after-work) still completes. */
  signal?: AbortSignal;
  /** Where `_X_AMZN_TRACE_ID` is set for each invocation (process.env by default). */
  env?: Record<string, string | undefined>;
}

function isCancel(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ECANCELED';
}

/** Serves invocations until `signal` aborts; rejects only when the Runtime API itself fails. */
export async function runLoop({ client, handler, logger, signal, env = process.env }: LoopOptions): Promise<void> {
  while (!signal?.aborted) {
    let invocation;
    try {
      invocation = await client.next(signal);
    } catch (err) {
      if (isCancel(err) || signal?.aborted) return;
      throw err;
    }
    const { requestId, deadlineMs, invokedFunctionArn, traceId, event } = invocation;
    const log = logger.child({ requestId });
    // The X-Ray SDK and any PHP-side tracing read the trace header from the environment.
    if (traceId) env._X_AMZN_TRACE_ID = traceId;
    else delete env._X_AMZN_TRACE_ID;

    let outcome: InvocationOutcome;
    try {
      outcome = await handler(event, { requestId, deadlineMs, invokedFunctionArn, traceId });
    } catch (err) {
      log.error('invocation failed', { err });
      await post(log, 'invocation error', () => client.error(requestId, err));
      continue;
    }

    switch (outcome.kind) {
      case 'buffered':
        await post(log, 'response', () => client.respond(requestId, outcome.payload));
        break;
      case 'stream':
        await post(log, 'streamed response', () => client.respondStream(requestId, outcome.prelude, outcome.body));
        break;
      case 'error':
        await post(log, 'invocation error', () =>
          client.error(requestId, { errorType: outcome.errorType, errorMessage: outcome.errorMessage, stackTrace: [] }),
        );
        break;
    }

    if (outcome.after) {
      try {
        await outcome.after();
      } catch (err) {
        log.error('after-response work failed', { err });
      }
    }
  }
}

/** A refused or failed post loses this invocation only: log it and keep serving. */
async function post(log: Logger, what: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    log.error(`posting the ${what} failed`, { err });
  }
}

export interface RunOptions extends Omit<LoopOptions, 'signal'> {
  /** Closes the engine once the loop has stopped. */
  shutdown?: () => Promise<void>;
  signals?: NodeJS.Signals[];
  /** How long stopping may take after a signal; Lambda's shutdown phase lasts at most 2 s. */
  graceMs?: number;
}

/**
 * Runs the loop until SIGTERM/SIGINT, then finishes the invocation in progress and its
 * after-work, runs `shutdown` and resolves with the process exit code (1 when stopping
 * outlived `graceMs`, so the caller can exit anyway).
 */
export async function runUntilSignal({
  shutdown,
  signals = ['SIGTERM', 'SIGINT'],
  graceMs = 1500,
  ...options
}: RunOptions): Promise<number> {
  const { client, logger } = options;
  const controller = new AbortController();
  let phase: 'serving' | 'finishing the invocation' | 'shutdown' = 'serving';
  let overdue: () => void = () => {};
  const tooLate = new Promise<'late'>((resolve) => (overdue = () => resolve('late')));
  let watchdog: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info('shutting down', { signal });
    if (phase === 'serving') phase = 'finishing the invocation';
    controller.abort();
    watchdog ??= setTimeout(overdue, graceMs);
  };
  for (const s of signals) process.on(s, onSignal);

  const stop = async (): Promise<number> => {
    let code = 0;
    try {
      await runLoop({ ...options, signal: controller.signal });
    } catch (err) {
      logger.error('runtime loop stopped: the Runtime API failed', { err });
      code = 1;
    }
    phase = 'shutdown';
    try {
      await shutdown?.();
    } catch (err) {
      logger.error('shutdown failed', { err });
      code = 1;
    }
    return code;
  };
  const outcome = await Promise.race([stop(), tooLate]);
  clearTimeout(watchdog);
  for (const s of signals) process.off(s, onSignal);
  let code: number;
  if (outcome === 'late') {
    logger.error('shutdown did not finish in time', { phase, graceMs });
    code = 1;
  } else {
    code = outcome;
  }
  client.close();
  logger.info('runtime stopped', { exitCode: code });
  return code;
}
