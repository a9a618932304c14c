/**
 * Puts WordPress onto a site directory (in Lambda: the EFS access point) without any other
 * machine: the install invocation of the CDK stack and `lamphp install` end here.
 *
 * - install: prepares the site from a WordPress zip or folder (prepareSite: the one
 *   wp-config.php generator, salts created once and kept, the must-use plugins, SQLite when no
 *   MySQL), then optionally runs WordPress's installer through the bridge. An existing site is
 *   never overwritten: only lamphp's must-use plugins are brought up to date.
 * - update: builds the new WordPress the same way in a scratch directory, then copies into the
 *   site only the files that differ — core (everything but wp-content/ and wp-config.php), the
 *   bundled plugins and themes, the SQLite drop-in, the must-use plugins — and removes files
 *   the previous install managed that the new one no longer ships. wp-config.php, the salts,
 *   the database and wp-content/uploads are never touched.
 *
 * Both are idempotent: a second run with the same source reports `changed: false`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LamphpError } from '../errors.ts';
import type { Env } from '../config.ts';
import { readConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { createS3Client } from '../uploads/store.ts';
import { bumpCodeVersion } from '../engine/php-wasm/code-cache.ts';
import type { HttpRequest } from '../http.ts';
import { installMuPlugins } from './mu-plugin/index.ts';
import { prepareSite, SALTS_FILE } from './site.ts';
import { resolveWordPressSource, VERSION_FILE, wordpressUrlFromEnv } from './source.ts';
import { dbSettingsFromEnv, homeFromEnv, SQLITE_DB_DIR } from './wp-config.ts';
import { generatePassword, installWordPress, type RequestHandler } from './install.ts';
import {
  INSTALL_STATE_FILE,
  MANIFEST_FILE,
  readInstallState,
  readManifest,
  recordInstalled,
  SITE_STAGING_PREFIX,
  writeJsonIfChanged,
  type InstallState,
} from './install-state.ts';

export type InstallMode = 'install' | 'update';

export interface InstallerSettings {
  /** The bridge, e.g. `(req) => bridge.handle(req, { deadline })`. */
  handle: RequestHandler;
  title: string;
  adminUser: string;
  adminPassword: string;
  adminEmail: string;
}

export interface InstallSiteOptions {
  /** The site directory (LAMPHP_DOCUMENT_ROOT; in Lambda on EFS). */
  documentRoot: string;
  mode: InstallMode;
  /**
   * A WordPress zip (e.g. downloaded from S3 with downloadAsset) or folder. With neither, the
   * usual order applies (a cached copy, Debian's WordPress, a download: LAMPHP_WORDPRESS_URL).
   */
  source: { zip?: string } | { dir?: string };
  /** DB_* (DB_PASSWORD already resolved, see envWithDbSecret), WP_HOME, WP_HTTP_BLOCK_EXTERNAL, … */
  env: Env;
  /** wp-config.php for Lambda: no WP-Cron on page views, no automatic updates. */
  lambda: boolean;
  /** Where the site is reached (the installer's address). */
  siteUrl?: string;
  /** CloudFront distribution in front of the site; recorded for invalidations. */
  distributionId?: string;
  /** Runs WordPress's installer when the site is not installed yet (needs siteUrl). */
  runInstaller?: InstallerSettings;
  /** Where zips are unpacked and an update is staged; default `$TMPDIR/lamphp-install`. */
  workDir?: string;
  /** Debian roots for a theme when the source has none (local sources); prepareSite's default otherwise. */
  debianRoots?: string[];
  logger: Logger;
}

export interface InstallSiteResult {
  changed: boolean;
  /** What was done, one sentence each; empty when nothing changed. */
  actions: string[];
  /** WordPress version of the site's files. */
  version?: string;
  /** True when this run installed WordPress (created the database tables and the admin). */
  installed?: boolean;
}

/** wp-config.php constants the stack sets as environment variables (`true`/`false`). */
const BOOLEAN_CONSTANTS = ['WP_HTTP_BLOCK_EXTERNAL', 'DISALLOW_FILE_MODS', 'DISALLOW_FILE_EDIT'] as const;

