/**
 * Warm-up invocations (`{"warmer":true}`, `{"source":"serverless-plugin-warmup"}`,
 * `{"lamphp":{"command":"warmer"}}`): answered at once, without running PHP, once no PHP
 * runtime is still booting (a replacement after a timeout, a rotation successor).
 */
import type { InvocationOutcome } from '../loop.ts';
import type { CommandContext } from './index.ts';

export async function runWarmer({ engine, log }: CommandContext): Promise<InvocationOutcome> {
  const started = performance.now();
  await engine.idle();
  const { workers, busy, requests, rotations, restarts } = engine.stats();
  const waitedMs = Math.round((performance.now() - started) * 100) / 100;
  log.debug('warm-up', { workers, waitedMs });
  return { kind: 'buffered', payload: { command: 'warmer', warm: true, engine: { workers, busy, requests, rotations, restarts }, waitedMs } };
}
