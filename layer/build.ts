/**
 * `lamphp layer build` / `npm run build:layer`: the Lambda layer zip. esbuild bundles the
 * runtime and the bridge (and the PHP worker thread's entry) into /opt/lamphp; the packages
 * that load files by path at run time (one PHP version's JSPI wasm, the fs-ext native binding
 * per architecture) are copied beside the bundle, file by file; the zip is reproducible.
 * See layer/contents.ts for where everything lands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LamphpError } from '../bridge/index.ts';
import {
  ARCHES,
  BUDGET,
  BUNDLE_EXTERNALS,
  LAYER_DIR,
  NODE_ARCH,
  NODE_VERSION,
  PHP_VERSIONS,
  DEFAULT_PHP_VERSION,
  ROOT_BOOTSTRAP,
  SELF_RELATIVE_SOURCES,
  expandPattern,
  packageFiles,
  zipName,
  type Arch,
  type PhpVersion,
} from './contents.ts';
import { nodeFiles } from './node-binary.ts';
import { reproducibleZip, withDirectories, type ZipEntry } from './zip.ts';

const REPO = path.resolve(import.meta.dirname, '..');

/** Bundle entries: source file → name under /opt/lamphp (without `.mjs`). */
export const BUNDLE_ENTRIES: { in: string; out: string }[] = [
  { in: 'runtime/lambda/main.ts', out: 'lamphp' },
  { in: 'bridge/engine/php-wasm/worker.ts', out: 'php-worker' },
];

/** The engine's module of run-time file paths; the bundle gets layer/bundle-files.ts instead. */
const ENGINE_FILES = 'bridge/engine/php-wasm/files.ts';

/** How lamphp bundles for Lambda's Node 24: one minified ES module per entry, licences at its end. */
export const NODE_BUNDLE: {
  outExtension: Record<string, string>;
  bundle: true;
  platform: 'node';
  mainFields: string[];
  format: 'esm';
  target: string;
  minify: true;
  legalComments: 'eof';
} = {
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  // Prefer ES module builds: some packages' "main" is a UMD wrapper whose relative requires esbuild cannot follow.
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node24',
  minify: true,
  legalComments: 'eof',
};

/**
 * Bundled CommonJS code calls `require` (for Node built-ins); an ES module has none, so the
 * bundle makes one. The odd import name cannot collide with minified names.
 */
export const REQUIRE_BANNER = "import{createRequire as __lamphpCreateRequire}from'node:module';const require=__lamphpCreateRequire(import.meta.url);";

/** The layer holds one PHP version, so that version is the default of LAMPHP_PHP_VERSION. */
const phpDefaultBanner = (php: PhpVersion) => `process.env.LAMPHP_PHP_VERSION??=${JSON.stringify(php)};`;

export interface LayerBuildOptions {
  php?: PhpVersion;
  /** Architectures of the native pieces; both by default (one layer serves both). */
  arches?: readonly Arch[];
  /** Adds Node 24 and /opt/bootstrap for provided.al2023; needs exactly one architecture. */
  withNode?: boolean;
  /** Where the zip and the source maps go; default `<source>/dist`. */
  outDir?: string;
  /** The lamphp sources to bundle; default this checkout. */
  sourceDir?: string;
  /** Where packages come from; default `<source>/node_modules`. */
  nodeModules?: string;
  /** Where the Node package tarballs are cached; default `<source>/.cache/node-packages`. */
  cacheDir?: string;
  /** Progress lines and the size report; default stderr. */
  print?: (line: string) => void;
}

export interface LayerBuildResult {
  zip: string;
  mapsDir: string;
  zippedBytes: number;
  unpackedBytes: number;
  /** Names in the zip, in order. */
  entries: string[];
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const kb = (n: number) => (n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : mb(n));

function readJson(file: string): { version?: string } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string };
}

/** One line per entry group for the size report. */
function groupOf(name: string): string {
  if (name.endsWith('.wasm')) return 'PHP wasm';
  if (/\/node\/(bin\/node|LICENSE)$/.test(name)) return 'Node';
  if (name.endsWith('.node')) return 'fs-ext native bindings';
  if (name.includes('/node_modules/@php-wasm/')) return 'PHP loader';
  if (name.includes('/node_modules/')) return 'support packages';
  if (name.endsWith('.mjs')) return 'bundle';
  if (/^lamphp\/[^/]+\.php$/.test(name)) return 'WordPress must-use plugins';
  return 'bootstrap, php.ini, notes';
}

