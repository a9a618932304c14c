/**
 * `lamphp console --function NAME [--region R] [--qualifier Q] -- <php args>`: runs a PHP
 * command line in the deployed function (`{"lamphp":{"command":"php","args":[…]}}` through the
 * Lambda Invoke API), prints what the script wrote to stdout and stderr, and exits with PHP's
 * exit code. Credentials, region and endpoint come from the AWS SDK's usual sources
 * (AWS_PROFILE, AWS_ACCESS_KEY_ID…, AWS_REGION, AWS_ENDPOINT_URL_LAMBDA).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LamphpError } from '../bridge/index.ts';

export interface ConsoleFlags {
  functionName: string;
  region?: string;
  qualifier?: string;
  /** What follows `php` on the command line, e.g. `wp-cli.phar option get home`. */
  args: string[];
}

/** Exit code when the invocation itself failed (refused, function error), not the script. */
export const INVOCATION_FAILED = 1;

/** The event a console invocation sends. */
export function consoleEvent(args: string[]): { lamphp: { command: 'php'; args: string[] } } {
  return { lamphp: { command: 'php', args } };
}

interface ConsolePayload {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated?: boolean;
  timedOut?: boolean;
}

function isConsolePayload(value: unknown): value is ConsolePayload {
  const p = value as ConsolePayload | null;
  return typeof p === 'object' && p !== null && Number.isInteger(p.exitCode) && typeof p.stdout === 'string' && typeof p.stderr === 'string';
}

export async function runConsoleCommand(
  flags: ConsoleFlags,
  out: { stdout: (text: string) => void; stderr: (text: string) => void } = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  if (!flags.functionName) throw new LamphpError('EUSAGE', 'Name the function: lamphp console --function NAME -- <php args>.');
  if (flags.args.length === 0) {
    throw new LamphpError('EUSAGE', 'Give the PHP command line after --, e.g. lamphp console --function NAME -- wp-cli.phar cron event list.');
  }
  const client = new LambdaClient({
    ...(flags.region && { region: flags.region }),
    // A retried invocation would run the script twice.
    maxAttempts: 1,
    // A script may use the function's whole timeout (15 minutes at most).
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 16 * 60_000 },
  });
  let response;
  try {
    response = await client.send(
      new InvokeCommand({
        FunctionName: flags.functionName,
        ...(flags.qualifier && { Qualifier: flags.qualifier }),
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(consoleEvent(flags.args))),
      }),
    );
  } catch (err) {
    throw new LamphpError('EINVOKE', `Could not invoke ${flags.functionName}: ${(err as Error).message}`, { cause: err });
  } finally {
    client.destroy();
  }
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = undefined;
  }
  if (response.FunctionError) {
    const p = payload as { errorType?: string; errorMessage?: string } | undefined;
    out.stderr(`lamphp console: ${flags.functionName} failed (${response.FunctionError}): ${p?.errorType ? `${p.errorType}: ` : ''}${p?.errorMessage ?? text}\n`);
    return INVOCATION_FAILED;
  }
  if (!isConsolePayload(payload)) {
    out.stderr(`lamphp console: ${flags.functionName} did not answer like lamphp's console (is it a lamphp function?): ${text.slice(0, 500)}\n`);
    return INVOCATION_FAILED;
  }
  out.stdout(payload.stdout);
  out.stderr(payload.stderr);
  if (payload.truncated) out.stderr('lamphp console: some output was left out (LAMPHP_CONSOLE_OUTPUT_LIMIT).\n');
  return payload.exitCode;
}
