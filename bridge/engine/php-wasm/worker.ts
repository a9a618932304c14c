/**
 * Worker thread entry: one PHP runtime, one request at a time. The main thread owns deadlines
 * (it terminates this thread), rotation and crash recovery (it replaces this thread).
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { PhpInstance, StreamedResponse } from './php-wasm-api.ts';
import { BodyCollector, finishMessage, type FinishMessage } from './early-response.ts';
import { headerFields, readHeaderBlock } from '../../response-headers.ts';
import { bootRuntime, freshNodesOf } from './runtime.ts';
import { toRunOptions } from './request.ts';
import { ownBuffer, type FromWorker, type ToWorker, type WorkerSpec } from './protocol.ts';
import { journalPhpWasmUploads, type UploadsJournal } from '../../uploads/fs-journal.ts';
import { serveCli } from './cli-worker.ts';
import { codeCacheOf, type CodeTreeCache } from './code-cache.ts';
import { fileCacheCount, releaseFileCache, saveSnapshot } from './opcache-snapshot.ts';
import { installSendmail } from './sendmail.ts';

const port = parentPort!;
const spec = workerData as WorkerSpec;
const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

let currentId = 0;
let nextCallId = 1;
const pendingCalls = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
let uploads: UploadsJournal | undefined;
let codeCache: CodeTreeCache | undefined;
/** While a request runs: answers its `fastcgi_finish_request()`. */
let finishing: ((msg: FinishMessage) => Promise<void>) | undefined;

/** PHP's status and header lines, read from the raw block: php-wasm's own reader drops every header on one bad byte. */
interface PhpHeaders {
  status: number;
  headers: Record<string, string[]>;
  badHeaderLines?: string[];
  headerBlockUnreadable?: true;
}

async function headersOf(streamed: StreamedResponse): Promise<PhpHeaders> {
  const chunks: Uint8Array[] = [];
  // php-wasm enqueues views of its heap, typed as whatever the heap view was (Int8Array).
  for await (const chunk of streamed.getHeadersStream()) chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  const block = readHeaderBlock(Buffer.concat(chunks));
  if (!block) return { status: 0, headers: {}, headerBlockUnreadable: true };
  return { status: block.status, ...fieldsOf(block.lines) };
}

/** Header lines as fields, with the lines that are not `name: value` kept apart for the bridge's log. */
function fieldsOf(lines: readonly string[]): Pick<PhpHeaders, 'headers' | 'badHeaderLines'> {
  const { headers, malformed } = headerFields(lines);
  return { headers, ...(malformed.length > 0 && { badHeaderLines: malformed }) };
}

async function serve(php: PhpInstance, id: number, env: Record<string, string>, body: ArrayBuffer | null): Promise<void> {
  currentId = id;
  let response: PhpHeaders & { bytes: Uint8Array; errors: string; exitCode: number };
  uploads?.reset();
  codeCache?.beginRequest();
  freshNodesOf(php)?.beginRequest();
  const script = env.SCRIPT_FILENAME;
  if (!script || !php.fileExists(script)) {
    // php-wasm would throw and then treat the runtime as crashed; answer like php-fpm instead.
    const bytes = new TextEncoder().encode('File not found.\n').buffer as ArrayBuffer;
    const headers = { 'content-type': ['text/plain; charset=UTF-8'] };
    post({ t: 'done', id, status: 404, headers, body: bytes, errors: `Primary script unknown: ${script ?? '(none)'}\n`, exitCode: 0 }, [bytes]);
    return;
  }
  // Like php-fpm, every request starts in its script's directory: a chdir() by an earlier
  // request must not move where this one's relative includes resolve.
  php.chdir(path.posix.dirname(script));
  let early = false;
  try {
    const streamed = (await php.runStream(toRunOptions(env, body ? new Uint8Array(body) : undefined))) as StreamedResponse;
    const collector = new BodyCollector(streamed.stdout);
    finishing = async (msg) => {
      // fastcgi_finish_request(): the answer leaves now; the script goes on, its output dropped.
      const bytes = ownBuffer(await collector.finish());
      early = true;
      post({ t: 'early', id, status: msg.status, ...fieldsOf(msg.headers.filter((line) => typeof line === 'string')), body: bytes }, [bytes]);
    };
    const [exitCode, headers, errors] = await Promise.all([streamed.exitCode, headersOf(streamed), streamed.stderrText]);
    await collector.done;
    response = { ...headers, exitCode, errors, bytes: collector.take() };
    codeCache?.endRequest(); // before the answer: the next request anywhere sees this one's code writes
  } catch (error) {
    // Not a PHP exit code: the runtime is broken (wasm trap, fd exhaustion). The pool replaces us.
    const err = error as Error;
    post({ t: 'crash', id, message: err?.message ?? String(error), stack: err?.stack });
    return;
  } finally {
    finishing = undefined;
  }
  const bytes = ownBuffer(early ? new Uint8Array(0) : response.bytes);
  const touched = uploads?.take();
  post(
    {
      t: 'done',
      id,
      status: response.status,
      headers: response.headers,
      ...(response.badHeaderLines && { badHeaderLines: response.badHeaderLines }),
      ...(response.headerBlockUnreadable && { headerBlockUnreadable: true }),
      body: bytes,
      errors: response.errors,
      exitCode: response.exitCode,
      ...(touched && touched.length > 0 && { touched }),
    },
    [bytes],
  );
  maybeSaveSnapshot(php);
}

