/**
 * The trees the suite serves, prepared once per run in a temporary directory and shared by
 * every server: a directory with only hello.php, and one WordPress site per database (SQLite, and MySQL
 * with a database created for the run and dropped after). Sites are prepared for Lambda
 * (`DISABLE_WP_CRON`), so no page view runs cron on either server.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serve, defaultCacheDir } from '../../runtime/local/serve.ts';
import { prepareSite, resolveWordPressSource, type DbSettings } from '../../bridge/wordpress/index.ts';
import { memoryLogger, type Logger } from '../../bridge/log.ts';

export type Db = 'sqlite' | 'mysql';

export const HELLO_PHP = "<?php echo 'Hello, world!';\n";

export interface BenchSite {
  db: Db;
  dir: string;
  dbName?: string;
  /** The administrator the install created (the traffic replay logs in as editor with it). */
  admin: { user: string; password: string };
}

export interface BenchTrees {
  sites: Partial<Record<Db, BenchSite>>;
  wordpressVersion: string;
  close(): Promise<void>;
}

export function mariadb(sql: string): string {
  return execFileSync('mariadb', ['--host=127.0.0.1', '--user=root', '--batch', '--skip-column-names', '-e', sql], { encoding: 'utf8' });
}

export function dbEnv(site: BenchSite): Record<string, string> {
  return site.db === 'mysql' ? { DB_HOST: '127.0.0.1:3306', DB_NAME: site.dbName!, DB_USER: 'root', DB_PASSWORD: '' } : {};
}

/** A directory holding only hello.php. */
export function helloTree(workDir: string): string {
  const hello = path.join(workDir, 'hello');
  fs.mkdirSync(hello, { recursive: true });
  fs.writeFileSync(path.join(hello, 'hello.php'), HELLO_PHP);
  return hello;
}

export async function prepareTrees({ workDir, dbs, logger }: { workDir: string; dbs: readonly Db[]; logger: Logger }): Promise<BenchTrees> {
  const cacheDir = defaultCacheDir();
  const source = await resolveWordPressSource({ cacheDir, logger });
  const sites: Partial<Record<Db, BenchSite>> = {};
  const created: BenchSite[] = [];
  const close = async () => {
    for (const site of created) if (site.dbName) mariadb(`DROP DATABASE IF EXISTS \`${site.dbName}\``);
  };
  try {
    for (const db of dbs) {
      const site: BenchSite = { db, dir: path.join(workDir, `wp-${db}`), admin: { user: 'admin', password: `pw-${randomBytes(6).toString('hex')}` } };
      if (db === 'mysql') {
        site.dbName = `lamphp_bench_${randomBytes(4).toString('hex')}`;
        mariadb(`CREATE DATABASE \`${site.dbName}\``);
      }
      created.push(site);
      const settings: DbSettings =
        db === 'mysql' ? { kind: 'mysql', host: '127.0.0.1:3306', name: site.dbName!, user: 'root', password: '' } : { kind: 'sqlite' };
      await prepareSite({ source: source.dir, siteDir: site.dir, db: settings, lambda: true, logger });
      // The installer runs through lamphp itself; both servers then read the same tree and database.
      const env: Record<string, string> = { ...(process.env as Record<string, string>), LAMPHP_CACHE_DIR: cacheDir, LAMPHP_SESSION_DIR: path.join(workDir, 'sessions'), ...dbEnv(site) };
      if (db === 'sqlite') delete env.DB_HOST;
      // Its own log stays quiet: closing it cuts WordPress's post-install loopback requests short.
      const installLog = memoryLogger('warn');
      const serving = await serve(
        { port: 0, workers: 1, siteDir: site.dir, install: true, title: 'lamphp bench', adminUser: site.admin.user, adminPassword: site.admin.password, adminEmail: 'admin@example.com' },
        env,
        installLog,
      );
      await serving.close();
      if (!serving.admin) {
        throw new Error(`WordPress did not install in ${site.dir}: ${JSON.stringify(installLog.records.slice(-3))}`);
      }
      fs.writeFileSync(path.join(site.dir, 'hello.php'), HELLO_PHP);
      sites[db] = site;
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { sites, wordpressVersion: source.version ?? 'unknown', close };
}
