/**
 * One invocation: event → adapter → HttpRequest → bridge → HttpResponse → event result
 * (buffered) or prelude + body stream (LAMPHP_RESPONSE_MODE=stream).
 */
import { bodyBytes, detectSource, errorPage, resultFits } from '../../bridge/index.ts';
import type { AdapterContext, Bridge, Config, EventAdapter, HandleOptions, HttpRequest, HttpResponse, Logger } from '../../bridge/index.ts';
import { engineDeadline } from './deadline.ts';
import type { CommandDispatcher } from './commands/index.ts';
import type { InvocationContext, InvocationHandler, InvocationOutcome } from './loop.ts';

export interface InvocationHandlerOptions {
  config: Config;
  logger: Logger;
  bridge: Pick<Bridge, 'handle'>;
  /** Work for the after-response slot of every invocation (e.g. let a replacement PHP runtime boot). */
  afterResponse?: () => Promise<void>;
  /** Picks the adapter for an event; bridge/events' detectSource by default. */
  detect?: (event: unknown) => EventAdapter | undefined;
  /** Non-HTTP invocations (cron, console, warm-up, install), asked only when no HTTP adapter claims the event. */
  commands?: CommandDispatcher;
}

/** The HTTP-integration prelude of a streamed response: one value per header, cookies apart. */
export function streamPrelude(response: HttpResponse): { statusCode: number; headers: Record<string, string>; cookies: string[] } {
  // No prototype: a field named `__proto__` stays a field.
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, values] of Object.entries(response.headers)) {
    if (name !== 'set-cookie' && values.length > 0) headers[name] = values.join(', ');
  }
  return { statusCode: response.status, headers, cookies: [...(response.headers['set-cookie'] ?? [])] };
}

async function* asStream(body: HttpResponse['body']): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    if (body.length > 0) yield body;
    return;
  }
  yield* body;
}

function eventShape(event: unknown): string {
  if (event === null || typeof event !== 'object') return typeof event;
  return `an object with keys ${Object.keys(event).slice(0, 8).join(', ') || '(none)'}`;
}

export function createInvocationHandler({
  config,
  logger,
  bridge,
  afterResponse,
  detect = detectSource,
  commands,
}: InvocationHandlerOptions): InvocationHandler {
  const handle = invocation({ config, logger, bridge, detect, commands });
  if (!afterResponse) return handle;
  return async (event, ctx) => {
    const outcome = await handle(event, ctx);
    const own = outcome.after;
    // The invocation's own after-work first; afterResponse runs even when that fails.
    const after = own ? async () => {
      try {
        await own();
      } finally {
        await afterResponse();
      }
    } : afterResponse;
    return { ...outcome, after };
  };
}

function invocation({
  config,
  logger,
  bridge,
  detect,
  commands,
}: Required<Omit<InvocationHandlerOptions, 'afterResponse' | 'commands'>> & Pick<InvocationHandlerOptions, 'commands'>): InvocationHandler {
  return async (event: unknown, ctx: InvocationContext): Promise<InvocationOutcome> => {
    const receivedAt = Date.now();
    const log = logger.child({ requestId: ctx.requestId });
    let adapter: EventAdapter | undefined;
    try {
      adapter = detect(event);
    } catch (err) {
      log.error('unreadable event', { err });
      return { kind: 'error', errorType: 'Lamphp.BadEvent', errorMessage: `The event could not be read: ${(err as Error).message}` };
    }
    if (!adapter) {
      // Only an event no HTTP adapter claims may be a command, and only in a documented shape.
      const command = commands?.dispatch(event, ctx, log);
      if (command) return command;
      log.error('unsupported event', { shape: eventShape(event) });
      return {
        kind: 'error',
        errorType: 'Lamphp.UnsupportedEvent',
        errorMessage:
          'lamphp answers HTTP events from API Gateway (REST or HTTP API), an ALB or a Function URL' +
          (commands ? ', and the non-HTTP invocations listed in its README (cron, console, warm-up, install)' : '') +
          `; this event is ${eventShape(event)}.`,
      };
    }
    const actx: AdapterContext = { requestId: ctx.requestId, config, logger: log, receivedAt };

    // Work the bridge defers (S3 sync of deletions, pending retries) runs in the after-response slot.
    const deferred: (() => Promise<void>)[] = [];
    const options = (): HandleOptions => ({
      // The front door gives up before the function's timeout (which install and cron get whole):
      // PHP must not keep running, or hold SQLite's locks, after the visitor got a 504.
      deadline: engineDeadline(Math.min(ctx.deadlineMs, receivedAt + (config.frontDoorTimeoutMs ?? Infinity)), config.deadlineMarginMs),
      defer: (work) => deferred.push(work),
      frontDoor: { maxRequestBytes: adapter.maxRequestBytes, base64Body: true },
    });
    const response = await answer(adapter, bridge, event, actx, options);
    const after = deferred.length === 0 ? undefined : async () => {
      for (const work of deferred) await work();
    };
    if (config.responseMode === 'stream') {
      return { kind: 'stream', prelude: streamPrelude(response), body: asStream(response.body), ...(after && { after }) };
    }
    return { kind: 'buffered', payload: await bufferedResult(adapter, response, event, actx), ...(after && { after }) };
  };
}

/** The bridge's answer; an event that is not a valid request gets a 400 page. */
async function answer(
  adapter: EventAdapter,
  bridge: Pick<Bridge, 'handle'>,
  event: unknown,
  actx: AdapterContext,
  options: () => HandleOptions,
): Promise<HttpResponse> {
  let request: HttpRequest;
  try {
    request = adapter.toRequest(event, actx);
    if (request.body.byteLength > adapter.maxRequestBytes) {
      actx.logger.warn('request body too large for the front door', { source: adapter.kind, bytes: request.body.byteLength });
      return errorPage(413, `The request body is larger than the ${adapter.maxRequestBytes} bytes allowed.`, actx.requestId);
    }
  } catch (err) {
    const bad = (err as { code?: unknown } | null)?.code === 'EBADEVENT';
    actx.logger[bad ? 'warn' : 'error']('event could not be turned into a request', { source: adapter.kind, err });
    return bad
      ? errorPage(400, 'The request could not be understood.', actx.requestId)
      : errorPage(500, 'The request could not be completed.', actx.requestId);
  }
  try {
    return await bridge.handle(request, options());
  } catch (err) {
    actx.logger.error('request failed', { err });
    return errorPage(502, 'The request could not be completed.', actx.requestId);
  }
}

/** The adapter's result, or a 502 page when it would exceed what the front door accepts. */
async function bufferedResult(adapter: EventAdapter, response: HttpResponse, event: unknown, actx: AdapterContext): Promise<unknown> {
  const body = await bodyBytes(response.body);
  const result = adapter.toResult({ status: response.status, headers: response.headers, body }, event, actx);
  // Measured as posted: JSON with the body base64-encoded where the adapter had to.
  if (resultFits(result, adapter)) return result;
  const size = Buffer.byteLength(JSON.stringify(result));
  const limit = adapter.maxResponseBytes;
  actx.logger.error('response too large for the front door', {
    source: adapter.kind,
    status: response.status,
    bodyBytes: body.byteLength,
    payloadBytes: size,
    limit,
  });
  const page = errorPage(
    502,
    `The response is larger than the ${adapter.kind} front door can carry (${limit} bytes).`,
    actx.requestId,
  );
  return adapter.toResult({ status: page.status, headers: page.headers, body: await bodyBytes(page.body) }, event, actx);
}
