/**
 * lamphp's must-use plugins, copied into a site's wp-content/mu-plugins/. They are lamphp's
 * own files: each start brings them up to date (written only when they differ).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MU_PLUGIN_SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const MU_PLUGINS_DIR = 'wp-content/mu-plugins';
export const MU_PLUGINS = ['lamphp-server.php', 'lamphp-uploads.php', 'lamphp-cdn.php', 'lamphp-mail.php'] as const;

/** Installs or updates lamphp's must-use plugins in `siteDir`; returns the files it wrote. */
export async function installMuPlugins(siteDir: string): Promise<string[]> {
  const target = path.join(siteDir, MU_PLUGINS_DIR);
  await fs.mkdir(target, { recursive: true });
  const written: string[] = [];
  for (const name of MU_PLUGINS) {
    const wanted = await fs.readFile(path.join(MU_PLUGIN_SOURCE_DIR, name));
    const file = path.join(target, name);
    const current = await fs.readFile(file).catch(() => undefined);
    if (current && current.equals(wanted)) continue;
    // Replaced atomically: a request running meanwhile includes the old or the new file whole.
    const tmp = path.join(target, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    await fs.writeFile(tmp, wanted, { mode: 0o644 });
    await fs.rename(tmp, file);
    written.push(file);
  }
  return written;
}
