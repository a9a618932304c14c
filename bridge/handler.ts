/**
 * The bridge: HttpRequest → (guard → router → static | deny | PHP) → HttpResponse.
 * It knows nothing of Lambda or sockets; both front doors call `handle`.
 */
import type { Config } from './config.ts';
import type { PhpEngine } from './engine/engine.ts';
import { EngineError, type CgiResponse } from './engine/engine.ts';
import type { HeaderMap, HttpRequest, HttpResponse } from './http.ts';
import type { Logger } from './log.ts';
import { route, type Route } from './router.ts';
import { htaccessAccess } from './htaccess.ts';
import { compilePathRules } from './deny-rules.ts';
import { createInstallerGate } from './wordpress/installer-gate.ts';
import { buildCgiEnv } from './cgi.ts';
import { serveStatic } from './static.ts';
import { phpCacheControl } from './cache-control.ts';
import { errorPage, redirect } from './pages.ts';
import { admitRequest } from './trust.ts';
import { applyHeaderRule, isFinalStatus } from './response-headers.ts';
import { uploadsServerVars, type FrontDoorLimits } from './uploads/limits.ts';
import type { UploadsSync } from './uploads/sync.ts';
import type { CdnInvalidator } from './cdn/invalidation.ts';
import type { MailHandoff } from './mail/index.ts';

export interface BridgeOptions {
  config: Config;
  engine: PhpEngine;
  logger: Logger;
  /** S3 offload of uploads (see bridge/uploads); the engine must be watching the uploads directory. */
  uploads?: UploadsSync;
  /** CloudFront invalidation of the paths PHP reports stale; the engine's onMessage must be its `onMessage`. */
  cdn?: CdnInvalidator;
  /** PHP's mail() hand-over (its transport is closed with the bridge); the engine's onMessage must include its `onMessage`. */
  mail?: MailHandoff;
  /**
   * WordPress's installer belongs to the install invocation (Lambda): until it has succeeded an
   * empty document root answers a holding page, so do a WordPress tree's PHP pages, and its
   * setup scripts are never served (bridge/wordpress/installer-gate.ts).
   */
  installerGate?: boolean;
}

export interface HandleOptions {
  /** Epoch ms by which PHP must have answered (the engine stops it then: 504). */
  deadline: number;
  /**
   * Receives work to run once the response is out (Lambda's after-response slot). Without it
   * the bridge starts that work itself right after answering, and `close()` waits for it.
   */
  defer?: (work: () => Promise<void>) => void;
  /** The front door's request limit, for the upload limit PHP states; default the bridge's own. */
  frontDoor?: FrontDoorLimits;
  /** The install invocation's own request (never set by a front door): WordPress's installer may run. */
  installer?: boolean;
}

