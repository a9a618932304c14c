/**
 * A fixed-size pool of PHP workers with a bounded wait queue. Owns deadlines (terminate and
 * replace the worker), crash recovery, and rotation: a runtime that has served its quota keeps
 * serving while its successor boots on another thread, so no request pays for the boot.
 */
import { EngineError, type CgiRequest, type CgiResponse, type EngineStats, type PhpEngine } from '../engine.ts';
import type { Logger } from '../../log.ts';
import { PhpWorker, type MessageHook } from './php-worker.ts';
import type { WorkerSpec } from './protocol.ts';

/** php-wasm leaks 2 fds per request and aborts near request 2045; never go past this. */
const FD_LEAK_HARD_CAP = 1900;
const REBOOT_BACKOFF_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface PoolOptions {
  workers: number;
  queue: number;
  maxRequestsPerRuntime: number;
  /**
   * `overlap`: a successor boots while the old runtime keeps serving (no request waits, two
   * runtimes' memory for a moment). `sequential`: the old runtime is stopped first, then its
   * successor boots (one runtime's memory; in Lambda the boot happens in the after-response slot).
   */
  rotation?: 'overlap' | 'sequential';
  /** Spec for a new worker; called once per runtime (each gets a fresh processId). */
  spec(): WorkerSpec;
  logger: Logger;
  onMessage?: MessageHook;
  onWorkerExit?(spec: WorkerSpec): void;
}

interface Job {
  request: CgiRequest;
  deadline: number;
  resolve(response: CgiResponse): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
  worker?: PhpWorker;
  settled: boolean;
  /** The response went out early; the job still runs until the script ends. */
  answered?: boolean;
}

