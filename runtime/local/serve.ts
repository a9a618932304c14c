/**
 * `lamphp serve`: PHP (WordPress by default) served locally through the same bridge as Lambda.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createBridge, createLogger, LamphpError, readConfig, servicesFromConfig, uploadsWatchDir, type Bridge, type Config, type Logger } from '../../bridge/index.ts';
import { createPhpWasmEngine, engineOptionsFromConfig } from '../../bridge/engine/php-wasm/index.ts';
import {
  dbSettingsFromEnv,
  generatePassword,
  installWordPress,
  recordInstalled,
  prepareSite,
  resolveWordPressSource,
} from '../../bridge/wordpress/index.ts';
import { reservePort, serverUrl, startLocalServer, type LocalServer } from './server.ts';
import { progressBar } from '../progress.ts';

export interface ServeFlags {
  root?: string;
  port?: number;
  host?: string;
  workers?: number;
  queue?: number;
  timeoutMs?: number;
  wordpress?: string;
  siteDir?: string;
  install?: boolean;
  title?: string;
  adminUser?: string;
  adminPassword?: string;
  adminEmail?: string;
}

export interface Serving {
  url: string;
  documentRoot: string;
  server: LocalServer;
  config: Config;
  close(): Promise<void>;
  admin?: { url: string; user: string; password: string };
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAMPHP_CACHE_DIR) return path.resolve(env.LAMPHP_CACHE_DIR);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'lamphp');
}

async function checkDatabaseReachable(host: string, timeoutMs = 3000): Promise<void> {
  const [name, portText] = host.split(':');
  const port = portText && /^\d+$/.test(portText) ? Number(portText) : 3306;
  if (!name || name.startsWith('/') || portText?.startsWith('/')) return; // socket paths are PHP's business
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: name, port });
    const fail = (err: Error) => {
      socket.destroy();
      reject(new LamphpError('EDBUNREACHABLE', `Cannot reach the MySQL server at ${name}:${port} (${(err as NodeJS.ErrnoException).code ?? err.message}). Check DB_HOST, or unset it to use SQLite.`));
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('timed out')));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}

function adminFile(siteDir: string): string {
  return `${siteDir.replace(/\/+$/, '')}.admin.json`;
}

export async function serve(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<Serving> {
  let documentRoot: string;
  let wordpress = false;
  let siteDir: string | undefined;
  const cacheDir = defaultCacheDir(env);
  // Settings are read for the root that will be served (LAMPHP_UPLOADS_DIR is judged against it).
  const rootOf = () => (flags.root ? path.resolve(flags.root) : path.resolve(flags.siteDir ?? path.join(cacheDir, 'sites', 'default')));
  const base = readConfig(env, { documentRoot: rootOf() });
  const log = logger ?? createLogger({ level: base.logLevel });
  if (flags.root) {
    documentRoot = path.resolve(flags.root);
    const stat = fs.statSync(documentRoot, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) {
      throw new LamphpError('EROOTMISSING', `The document root ${documentRoot} does not exist or is not a directory.`);
    }
  } else {
    wordpress = true;
    const source = await resolveWordPressSource({
      wordpress: flags.wordpress,
      cacheDir,
      downloadUrl: env.LAMPHP_WORDPRESS_URL || 'https://wordpress.org/latest.zip',
      onProgress: progressBar('Downloading WordPress'),
      logger: log,
    });
    siteDir = rootOf();
    const db = dbSettingsFromEnv(env);
    if (db.kind === 'mysql') await checkDatabaseReachable(db.host);
    await prepareSite({ source: source.dir, siteDir, db, lambda: false, siteId: base.siteId, logger: log });
    documentRoot = siteDir;
    log.info('wordpress ready', { source: source.origin, version: source.version, siteDir, db: db.kind });
  }
  const config = readConfig(env, {
    documentRoot,
    // Locally mail is written to files outside the site unless the environment says otherwise.
    mailTransport: base.mailTransport ?? 'dir',
    mailDir: base.mailDir ?? path.join(cacheDir, 'mail'),
    ...(flags.workers !== undefined && { workers: flags.workers }),
    ...(flags.queue !== undefined && { queue: flags.queue }),
    ...(flags.timeoutMs !== undefined && { requestTimeoutMs: flags.timeoutMs }),
  });
  fs.mkdirSync(config.sessionDir, { recursive: true });
  const services = servicesFromConfig(config, env, log);
  const { uploads, cdn, mail, onMessage } = services;
  const engine = await createPhpWasmEngine({
    ...engineOptionsFromConfig(config),
    // PHP's limits follow what this front door accepts (php.ini's defaults fit Lambda's 6 MB).
    iniOverrides: { post_max_size: String(config.maxBodyBytes), upload_max_filesize: String(config.maxBodyBytes) },
    ...(uploads && { uploadsDir: uploadsWatchDir(config) }),
    onMessage,
    logger: log,
  });
  const bridge = createBridge({ config, engine, logger: log, uploads, cdn, mail });
  const host = flags.host ?? '127.0.0.1';
  let server: LocalServer;
  let admin: Serving['admin'];
  try {
    let port = flags.port ?? 8080;
    if (wordpress && flags.install && siteDir) {
      // Nobody may reach the site while WordPress installs (whoever submits the installer owns
      // it): the server listens afterwards. The installer needs the address, so the port comes first.
      port = await reservePort(host, port);
      admin = await installLocally(bridge, siteDir, flags, serverUrl(host, port));
    }
    server = await startLocalServer({ bridge, config, logger: log, host, port });
  } catch (err) {
    await bridge.close();
    throw err;
  }
  const serving: Serving = {
    url: server.url,
    documentRoot,
    server,
    config,
    close: async () => {
      await server.close();
      await bridge.close();
    },
    ...(admin && { admin }),
  };
  return serving;
}

/** Runs WordPress's installer through the bridge unless the site is installed; the admin to print. */
async function installLocally(bridge: Bridge, siteDir: string, flags: ServeFlags, url: string): Promise<Serving['admin']> {
  const file = adminFile(siteDir);
  const saved = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { user: string; password: string }) : undefined;
  const user = flags.adminUser ?? saved?.user ?? 'admin';
  const password = flags.adminPassword ?? saved?.password ?? generatePassword();
  const result = await installWordPress((request) => bridge.handle(request, { deadline: Date.now() + 120_000 }), {
    url,
    title: flags.title ?? 'My lamphp site',
    adminUser: user,
    adminPassword: password,
    adminEmail: flags.adminEmail ?? 'admin@example.com',
  });
  if (result.installed) fs.writeFileSync(file, JSON.stringify({ user, password }, null, 2) + '\n', { mode: 0o600 });
  // The same site served by the Lambda runtime (which holds PHP pages until this is recorded) is installed.
  await recordInstalled(siteDir);
  if (!result.installed && !saved) return undefined;
  return { url: `${url}/wp-admin/`, user, password: result.installed ? password : saved!.password };
}
