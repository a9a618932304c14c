/**
 * `lamphp layer build --extension intl`: an optional second layer with one of php-wasm's loadable
 * extensions, attached beside the main layer (layers unpack into the same /opt). Its files land
 * where php-wasm looks for them from the bundle in /opt/lamphp:
 *
 *   /opt/lamphp/node_modules/@php-wasm/node-<v>/jspi/extensions/<ext>/<ext>.so
 *   /opt/lamphp/shared/icu.dat                    intl's ICU data (intl only)
 *
 * and the function loads it with LAMPHP_PHP_EXTENSIONS=<ext>.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LamphpError, PHP_EXTENSIONS } from '../bridge/index.ts';
import { LAYER_DIR, type PhpVersion } from './contents.ts';
import { reproducibleZip, withDirectories, type ZipEntry } from './zip.ts';

/** What an extension layer may weigh, zipped (ICU data compresses to about a third). */
export const EXTENSION_BUDGET_ZIPPED = 20 * 1024 * 1024;

export interface ExtensionLayerOptions {
  php: PhpVersion;
  extension: string;
  nodeModules: string;
  outDir: string;
  print: (line: string) => void;
}

export function extensionFiles(nodeModules: string, php: PhpVersion, extension: string): { from: string; to: string }[] {
  if (!(PHP_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new LamphpError('EUSAGE', `--extension must be one of ${PHP_EXTENSIONS.join(', ')}, got "${extension}".`);
  }
  const pkg = `@php-wasm/node-${php.replace('.', '-')}`;
  const so = `jspi/extensions/${extension}/${extension}.so`;
  const files = [{ from: path.join(nodeModules, pkg, so), to: `${LAYER_DIR}/node_modules/${pkg}/${so}` }];
  // php-wasm reads intl's data from `shared/` beside its own code, which the bundle puts in /opt/lamphp.
  if (extension === 'intl') files.push({ from: path.join(nodeModules, '@php-wasm/node/shared/icu.dat'), to: `${LAYER_DIR}/shared/icu.dat` });
  for (const f of files) if (!fs.existsSync(f.from)) throw new LamphpError('ELAYERINPUT', `${f.from} is missing; run npm ci.`);
  return files;
}

export function buildExtensionLayer(o: ExtensionLayerOptions): { zip: string; zippedBytes: number; unpackedBytes: number } {
  const entries: ZipEntry[] = extensionFiles(o.nodeModules, o.php, o.extension).map((f) => ({ name: f.to, data: fs.readFileSync(f.from), mode: 0o644 }));
  const note = { extension: o.extension, php: o.php, setting: `LAMPHP_PHP_EXTENSIONS=${o.extension}` };
  entries.push({ name: `${LAYER_DIR}/extensions/${o.extension}.json`, data: new TextEncoder().encode(`${JSON.stringify(note, null, 2)}\n`), mode: 0o644 });
  const zip = reproducibleZip(withDirectories(entries), 6);
  const unpacked = entries.reduce((n, e) => n + (e.data?.length ?? 0), 0);
  if (zip.length > EXTENSION_BUDGET_ZIPPED) {
    throw new LamphpError('ELAYERBUDGET', `The ${o.extension} layer is ${zip.length} bytes zipped, over its ${EXTENSION_BUDGET_ZIPPED}-byte budget.`);
  }
  fs.mkdirSync(o.outDir, { recursive: true });
  const file = path.join(o.outDir, `lamphp-layer-php${o.php}-${o.extension}.zip`);
  fs.writeFileSync(file, zip);
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  o.print(`Layer ${file}: ${entries.length} files, ${mb(unpacked)} unpacked, ${mb(zip.length)} zipped; attach it beside the main layer and set LAMPHP_PHP_EXTENSIONS=${o.extension}`);
  return { zip: file, zippedBytes: zip.length, unpackedBytes: unpacked };
}
