/**
 * A real nginx in front of one app instance, as in the reference's second topology. Each
 * instance gets its own directory holding nginx.conf, the pid file, the error log and the
 * temp paths, so nginx starts as any user and leaves nothing outside it.
 *
 * nginx itself does not queue (open-source nginx has no upstream `queue`): it opens a
 * connection to the app per concurrent request, so requests wait in the app's bounded queue
 * (lamphp `--queue`) and nginx relays the 503 when that queue is full.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LamphpError } from '../../bridge/errors.ts';
import { stopProcess, track, waitForHttp } from './processes.ts';

export interface NginxConfOptions {
  /** Directory for the config, pid, logs and temp files; absolute. */
  dir: string;
  listenPort: number;
  upstreamPort: number;
  /** Idle keep-alive connections nginx keeps to the app. */
  keepalive?: number;
  workerConnections?: number;
}

export function nginxConf({ dir, listenPort, upstreamPort, keepalive = 64, workerConnections = 4096 }: NginxConfOptions): string {
  const at = (name: string) => path.join(dir, name);
  return `# Written by bench/ramp/nginx.ts: nginx in front of one app instance.
worker_processes 1;
pid ${at('nginx.pid')};
error_log ${at('error.log')} warn;

events {
  worker_connections ${workerConnections};
}

http {
  access_log off;
  client_body_temp_path ${at('client_body')};
  proxy_temp_path ${at('proxy')};
  fastcgi_temp_path ${at('fastcgi')};
  uwsgi_temp_path ${at('uwsgi')};
  scgi_temp_path ${at('scgi')};

  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive ${keepalive};
    # Below the app's 5 s keep-alive, so nginx never reuses a connection the app is closing.
    keepalive_timeout 4s;
  }

  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 60s;
    }
  }
}
`;
}

/** Where Debian puts nginx; `LAMPHP_NGINX` overrides. */
export function nginxBinary(): string {
  return process.env.LAMPHP_NGINX ?? '/usr/sbin/nginx';
}

export interface RunningNginx {
  port: number;
  dir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function writeNginxConf(options: NginxConfOptions): string {
  mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, 'nginx.conf');
  writeFileSync(file, nginxConf(options));
  return file;
}

/** Starts `nginx -c … -g 'daemon off;'` in the foreground and waits until it answers. */
export async function startNginx(options: NginxConfOptions & { readyPath?: string }): Promise<RunningNginx> {
  const conf = writeNginxConf(options);
  const child = spawn(
    nginxBinary(),
    ['-p', options.dir, '-c', conf, '-e', path.join(options.dir, 'error.log'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  track(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(new LamphpError('BENCH_NGINX_MISSING', `Cannot start ${nginxBinary()} (${(err as NodeJS.ErrnoException).code}); install nginx-light or set LAMPHP_NGINX.`, { cause: err })),
    );
  });
  await spawned;
  try {
    await waitForHttp(`http://127.0.0.1:${options.listenPort}${options.readyPath ?? '/'}`, {
      timeoutMs: 15_000,
      child,
      acceptAny: true,
    });
  } catch (err) {
    await stopProcess(child);
    throw new LamphpError('BENCH_NGINX_START', `nginx did not start: ${stderr.trim() || (err as Error).message}`, { cause: err });
  }
  return {
    port: options.listenPort,
    dir: options.dir,
    child,
    stop: () => stopProcess(child, 'SIGQUIT'),
  };
}

/** `nginx -t` on a written config: null when valid, else nginx's complaint. */
export async function checkNginxConf(options: NginxConfOptions): Promise<string | null> {
  const conf = writeNginxConf(options);
  const child = spawn(nginxBinary(), ['-t', '-p', options.dir, '-c', conf, '-e', path.join(options.dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return code === 0 ? null : stderr.trim();
}
