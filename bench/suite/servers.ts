/**
 * The three ways the suite serves a tree, started the same way: `lamphp serve` (its own
 * process), Lambda-shaped (Runtime API emulator + bootstrap processes, one PHP worker each)
 * and the native baseline (php-fpm + nginx). `parallel` is PHP workers / environments /
 * fpm children: requests that run at once.
 */
import path from 'node:path';
import { freePort, spawnService, waitForHttp } from '../ramp/processes.ts';
import { startNative } from '../native/native.ts';
import { startLambdaFront, REPO } from './lambda-front.ts';

export type ServerKind = 'serve' | 'lambda' | 'native';
export const SERVER_KINDS: readonly ServerKind[] = ['serve', 'lambda', 'native'];
export const SERVER_LABEL: Record<ServerKind, string> = {
  serve: 'lamphp serve',
  lambda: 'lamphp Lambda-shaped',
  native: 'native php-fpm + nginx',
};

export const NODE = path.join(REPO, 'node_modules/.bin/node');
export const LAMPHP = path.join(REPO, 'runtime/lamphp.js');

export interface RunningServer {
  kind: ServerKind;
  url: string;
  /** Processes whose memory is the server's (each with its descendants). */
  pids: number[];
  stop(): Promise<void>;
}

export interface StartOptions {
  root: string;
  parallel: number;
  /** Temp directory for logs, configs and sessions. */
  workDir: string;
  /** Extra environment (database settings are in wp-config.php, so usually none). */
  env?: NodeJS.ProcessEnv;
  /** Path answered once ready. */
  readyPath?: string;
}

export function serveArgs(root: string, port: number, workers: number): string[] {
  return [LAMPHP, 'serve', '--root', root, '--port', String(port), '--workers', String(workers), '--host', '127.0.0.1'];
}

export function serveEnv(workDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, LAMPHP_LOG_LEVEL: 'warn', LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), ...extra };
}

export async function startServer(kind: ServerKind, options: StartOptions): Promise<RunningServer> {
  const { root, parallel, workDir, readyPath = '/' } = options;
  if (kind === 'serve') {
    const port = await freePort();
    const service = spawnService({
      name: 'lamphp serve',
      command: NODE,
      args: serveArgs(root, port, parallel),
      logFile: path.join(workDir, `serve-${port}.log`),
      env: serveEnv(workDir, options.env),
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(url + readyPath, { timeoutMs: 60_000, child: service.child, acceptAny: true, describe: service.tail });
    } catch (err) {
      await service.stop();
      throw err;
    }
    return { kind, url, pids: [service.child.pid!], stop: () => service.stop() };
  }
  if (kind === 'lambda') {
    const front = await startLambdaFront({
      root,
      instances: parallel,
      logDir: workDir,
      env: { LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), ...options.env },
    });
    return { kind, url: front.url, pids: front.instances.map((s) => s.child.pid!), stop: front.stop };
  }
  const port = await freePort();
  const native = await startNative({ root, port, dir: path.join(workDir, `native-${port}`), children: parallel, readyPath });
  return { kind, url: native.url, pids: [native.pids.fpm, native.pids.nginx], stop: native.stop };
}
