/**
 * The Lambda runtime process, started by runtime/lambda/bootstrap: read the settings, boot
 * PHP, then serve invocations until Lambda shuts the sandbox down. A failed start is reported
 * to the Runtime API's init/error so it shows in the function's error, not only in the logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createBridge, createLogger, detectSource, LamphpError, readConfig, servicesFromConfig, uploadsWatchDir, type Bridge, type Logger } from '../../bridge/index.ts';
import { createRuntimeApiClient, type RuntimeApiClient } from './client.ts';
import { createInvocationHandler } from './handler.ts';
import { primeAfterColdCommand } from './prime.ts';
import { createCommandDispatcher } from './commands/index.ts';
import { runUntilSignal, type InvocationHandler } from './loop.ts';

function checkDocumentRoot(root: string, create: boolean, logger: Logger): void {
  if (create && !fs.existsSync(root) && fs.statSync(path.dirname(root), { throwIfNoEntry: false })?.isDirectory()) {
    // A new EFS access point is empty until the install invocation fills it.
    fs.mkdirSync(root);
    logger.info('created the empty document root; run the install invocation to put a site there', { root });
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(root);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory()) {
    throw new LamphpError(
      'ENOROOT',
      `The document root ${root} (LAMPHP_DOCUMENT_ROOT) is not a directory. In Lambda it is the EFS mount ` +
        'path of the PHP tree: check the function\'s file system configuration and the setting.',
    );
  }
}

async function boot(env: NodeJS.ProcessEnv, logger: Logger): Promise<{ handler: InvocationHandler; bridge: Bridge; logger: Logger }> {
  const config = readConfig(env);
  const log = createLogger({ level: config.logLevel });
  checkDocumentRoot(config.documentRoot, config.createDocumentRoot, log);
  fs.mkdirSync(config.sessionDir, { recursive: true });
  // Uploads to S3, CDN invalidation, mail: PHP's messages reach each through one hook.
  const services = servicesFromConfig(config, env, log);
  const { uploads, cdn, mail, onMessage } = services;
  // Imported here so that an engine that cannot even load is reported as an init error.
  const { createPhpWasmEngine, engineOptionsFromConfig } = await import('../../bridge/engine/php-wasm/index.ts');
  const engine = await createPhpWasmEngine({
    ...engineOptionsFromConfig(config),
    ...(uploads && { uploadsDir: uploadsWatchDir(config) }),
    onMessage,
    logger: log,
  });
  // In Lambda, only the install invocation runs WordPress's installer.
  const bridge = createBridge({ config, engine, logger: log, uploads, cdn, mail, installerGate: true });
  logger.debug('engine ready', { documentRoot: config.documentRoot, phpVersion: config.phpVersion, mode: config.responseMode });
  // Runtimes replaced after a timeout or rotation boot in the gap before /next freezes the sandbox.
  const commands = createCommandDispatcher({ config, bridge, engine, uploads, env });
  // After a cold start no visitor paid (cron, warm-up, install), render the front page unseen: the next visitor gets compiled code.
  const handler = primeAfterColdCommand(createInvocationHandler({ config, logger: log, bridge, commands, afterResponse: () => engine.idle() }), {
    config,
    bridge,
    logger: log,
    isHttp: (event) => {
      try {
        return detectSource(event) !== undefined;
      } catch {
        return true;
      }
    },
  });
  return { handler, bridge, logger: log };
}

/** Runs the runtime; resolves with the exit code. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now();
  let logger = createLogger({ level: 'info' });
  let client: RuntimeApiClient;
  try {
    client = createRuntimeApiClient(env.AWS_LAMBDA_RUNTIME_API);
  } catch (err) {
    logger.error('cannot start the Lambda runtime', { err });
    return 1;
  }
  let booted;
  try {
    booted = await boot(env, logger);
  } catch (err) {
    logger.error('init failed', { err });
    await client.initError(err).catch((e: unknown) => logger.error('reporting the init error failed', { err: e }));
    client.close();
    return 1;
  }
  logger = booted.logger;
  logger.info('runtime ready', { initMs: Math.round(performance.now() - started) });
  return runUntilSignal({ client, handler: booted.handler, logger, shutdown: () => booted.bridge.close() });
}

if (import.meta.main) process.exit(await main());
