/** Unpacks a zip whose interesting tree may sit under one or more top-level folders. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { LamphpError } from '../errors.ts';

/**
 * Extracts the part of `zip` that holds `marker` (e.g. `wp-includes/version.php`) into `dest`,
 * dropping whatever folders sit above it (wordpress.org zips have a top-level `wordpress/`).
 * Returns false when no entry matches the marker. `dest` appears complete or not at all.
 */
export async function extractZipTree(zip: Uint8Array, dest: string, marker: string): Promise<boolean> {
  const names: string[] = [];
  // First pass lists entries without inflating anything.
  unzipSync(zip, { filter: (file) => (names.push(file.name), false) });
  const hit = names
    .filter((name) => name === marker || name.endsWith(`/${marker}`))
    .sort((a, b) => a.length - b.length)[0];
  if (hit === undefined) return false;
  const prefix = hit.slice(0, hit.length - marker.length);
  const files = unzipSync(zip, { filter: (file) => file.name.startsWith(prefix) && !file.name.endsWith('/') });

  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const [name, data] of Object.entries(files)) {
      const rel = path.posix.normalize(name.slice(prefix.length));
      if (rel.startsWith('../') || rel === '..' || path.posix.isAbsolute(rel) || rel.includes('\0')) {
        throw new LamphpError('EZIPPATH', `The zip entry "${name}" points outside its folder; refusing to extract it.`);
      }
      const out = path.join(tmp, rel);
      await fs.mkdir(path.dirname(out), { recursive: true });
      await fs.writeFile(out, data);
    }
    await fs.mkdir(path.dirname(dest), { recursive: true });
    try {
      await fs.rename(tmp, dest);
    } catch (err) {
      // Another process finished the same extraction first: keep theirs.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return true;
}
