/**
 * Scheduled WP-Cron: a GET of LAMPHP_CRON_SCRIPT (wp-cron.php) through the bridge, as an
 * external cron job would fetch it, with the deadline rules of any request. In Lambda the one
 * wp-config.php generator sets DISABLE_WP_CRON, so page views never run it; this does.
 *
 * No `doing_wp_cron` in the query: wp-cron.php treats a request without it as an external job
 * and takes the cron lock itself; with a value of ours it would find no matching lock and skip.
 */
import { bodyBytes, type HandleOptions, type HttpRequest } from '../../../bridge/index.ts';
import { engineDeadline } from '../deadline.ts';
import type { InvocationOutcome } from '../loop.ts';
import { commandError, type CommandContext } from './index.ts';

/** The request a scheduled invocation sends: internal, from 127.0.0.1, with the origin secret. */
export function cronRequest(config: CommandContext['config'], requestId: string, now = Date.now()): HttpRequest {
  const [scriptPath = '', query = ''] = config.cronScript.split(/\?(.*)/s);
  const host = config.canonicalHost ?? 'localhost';
  const headers: HttpRequest['headers'] = Object.assign(Object.create(null), {
    host: [host],
    'user-agent': ['lamphp-cron'],
  });
  if (config.originSecret) headers[config.originSecretHeader] = [config.originSecret];
  return {
    method: 'GET',
    path: `/${scriptPath}`,
    query,
    headers,
    body: new Uint8Array(0),
    clientAddress: '127.0.0.1',
    clientPort: 0,
    scheme: 'https',
    host,
    port: 443,
    protocol: 'HTTP/1.1',
    requestId,
    receivedAt: now,
  };
}

export async function runCron({ config, bridge, ctx, log }: CommandContext): Promise<InvocationOutcome> {
  const started = performance.now();
  const deferred: (() => Promise<void>)[] = [];
  const options: HandleOptions = {
    deadline: engineDeadline(ctx.deadlineMs, config.deadlineMarginMs),
    defer: (work) => deferred.push(work),
  };
  const response = await bridge.handle(cronRequest(config, ctx.requestId), options);
  const body = new TextDecoder().decode(await bodyBytes(response.body));
  // No visitor waits: work after the answer (wp-cron.php calls fastcgi_finish_request() before
  // running the jobs) is done before the result is reported, so durationMs covers the jobs.
  for (const work of deferred.splice(0)) await work();
  const durationMs = Math.round(performance.now() - started);
  if (response.status >= 400) {
    log.error('scheduled cron failed', { script: config.cronScript, status: response.status, durationMs });
    return {
      ...commandError(
        'Lamphp.CronFailed',
        `${config.cronScript} answered ${response.status} after ${durationMs} ms` +
          (response.status === 504 ? ' (stopped at the deadline; raise the function timeout or split the jobs)' : '') +
          `: ${body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300)}`,
      ),
    };
  }
  log.info('scheduled cron ran', { script: config.cronScript, status: response.status, durationMs });
  return { kind: 'buffered', payload: { command: 'cron', script: config.cronScript, status: response.status, durationMs } };
}