let served = 0;
let snapshotDone = !spec.opcacheSnapshot;
/** Files this runtime wrote as the snapshot after its first request (0: it did not write one). */
let wroteFiles = 0;

/**
 * After the answer: a runtime that finds no snapshot for this code version writes one after its
 * first request, and once more after `afterRequests` if it has compiled more scripts since; then
 * it drops its in-memory copy of the file cache.
 */
function maybeSaveSnapshot(php: PhpInstance): void {
  if (snapshotDone) return;
  const fs = php as unknown as Parameters<typeof saveSnapshot>[0];
  served++;
  try {
    if (served === 1) wroteFiles = saveSnapshot(fs, spec.opcacheSnapshot!);
    if (served < spec.opcacheSnapshot!.afterRequests) return;
    if (wroteFiles > 0 && fileCacheCount(fs) > wroteFiles) saveSnapshot(fs, spec.opcacheSnapshot!, true);
  } catch {
    // A read-only or full filesystem: cold starts stay as they were.
  }
  snapshotDone = true;
  releaseFileCache(fs);
}

async function main(): Promise<void> {
  const started = performance.now();
  let php: PhpInstance;
  try {
    php = await bootRuntime(spec);
    codeCache = codeCacheOf(php);
    if (spec.uploadsDir) {
      uploads = await journalPhpWasmUploads(php, spec.uploadsDir, (t) => post({ t: 'touched', id: currentId, ...t }));
    }
  } catch (error) {
    const err = error as Error;
    post({ t: 'boot-error', message: err?.message ?? String(error), stack: err?.stack });
    return;
  }
  const ask = (data: string) =>
    new Promise<string>((resolve, reject) => {
      const callId = nextCallId++;
      pendingCalls.set(callId, { resolve, reject });
      post({ t: 'message', id: currentId, callId, data });
    });
  php.onMessage(async (data) => {
    const finish = finishMessage(data);
    if (finish) {
      if (!finishing) return '';
      await finishing(finish);
      return 'finished';
    }
    if (!spec.forwardMessages) return '';
    return ask(data);
  });
  // mail() reaches the host through the same channel as post_message_to_js().
  installSendmail(php, spec.forwardMessages ? ask : undefined);
  port.on('message', (msg: ToWorker) => {
    if (msg.t === 'run') {
      void serve(php, msg.id, msg.env, msg.body);
    } else if (msg.t === 'reply') {
      const call = pendingCalls.get(msg.callId);
      pendingCalls.delete(msg.callId);
      if (msg.error !== undefined) call?.reject(new Error(msg.error));
      else call?.resolve(msg.result);
    }
  });
  post({ t: 'ready', bootMs: performance.now() - started, sharedModule: spec.wasmModule !== undefined });
}

// A console runtime (cli-worker.ts) runs one script instead of serving requests.
void (spec.cli ? serveCli(port, spec) : main());
