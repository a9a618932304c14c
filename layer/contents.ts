/**
 * What the layer holds, and where it lands under /opt. One table per kind of content so the
 * README, the allow-list and the build agree:
 *
 *   /opt/lamphp/bootstrap             the entry (exec wrapper, or started by /opt/bootstrap)
 *   /opt/lamphp/lamphp.mjs            runtime + bridge, bundled and minified
 *   /opt/lamphp/<worker>.mjs          the PHP worker thread's entry, bundled the same way
 *   /opt/lamphp/php.ini               lamphp's php.ini
 *   /opt/lamphp/node_modules/…        packages loaded by path at run time (wasm, native code)
 *   /opt/lamphp/node/bin/node         Node 24 (self-contained variant only)
 *   /opt/bootstrap                    provided.al2023's entry (self-contained variant only)
 */
import fs from 'node:fs';
import path from 'node:path';
import { LamphpError, PHP_VERSIONS, DEFAULT_PHP_VERSION, type PhpVersion } from '../bridge/index.ts';

export type Arch = 'x86_64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x86_64', 'arm64'];
export { PHP_VERSIONS, DEFAULT_PHP_VERSION, type PhpVersion };
/** The Node major the layer is built for: nodejs24.x, and the Node of the self-contained variant. */
export const NODE_MAJOR = 24;
/** The Node shipped in the self-contained variant: the version package.json pins for development. */
export const NODE_VERSION = '24.21.0';

/** Lambda's architecture names → Node's `process.arch`. */
export const NODE_ARCH: Record<Arch, 'x64' | 'arm64'> = { x86_64: 'x64', arm64: 'arm64' };

/** Directory of everything lamphp ships inside the layer (`/opt/lamphp`). */
export const LAYER_DIR = 'lamphp';

/**
 * Packages the bundle leaves out: they find files beside themselves at run time (the PHP
 * wasm, native bindings) or are loaded with `require` from such a package.
 * `@php-wasm/node-*` covers every PHP version; only the chosen one is shipped.
 */
export const BUNDLE_EXTERNALS = ['@php-wasm/node-*', 'fs-ext-extra-prebuilt', 'ws', 'wasm-feature-detect'];

export interface PackageFiles {
  name: string;
  /** Paths inside the package directory, forward slashes. */
  files: string[];
}

function phpPackage(version: PhpVersion): string {
  return `@php-wasm/node-${version.replace('.', '-')}`;
}

/** The one directory in `dir` whose name matches, e.g. `8_3_33` for PHP 8.3. */
function onlyDir(dir: string, pattern: RegExp): string {
  const found = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && pattern.test(d.name));
  if (found.length !== 1) {
    throw new LamphpError('ELAYERINPUT', `Expected one directory matching ${pattern} in ${dir}, found ${found.length}.`);
  }
  return found[0]!.name;
}

