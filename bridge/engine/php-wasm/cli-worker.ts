/**
 * Worker side of a console run: one PHP runtime booted with the `cli` SAPI, one script through
 * php-wasm's `php.cli()` (PHP's own CLI: `$argv`, `$argc`, STDIN/STDOUT/STDERR, exit codes),
 * then the thread is done. Output goes to the main thread as it is produced, so a script
 * stopped at its deadline still reports what it printed. worker.ts starts this for a CLI spec.
 */
import type { MessagePort } from 'node:worker_threads';
import type { PhpInstance } from './php-wasm-api.ts';
import type { WorkerSpec } from './protocol.ts';
import { bootRuntime } from './runtime.ts';
import { ownBuffer } from './protocol.ts';
import { journalPhpWasmUploads, type UploadsJournal } from '../../uploads/fs-journal.ts';
import { codeCacheOf } from './code-cache.ts';
import { installSendmail } from './sendmail.ts';

export type CliToWorker =
  | { t: 'cli'; argv: string[]; env: Record<string, string> }
  | { t: 'reply'; callId: number; result: string; error?: string };

export type CliFromWorker =
  | { t: 'ready'; bootMs: number }
  | { t: 'boot-error'; message: string }
  | { t: 'output'; stream: 'stdout' | 'stderr'; chunk: ArrayBuffer }
  | { t: 'exit'; exitCode: number; touched?: { path: string; op: 'write' | 'delete' }[] }
  | { t: 'crash'; message: string }
  | { t: 'message'; callId: number; data: string };

/** What `php.cli()` resolves with (@php-wasm/universal StreamedPHPResponse). */
interface CliResponse {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  exitCode: Promise<number>;
}
type CliPhp = PhpInstance & { cli(argv: string[], options?: { env?: Record<string, string> }): Promise<CliResponse> };

export async function serveCli(port: MessagePort, spec: WorkerSpec): Promise<void> {
  const post = (msg: CliFromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  const started = performance.now();
  let php: CliPhp;
  let uploads: UploadsJournal | undefined;
  try {
    php = (await bootRuntime(spec)) as CliPhp;
    if (spec.uploadsDir) uploads = await journalPhpWasmUploads(php, spec.uploadsDir);
  } catch (error) {
    post({ t: 'boot-error', message: (error as Error)?.message ?? String(error) });
    return;
  }
  // post_message_to_js() reaches the engine's hook as from a request worker (CDN purges, uploads).
  const calls = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  let nextCallId = 1;
  const ask = (data: string) =>
    new Promise<string>((resolve, reject) => {
      const callId = nextCallId++;
      calls.set(callId, { resolve, reject });
      post({ t: 'message', callId, data });
    });
  if (spec.forwardMessages) php.onMessage(ask);
  installSendmail(php, spec.forwardMessages ? ask : undefined);
  port.on('message', (msg: CliToWorker) => {
    if (msg.t === 'cli') void run(msg);
    else {
      const call = calls.get(msg.callId);
      calls.delete(msg.callId);
      if (msg.error !== undefined) call?.reject(new Error(msg.error));
      else call?.resolve(msg.result);
    }
  });
  const run = async (msg: Extract<CliToWorker, { t: 'cli' }>) => {
    const pump = async (stream: ReadableStream<Uint8Array>, name: 'stdout' | 'stderr') => {
      for await (const chunk of stream) {
        if (chunk.byteLength === 0) continue;
        const buffer = ownBuffer(chunk);
        post({ t: 'output', stream: name, chunk: buffer }, [buffer]);
      }
    };
    try {
      const response = await php.cli(msg.argv, { env: msg.env });
      await Promise.all([pump(response.stdout, 'stdout'), pump(response.stderr, 'stderr')]);
      const exitCode = await response.exitCode;
      codeCacheOf(php)?.endRequest(); // a console script that changed code (wp plugin update) tells every instance
      const touched = uploads?.take();
      post({ t: 'exit', exitCode, ...(touched && touched.length > 0 && { touched }) });
    } catch (error) {
      // Not an exit code: the runtime itself broke (a wasm trap).
      post({ t: 'crash', message: (error as Error)?.message ?? String(error) });
    }
  };
  post({ t: 'ready', bootMs: performance.now() - started });
}
