/**
 * Brings up one topology on 127.0.0.1 and tears it down:
 *
 *   direct:  balancer (round-robin, no queue) → N app instances, fail-fast (queue 0)
 *   nginx:   balancer → nginx per instance → N app instances, bounded queue
 *   lambda:  balancer (cap → 429) → cap app instances of one worker each, fail-fast
 *
 * An app instance is `lamphp serve` (the real thing) or the Node stand-in (calibration).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LamphpError } from '../../bridge/errors.ts';
import { startNginx, type RunningNginx } from './nginx.ts';
import type { AppKind, Topology } from './presets.ts';
import { freePort, spawnService, waitForHttp, probe, type Service } from './processes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const APP_ROOT = path.join(here, 'app');
/** Answers quickly once an instance is up. */
const READY_PATH = '/render.php';
/** Holds a worker for 300 ms, so `threads` concurrent requests reach every worker. */
const WARM_PATH = '/io.php';

export interface TopologyOptions {
  topology: Topology;
  app: AppKind;
  instances: number;
  threads: number;
  /** Per-instance queue bound; 0 = fail-fast. */
  queue: number;
  /** Lambda policy: concurrent requests before 429. */
  cap?: number;
  /** Temp directory for logs and nginx files. */
  workDir: string;
  /** Stand-in only: how long `/io.php` holds a worker. */
  ioMs?: number;
  onStatus?: (line: string) => void;
}

export interface RunningTopology {
  origin: string;
  instancePorts: number[];
  arrivals(): Promise<number[]>;
  resetArrivals(): Promise<void>;
  stop(): Promise<void>;
}

export function appCommand(
  app: AppKind,
  { port, workers, queue, ioMs }: { port: number; workers: number; queue: number; ioMs?: number },
): { command: string; args: string[] } {
  if (app === 'lamphp') {
    return {
      command: process.execPath,
      args: [
        path.join(REPO_ROOT, 'runtime', 'lamphp.js'),
        'serve',
        '--root',
        APP_ROOT,
        '--port',
        String(port),
        '--workers',
        String(workers),
        '--queue',
        String(queue),
      ],
    };
  }
  return {
    command: process.execPath,
    args: [
      path.join(here, 'standin.ts'),
      '--port',
      String(port),
      '--workers',
      String(workers),
      '--queue',
      String(queue),
      ...(ioMs !== undefined ? ['--io-ms', String(ioMs)] : []),
    ],
  };
}

export async function startTopology(options: TopologyOptions): Promise<RunningTopology> {
  const { topology, app, instances, threads, queue, workDir } = options;
  const status = options.onStatus ?? (() => {});
  const services: Service[] = [];
  const nginxes: RunningNginx[] = [];

  const stop = async () => {
    for (const service of services.filter((s) => s.name === 'balancer')) await service.stop();
    await Promise.all(nginxes.map((n) => n.stop()));
    await Promise.all(services.filter((s) => s.name !== 'balancer').map((s) => s.stop()));
  };

  try {
    const instancePorts: number[] = [];
    for (let i = 0; i < instances; i++) instancePorts.push(await freePort());
    status(`starting ${instances} ${app} instance(s) × ${threads} worker(s), queue ${queue}`);
    await Promise.all(
      instancePorts.map(async (port, i) => {
        const { command, args } = appCommand(app, { port, workers: threads, queue, ...(options.ioMs !== undefined ? { ioMs: options.ioMs } : {}) });
        const service = spawnService({
          name: `app-${i}`,
          command,
          args,
          logFile: path.join(workDir, `app-${i}.log`),
          cwd: REPO_ROOT,
        });
        services.push(service);
        await waitForHttp(`http://127.0.0.1:${port}${READY_PATH}`, {
          timeoutMs: 180_000,
          child: service.child,
          describe: service.tail,
        });
      }),
    );
    status('warming every worker');
    await warm(instancePorts, threads);

    let upstreamPorts = instancePorts;
    if (topology === 'nginx') {
      status(`starting ${instances} nginx`);
      upstreamPorts = [];
      for (const [i, port] of instancePorts.entries()) {
        const listenPort = await freePort();
        nginxes.push(
          await startNginx({ dir: path.join(workDir, `nginx-${i}`), listenPort, upstreamPort: port, readyPath: READY_PATH }),
        );
        upstreamPorts.push(listenPort);
      }
    }

    const balancerPort = await freePort();
    const balancer = spawnService({
      name: 'balancer',
      command: process.execPath,
      args: [
        path.join(here, 'balancer.ts'),
        '--port',
        String(balancerPort),
        '--policy',
        topology === 'lambda' ? 'lambda' : 'round-robin',
        ...(options.cap !== undefined ? ['--cap', String(options.cap)] : []),
        ...upstreamPorts.flatMap((port) => ['--upstream', `http://127.0.0.1:${port}`]),
      ],
      logFile: path.join(workDir, 'balancer.log'),
    });
    services.push(balancer);
    const origin = `http://127.0.0.1:${balancerPort}`;
    await waitForHttp(`${origin}/__bench/health`, { timeoutMs: 15_000, child: balancer.child, describe: balancer.tail });

    return {
      origin,
      instancePorts,
      async arrivals() {
        const res = await fetch(`${origin}/__bench/arrivals`);
        if (!res.ok) throw new LamphpError('BENCH_ARRIVALS', `The balancer answered ${res.status} for its arrivals.`);
        return ((await res.json()) as { arrivalsMs: number[] }).arrivalsMs;
      },
      async resetArrivals() {
        await fetch(`${origin}/__bench/reset`, { method: 'POST' });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Sends `threads` concurrent slow requests to each instance, three rounds, so every worker has
 * booted and served before the ramp starts (a cold worker would look like a queue).
 */
async function warm(ports: number[], threads: number): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      ports.flatMap((port) => Array.from({ length: threads }, () => probe(`http://127.0.0.1:${port}${WARM_PATH}`, 30_000))),
    );
  }
}