/** `dir/*.php`-style patterns (a `*` in the last part only) expanded, sorted; plain paths as they are. */
export function expandPattern(base: string, pattern: string): string[] {
  const dir = path.posix.dirname(pattern);
  const name = path.posix.basename(pattern);
  if (!name.includes('*')) return [pattern];
  const re = new RegExp(`^${name.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return files(path.join(base, dir), re).map((f) => `${dir}/${f}`);
}

function files(dir: string, names: RegExp): string[] {
  return fs.readdirSync(dir).filter((n) => names.test(n)).sort();
}

/**
 * Files of each external package the layer needs: the JSPI build of one PHP version (Node 24
 * always has JSPI, so the asyncify build and the optional extensions stay out), and the
 * fs-ext binding for Node 24 on Linux for each architecture asked for.
 */
export function packageFiles(nodeModules: string, php: PhpVersion, arches: readonly Arch[]): PackageFiles[] {
  const phpPkg = phpPackage(php);
  const phpDir = path.join(nodeModules, phpPkg);
  if (!fs.existsSync(path.join(phpDir, 'package.json'))) {
    throw new LamphpError('ELAYERINPUT', `${phpPkg} is not installed in ${nodeModules}; run npm ci.`);
  }
  const base = `php_${php.replace('.', '_')}`;
  const wasmDir = onlyDir(path.join(phpDir, 'jspi'), new RegExp(`^${php.replace('.', '_')}_\\d+$`));

  const fsExt = path.join(nodeModules, 'fs-ext-extra-prebuilt');
  const bindings = arches.map((arch) => {
    const name = `fs-ext-linux-${NODE_ARCH[arch]}-node-${NODE_MAJOR}.0.0.node`;
    if (!fs.existsSync(path.join(fsExt, 'binaries', name))) {
      throw new LamphpError('ELAYERINPUT', `fs-ext-extra-prebuilt has no ${name} in ${fsExt}/binaries.`);
    }
    return `binaries/${name}`;
  });

  return [
    { name: phpPkg, files: ['LICENSE', 'package.json', 'index.js', `jspi/${base}.js`, `jspi/${wasmDir}/${base}.wasm`] },
    { name: 'fs-ext-extra-prebuilt', files: ['LICENSE.txt', 'package.json', 'dist/fs-ext.js', 'load-prebuilt.js', ...bindings] },
    { name: 'wasm-feature-detect', files: ['LICENSE', 'package.json', 'dist/esm/index.js'] },
    {
      name: 'ws',
      files: ['LICENSE', 'package.json', 'index.js', 'wrapper.mjs', ...files(path.join(nodeModules, 'ws', 'lib'), /\.js$/).map((f) => `lib/${f}`)],
    },
  ];
}

/**
 * Bundled sources that find files relative to themselves (`import.meta.url`). In the bundle that
 * URL is /opt/lamphp/lamphp.mjs, so what they look for is shipped where their paths then point
 * (`to`, under /opt/lamphp). A source not listed here fails the build; list it or move its paths
 * into bridge/engine/php-wasm/files.ts, which the bundle swaps. A `*` in a file name matches
 * any characters.
 */
export const SELF_RELATIVE_SOURCES: Record<string, { from: 'source' | 'node_modules'; files: string[]; to: string }[]> = {
  // dirname(import.meta.url): lamphp's WordPress must-use plugins, installed into the site.
  'bridge/wordpress/mu-plugin/index.ts': [
    { from: 'source', files: ['bridge/wordpress/mu-plugin/*.php'], to: '' },
  ],
  // require.resolve('@wp-playground/cli/package.json'): the SQLite integration plugin beside it.
  'bridge/wordpress/site.ts': [
    { from: 'node_modules', files: ['@wp-playground/cli/package.json', '@wp-playground/cli/sqlite-database-integration.zip'], to: 'node_modules/' },
  ],
  // Only a fallback place to look for Debian's WordPress; absent in Lambda, nothing to ship.
  'bridge/wordpress/debian.ts': [],
};

/** The self-contained variant's `/opt/bootstrap`: hands over to lamphp's own bootstrap. */
export const ROOT_BOOTSTRAP = `#!/bin/sh
# provided.al2023 starts /opt/bootstrap when the function has none: run lamphp's.
exec "$(dirname "$0")/${LAYER_DIR}/bootstrap" "$@"
`;

/** Zip file name for a build, e.g. lamphp-layer-php8.3.zip or lamphp-layer-php8.3-node24-arm64.zip. */
export function zipName(php: PhpVersion, arches: readonly Arch[], withNode: boolean): string {
  const arch = arches.length === ARCHES.length ? '' : `-${arches.join('-')}`;
  return `lamphp-layer-php${php}${withNode ? `-node${NODE_MAJOR}` : ''}${arch}.zip`;
}

/** Size budgets, checked by the build. */
export const BUDGET = {
  zipped: 12 * 1024 * 1024,
  withNodeZipped: 60 * 1024 * 1024,
  withNodeUnpacked: 200 * 1024 * 1024,
};
