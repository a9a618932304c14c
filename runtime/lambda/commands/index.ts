/**
 * The one dispatcher for non-HTTP invocations: scheduled WP-Cron, console (PHP CLI), warm-up,
 * install. runtime/lambda/handler.ts consults it only for an event no HTTP adapter claims;
 * it answers only the exact shapes of shapes.ts and leaves everything else to the handler's
 * "unsupported event" error.
 */
import type { Bridge, Config, Logger, UploadsSync } from '../../../bridge/index.ts';
import type { PhpWasmEngine } from '../../../bridge/engine/php-wasm/index.ts';
import type { InvocationContext, InvocationOutcome } from '../loop.ts';
import { parseCommand, type Command } from './shapes.ts';
import { runCron } from './cron.ts';
import { runConsole } from './console.ts';
import { runWarmer } from './warmer.ts';
import { runInstall } from './install.ts';

export { parseCommand, type Command, type ParsedCommand } from './shapes.ts';

export interface CommandDeps {
  config: Config;
  bridge: Pick<Bridge, 'handle'>;
  engine: Pick<PhpWasmEngine, 'cli' | 'idle' | 'stats'>;
  uploads?: UploadsSync;
  /** The process environment (the install command reads DB_* and LAMPHP_* from it). */
  env: NodeJS.ProcessEnv;
}

/** What one command gets to work with. */
export interface CommandContext extends CommandDeps {
  ctx: InvocationContext;
  log: Logger;
}

export interface CommandDispatcher {
  /** The outcome for a documented non-HTTP event; undefined when the event is not one. */
  dispatch(event: unknown, ctx: InvocationContext, log: Logger): Promise<InvocationOutcome> | undefined;
}

export function commandError(errorType: string, errorMessage: string): InvocationOutcome {
  return { kind: 'error', errorType, errorMessage };
}

export function createCommandDispatcher(deps: CommandDeps): CommandDispatcher {
  const run = async (command: Command, ctx: InvocationContext, log: Logger): Promise<InvocationOutcome> => {
    const cctx: CommandContext = { ...deps, ctx, log: log.child({ command: command.name }) };
    try {
      switch (command.name) {
        case 'cron':
          return await runCron(cctx);
        case 'php':
          return await runConsole(cctx, command.args);
        case 'warmer':
          return await runWarmer(cctx);
        case 'install':
          return await runInstall(cctx, command.install);
      }
    } catch (err) {
      cctx.log.error('command failed', { err });
      const e = err as Error & { code?: unknown };
      const code = typeof e?.code === 'string' ? `: ${e.code}` : '';
      return commandError('Lamphp.CommandFailed', `The ${command.name} command failed${code}: ${e?.message ?? String(err)}`);
    }
  };
  return {
    dispatch(event, ctx, log) {
      const parsed = parseCommand(event);
      if (parsed === undefined) return undefined;
      if (!parsed.ok) {
        log.error('malformed lamphp command', { message: parsed.message });
        return Promise.resolve(commandError('Lamphp.BadCommand', parsed.message));
      }
      return run(parsed.command, ctx, log);
    },
  };
}
