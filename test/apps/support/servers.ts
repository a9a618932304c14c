/**
 * The two sides of the compatibility suite for one application folder: `lamphp serve` (the real
 * `serve()`, in this process, its log lines kept) and Debian's php-fpm + nginx configured the
 * way each application's documentation says (PATH_INFO, its deny locations).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { memoryLogger } from '../../../bridge/log.ts';
import { serve, type Serving } from '../../../runtime/local/serve.ts';
import { fpmBinary, fpmConf, nginxBinary, nginxTempPaths, NATIVE_INI } from '../../../bench/native/native.ts';
import { freePort, stopProcess, waitForHttp } from '../../../bench/ramp/processes.ts';

export interface Side {
  name: 'lamphp' | 'native';
  url: string;
  stop(): Promise<void>;
}

export interface LamphpSide extends Side {
  logs: Record<string, unknown>[];
  serving: Serving;
}

/** php.ini values both sides get beyond their defaults: uploads of a few MB. */
export const APP_INI = { upload_max_filesize: '16M', post_max_size: '16M' };

export async function startLamphp(root: string, env: Record<string, string>): Promise<LamphpSide> {
  const logger = memoryLogger('info');
  const serving = await serve({ root, port: 0, workers: 1 }, { ...process.env, LAMPHP_LOG_LEVEL: 'info', ...env }, logger);
  return { name: 'lamphp', url: serving.url, logs: logger.records, serving, stop: () => serving.close() };
}

function nginxConf(o: { dir: string; root: string; port: number; front: string; locations: string }): string {
  const at = (n: string) => path.join(o.dir, n);
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${at('nginx.pid')};
error_log ${at('nginx-error.log')} warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_max_body_size 16m;
${nginxTempPaths(o.dir)}
  server {
    listen 127.0.0.1:${o.port};
    root ${o.root};
    index index.php index.html;
${o.locations}
    location / { try_files $uri $uri/ /${o.front}?$args; }
    location ~ [^/]\\.php(/|$) {
      fastcgi_split_path_info ^(.+?\\.php)(/.*)$;
      try_files $fastcgi_script_name =404;
      set $path_info $fastcgi_path_info;
      include /etc/nginx/fastcgi.conf;
      fastcgi_param PATH_INFO $path_info;
      fastcgi_pass unix:${at('php-fpm.sock')};
    }
  }
}
`;
}

function child(command: string, args: string[]): { proc: ChildProcess; output: () => string } {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer) => (out = (out + c.toString()).slice(-4000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  return { proc, output: () => out };
}

/** php-fpm 8.2 (2 children) and nginx with the app's documented locations, in `dir`. */
export async function startNative(o: { root: string; dir: string; front: string; locations: string; ini?: Record<string, string> }): Promise<Side> {
  fs.mkdirSync(o.dir, { recursive: true });
  const port = await freePort();
  const fpmFile = path.join(o.dir, 'php-fpm.conf');
  fs.writeFileSync(fpmFile, fpmConf({ dir: o.dir, children: 2, ini: { ...NATIVE_INI, ...APP_INI, ...o.ini } }));
  const nginxFile = path.join(o.dir, 'nginx.conf');
  fs.writeFileSync(nginxFile, nginxConf({ dir: o.dir, root: o.root, port, front: o.front, locations: o.locations }));
  const fpm = child(fpmBinary(), ['-F', '-R', '-y', fpmFile, '-p', o.dir]);
  const nginx = child(nginxBinary(), ['-p', o.dir, '-c', nginxFile, '-e', path.join(o.dir, 'nginx-error.log'), '-g', 'daemon off;']);
  const stop = async () => {
    await stopProcess(nginx.proc, 'SIGQUIT');
    await stopProcess(fpm.proc, 'SIGQUIT');
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 20_000, child: fpm.proc, acceptAny: true, describe: () => `php-fpm: ${fpm.output()}\nnginx: ${nginx.output()}` });
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: 'native', url: `http://127.0.0.1:${port}`, stop };
}
