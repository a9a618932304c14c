/**
 * The native baseline: Debian's php-fpm 8.2 behind nginx, serving a PHP tree the way a
 * classic WordPress host does (`try_files $uri $uri/ /index.php?$args`, FastCGI over a unix
 * socket). Everything — configs, socket, pid files, logs, nginx temp paths — lives in one
 * temporary directory, so both start as any user (root with `-R`) and leave nothing behind.
 *
 * Opcache and the realpath cache are set like lamphp's php.ini, so the comparison is about
 * the engine, not the settings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LamphpError } from '../../bridge/errors.ts';
import { stopProcess, waitForHttp } from '../ramp/processes.ts';

/** Where Debian puts the binaries; `LAMPHP_PHP_FPM` / `LAMPHP_NGINX` override. */
export function fpmBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAMPHP_PHP_FPM ?? '/usr/sbin/php-fpm8.2';
}
export function nginxBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAMPHP_NGINX ?? '/usr/sbin/nginx';
}

/** php.ini values matched to lamphp's own php.ini (opcache in memory, realpath cache). */
export const NATIVE_INI: Readonly<Record<string, string>> = {
  'opcache.enable': '1',
  'opcache.memory_consumption': '64',
  'opcache.interned_strings_buffer': '16',
  'opcache.max_accelerated_files': '20000',
  'opcache.validate_timestamps': '1',
  'opcache.revalidate_freq': '2',
  realpath_cache_size: '4096K',
  realpath_cache_ttl: '600',
  display_errors: '0',
  memory_limit: '256M',
};

export interface FpmConfOptions {
  dir: string;
  /** Static pool size: PHP processes that serve requests at once. */
  children: number;
  ini?: Readonly<Record<string, string>>;
}

export function fpmConf({ dir, children, ini = NATIVE_INI }: FpmConfOptions): string {
  const at = (name: string) => path.join(dir, name);
  return `; Written by bench/native/native.ts: a static php-fpm pool on a unix socket.
[global]
pid = ${at('php-fpm.pid')}
error_log = ${at('php-fpm.log')}
daemonize = no

[bench]
listen = ${at('php-fpm.sock')}
listen.mode = 0666
pm = static
pm.max_children = ${children}
pm.max_requests = 0
clear_env = no
catch_workers_output = yes
${Object.entries(ini)
  .map(([name, value]) => `php_admin_value[${name}] = ${value}`)
  .join('\n')}
`;
}

export interface NginxFastCgiOptions {
  dir: string;
  root: string;
  port: number;
  workers?: number;
  /** Whether nginx's master runs as root (then its workers must too, like php-fpm with -R). */
  asRoot?: boolean;
}

/** nginx's temporary paths inside `dir`, so it starts as any user and leaves nothing behind. */
export function nginxTempPaths(dir: string): string {
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${name}_temp_path ${path.join(dir, name)};`).join('\n');
}

export function nginxFastCgiConf({ dir, root, port, workers = 1, asRoot = process.getuid?.() === 0 }: NginxFastCgiOptions): string {
  const at = (name: string) => path.join(dir, name);
  // Started by root, nginx workers would switch to nobody and lose access to a private temp tree.
  return `# Written by bench/native/native.ts: nginx serving a PHP tree through php-fpm.
${asRoot ? 'user root;\n' : ''}worker_processes ${workers};
pid ${at('nginx.pid')};
error_log ${at('nginx-error.log')} warn;

events {
  worker_connections 1024;
}

http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  keepalive_requests 100000;
${nginxTempPaths(dir)}

  server {
    listen 127.0.0.1:${port};
    root ${root};
    index index.php index.html;

    location / {
      try_files $uri $uri/ /index.php?$args;
    }

    location ~ \\.php$ {
      try_files $uri =404;
      include /etc/nginx/fastcgi.conf;
      fastcgi_pass unix:${at('php-fpm.sock')};
    }
  }
}
`;
}

export interface NativeServer {
  url: string;
  port: number;
  /** php-fpm master pid and nginx master pid (for memory readings). */
  pids: { fpm: number; nginx: number };
  stop(): Promise<void>;
}

function startChild(command: string, args: string[], name: string): { child: ChildProcess; output: () => string; spawned: Promise<void> } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(
        new LamphpError(
          'BENCH_NATIVE_MISSING',
          `Cannot start ${command} (${(err as NodeJS.ErrnoException).code}); install ${name} (Debian: php8.2-fpm php8.2-sqlite3 php8.2-mysql nginx-light) or set LAMPHP_PHP_FPM / LAMPHP_NGINX.`,
          { cause: err },
        ),
      ),
    );
  });
  return { child, output: () => output, spawned };
}

/**
 * Starts php-fpm (`children` static workers) and nginx on 127.0.0.1:`port` serving `root`;
 * resolves once `readyPath` answers (any status).
 */
export async function startNative({
  root,
  port,
  dir,
  children = 2,
  readyPath = '/',
}: {
  root: string;
  port: number;
  dir: string;
  children?: number;
  readyPath?: string;
}): Promise<NativeServer> {
  mkdirSync(dir, { recursive: true });
  const fpmFile = path.join(dir, 'php-fpm.conf');
  writeFileSync(fpmFile, fpmConf({ dir, children }));
  const nginxFile = path.join(dir, 'nginx.conf');
  writeFileSync(nginxFile, nginxFastCgiConf({ dir, root, port }));

  // -R: allowed to run as root (this machine's CI user); -F: foreground; -y: our config only.
  const fpm = startChild(fpmBinary(), ['-F', '-R', '-y', fpmFile, '-p', dir], 'php8.2-fpm');
  await fpm.spawned;
  const nginx = startChild(nginxBinary(), ['-p', dir, '-c', nginxFile, '-e', path.join(dir, 'nginx-error.log'), '-g', 'daemon off;'], 'nginx-light');
  try {
    await nginx.spawned;
    await waitForHttp(`http://127.0.0.1:${port}${readyPath}`, {
      timeoutMs: 20_000,
      child: fpm.child,
      acceptAny: true,
      describe: () => `php-fpm: ${fpm.output()}\nnginx: ${nginx.output()}`,
    });
  } catch (err) {
    await Promise.all([stopProcess(nginx.child, 'SIGQUIT'), stopProcess(fpm.child, 'SIGQUIT')]);
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pids: { fpm: fpm.child.pid!, nginx: nginx.child.pid! },
    async stop() {
      await stopProcess(nginx.child, 'SIGQUIT');
      await stopProcess(fpm.child, 'SIGQUIT');
    },
  };
}