export class WorkerPool implements PhpEngine {
  #options: PoolOptions;
  #log: Logger;
  /** Workers in service, in dispatch preference order. */
  #members: PhpWorker[] = [];
  #queue: Job[] = [];
  #running = new Map<PhpWorker, Job>();
  /** Successor booting for a worker that reached its request quota. */
  #successors = new Map<PhpWorker, PhpWorker>();
  /** Every worker not yet booted (successors and replacements), for close() and idle(). */
  #booting = new Set<PhpWorker>();
  #retryTimers = new Set<NodeJS.Timeout>();
  #closed = false;
  #stats = { requests: 0, rotations: 0, restarts: 0 };

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  /** Boots every worker; rejects with EngineError('EBOOT') if any fails (and stops the rest). */
  async start(): Promise<void> {
    const workers = Array.from({ length: this.#options.workers }, () => this.#spawn());
    const results = await Promise.allSettled(workers.map((w) => w.ready));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate()));
      const cause = failed.reason as Error;
      throw cause instanceof EngineError && cause.code === 'EBOOT' ? cause : new EngineError('EBOOT', cause.message, { cause });
    }
    this.#members.push(...workers);
    const bootMs = results.map((r) => Math.round((r as PromiseFulfilledResult<number>).value));
    this.#log.debug('PHP workers ready', { workers: workers.length, bootMs, sharedModule: workers.map((w) => w.sharedModule) });
  }

  handle(request: CgiRequest, deadline: number): Promise<CgiResponse> {
    return new Promise<CgiResponse>((resolve, reject) => {
      if (this.#closed) return reject(new EngineError('ECLOSED', 'The PHP engine is shut down.'));
      const remaining = deadline - Date.now();
      if (remaining <= 0) return reject(new EngineError('ETIMEDOUT', 'The request deadline passed before PHP started.'));
      const job: Job = { request, deadline, resolve, reject, settled: false };
      const worker = this.#idleWorker();
      if (worker) this.#start(worker, job);
      else if (this.#queue.length < this.#options.queue) this.#queue.push(job);
      else {
        return reject(
          new EngineError(
            'EBUSY',
            `All ${this.#options.workers} PHP workers are busy and ${this.#queue.length} requests already wait (LAMPHP_QUEUE=${this.#options.queue}).`,
          ),
        );
      }
      // Beyond setTimeout's range (~24.8 days) there is no deadline worth a timer.
      if (remaining <= MAX_TIMER_MS) job.timer = setTimeout(() => this.#timeout(job), remaining);
    });
  }

  stats(): EngineStats {
    return {
      workers: this.#members.length,
      busy: this.#running.size,
      queued: this.#queue.length,
      ...this.#stats,
    };
  }

  /** Resolves once no runtime is booting (rotation successors, replacements): work for the gap before the next invocation. */
  async idle(): Promise<void> {
    while (this.#booting.size > 0 && !this.#closed) {
      await Promise.allSettled([...this.#booting].map((w) => w.ready));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#retryTimers) clearTimeout(t);
    const closed = new EngineError('ECLOSED', 'The PHP engine is shut down.');
    for (const job of [...this.#queue, ...this.#running.values()]) this.#settle(job, closed);
    this.#queue = [];
    const all = new Set([...this.#members, ...this.#running.keys(), ...this.#booting, ...this.#successors.values()]);
    this.#members = [];
    this.#running.clear();
    await Promise.all([...all].map((w) => w.terminate()));
  }

  #spawn(): PhpWorker {
    const worker = new PhpWorker(this.#options.spec(), {
      onDeath: (w, error) => this.#died(w, error),
      onMessage: this.#options.onMessage,
      onExit: this.#options.onWorkerExit,
      logger: this.#log,
    });
    this.#booting.add(worker);
    worker.ready.then(
      () => this.#booting.delete(worker),
      () => this.#booting.delete(worker),
    );
    return worker;
  }

  #idleWorker(): PhpWorker | undefined {
    return this.#members.find((w) => !this.#running.has(w) && w.served < this.#hardCap());
  }

  #hardCap(): number {
    return Math.max(this.#options.maxRequestsPerRuntime, FD_LEAK_HARD_CAP);
  }

  #start(worker: PhpWorker, job: Job): void {
    job.worker = worker;
    this.#running.set(worker, job);
    worker.served++;
    this.#stats.requests++;
    worker.run(job.request).then(
      (response) => {
        if (!response.completion) return this.#finished(worker, job, response, undefined);
        // Answered early (fastcgi_finish_request): the caller has its response, while the worker
        // stays busy and the deadline armed until the script ends.
        job.answered = true;
        job.resolve(response);
        response.completion.then(
          () => this.#finished(worker, job, undefined, undefined),
          (error: Error) => this.#finished(worker, job, undefined, error),
        );
      },
      (error: Error) => this.#finished(worker, job, undefined, error),
    );
  }

  #finished(worker: PhpWorker, job: Job, response: CgiResponse | undefined, error: Error | undefined): void {
    if (this.#running.get(worker) === job) this.#running.delete(worker);
    if (error) {
      if (!job.settled) {
        this.#log.error(job.answered ? 'PHP runtime crashed after its response was sent' : 'PHP runtime crashed', {
          requestId: job.request.requestId,
          processId: worker.processId,
          error,
        });
      }
      this.#settle(job, error);
      this.#replace(worker);
    } else {
      this.#settle(job, undefined, response);
      if (!this.#members.includes(worker)) void worker.terminate(); // a successor already took its place
      else this.#maybeRotate(worker);
    }
    this.#dispatch();
  }

  #settle(job: Job, error: Error | undefined, response?: CgiResponse): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (job.answered) return; // its promise already holds the early response
    if (error) job.reject(error);
    else job.resolve(response!);
  }

  #timeout(job: Job): void {
    if (job.settled) return;
    const worker = job.worker;
    if (!worker) {
      this.#queue = this.#queue.filter((j) => j !== job);
      this.#settle(job, new EngineError('ETIMEDOUT', 'The request deadline passed while waiting for a PHP worker.'));
      return;
    }
    this.#log.error(job.answered ? 'PHP work after the response timed out; worker terminated' : 'PHP request timed out; worker terminated', {
      requestId: job.request.requestId,
      processId: worker.processId,
      deadline: new Date(job.deadline).toISOString(),
    });
    const timedOut = new EngineError('ETIMEDOUT', 'PHP did not finish before the request deadline.');
    timedOut.touched = worker.touchedSoFar();
    this.#settle(job, timedOut);
    worker.stopRest(timedOut);
    this.#running.delete(worker);
    this.#replace(worker);
    this.#dispatch();
  }

  /** A worker that died with no request of its own (e.g. an idle thread exited). */
  #died(worker: PhpWorker, error: Error): void {
    if (this.#closed || !this.#members.includes(worker)) return;
    if (!this.#running.has(worker)) this.#log.error('PHP worker died', { processId: worker.processId, error });
    this.#replace(worker);
  }

  /** Takes a broken or stopped worker out of service and boots one in its place. */
  #replace(worker: PhpWorker): void {
    void worker.terminate();
    const index = this.#members.indexOf(worker);
    if (index === -1 || this.#closed) return; // already replaced (a rotation successor took its place)
    this.#members.splice(index, 1);
    this.#stats.restarts++;
    // A successor already booting for this worker fills the gap when ready (see #adopt).
    if (!this.#successors.has(worker)) this.#adopt(this.#spawn(), undefined);
  }

  #maybeRotate(worker: PhpWorker): void {
    if (this.#closed || !this.#members.includes(worker)) return;
    if (worker.served < this.#options.maxRequestsPerRuntime || this.#successors.has(worker)) return;
    if (this.#options.rotation === 'sequential') {
      // Free the old runtime before booting the next: a runtime is ~250 MB, two would not fit a small function.
      this.#members.splice(this.#members.indexOf(worker), 1);
      void worker.terminate();
      this.#stats.rotations++;
      this.#log.info('PHP runtime rotated', { processId: worker.processId, served: worker.served, rotation: 'sequential' });
      this.#adopt(this.#spawn(), undefined);
      return;
    }
    const successor = this.#spawn();
    this.#successors.set(worker, successor);
    this.#adopt(successor, worker);
  }

  /** When `fresh` has booted, it takes `predecessor`'s place (rotation) or fills a gap. */
  #adopt(fresh: PhpWorker, predecessor: PhpWorker | undefined): void {
    fresh.ready.then(
      () => {
        if (this.#closed) return void fresh.terminate();
        this.#log.debug('PHP runtime booted', { processId: fresh.processId, sharedModule: fresh.sharedModule });
        if (predecessor) this.#successors.delete(predecessor);
        const index = predecessor ? this.#members.indexOf(predecessor) : -1;
        if (index === -1) {
          this.#members.push(fresh); // predecessor died meanwhile, or this is a replacement
        } else {
          this.#members[index] = fresh;
          this.#stats.rotations++;
          this.#log.info('PHP runtime rotated', { processId: predecessor!.processId, served: predecessor!.served });
          // A busy predecessor finishes its request first; #finished sees it is no longer a member.
          if (!this.#running.has(predecessor!)) void predecessor!.terminate();
        }
        this.#dispatch();
      },
      (error: Error) => {
        if (this.#closed) return;
        const rotating = predecessor !== undefined && this.#members.includes(predecessor);
        if (predecessor) this.#successors.delete(predecessor);
        this.#log.error(rotating ? 'PHP runtime rotation failed to boot a successor; retrying' : 'PHP worker failed to boot; retrying', { error });
        // A rotating runtime keeps serving up to the hard cap meanwhile; a gap in the pool is refilled.
        const timer = setTimeout(() => {
          this.#retryTimers.delete(timer);
          if (this.#closed) return;
          if (rotating) this.#maybeRotate(predecessor!);
          else this.#adopt(this.#spawn(), undefined);
        }, REBOOT_BACKOFF_MS);
        this.#retryTimers.add(timer);
      },
    );
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idleWorker();
      if (!worker) return;
      this.#start(worker, this.#queue.shift()!);
    }
  }
}
