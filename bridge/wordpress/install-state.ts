/**
 * What the install invocation records beside a site (never served: `.ht` names under
 * wp-content, like the salts): the WordPress version and source it installed, the CloudFront
 * distribution the stack named, whether WordPress's installer has succeeded, and the list of
 * files it manages (for an update to remove what a new WordPress no longer ships).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const INSTALL_STATE_FILE = 'wp-content/.ht.lamphp-install.json';
export const MANIFEST_FILE = 'wp-content/.ht.lamphp-manifest.json';
/** A first install builds the site in a folder of this prefix inside the site directory, then moves it into place. */
export const SITE_STAGING_PREFIX = '.lamphp-staging-';

export interface InstallState {
  /** WordPress version of the last install or update. */
  version: string;
  /** CloudFront distribution in front of the site, as the stack passed it. */
  distributionId?: string;
  /**
   * WordPress's installer has succeeded for this site (or found it installed). Written only then:
   * until it is, in Lambda, visitors get a holding page instead of PHP (installer-gate.ts).
   */
  installed?: boolean;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes `data` as JSON unless the file already holds exactly that; true when written. */
export async function writeJsonIfChanged(file: string, data: unknown): Promise<boolean> {
  const text = JSON.stringify(data, null, 2) + '\n';
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return false;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o640 });
  await fs.rename(tmp, file);
  return true;
}

export async function readInstallState(siteDir: string): Promise<InstallState | undefined> {
  return readJson<InstallState>(path.join(siteDir, INSTALL_STATE_FILE));
}

/** Records that WordPress's installer succeeded for the site (or found it installed): visitors may reach PHP. */
export async function recordInstalled(siteDir: string): Promise<void> {
  const previous = await readInstallState(siteDir);
  await writeJsonIfChanged(path.join(siteDir, INSTALL_STATE_FILE), { ...(previous ?? { version: '' }), installed: true } satisfies InstallState);
}

/** Managed files, relative to the site (posix separators); empty when none was recorded. */
export async function readManifest(siteDir: string): Promise<string[]> {
  return (await readJson<{ files: string[] }>(path.join(siteDir, MANIFEST_FILE)))?.files ?? [];
}
