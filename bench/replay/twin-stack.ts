/**
 * The stack the replay runs in the twin: the repository's CDK app synthesized as a deploy would
 * (default context: SQLite behind a Function URL; `database: 'mysql'` for the MySQL shape, served
 * by the machine's MariaDB), with the layer built from this checkout plus one file — the EFS
 * call counter (efs-preload.ts) — and three variables added to the site function for the
 * measurement: NODE_OPTIONS loads the counter, LAMPHP_BENCH_EFS_ROOT names the EFS mount, and
 * LAMPHP_LOG_LEVEL=debug makes the runtime log one line per request (path, status, ms). Nothing
 * else in the template changes, except the settings a variant asks for (`environment`: e.g. the
 * anonymous pages' Cache-Control, which has no context key), stated with the results.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readZip, reproducibleZip, type ZipEntry } from '../../layer/zip.ts';
import { buildLayer } from '../../layer/build.ts';
import { synthesizeApp } from '../../infra/twin/assembly.ts';

export const PRELOAD_IN_LAYER = 'lamphp-bench/efs-count.mjs';
export const BENCH_ENV_KEYS = ['NODE_OPTIONS', 'LAMPHP_BENCH_EFS_ROOT', 'LAMPHP_LOG_LEVEL'] as const;

/** The default layer zip of this checkout with the EFS counter added; returns its path. */
export async function benchLayer(dir: string, log: (line: string) => void = () => {}): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const built = await buildLayer({ outDir: path.join(dir, 'layer'), print: () => {} });
  const esbuild = await import('esbuild');
  const bundled = await esbuild.build({
    entryPoints: [path.join(import.meta.dirname, 'efs-preload.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    write: false,
    logLevel: 'silent',
  });
  const entries: ZipEntry[] = readZip(fs.readFileSync(built.zip))
    .filter((e) => !e.name.endsWith('/'))
    .map((e) => ({ name: e.name, data: e.data, mode: e.mode & 0o777 }));
  entries.push({ name: PRELOAD_IN_LAYER, data: bundled.outputFiles[0]!.contents, mode: 0o644 });
  const out = path.join(dir, 'lamphp-layer-bench.zip');
  fs.writeFileSync(out, reproducibleZip(entries));
  log(`  layer: ${path.basename(built.zip)} + ${PRELOAD_IN_LAYER} (${(fs.statSync(out).size / 1048576).toFixed(1)} MB)`);
  return out;
}

/** The site function of a template: the one whose environment names a document root. */
export function siteFunctionId(template: { Resources?: Record<string, any> }): string {
  const ids = Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.LAMPHP_DOCUMENT_ROOT !== undefined)
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`Expected one site function in the template, found ${ids.length}.`);
  return ids[0]!;
}

/** The EFS mount path of the site function (its FileSystemConfigs). */
export function efsMountPath(fn: any): string {
  const mount = fn.Properties?.FileSystemConfigs?.[0]?.LocalMountPath;
  if (typeof mount !== 'string') throw new Error('The site function has no EFS mount: the replay counts EFS calls on it.');
  return mount;
}

export interface ReplayStack {
  assembly: string;
  /** What was added to the site function's environment, as written into the template. */
  added: Record<string, string>;
  context: Record<string, unknown>;
}

/**
 * Synthesizes the app with `context` into `dir`, then adds the measurement variables (and the
 * variant's `environment`) to the site function in the assembly's template.
 */
export async function replayStack({ dir, layerZip, context, environment = {}, log }: { dir: string; layerZip: string; context: Record<string, unknown>; environment?: Record<string, string>; log?: (line: string) => void }): Promise<ReplayStack> {
  const fullContext = { ...context, layerZip };
  const assembly = await synthesizeApp(dir, fullContext, log);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const artifact = Object.values<any>(manifest.artifacts).find((a) => a.type === 'aws:cloudformation:stack' && (a.displayName ?? '') === assembly.stackName) ?? Object.values<any>(manifest.artifacts).find((a) => a.type === 'aws:cloudformation:stack');
  const file = path.join(dir, artifact.properties.templateFile);
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fn = template.Resources[siteFunctionId(template)];
  const variables = fn.Properties.Environment.Variables;
  for (const key of Object.keys(environment)) {
    if ((BENCH_ENV_KEYS as readonly string[]).includes(key)) throw new Error(`${key} is the replay's own measurement variable.`);
  }
  const added: Record<string, string> = {
    ...environment,
    NODE_OPTIONS: `--import=/opt/${PRELOAD_IN_LAYER}`,
    LAMPHP_BENCH_EFS_ROOT: efsMountPath(fn),
    LAMPHP_LOG_LEVEL: 'debug',
  };
  Object.assign(variables, added);
  fs.writeFileSync(file, JSON.stringify(template, null, 1));
  return { assembly: dir, added, context };
}
