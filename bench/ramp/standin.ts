/**
 * A tiny Node app server with the same two endpoints and the same admission rules as
 * `lamphp serve`: `workers` requests run at once; with `queue` 0 the next one is refused
 * with 503 at once (fail-fast), otherwise up to `queue` wait their turn and the one after
 * that gets 503. It has no PHP in it: `--app node` uses it to calibrate the harness (the
 * generator, balancer and nginx) against an app whose service time is known exactly.
 *
 *   node bench/ramp/standin.ts --port 8081 --workers 4 --queue 0 [--io-ms 300]
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { listen, type RunningServer } from './sink.ts';

export interface StandinOptions {
  workers: number;
  queue: number;
  /** How long `/io.php` holds its worker, ms. */
  ioMs?: number;
}

export interface StandinStats {
  served: number;
  refused: number;
  maxWaiting: number;
}

export function createStandin({ workers, queue, ioMs = 300 }: StandinOptions): {
  server: http.Server;
  stats: StandinStats;
} {
  let busy = 0;
  const waiting: Array<() => void> = [];
  const stats: StandinStats = { served: 0, refused: 0, maxWaiting: 0 };

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  };

  const server = http.createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    const work = path === '/io.php' ? io : path === '/render.php' ? render : undefined;
    if (!work) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const start = () => {
      let released = false;
      const done = () => {
        if (!released) {
          released = true;
          stats.served++;
          release();
        }
      };
      res.once('close', done);
      work(res, done);
    };
    if (busy < workers) {
      busy++;
      start();
    } else if (waiting.length < queue) {
      const entry = () => start();
      waiting.push(entry);
      stats.maxWaiting = Math.max(stats.maxWaiting, waiting.length);
      // A client that gave up while queued leaves the queue.
      res.once('close', () => {
        const at = waiting.indexOf(entry);
        if (at >= 0) waiting.splice(at, 1);
      });
    } else {
      stats.refused++;
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('all workers busy\n');
    }
  });

  function io(res: http.ServerResponse, done: () => void) {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`waited ${ioMs} ms\n`);
      done();
    }, ioMs);
  }

  function render(res: http.ServerResponse, done: () => void) {
    let html = '<!doctype html><html><head><title>Hello, world</title></head><body><h1>Hello, world</h1><ul>';
    for (let i = 1; i <= 20; i++) html += `<li id="item-${i}">Item ${i}: ${(i * 1.25).toFixed(2)}</li>`;
    html += '</ul></body></html>\n';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    done();
  }

  return { server, stats };
}

export async function startStandin(options: StandinOptions & { port?: number }): Promise<RunningServer & { stats: StandinStats }> {
  const { server, stats } = createStandin(options);
  return { ...(await listen(server, options.port ?? 0)), stats };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      workers: { type: 'string', default: '4' },
      queue: { type: 'string', default: '0' },
      'io-ms': { type: 'string', default: '300' },
    },
  });
  const running = await startStandin({
    port: Number(values.port),
    workers: Number(values.workers),
    queue: Number(values.queue),
    ioMs: Number(values['io-ms']),
  });
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'stand-in listening', port: running.port })}\n`);
  process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
}
