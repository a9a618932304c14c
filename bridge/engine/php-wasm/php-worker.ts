/** Main-thread handle on one PHP worker thread: boot, run one request at a time, terminate. */
import { Worker } from 'node:worker_threads';
import { EngineError, type CgiCompletion, type CgiRequest, type CgiResponse } from '../engine.ts';
import { WORKER_RESOURCE_LIMITS, type FromWorker, type ToWorker, type WorkerSpec } from './protocol.ts';
import { WORKER_URL } from './files.ts';
import { headerMap } from '../../http.ts';
import type { Logger } from '../../log.ts';
import { CAPTURED_STDIO, logWorkerOutput } from './worker-output.ts';

export type MessageHook = (requestId: string, json: string) => Promise<string>;

export interface PhpWorkerHooks {
  /** The thread died or its runtime broke outside a request we could answer. */
  onDeath(worker: PhpWorker, error: Error): void;
  onMessage?: MessageHook;
  /** The thread has stopped, whatever the reason; its host resources can be reclaimed. */
  onExit?(spec: WorkerSpec): void;
  /** Where what the thread prints (php-wasm's console) is logged, one JSON line per write. */
  logger?: Logger;
}

interface Pending {
  id: number;
  requestId: string;
  /** Uploads touched so far, reported as they happen; handed on if the request fails. */
  touched?: Map<string, 'write' | 'delete'>;
  resolve(response: CgiResponse): void;
  reject(error: Error): void;
  /** Set once PHP answered early: the rest of the script settles this instead. */
  rest?: { resolve(tail: CgiCompletion): void; reject(error: Error): void };
}

export class PhpWorker {
  readonly processId: number;
  /** Requests dispatched to this runtime; it is replaced before php-wasm's fd leak aborts it. */
  served = 0;
  /** Resolves with the boot time in ms once PHP is ready; rejects with EngineError('EBOOT'). */
  readonly ready: Promise<number>;
  #worker: Worker;
  #hooks: PhpWorkerHooks;
  #pending: Pending | undefined;
  #nextId = 1;
  #dead = false;
  #booted = false;
  /** Once ready: whether PHP was instantiated from the module compiled once per process. */
  sharedModule = false;
  #bootReject!: (error: Error) => void;

