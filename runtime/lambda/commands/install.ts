/**
 * The stack's install invocation (infra/README.md, "Install"): puts WordPress onto the EFS
 * site and runs its installer through the bridge. The work is bridge/wordpress/install-site.ts;
 * it is imported only when an install arrives, so page views never load it.
 */
import type { HttpRequest } from '../../../bridge/index.ts';
import { engineDeadline } from '../deadline.ts';
import type { InvocationOutcome } from '../loop.ts';
import type { CommandContext } from './index.ts';
import type { InstallCommandFields } from './shapes.ts';

export async function runInstall({ config, env, bridge, ctx, log }: CommandContext, install: InstallCommandFields): Promise<InvocationOutcome> {
  const { runInstallCommand } = await import('../../../bridge/wordpress/install-site.ts');
  // The installer's requests may use the whole invocation: an install is worth the function timeout.
  const deadline = engineDeadline(ctx.deadlineMs, config.deadlineMarginMs);
  const handle = (request: HttpRequest) => bridge.handle(request, { deadline, installer: true });
  const started = performance.now();
  const result = await runInstallCommand(install, { env, handle, logger: log, lambda: true });
  log.info('install finished', { mode: result.mode, changed: result.changed, installed: result.installed ?? false, durationMs: Math.round(performance.now() - started) });
  return { kind: 'buffered', payload: { command: 'install', ...result } };
}
