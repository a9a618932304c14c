/**
 * Priming after a non-visitor cold start. V8 compiles PHP's WebAssembly lazily, function by
 * function, the first time each runs, and tiers hot ones up later: the first page an execution
 * environment renders costs several hundred milliseconds more than the next. When the
 * environment was started by something no visitor waits for — the WP-Cron schedule, a warm-up,
 * the install — rendering WP-Cron alone leaves most of the page-rendering code uncompiled, and
 * the next visitor would pay for it. So after such a first invocation, in its after-response slot
 * (before the runtime asks Lambda for the next event), the runtime renders LAMPHP_PRIME_PATH
 * (the front page by default) through the bridge as an internal request and discards the answer.
 * The traffic replay measures what it saves (BENCHMARKS.md, "Traffic replay").
 */
import { bodyBytes, type Bridge, type Config, type HttpRequest, type Logger } from '../../bridge/index.ts';
import { engineDeadline } from './deadline.ts';
import { cronRequest } from './commands/cron.ts';
import type { InvocationHandler } from './loop.ts';

/** The internal request priming sends: a GET of `target` from 127.0.0.1, without cookies, with the origin secret. */
export function primeRequest(config: Config, requestId: string, target: string, now = Date.now()): HttpRequest {
  const [pathPart = '/', query = ''] = target.split(/\?(.*)/s);
  const request = cronRequest(config, requestId, now);
  request.headers['user-agent'] = ['lamphp-prime'];
  return { ...request, path: pathPart, query };
}

export interface PrimeOptions {
  config: Config;
  bridge: Pick<Bridge, 'handle'>;
  logger: Logger;
  /** True for an event a visitor sent (HTTP); priming follows only other first invocations. */
  isHttp: (event: unknown) => boolean;
}

/**
 * Wraps the invocation handler: when this environment's first invocation is not HTTP, its
 * after-response work ends with one render of `config.primePath`. Later invocations, HTTP first
 * invocations and `primePath` unset leave the handler as it is.
 */
export function primeAfterColdCommand(handler: InvocationHandler, { config, bridge, logger, isHttp }: PrimeOptions): InvocationHandler {
  let first = true;
  return async (event, ctx) => {
    const wasFirst = first;
    first = false;
    const outcome = await handler(event, ctx);
    const target = config.primePath;
    if (!wasFirst || target === undefined || isHttp(event)) return outcome;
    const own = outcome.after;
    const prime = async () => {
      const started = performance.now();
      const log = logger.child({ requestId: ctx.requestId });
      try {
        const deferred: (() => Promise<void>)[] = [];
        const response = await bridge.handle(primeRequest(config, ctx.requestId, target), {
          deadline: engineDeadline(ctx.deadlineMs, config.deadlineMarginMs),
          defer: (work) => deferred.push(work),
        });
        await bodyBytes(response.body);
        for (const work of deferred) await work();
        log.info('primed after a cold start no visitor paid', { path: target, status: response.status, ms: Math.round(performance.now() - started) });
      } catch (err) {
        log.warn('priming failed; the next visitor compiles what it needs', { path: target, err });
      }
    };
    return {
      ...outcome,
      after: async () => {
        try {
          await own?.();
        } finally {
          await prime();
        }
      },
    };
  };
}