export function wpConstantsFromEnv(env: Env): Record<string, boolean | string> {
  const constants: Record<string, boolean | string> = {};
  for (const name of BOOLEAN_CONSTANTS) {
    const v = env[name]?.trim().toLowerCase();
    if (v === undefined || v === '') continue;
    if (!['true', 'false', '1', '0'].includes(v)) {
      throw new LamphpError('EINVALIDCONFIG', `${name} must be true or false, got "${env[name]}".`);
    }
    constants[name] = v === 'true' || v === '1';
  }
  const hosts = env.WP_ACCESSIBLE_HOSTS?.trim();
  if (hosts) constants.WP_ACCESSIBLE_HOSTS = hosts;
  return constants;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/** Never copied from a source nor touched by an update: the site's own data and configuration. */
function isSiteOwned(rel: string): boolean {
  const own = [SQLITE_DB_DIR, 'wp-content/uploads'];
  if (own.some((dir) => rel === dir || rel.startsWith(`${dir}/`))) return true;
  return rel === 'wp-config.php' || rel === SALTS_FILE || rel === INSTALL_STATE_FILE || rel === MANIFEST_FILE;
}

/** Folders that hold WordPress core only: files there that the new version lacks are removed. */
const CORE_DIRS = ['wp-admin', 'wp-includes'];

/** Files under `dir` (posix paths relative to it), without `skip`ped subtrees; symlinks are not followed. */
async function listFiles(dir: string, skip: (rel: string) => boolean = () => false): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip(relPath) || entry.name.startsWith(SITE_STAGING_PREFIX)) continue;
      if (entry.isDirectory()) await walk(path.join(abs, entry.name), relPath);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(relPath);
    }
  };
  await walk(dir, '');
  return out.sort();
}

async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([fs.lstat(a), fs.lstat(b).catch(() => undefined)]);
  if (!sb || !sb.isFile() || sa.size !== sb.size) return false;
  const [ba, bb] = await Promise.all([fs.readFile(a), fs.readFile(b)]);
  return ba.equals(bb);
}

