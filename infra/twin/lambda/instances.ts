/**
 * A function's execution environments, with Lambda's lifecycle
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html): an invocation
 * goes to an idle instance, or a new one starts (a cold start, its INIT measured until the
 * runtime first asks for work) while fewer than the function's concurrency limit run, else it is
 * throttled; an instance serves one invocation at a time; an invocation ends when the runtime
 * asks for the next one; an idle instance is stopped after the keep-alive (twin clock); a
 * timed-out or crashed instance is discarded. Every invocation leaves a record.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { startEmulator, type Emulator, type InvokeResult } from './runtime-api.ts';
import type { Clock } from '../clock.ts';

/**
 * Who caused an invocation: a viewer through CloudFront, a schedule (WP-Cron, the outbox sweep), a
 * deploy's custom resource (the install), a direct API call, a bucket notification, or Lambda
 * delivering an on-failure record.
 */
export type Invoker = 'cloudfront' | 'cron' | 'install' | 'api' | 's3' | 'destination';

export interface InvocationRecord {
  requestId: string;
  function: string;
  instanceId: string;
  invoker: Invoker;
  /** The calling resource: distribution id, rule name, calling function. */
  caller?: string;
  /** Twin clock time when the invocation arrived. */
  at: number;
  cold: boolean;
  initDurationMs?: number;
  /** Until the runtime asked for its next event (what Lambda bills). */
  durationMs: number;
  /** Until the response was posted (what the caller waited, without INIT). */
  responseMs?: number;
  /** Lambda bills whole milliseconds, INIT included on cold starts (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/). */
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  outcome: 'success' | 'error' | 'timeout' | 'throttled' | 'crash';
  errorType?: string;
}

export interface InstanceInfo {
  id: string;
  state: 'init' | 'idle' | 'busy';
  startedAt: number;
  invocations: number;
  pid?: number;
}

export interface PoolConfig {
  name: string;
  memoryMb: number;
  timeoutMs: number;
  /** ReservedConcurrentExecutions, else the account's limit. */
  concurrency: number;
  /** Starts the runtime of a new instance against `runtimeApi` (host:port). */
  start(instanceId: string, runtimeApi: string): ChildProcess;
  log(instanceId: string, line: string): void;
  runtimeAddress: string;
}

interface Instance extends InstanceInfo {
  emulator: Emulator;
  child: ChildProcess;
  startedPerf: number;
  initDurationMs?: number;
  initDone: Promise<void>;
  current?: { record: InvocationRecord; dispatched: number; finish(): void };
  cancelReap?: () => void;
  dead: boolean;
}

export class InstancePool {
  readonly records: InvocationRecord[] = [];
  private readonly instances: Instance[] = [];
  private seq = 0;

  private config: PoolConfig;
  private readonly clock: Clock;
  private readonly keepAliveMs: () => number;

  constructor(config: PoolConfig, clock: Clock, keepAliveMs: () => number) {
    this.config = config;
    this.clock = clock;
    this.keepAliveMs = keepAliveMs;
  }

  /** New configuration (a code or setting update): running instances finish their work and stop. */
  reconfigure(config: PoolConfig): void {
    this.config = config;
    for (const i of [...this.instances]) {
      if (i.state === 'busy') i.dead = true;
      else this.stop(i);
    }
  }

  info(): InstanceInfo[] {
    return this.instances.map(({ id, state, startedAt, invocations, child }) => ({ id, state, startedAt, invocations, pid: child.pid }));
  }

  /** Re-arms every idle instance's keep-alive (after the setting changed). */
  rearm(): void {
    for (const i of this.instances) if (i.state === 'idle') this.armReaper(i);
  }

