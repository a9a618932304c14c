/**
 * Debian's WordPress: `/usr/share/wordpress` when the package is installed, or the tree
 * `scripts/system-packages.js` unpacks into `<repo>/.cache/debian-root`. Debian's tree links
 * out of itself (getID3, underscore.js, cropper, CA bundle), sometimes with absolute targets
 * that only make sense inside the root it was unpacked into.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEBIAN_WORDPRESS = 'usr/share/wordpress';
/** Where Debian's theme packages put themes (`wordpress-theme-twentytwentythree` and friends). */
export const DEBIAN_THEMES = 'usr/share/wordpress/wp-content/themes';
export const REPO_DEBIAN_ROOT = fileURLToPath(new URL('../../.cache/debian-root', import.meta.url));
export const DEBIAN_PACKAGES =
  'wordpress, a wordpress-theme-twenty* package, php-getid3, libjs-underscore, libjs-lodash and libjs-cropper';

/**
 * The copy unpacked for this checkout first (scripts/system-packages.js picks a WordPress the
 * SQLite plugin supports), then an installed package.
 */
export function defaultDebianRoots(): string[] {
  return [REPO_DEBIAN_ROOT, '/'];
}

/** The root a Debian WordPress tree was unpacked into (`/` when installed), if `dir` is one. */
export function sysrootOf(dir: string): string | undefined {
  const resolved = path.resolve(dir);
  const suffix = path.sep + DEBIAN_WORDPRESS.split('/').join(path.sep);
  if (!resolved.endsWith(suffix)) return undefined;
  return resolved.slice(0, resolved.length - suffix.length) || path.sep;
}

async function lexists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Follows a symlink chain to the file or directory it finally names, or undefined when it
 * dangles. Absolute targets are looked up inside `sysroot` first, then on the host.
 */
export async function resolveLink(link: string, sysroot?: string): Promise<string | undefined> {
  let current = link;
  for (let hops = 0; hops < 40; hops++) {
    const target = await fs.readlink(current);
    let next = path.resolve(path.dirname(current), target);
    if (path.isAbsolute(target) && sysroot && sysroot !== path.sep && (await lexists(path.join(sysroot, target)))) {
      next = path.join(sysroot, target);
    }
    const stat = await fs.lstat(next).catch(() => undefined);
    if (!stat) return undefined;
    if (!stat.isSymbolicLink()) return next;
    current = next;
  }
  return undefined; // a loop
}