/** Replaces `dest` atomically: a request running meanwhile includes the old file or the new one, whole. */
async function replaceFile(src: string, dest: string): Promise<void> {
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.lamphp-tmp`);
  await fs.copyFile(src, tmp);
  try {
    await fs.rename(tmp, dest);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Copies what differs from `staged` into `site` and removes what the new files no longer have. */
async function syncManaged(staged: string, site: string, logger: Logger): Promise<{ written: string[]; removed: string[]; files: string[] }> {
  const files = await listFiles(staged, isSiteOwned);
  const changed: string[] = [];
  await inParallel(files, 16, async (rel) => {
    if (!(await sameContent(path.join(staged, rel), path.join(site, rel)))) changed.push(rel);
  });
  changed.sort();
  // The version marker goes last: a site that reports the new version has all of its files.
  const ordered = [...changed.filter((f) => f !== VERSION_FILE), ...changed.filter((f) => f === VERSION_FILE)];
  await inParallel(
    ordered.filter((f) => f !== VERSION_FILE),
    8,
    (rel) => replaceFile(path.join(staged, rel), path.join(site, rel)),
  );
  if (ordered.includes(VERSION_FILE)) await replaceFile(path.join(staged, VERSION_FILE), path.join(site, VERSION_FILE));

  const keep = new Set(files);
  const candidates = new Set(await readManifest(site));
  for (const dir of CORE_DIRS) for (const rel of await listFiles(path.join(site, dir))) candidates.add(`${dir}/${rel}`);
  const removed = [...candidates].filter((rel) => !keep.has(rel) && !isSiteOwned(rel)).sort();
  for (const rel of removed) await fs.rm(path.join(site, rel), { force: true });
  if (removed.length) logger.info('Removed files the new WordPress no longer ships', { count: removed.length });
  return { written: changed, removed, files };
}

function summarise(what: string, files: string[]): string {
  const shown = files.slice(0, 5).join(', ');
  return `${what} ${files.length} file${files.length === 1 ? '' : 's'} (${shown}${files.length > 5 ? ', …' : ''})`;
}

/** Installs or updates the site; see the module comment. */
export async function installSite(options: InstallSiteOptions): Promise<InstallSiteResult> {
  const { logger, env } = options;
  const site = path.resolve(options.documentRoot);
  const workDir = path.resolve(options.workDir ?? path.join(os.tmpdir(), 'lamphp-install'));
  const db = dbSettingsFromEnv(env);
  const home = homeFromEnv(env);
  const constants = wpConstantsFromEnv(env);
  const siteId = readConfig(env).siteId;
  const actions: string[] = [];
  let installed: boolean | undefined;

  const resolveSource = async () => {
    const given = 'zip' in options.source ? options.source.zip : 'dir' in options.source ? options.source.dir : undefined;
    return resolveWordPressSource({
      ...(given !== undefined && { wordpress: given }),
      cacheDir: path.join(workDir, 'sources'),
      downloadUrl: wordpressUrlFromEnv(env),
      ...(options.debianRoots && { debianRoots: options.debianRoots }),
      logger,
    });
  };
  const prepare = (source: string, siteDir: string) =>
    prepareSite({ source, siteDir, db, lambda: options.lambda, home, siteId, constants, logger, debianRoots: options.debianRoots });

  const siteExists = await exists(path.join(site, 'wp-config.php'));
  let version: string | undefined;
  let manifest: string[] | undefined;
  if (!siteExists) {
    const source = await resolveSource();
    await prepare(source.dir, site);
    version = source.version;
    manifest = await listFiles(site, isSiteOwned);
    actions.push(
      `Installed WordPress ${source.version} into ${site} (${manifest.length} files, wp-config.php for ${db.kind}, new salts, must-use plugins)`,
    );
  } else if (options.mode === 'update') {
    const source = await resolveSource();
    const staging = path.join(workDir, `update-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await prepare(source.dir, staging);
      const result = await syncManaged(staging, site, logger);
      if (result.written.length) actions.push(summarise(`Updated to WordPress ${source.version}:`, result.written));
      if (result.removed.length) actions.push(summarise('Removed', result.removed));
      manifest = result.files;
      version = source.version;
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  } else {
    logger.info('A WordPress site is already there: it is kept as it is', { site });
    const written = await installMuPlugins(site);
    if (written.length) actions.push(summarise('Updated the must-use plugins:', written.map((f) => path.relative(site, f))));
  }

  if (manifest) await writeJsonIfChanged(path.join(site, MANIFEST_FILE), { files: manifest });
  const previous = await readInstallState(site);
  const state: InstallState = {
    version: version ?? previous?.version ?? '',
    ...((options.distributionId ?? previous?.distributionId) && { distributionId: options.distributionId ?? previous?.distributionId }),
    ...(previous?.installed && { installed: true }),
  };
  if (await writeJsonIfChanged(path.join(site, INSTALL_STATE_FILE), state)) {
    if (options.distributionId && options.distributionId !== previous?.distributionId) {
      actions.push(`Recorded CloudFront distribution ${options.distributionId} for invalidations`);
    }
  }

  // Files written here bypass PHP: tell every instance's code-tree cache (and this one's, before the installer runs).
  bumpCodeVersion(site);

  if (options.runInstaller) {
    const { handle, ...values } = options.runInstaller;
    if (!options.siteUrl) {
      throw new LamphpError('EINVALIDCONFIG', 'Running the WordPress installer needs the site address (siteUrl).');
    }
    const result = await installWordPress(handle, { url: options.siteUrl, ...values });
    installed = result.installed;
    if (installed) actions.push(`Ran the WordPress installer for ${options.siteUrl} (admin user ${values.adminUser})`);
    // Only now may visitors reach PHP (installer-gate.ts): the database holds a site.
    await recordInstalled(site);
  }
  for (const action of actions) logger.info(action);
  return { changed: actions.length > 0, actions, ...(version && { version }), ...(installed !== undefined && { installed }) };
}

/** Downloads `s3://bucket/key` to `dest` (atomically); AWS_ENDPOINT_URL_S3 and explicit keys from `env` apply. */
export async function downloadAsset(bucket: string, key: string, dest: string, env: Env = process.env): Promise<string> {
  const client = createS3Client(env, { maxAttempts: 3, requestHandler: { connectionTimeout: 3000, requestTimeout: 120_000 } });
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!result.Body) throw new Error('the object has no body');
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const part = `${dest}.${process.pid}.part`;
    await pipeline(result.Body as Readable, createWriteStream(part));
    await fs.rename(part, dest);
    return dest;
  } catch (err) {
    throw new LamphpError('EASSET', `Cannot download the site asset s3://${bucket}/${key}: ${(err as Error).message}.`, { cause: err });
  } finally {
    client.destroy();
  }
}

/**
 * `env` with DB_PASSWORD filled in from the Secrets Manager secret DB_SECRET_ARN names (its
 * JSON `password` field, as RDS writes it) when the stack gave a secret instead of a password.
 */
