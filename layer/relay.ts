/**
 * `lamphp relay build` / `npm run build:relay`: the outbox relay function's code as one zip,
 * `dist/lamphp-relay.zip` holding `index.mjs` (handler `index.handler`, runtime nodejs24.x): the
 * handler with the bridge's outbox code and the AWS SDK clients it uses bundled by esbuild, so
 * nothing at run time depends on this repository or on the SDK version Lambda ships. The zip is
 * reproducible (layer/zip.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LamphpError } from '../bridge/index.ts';
import { NODE_BUNDLE, REQUIRE_BANNER, runAsScript } from './build.ts';
import { reproducibleZip, withDirectories } from './zip.ts';

const REPO = path.resolve(import.meta.dirname, '..');
export const RELAY_ENTRY = 'runtime/relay/handler.ts';
export const RELAY_ZIP = 'lamphp-relay.zip';
/** The relay's Lambda handler setting. */
export const RELAY_HANDLER = 'index.handler';

export interface RelayBuildResult {
  zip: string;
  bytes: number;
  /** The bundle's size, unzipped. */
  bundleBytes: number;
}

export async function buildRelay(options: { outDir?: string; sourceDir?: string; print?: (line: string) => void } = {}): Promise<RelayBuildResult> {
  const sourceDir = path.resolve(options.sourceDir ?? REPO);
  const outDir = path.resolve(options.outDir ?? path.join(sourceDir, 'dist'));
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const esbuild = await import('esbuild').catch((err: unknown) => {
    throw new LamphpError('ELAYERINPUT', `esbuild is needed to build the relay (npm ci installs it): ${(err as Error).message}`);
  });
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: sourceDir,
      entryPoints: { index: RELAY_ENTRY },
      outdir: path.join(sourceDir, 'dist', '.relay'),
      ...NODE_BUNDLE,
      banner: { js: REQUIRE_BANNER },
      write: false,
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: { text: string }[] }).errors ?? [];
    throw new LamphpError('EBUNDLE', `Bundling the relay failed: ${errors.map((e) => e.text).join('; ') || (err as Error).message}`);
  }
  const bundle = result.outputFiles.find((f) => f.path.endsWith('index.mjs'))!.contents;
  const zip = reproducibleZip(withDirectories([{ name: 'index.mjs', data: bundle, mode: 0o644 }]));
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, RELAY_ZIP);
  // Replaced in one step: a synthesis reading the zip while another build writes it sees one whole zip.
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, zip);
  fs.renameSync(tmp, file);
  print(`relay: ${file} (${(zip.length / 1024).toFixed(0)} KB zipped, index.mjs ${(bundle.length / 1024).toFixed(0)} KB; handler ${RELAY_HANDLER}, nodejs24.x)`);
  return { zip: file, bytes: zip.length, bundleBytes: bundle.length };
}

/** Command line: `node layer/relay.ts …` and `lamphp relay build …`. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
  await buildRelay({ ...(values.out && { outDir: values.out }) });
  return 0;
}

if (import.meta.main) await runAsScript('lamphp relay build', main);