  async invoke(payload: unknown, who: { invoker: Invoker; caller?: string }): Promise<{ result: InvokeResult | { kind: 'throttled' }; record: InvocationRecord }> {
    const at = this.clock.now();
    let instance = this.instances.find((i) => i.state === 'idle' && !i.dead);
    const cold = !instance;
    if (!instance) {
      if (this.instances.filter((i) => !i.dead).length >= this.config.concurrency) {
        const record: InvocationRecord = { requestId: crypto.randomUUID(), function: this.config.name, instanceId: '', invoker: who.invoker, caller: who.caller, at, cold: false, durationMs: 0, billedDurationMs: 0, memorySizeMb: this.config.memoryMb, maxMemoryUsedMb: 0, outcome: 'throttled' };
        this.records.push(record);
        return { result: { kind: 'throttled' }, record };
      }
      instance = await this.spawn();
    }
    instance.cancelReap?.();
    instance.state = 'busy';
    instance.invocations++;
    const inst = instance;
    const record: InvocationRecord = {
      requestId: '', function: this.config.name, instanceId: inst.id, invoker: who.invoker, caller: who.caller, at, cold,
      durationMs: 0, billedDurationMs: 0, memorySizeMb: this.config.memoryMb, maxMemoryUsedMb: 0, outcome: 'success',
    };
    this.records.push(record);
    const ended = new Promise<void>((resolve) => {
      inst.current = { record, dispatched: 0, finish: resolve };
    });
    const exited = new Promise<InvokeResult>((resolve) => inst.child.once('exit', (code, signal) =>
      resolve({ kind: 'error', errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${record.requestId} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`, body: undefined, requestId: record.requestId })));
    const result = await Promise.race([inst.emulator.invoke(payload, { timeoutMs: this.config.timeoutMs }), exited]);
    if (cold) record.initDurationMs = inst.initDurationMs;
    record.requestId = result.requestId;
    if (result.kind === 'response') record.responseMs = Math.round(result.durationMs);
    if (result.kind === 'error') Object.assign(record, { outcome: inst.child.exitCode !== null || inst.child.signalCode ? 'crash' : 'error', errorType: result.errorType });
    if (result.kind === 'timeout') record.outcome = 'timeout';
    if (result.kind !== 'response' && result.kind !== 'error') this.stop(inst);
    else if (record.outcome === 'crash') this.stop(inst);
    // The invocation ends when the runtime asks for the next event (or dies).
    void Promise.race([ended, exited.then(() => {})]).then(() => this.settle(inst, record));
    return { result, record };
  }

  private settle(inst: Instance, record: InvocationRecord): void {
    const cur = inst.current;
    if (cur?.record === record) {
      record.durationMs = Math.round((performance.now() - cur.dispatched) * 100) / 100;
      inst.current = undefined;
    }
    record.maxMemoryUsedMb = peakMemoryMb(inst.child.pid);
    record.billedDurationMs = Math.ceil(record.durationMs) + (record.cold ? Math.ceil(record.initDurationMs ?? 0) : 0);
    this.config.log(inst.id, `END RequestId: ${record.requestId}`);
    this.config.log(inst.id, `REPORT RequestId: ${record.requestId}\tDuration: ${record.durationMs.toFixed(2)} ms\tBilled Duration: ${record.billedDurationMs} ms\tMemory Size: ${record.memorySizeMb} MB\tMax Memory Used: ${record.maxMemoryUsedMb} MB${record.cold ? `\tInit Duration: ${(record.initDurationMs ?? 0).toFixed(2)} ms` : ''}`);
    if (inst.dead || inst.child.exitCode !== null || inst.child.signalCode) return this.stop(inst);
    inst.state = 'idle';
    this.armReaper(inst);
  }

  private armReaper(inst: Instance): void {
    inst.cancelReap?.();
    inst.cancelReap = this.clock.setTimer(this.keepAliveMs(), () => {
      if (inst.state === 'idle') this.stop(inst);
    });
  }

  private async spawn(): Promise<Instance> {
    const id = `${this.config.name.slice(-12)}-${++this.seq}-${crypto.randomUUID().slice(0, 8)}`;
    let resolveInit!: () => void;
    const initDone = new Promise<void>((r) => (resolveInit = r));
    let inst!: Instance;
    const emulator = await startEmulator({
      host: this.config.runtimeAddress,
      timeoutMs: this.config.timeoutMs,
      onEvent: (e) => {
        if (e.type === 'next') {
          if (inst.initDurationMs === undefined) {
            inst.initDurationMs = Math.round((e.at - inst.startedPerf) * 100) / 100;
            resolveInit();
          }
          // The first poll ends INIT; a later one ends the invocation in progress.
          if (inst.current && inst.current.dispatched > 0) inst.current.finish();
        } else if (e.type === 'dispatch' && inst.current) {
          inst.current.dispatched = e.at;
          inst.current.record.requestId = e.requestId ?? '';
          this.config.log(inst.id, `START RequestId: ${e.requestId} Version: $LATEST`);
        }
      },
    });
    const child = this.config.start(id, emulator.url);
    inst = { id, state: 'init', startedAt: this.clock.now(), invocations: 0, emulator, child, startedPerf: performance.now(), initDone, dead: false };
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        pending += d;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const l of lines) this.config.log(id, l);
      });
      stream.on('end', () => pending && this.config.log(id, pending));
    }
    child.once('exit', () => {
      inst.dead = true;
      const i = this.instances.indexOf(inst);
      if (i >= 0) this.instances.splice(i, 1);
      void emulator.close();
    });
    this.instances.push(inst);
    return inst;
  }

  private stop(inst: Instance): void {
    inst.dead = true;
    inst.cancelReap?.();
    const i = this.instances.indexOf(inst);
    if (i >= 0) this.instances.splice(i, 1);
    if (inst.child.exitCode === null && inst.child.signalCode === null) {
      try {
        process.kill(-inst.child.pid!, 'SIGKILL');
      } catch {
        inst.child.kill('SIGKILL');
      }
    }
    void inst.emulator.close();
  }

  async close(): Promise<void> {
    const exits = this.instances.map((i) => new Promise<void>((r) => (i.child.exitCode !== null ? r() : i.child.once('exit', () => r()))));
    for (const i of [...this.instances]) this.stop(i);
    await Promise.all(exits);
  }
}

/** Peak resident memory of the sandbox's process (VmHWM), in MB. */
function peakMemoryMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}