export async function envWithDbSecret(env: Env, client?: Pick<SecretsManagerClient, 'send'>): Promise<Env> {
  const arn = env.DB_SECRET_ARN?.trim();
  if (!arn || env.DB_PASSWORD !== undefined || !env.DB_HOST?.trim()) return env;
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER?.trim() || env.AWS_ENDPOINT_URL?.trim();
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  const sessionToken = env.AWS_SESSION_TOKEN?.trim();
  const own = client ?? new SecretsManagerClient({
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
    ...(endpoint && { endpoint }),
    // Explicit keys when this env carries them (Lambda's, tests); the default chain otherwise.
    ...(accessKeyId &&
      secretAccessKey && { credentials: { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) } }),
    maxAttempts: 3,
  });
  try {
    const result = await own.send(new GetSecretValueCommand({ SecretId: arn }));
    const password = (JSON.parse(result.SecretString ?? '{}') as { password?: unknown }).password;
    if (typeof password !== 'string') throw new Error('the secret has no "password" field');
    return { ...env, DB_PASSWORD: password };
  } catch (err) {
    throw new LamphpError('EDBSECRET', `Cannot read the database password from ${arn}: ${(err as Error).message}.`, { cause: err });
  } finally {
    if (!client) (own as SecretsManagerClient).destroy();
  }
}

/** `{"lamphp":{"command":"install",…}}` as the stack's custom resource and `lamphp install` send it. */
export interface InstallCommand {
  command: 'install';
  mode?: InstallMode;
  siteUrl?: string;
  distributionId?: string;
  assetBucket?: string;
  assetKey?: string;
  /** Installer values; defaults from LAMPHP_ADMIN_USER / LAMPHP_ADMIN_EMAIL / LAMPHP_SITE_TITLE. */
  title?: string;
  adminUser?: string;
  adminEmail?: string;
}

export interface InstallCommandResult extends InstallSiteResult {
  mode: InstallMode;
  /** Only when this run created the admin user: the password it was given (shown once). */
  admin?: { user: string; password: string; email: string };
}

/**
 * The install invocation, for the Lambda command wiring: downloads the asset (if the event names
 * one), reads the database password from its secret, installs or updates the site at
 * LAMPHP_DOCUMENT_ROOT and runs WordPress's installer through `handle` (the origin secret is
 * added to those requests). Throws a LamphpError on failure (→ FunctionError).
 */
export async function runInstallCommand(
  command: InstallCommand,
  deps: { env: Env; handle?: RequestHandler; logger: Logger; lambda?: boolean; workDir?: string },
): Promise<InstallCommandResult> {
  const mode = command.mode ?? 'install';
  if (mode !== 'install' && mode !== 'update') {
    throw new LamphpError('EUSAGE', `The install mode must be "install" or "update", got "${String(mode)}".`);
  }
  const env = await envWithDbSecret(deps.env);
  const config = readConfig(env);
  const workDir = path.resolve(deps.workDir ?? path.join(os.tmpdir(), 'lamphp-install'));
  let source: InstallSiteOptions['source'] = {};
  if (command.assetBucket && command.assetKey) {
    const zip = path.join(workDir, 'assets', `${command.assetKey.replace(/[^A-Za-z0-9._-]+/g, '_')}`);
    if (!(await exists(zip))) await downloadAsset(command.assetBucket, command.assetKey, zip, env);
    source = { zip };
  } else if (env.LAMPHP_WORDPRESS_SOURCE?.trim()) {
    source = { dir: env.LAMPHP_WORDPRESS_SOURCE.trim() };
  }
  const adminUser = command.adminUser ?? (env.LAMPHP_ADMIN_USER?.trim() || 'admin');
  const adminEmail = command.adminEmail ?? (env.LAMPHP_ADMIN_EMAIL?.trim() || 'admin@example.com');
  const adminPassword = generatePassword();
  const handle = deps.handle;
  const secret = config.originSecret;
  const runInstaller: InstallerSettings | undefined =
    handle && command.siteUrl
      ? {
          // The bridge refuses requests without the origin secret, the installer's included.
          handle: (req: HttpRequest) =>
            handle(secret ? { ...req, headers: { ...req.headers, [config.originSecretHeader]: [secret] } } : req),
          title: command.title ?? (env.LAMPHP_SITE_TITLE?.trim() || 'WordPress on Lambda'),
          adminUser,
          adminPassword,
          adminEmail,
        }
      : undefined;
  const result = await installSite({
    documentRoot: config.documentRoot,
    mode,
    source,
    env,
    lambda: deps.lambda ?? true,
    ...(command.siteUrl && { siteUrl: command.siteUrl }),
    ...(command.distributionId && { distributionId: command.distributionId }),
    ...(runInstaller && { runInstaller }),
    workDir,
    logger: deps.logger,
  });
  return {
    ...result,
    mode,
    ...(result.installed && { admin: { user: adminUser, password: adminPassword, email: adminEmail } }),
  };
}