  constructor(spec: WorkerSpec, hooks: PhpWorkerHooks) {
    this.processId = spec.processId;
    this.#hooks = hooks;
    this.#worker = new Worker(WORKER_URL, {
      workerData: spec,
      transferList: [spec.locks.port],
      // Inherit the process's flags except those that only make sense for an --eval entry.
      execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
      resourceLimits: WORKER_RESOURCE_LIMITS,
      ...CAPTURED_STDIO,
    });
    if (hooks.logger) logWorkerOutput(this.#worker, hooks.logger, () => this.#pending?.requestId);
    let bootResolve!: (ms: number) => void;
    this.ready = new Promise<number>((resolve, reject) => {
      bootResolve = resolve;
      this.#bootReject = reject;
    });
    this.ready.catch(() => {}); // observed by the pool; avoid an unhandled rejection meanwhile
    this.#worker.on('message', (msg: FromWorker) => {
      switch (msg.t) {
        case 'ready':
          this.#booted = true;
          this.sharedModule = msg.sharedModule;
          bootResolve(msg.bootMs);
          break;
        case 'boot-error':
          this.#die(new EngineError('EBOOT', `PHP ${spec.phpVersion} failed to start: ${msg.message}`));
          break;
        case 'early': {
          const p = this.#pending;
          if (!p || p.id !== msg.id || p.rest) break;
          const completion = new Promise<CgiCompletion>((resolve, reject) => (p.rest = { resolve, reject }));
          completion.catch(() => {}); // observed by whoever awaits the rest; a stop must not go unhandled
          p.resolve({
            status: msg.status,
            headers: headerMap(msg.headers),
            ...(msg.badHeaderLines && { badHeaderLines: msg.badHeaderLines }),
            body: new Uint8Array(msg.body),
            errors: '',
            exitCode: 0,
            completion,
          });
          break;
        }
        case 'done':
          this.#settle(msg.id, (p) =>
            p.rest ? p.rest.resolve({ errors: msg.errors, exitCode: msg.exitCode, ...(msg.touched && { touched: msg.touched }) }) : p.resolve({
              status: msg.status,
              // Structured clone gives the map a prototype back; own entries only from here on.
              headers: headerMap(msg.headers),
              ...(msg.badHeaderLines && { badHeaderLines: msg.badHeaderLines }),
              ...(msg.headerBlockUnreadable && { headerBlockUnreadable: true }),
              body: new Uint8Array(msg.body),
              errors: msg.errors,
              exitCode: msg.exitCode,
              ...(msg.touched && { touched: msg.touched }),
            }),
          );
          break;
        case 'crash': {
          const error = new EngineError('ECRASHED', `PHP runtime crashed: ${msg.message}`);
          if (this.#pending?.id === msg.id) error.touched = this.touchedSoFar();
          this.#settle(msg.id, (p) => (p.rest ?? p).reject(error));
          this.#die(error);
          break;
        }
        case 'message':
          void this.#forward(msg.callId, msg.data);
          break;
        case 'touched':
          if (this.#pending?.id === msg.id) (this.#pending.touched ??= new Map()).set(msg.path, msg.op);
          break;
      }
    });
    this.#worker.on('error', (error) => this.#die(error));
    this.#worker.on('exit', (code) => {
      this.#die(new Error(`PHP worker exited with code ${code}.`));
      hooks.onExit?.(spec);
    });
  }

  /** Uploads the running request has touched so far (for a request stopped at its deadline). */
  touchedSoFar(): EngineError['touched'] {
    const touched = this.#pending?.touched;
    return touched ? [...touched].map(([path, op]) => ({ path, op })) : undefined;
  }

  /** The rest of an early-answered request is stopped: its completion rejects with `error`. */
  stopRest(error: Error): void {
    const rest = this.#pending?.rest;
    if (rest) rest.reject(error);
  }

  get busy(): boolean {
    return this.#pending !== undefined;
  }

  get dead(): boolean {
    return this.#dead;
  }

  run(request: CgiRequest): Promise<CgiResponse> {
    if (this.#dead) return Promise.reject(new EngineError('ECRASHED', 'PHP worker is gone.'));
    if (this.#pending) return Promise.reject(new Error('PHP worker is already running a request.'));
    const id = this.#nextId++;
    // Copy into a fresh ArrayBuffer: transferring the caller's would detach it, and a small Buffer
    // (Buffer.concat of a short body) lives in Node's pool, which cannot be transferred at all.
    const body = request.body.byteLength > 0 ? (new Uint8Array(request.body).buffer as ArrayBuffer) : null;
    return new Promise<CgiResponse>((resolve, reject) => {
      this.#pending = { id, requestId: request.requestId, resolve, reject };
      const msg: ToWorker = { t: 'run', id, env: request.env, body };
      this.#worker.postMessage(msg, body ? [body] : []);
    });
  }

  /** Stops the thread, whatever PHP is doing (a busy loop included). */
  async terminate(): Promise<void> {
    this.#dead = true;
    this.#rejectPending(new EngineError('ECRASHED', 'PHP worker was stopped.'));
    if (!this.#booted) this.#bootReject(new EngineError('ECLOSED', 'PHP worker was stopped before it booted.'));
    await this.#worker.terminate();
  }

  #settle(id: number, fn: (p: Pending) => void): void {
    const p = this.#pending;
    if (!p || p.id !== id) return;
    this.#pending = undefined;
    fn(p);
  }

  #rejectPending(error: Error): void {
    const touched = this.touchedSoFar();
    if (touched && error instanceof EngineError) error.touched ??= touched;
    const p = this.#pending;
    this.#pending = undefined;
    (p?.rest ?? p)?.reject(error);
  }

  #die(cause: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    const error = cause instanceof EngineError ? cause : new EngineError('ECRASHED', `PHP worker died: ${cause.message}`, { cause });
    this.#rejectPending(error);
    void this.#worker.terminate();
    if (!this.#booted) {
      // Before boot the pool is awaiting `ready`; that is where it learns of the failure.
      this.#bootReject(cause instanceof EngineError ? cause : new EngineError('EBOOT', `PHP worker failed to start: ${cause.message}`, { cause }));
      return;
    }
    this.#hooks.onDeath(this, error);
  }

  async #forward(callId: number, data: string): Promise<void> {
    let reply: ToWorker;
    try {
      const hook = this.#hooks.onMessage;
      const result = hook ? await hook(this.#pending?.requestId ?? '', data) : '';
      reply = { t: 'reply', callId, result };
    } catch (error) {
      reply = { t: 'reply', callId, result: '', error: (error as Error)?.message ?? String(error) };
    }
    if (!this.#dead) this.#worker.postMessage(reply);
  }
}
