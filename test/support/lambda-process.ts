/**
 * runtime/lambda/bootstrap started as Lambda starts it (provided.al2023: no arguments), against
 * the Runtime API emulator, for the operations suites and the warm-up benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator, type InvokeResult } from '../../infra/twin/lambda/runtime-api.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
export const BOOTSTRAP = path.join(REPO, 'runtime/lambda/bootstrap');

export interface LambdaProcess {
  emu: Emulator;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** SIGTERM, wait for the exit, close the emulator. */
  stop(): Promise<void>;
}

/** Starts a runtime serving `documentRoot`; `env` adds to (or overrides) a Lambda-like environment. */
export async function startLambdaProcess(options: { documentRoot: string; home: string; env?: Record<string, string> }): Promise<LambdaProcess> {
  const emu = await startEmulator();
  const child = spawn(BOOTSTRAP, [], {
    env: {
      PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      HOME: options.home,
      TMPDIR: os.tmpdir(),
      AWS_LAMBDA_RUNTIME_API: emu.url,
      AWS_LAMBDA_FUNCTION_NAME: 'lamphp-test',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_REGION: 'us-east-1',
      LAMBDA_TASK_ROOT: options.home,
      LAMPHP_DOCUMENT_ROOT: options.documentRoot,
      LAMPHP_SESSION_DIR: path.join(options.home, 'sessions'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    emu,
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await emu.close();
    },
  };
}

/** The posted JSON of a buffered response; fails with the runtime's output otherwise. */
export function payloadOf(result: InvokeResult, output = ''): any {
  if (result.kind !== 'response') throw new Error(`expected a response, got ${JSON.stringify(result)}\n${output.slice(-4000)}`);
  return result.json;
}
