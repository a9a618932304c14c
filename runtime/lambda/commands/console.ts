/**
 * Console invocations: `{"lamphp":{"command":"php","args":[…]}}` runs PHP's CLI (`PHP_SAPI` is
 * `cli`, `$argv` is `php` plus the args) against the document root, in a runtime of its own,
 * within the invocation's deadline. Enough for `wp-cli.phar` on the EFS volume or a site's own
 * maintenance scripts. Only a direct invocation (IAM's `lambda:InvokeFunction`) can carry this
 * shape; LAMPHP_CONSOLE=off refuses it.
 */
import { EngineError } from '../../../bridge/index.ts';
import type { CliResult } from '../../../bridge/engine/php-wasm/index.ts';
import { engineDeadline } from '../deadline.ts';
import type { InvocationOutcome } from '../loop.ts';
import { commandError, type CommandContext } from './index.ts';

/** Largest buffered result the Runtime API accepts, in bytes. */
const LAMBDA_RESULT_LIMIT = 6_291_556;

/** What a console invocation returns; `lamphp console` prints it and exits with `exitCode`. */
export interface ConsoleResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Some output was left out (LAMPHP_CONSOLE_OUTPUT_LIMIT, or the 6 MB result limit). */
  truncated: boolean;
  /** The script ran past the deadline and was stopped (exit code 124). */
  timedOut: boolean;
  durationMs: number;
}

/** The environment a console script sees with getenv(): a home and temp directory in PHP's memory. */
export function consoleEnv(requestId: string): Record<string, string> {
  return { HOME: '/tmp', TMPDIR: '/tmp', TERM: 'dumb', LAMPHP_REQUEST_ID: requestId };
}

export async function runConsole({ config, engine, uploads, ctx, log }: CommandContext, args: string[]): Promise<InvocationOutcome> {
  if (!config.console) {
    log.warn('console invocation refused: LAMPHP_CONSOLE is off');
    return commandError('Lamphp.ConsoleDisabled', 'Console invocations are switched off on this function (LAMPHP_CONSOLE=off).');
  }
  const deadline = engineDeadline(ctx.deadlineMs, config.deadlineMarginMs);
  log.info('console invocation', { args: args.slice(0, 16).map((a) => a.slice(0, 200)) });
  let result: CliResult;
  try {
    result = await engine.cli({ args, env: consoleEnv(ctx.requestId), deadline, outputLimit: config.consoleOutputLimit, requestId: ctx.requestId });
  } catch (err) {
    const code = err instanceof EngineError ? err.code : 'ECRASHED';
    log.error('console invocation failed', { code, err });
    return commandError('Lamphp.ConsoleFailed', `PHP could not run the script (${code}): ${(err as Error).message}`);
  }
  let after: (() => Promise<void>) | undefined;
  if (uploads && result.touched && result.touched.length > 0) {
    // Files the script wrote under the uploads directory reach S3 before we answer, as for a page.
    const plan = uploads.afterPhp(result.touched, ctx.requestId, log);
    if (plan.beforeResponse) await plan.beforeResponse;
    after = plan.afterResponse;
  }
  let stderr = result.stderr;
  if (result.timedOut) {
    log.error('console script stopped at the deadline', { durationMs: result.durationMs, args: args.slice(0, 4) });
    stderr += `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}[lamphp: the script was stopped after ${result.durationMs} ms: ` +
      `it ran past the invocation's deadline (raise the function timeout, or do less per invocation)]\n`;
  } else {
    log.info('console script finished', { exitCode: result.exitCode, durationMs: result.durationMs, stdoutBytes: result.stdoutBytes, stderrBytes: result.stderrBytes });
  }
  const payload = fitResult({
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr,
    truncated: result.truncated,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
  });
  return { kind: 'buffered', payload, ...(after && { after }) };
}

/** Shortens the output until the JSON result fits Lambda's 6 MB (escaping can grow it past the limit). */
export function fitResult(result: ConsoleResult, limit = LAMBDA_RESULT_LIMIT): ConsoleResult {
  let fitted = result;
  while (Buffer.byteLength(JSON.stringify(fitted)) > limit) {
    const key = fitted.stdout.length >= fitted.stderr.length ? 'stdout' : 'stderr';
    const text = fitted[key];
    const keep = Math.floor(text.length / 4);
    fitted = {
      ...fitted,
      [key]: `${text.slice(0, keep)}\n[lamphp: output left out to fit the 6 MB result limit]\n${text.slice(text.length - keep)}`,
      truncated: true,
    };
  }
  return fitted;
}