export async function buildLayer(options: LayerBuildOptions = {}): Promise<LayerBuildResult> {
  const sourceDir = path.resolve(options.sourceDir ?? REPO);
  const nodeModules = path.resolve(options.nodeModules ?? path.join(sourceDir, 'node_modules'));
  const outDir = path.resolve(options.outDir ?? path.join(sourceDir, 'dist'));
  const cacheDir = path.resolve(options.cacheDir ?? path.join(sourceDir, '.cache', 'node-packages'));
  const php = options.php ?? DEFAULT_PHP_VERSION;
  const arches = options.arches ?? ARCHES;
  const withNode = options.withNode ?? false;
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!PHP_VERSIONS.includes(php)) throw new LamphpError('EUSAGE', `--php must be one of ${PHP_VERSIONS.join(', ')}, got "${php}".`);
  for (const a of arches) if (!ARCHES.includes(a)) throw new LamphpError('EUSAGE', `--arch must be x86_64 or arm64, got "${a}".`);
  if (withNode && arches.length !== 1) {
    throw new LamphpError('EUSAGE', '--with-node ships one Node binary: choose its architecture with --arch x86_64 or --arch arm64.');
  }

  const steps = withNode ? 5 : 4;
  let step = 0;
  const timed = async <T>(label: string, work: () => T | Promise<T>, summary: (r: T) => string): Promise<T> => {
    const started = performance.now();
    step += 1;
    const result = await work();
    print(`[${step}/${steps}] ${label}: ${summary(result)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  };

  const entries: ZipEntry[] = [];
  const add = (name: string, data: Uint8Array, mode = 0o644) => entries.push({ name, data, mode });

  // 1. The bundle.
  const bundle = await timed('bundle runtime and bridge', () => bundleSources(sourceDir, nodeModules, php), (files) =>
    files.code.map((f) => `${f.name} ${kb(f.data.length)}`).join(', '),
  );
  for (const f of bundle.code) add(`${LAYER_DIR}/${f.name}`, f.data);
  // Files that bundled sources find relative to themselves, where they will look.
  for (const source of bundle.selfRelative) {
    for (const asset of SELF_RELATIVE_SOURCES[source]!) {
      const base = asset.from === 'source' ? sourceDir : nodeModules;
      for (const file of asset.files.flatMap((f) => expandPattern(base, f))) {
        const data = readInput(path.join(base, file));
        add(`${LAYER_DIR}/${asset.to}${asset.from === 'source' ? path.posix.basename(file) : file}`, data);
      }
    }
  }

  // 2. Bootstrap, php.ini and a note of what this layer is.
  await timed('bootstrap and php.ini', () => {
    add(`${LAYER_DIR}/bootstrap`, readInput(path.join(sourceDir, 'runtime/lambda/bootstrap')), 0o755);
    add(`${LAYER_DIR}/php.ini`, readInput(path.join(sourceDir, 'php.ini')));
    // PHP_SUPPORT_URL in the bundle: auto_prepend_file and sodium_compat.
    for (const file of treeFiles(path.join(sourceDir, 'php'))) add(`${LAYER_DIR}/php/${file}`, readInput(path.join(sourceDir, 'php', file)));
    const layerInfo = {
      lamphp: readJson(path.join(sourceDir, 'package.json')).version,
      php,
      phpWasm: readJson(path.join(nodeModules, '@php-wasm/node/package.json')).version,
      architectures: arches,
      node: withNode ? NODE_VERSION : `nodejs${NODE_VERSION.split('.')[0]}.x (managed runtime)`,
    };
    add(`${LAYER_DIR}/layer.json`, new TextEncoder().encode(`${JSON.stringify(layerInfo, null, 2)}\n`));
    if (withNode) add('bootstrap', new TextEncoder().encode(ROOT_BOOTSTRAP), 0o755);
  }, () => (withNode ? `${LAYER_DIR}/bootstrap, /opt/bootstrap, php.ini` : `${LAYER_DIR}/bootstrap, php.ini`));

  // 3. Packages loaded by path at run time.
  await timed(`PHP ${php} and native bindings`, () => {
    let bytes = 0;
    for (const pkg of packageFiles(nodeModules, php, arches)) {
      for (const file of pkg.files) {
        const data = readInput(path.join(nodeModules, pkg.name, file));
        bytes += data.length;
        add(`${LAYER_DIR}/node_modules/${pkg.name}/${file}`, data);
      }
    }
    return bytes;
  }, (bytes) => `${mb(bytes)} from ${nodeModules} (${arches.map((a) => `linux-${NODE_ARCH[a]}`).join(', ')})`);

  // 4. Node, for provided.al2023.
  if (withNode) {
    const arch = arches[0]!;
    await timed(`Node ${NODE_VERSION} for ${arch}`, () => {
      const node = nodeFiles(arch, cacheDir);
      add(`${LAYER_DIR}/node/bin/node`, node.node, 0o755);
      add(`${LAYER_DIR}/node/LICENSE`, node.license);
      return node.node.length;
    }, (bytes) => `node-linux-${NODE_ARCH[arch]} ${mb(bytes)}`);
  }

  // 5. The zip, then the budget.
  const all = withDirectories(entries);
  const zip = await timed('zip', () => reproducibleZip(all), (z) => mb(z.length));
  const unpacked = entries.reduce((n, e) => n + (e.data?.length ?? 0), 0);

  fs.mkdirSync(outDir, { recursive: true });
  const zipFile = path.join(outDir, zipName(php, arches, withNode));
  const mapsDir = zipFile.replace(/\.zip$/, '.maps');
  fs.rmSync(mapsDir, { recursive: true, force: true });
  fs.mkdirSync(mapsDir, { recursive: true });
  for (const m of bundle.maps) fs.writeFileSync(path.join(mapsDir, m.name), m.data);
  fs.writeFileSync(zipFile, zip);

  const groups = new Map<string, number>();
  for (const e of entries) groups.set(groupOf(e.name), (groups.get(groupOf(e.name)) ?? 0) + (e.data?.length ?? 0));
  print('');
  print(`Layer ${path.relative(process.cwd(), zipFile) || zipFile}`);
  for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1])) print(`  ${group.padEnd(26)} ${kb(bytes).padStart(9)}`);
  const zippedLimit = withNode ? BUDGET.withNodeZipped : BUDGET.zipped;
  print(`  ${'unpacked'.padEnd(26)} ${mb(unpacked).padStart(9)}${withNode ? `   budget ${mb(BUDGET.withNodeUnpacked)}` : ''}`);
  print(`  ${'zipped'.padEnd(26)} ${mb(zip.length).padStart(9)}   budget ${mb(zippedLimit)}`);
  print(`  ${all.length} entries; source maps in ${path.relative(process.cwd(), mapsDir) || mapsDir}`);
  const over: string[] = [];
  if (zip.length > zippedLimit) over.push(`zipped ${mb(zip.length)} > ${mb(zippedLimit)}`);
  if (withNode && unpacked > BUDGET.withNodeUnpacked) over.push(`unpacked ${mb(unpacked)} > ${mb(BUDGET.withNodeUnpacked)}`);
  if (over.length) throw new LamphpError('ELAYERBUDGET', `The layer is over its size budget: ${over.join('; ')}.`);

  return {
    zip: zipFile,
    mapsDir,
    zippedBytes: zip.length,
    unpackedBytes: unpacked,
    entries: [...all].map((e) => e.name).sort(),
  };
}

function readInput(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new LamphpError('ELAYERINPUT', `The layer needs ${file}, which cannot be read: ${(err as Error).message}`);
  }
}

interface OutFile {
  name: string;
  data: Uint8Array;
}

async function bundleSources(
  sourceDir: string,
  nodeModules: string,
  php: PhpVersion,
): Promise<{ code: OutFile[]; maps: OutFile[]; selfRelative: string[] }> {
  const esbuild = await import('esbuild').catch((err: unknown) => {
    throw new LamphpError('ELAYERINPUT', `esbuild is needed to build the layer (npm ci installs it): ${(err as Error).message}`);
  });
  const outdir = path.join(sourceDir, 'dist', '.bundle');
  let swapped = false;
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: sourceDir,
      entryPoints: BUNDLE_ENTRIES,
      outdir,
      ...NODE_BUNDLE,
      sourcemap: 'external',
      external: BUNDLE_EXTERNALS,
      nodePaths: [nodeModules],
      banner: { js: REQUIRE_BANNER + phpDefaultBanner(php) },
      plugins: [
        {
          name: 'lamphp-bundle-files',
          setup(build) {
            const target = path.join(sourceDir, ENGINE_FILES);
            build.onResolve({ filter: /[\\/]files\.ts$/ }, (args) =>
            {
              if (path.resolve(args.resolveDir, args.path) !== target) return undefined;
              swapped = true;
              return { path: path.join(sourceDir, 'layer', 'bundle-files.ts') };
            });
          },
        },
      ],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const detail = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join('; ');
    throw new LamphpError('EBUNDLE', `Bundling the runtime failed: ${detail || (err as Error).message}`);
  }
  // A bundled source that finds files relative to itself looks for them in /opt/lamphp.
  const selfRelative = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/') && !input.endsWith('layer/bundle-files.ts'))
    .filter((input) => /import\.meta\.(url|dirname|filename)\b/.test(fs.readFileSync(path.resolve(sourceDir, input), 'utf8')))
    .sort();
  const unknown = selfRelative.filter((input) => !(input in SELF_RELATIVE_SOURCES));
  if (unknown.length) {
    throw new LamphpError(
      'EBUNDLE',
      `${unknown.join(', ')} locate files relative to themselves, which the bundle moves to /opt/lamphp; ` +
        'list what they need in SELF_RELATIVE_SOURCES (layer/contents.ts) or keep such paths in bridge/engine/php-wasm/files.ts.',
    );
  }
  if (!swapped) {
    throw new LamphpError('EBUNDLE', `The bundle never imported ${ENGINE_FILES}: the engine would look for its worker and php.ini in the wrong place.`);
  }
  const code: OutFile[] = [];
  const maps: OutFile[] = [];
  for (const file of result.outputFiles) {
    const name = path.relative(outdir, file.path).split(path.sep).join('/');
    (name.endsWith('.map') ? maps : code).push({ name, data: file.contents });
  }
  return { code, maps, selfRelative };
}

const USAGE = `Usage: lamphp layer build [--php ${PHP_VERSIONS.join('|')}] [--arch x86_64|arm64] [--with-node] [--out DIR]

Writes dist/lamphp-layer-php<version>.zip (source maps beside it, not in it).
  --php V          PHP version to ship (default ${DEFAULT_PHP_VERSION})
  --arch A         only this architecture's native binding (default: x86_64 and arm64)
  --with-node      add Node ${NODE_VERSION} and /opt/bootstrap for provided.al2023 (needs --arch;
                   fetches node-linux-<arch> from the npm registry once into .cache/node-packages)
  --out DIR        output directory (default dist)
  --node-modules DIR  packages to take files from (default node_modules)
  --extension E    build instead the optional layer of one loadable extension (intl, redis,
                   memcached): dist/lamphp-layer-php<version>-E.zip, attached beside the main
                   layer, with LAMPHP_PHP_EXTENSIONS=E
`;

/** Command line: `node layer/build.ts …` and `lamphp layer build …`. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      php: { type: 'string' },
      arch: { type: 'string' },
      'with-node': { type: 'boolean' },
      out: { type: 'string' },
      'node-modules': { type: 'string' },
      extension: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const alias: Record<string, Arch> = { x86_64: 'x86_64', x64: 'x86_64', amd64: 'x86_64', arm64: 'arm64', aarch64: 'arm64' };
  let arches: Arch[] | undefined;
  if (values.arch !== undefined) {
    const arch = alias[values.arch];
    if (!arch) throw new LamphpError('EUSAGE', `--arch must be x86_64 or arm64, got "${values.arch}".`);
    arches = [arch];
  }
  if (values.extension !== undefined) {
    const { buildExtensionLayer } = await import('./extension-layer.ts');
    buildExtensionLayer({
      php: (values.php as PhpVersion | undefined) ?? DEFAULT_PHP_VERSION,
      extension: values.extension,
      nodeModules: path.resolve(values['node-modules'] ?? path.join(REPO, 'node_modules')),
      outDir: path.resolve(values.out ?? path.join(REPO, 'dist')),
      print: (line) => process.stderr.write(`${line}\n`),
    });
    return 0;
  }
  await buildLayer({
    php: values.php as PhpVersion | undefined,
    arches,
    withNode: values['with-node'],
    outDir: values.out,
    nodeModules: values['node-modules'],
  });
  return 0;
}

/** Runs a build command's `main` as a script: errors become one line and an exit code. */
export async function runAsScript(label: string, run: (argv: string[]) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run(process.argv.slice(2));
  } catch (err) {
    const e = err as Error & { code?: string };
    process.stderr.write(`${label}: ${e.message}${e.code ? ` [${e.code}]` : ''}\n`);
    process.exitCode = e.code === 'EUSAGE' || e.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

/** Files under `dir`, relative with forward slashes, in name order. */
function treeFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

if (import.meta.main) await runAsScript('lamphp layer build', main);