export interface Bridge {
  handle(request: HttpRequest, options: HandleOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

/**
 * Largest header block PHP may send. Node's HTTP parser (undici, the local server's clients)
 * refuses more than 16 KiB and nginx's default buffer is 4–8 KiB: past that a visitor would get
 * a broken connection instead of an answer. Room is left for headers added after PHP.
 */
export const MAX_RESPONSE_HEADER_BYTES = 12 * 1024;

/** Bytes of a header block as sent: `name: value\r\n` per value. */
export function headerBytes(headers: HeaderMap): number {
  let bytes = 0;
  for (const [name, values] of Object.entries(headers)) {
    for (const value of values) bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
  }
  return bytes;
}

const PHP_FATAL = /^PHP (Fatal|Parse) error: /m;

/**
 * A fatal error before the app chose a status: PHP itself turned the 200 into a 500 (it only does
 * so while no header was sent), and whatever the body holds is a half-built page.
 */
export function failedBeforeResponse(result: Pick<CgiResponse, 'status' | 'exitCode' | 'errors'>): boolean {
  return result.exitCode !== 0 && result.status === 500 && PHP_FATAL.test(result.errors);
}

const ENGINE_STATUS: Record<string, { status: number; detail: string }> = {
  ETIMEDOUT: { status: 504, detail: 'The page took too long to generate and was stopped.' },
  EBUSY: { status: 503, detail: 'The server is busy. Please try again in a moment.' },
  ECLOSED: { status: 503, detail: 'The server is shutting down. Please try again.' },
  ECRASHED: { status: 500, detail: 'The page could not be generated.' },
  EBOOT: { status: 500, detail: 'The page could not be generated.' },
};

export function createBridge({ config, engine, logger, uploads, cdn, mail, installerGate }: BridgeOptions): Bridge {
  const gate = installerGate ? createInstallerGate(config.documentRoot) : undefined;
  const routerOptions = {
    documentRoot: config.documentRoot,
    frontController: config.frontController,
    uploadsDir: config.uploadsDir,
    access: htaccessAccess(config.documentRoot, { revalidateMs: config.codeRevalidateMs }),
    paths: compilePathRules(config.denyPaths, config.allowPaths),
  };
  const staticOptions = { uploadsDir: config.uploadsDir, policy: config.cache };

  async function runPhp(
    request: HttpRequest,
    target: Extract<Route, { kind: 'php' }>,
    options: HandleOptions,
    log: Logger,
  ): Promise<HttpResponse> {
    const { deadline } = options;
    const env = { ...buildCgiEnv(request, target, { documentRoot: config.documentRoot }), ...uploadsServerVars(config, options.frontDoor) };
    let result;
    try {
      result = await engine.handle({ env, body: request.body, requestId: request.requestId }, deadline);
    } catch (err) {
      cdn?.take(request.requestId);
      const code = err instanceof EngineError ? err.code : 'ECRASHED';
      const mapped = ENGINE_STATUS[code] ?? ENGINE_STATUS.ECRASHED!;
      if (code === 'EBUSY' || code === 'ECLOSED') {
        // Expected under overload or shutdown: one short line, not a stack per refused request.
        log.warn('php request refused', { code, script: target.scriptName });
      } else {
        log.error('php request failed', { code, script: target.scriptName, err });
      }
      if (uploads && err instanceof EngineError && err.touched && err.touched.length > 0) {
        // What a stopped request already wrote is published too; nobody waits for it now.
        const plan = uploads.afterPhp(err.touched, request.requestId, log);
        if (plan.beforeResponse) defer(options, () => plan.beforeResponse!);
        if (plan.afterResponse) defer(options, plan.afterResponse);
      }
      const extra: HeaderMap = mapped.status === 503 ? { 'retry-after': ['1'] } : {};
      return errorPage(mapped.status, mapped.detail, request.requestId, extra);
    }
    if (uploads && result.touched && result.touched.length > 0) {
      // Files PHP wrote are in S3 before the answer that may name their URLs.
      const plan = uploads.afterPhp(result.touched, request.requestId, log);
      if (plan.beforeResponse) await plan.beforeResponse;
      if (plan.afterResponse) defer(options, plan.afterResponse);
    }
    if (result.completion) finishLater(result.completion, request, target, options, log);
    // Pages a publish made stale leave the CDN once the answer is out.
    const stale = cdn?.take(request.requestId);
    if (stale) defer(options, async () => void (await cdn!.invalidate(stale, log)));
    if (result.errors.trim() !== '') {
      log.warn('php reported errors', { script: target.scriptName, errors: result.errors.slice(0, 8192) });
    }
    if (result.exitCode !== 0) {
      // Like php-fpm, the exit status alone changes nothing: the app's own page (a 503 maintenance
      // page, an "install this extension" page) is sent. Only a fatal error that left PHP's own 500 gets ours.
      const fatal = failedBeforeResponse(result);
      log[fatal ? 'error' : 'warn']('php exited with an error', {
        script: target.scriptName,
        exitCode: result.exitCode,
        status: result.status,
      });
      if (fatal) return errorPage(500, 'The page could not be generated.', request.requestId);
    }
    if (result.headerBlockUnreadable) {
      log.error('php sent a header block that cannot be read', { script: target.scriptName });
      return errorPage(502, 'The application sent an invalid response.', request.requestId);
    }
    const { status, headers, dropped, mustStayPrivate } = applyHeaderRule(result.status, result.headers, result.badHeaderLines);
    if (dropped.length > 0) {
      log.warn('unsafe response headers dropped', { script: target.scriptName, headers: dropped.slice(0, 32), count: dropped.length });
    }
    if (!isFinalStatus(status)) {
      log.error('php sent an invalid status', { script: target.scriptName, status: Number.isNaN(status) ? 'unreadable Status line' : status });
      return errorPage(502, 'The application sent an invalid response.', request.requestId);
    }
    if (status >= 500) {
      // The app's own error page (e.g. WordPress when its database is down): answered as is, but never silent.
      log.warn('php answered with a server error', { script: target.scriptName, status });
    }
    const size = headerBytes(headers);
    if (size > MAX_RESPONSE_HEADER_BYTES) {
      log.error('php sent response headers that are too large', { script: target.scriptName, bytes: size, limit: MAX_RESPONSE_HEADER_BYTES });
      return errorPage(502, 'The application sent response headers that are too large.', request.requestId);
    }
    // A dropped Cache-Control or Set-Cookie may have been what kept this answer out of shared caches.
    headers['cache-control'] = mustStayPrivate ? [config.cache.phpPrivate] : phpCacheControl(request, headers, config.cache, status);
    headers['content-type'] ??= ['text/html; charset=UTF-8'];
    return {
      status,
      headers,
      // A 204 or 304 has no body in any front door, whatever the page printed (RFC 9110 §15.3.5, §15.4.5).
      body: request.method === 'HEAD' || status === 204 || status === 304 ? new Uint8Array(0) : result.body,
    };
  }

  /**
   * The rest of a script that answered early (`fastcgi_finish_request()`): it runs after the
   * response, in Lambda before the next invocation is fetched, and its uploads are published then.
   */
  function finishLater(
    completion: NonNullable<CgiResponse['completion']>,
    request: HttpRequest,
    target: Extract<Route, { kind: 'php' }>,
    options: HandleOptions,
    log: Logger,
  ): void {
    defer(options, async () => {
      let tail;
      try {
        tail = await completion;
      } catch (err) {
        log.error('php work after the response failed', { script: target.scriptName, code: err instanceof EngineError ? err.code : 'ECRASHED', err });
        if (uploads && err instanceof EngineError && err.touched?.length) await publish(err.touched);
        return;
      }
      if (tail.errors.trim() !== '') log.warn('php reported errors', { script: target.scriptName, errors: tail.errors.slice(0, 8192) });
      if (tail.exitCode !== 0) log.warn('php exited with an error', { script: target.scriptName, exitCode: tail.exitCode });
      if (uploads && tail.touched?.length) await publish(tail.touched);
    });
    async function publish(touched: NonNullable<CgiResponse['touched']>) {
      const plan = uploads!.afterPhp(touched, request.requestId, log);
      await plan.beforeResponse;
      await plan.afterResponse?.();
    }
  }

  /** After-response work of requests whose front door gave no slot for it. */
  const background = new Set<Promise<void>>();
  function defer(options: HandleOptions, work: () => Promise<void>): void {
    if (options.defer) return options.defer(work);
    const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((err: unknown) => logger.error('after-response work failed', { err }))
      .finally(() => background.delete(run));
    background.add(run);
  }

  async function dispatch(incoming: HttpRequest, options: HandleOptions, log: Logger): Promise<HttpResponse> {
    // Origin secret first, then the one set of trust rules: what PHP sees is decided here.
    const admission = admitRequest(incoming, config);
    if (!admission.ok) {
      log.warn('request refused: origin secret ' + admission.reason, { path: incoming.path.slice(0, 512) });
      return admission.response;
    }
    const request = admission.request;
    if (request.body.byteLength > config.maxBodyBytes) {
      log.warn('request body too large', { bytes: request.body.byteLength, limit: config.maxBodyBytes });
      return errorPage(413, `The request body is larger than the ${config.maxBodyBytes} bytes allowed.`, request.requestId);
    }
    const target = route(request, routerOptions);
    const held = gate?.(target, request.requestId, options.installer === true);
    if (held) {
      log.info('request held: the site is not installed here yet, or this is its installer', { path: request.path.slice(0, 512), reason: held.reason });
      return held.response;
    }
    switch (target.kind) {
      case 'bad':
        log.warn('bad request path', { path: request.path.slice(0, 512), reason: target.reason });
        return errorPage(400, 'The request path is not valid.', request.requestId);
      case 'deny':
        log.info('request denied', { path: request.path.slice(0, 512), reason: target.reason });
        return errorPage(target.status, target.status === 403 ? 'Access denied.' : 'Not found.', request.requestId);
      case 'redirect':
        return redirect(target.status, target.location);
      case 'static':
        return serveStatic(request, target, staticOptions);
      case 'php':
        return runPhp(request, target, options, log);
    }
  }

  return {
    async handle(request, options) {
      const log = logger.child({ requestId: request.requestId });
      const started = performance.now();
      let response: HttpResponse;
      try {
        response = await dispatch(request, options, log);
      } catch (err) {
        log.error('request failed', { path: request.path.slice(0, 512), err });
        response = errorPage(500, 'The request could not be completed.', request.requestId);
      }
      log.debug('request', {
        method: request.method,
        path: request.path.slice(0, 512),
        status: response.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
      });
      // Pending uploads (S3 was down) are retried on later requests, after their response.
      const retry = uploads?.dueWork(log);
      if (retry) defer(options, retry);
      return response;
    },
    async close() {
      while (background.size > 0) await Promise.allSettled([...background]);
      await uploads?.idle();
      await engine.close();
      await mail?.close();
    },
  };
}
