/**
 * `npm run infra:synth`: synthesizes the app into infra/cdk.out (offline, no credentials) and
 * regenerates the committed reference template infra/template/wordpress-on-lambda.template.json
 * (default configuration, placeholder layer, relay and WordPress, so it changes only when the
 * infrastructure does). The deployable assembly carries the relay built from this checkout.
 * Extra `-c key=value` arguments are passed as context to the infra/cdk.out synthesis.
 * Fails when cdk-nag AwsSolutions reports an unacknowledged error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, REPO_ROOT, DEFAULT_STACK_NAME, propsFromContext } from './app.ts';
import { resolveWordPressAsset, writePlaceholderWordPress, type WordPressAsset } from './wordpress-asset.ts';

export const TEMPLATE_PATH = path.join(REPO_ROOT, 'infra/template/wordpress-on-lambda.template.json');
const OUTDIR = path.join(REPO_ROOT, 'infra/cdk.out');

/** A byte-identical stand-in for the layer zip (fixed mtime), so the asset hash never moves. */
export function writePlaceholderLayer(dir: string): string {
  const file = path.join(dir, 'lamphp-layer-placeholder.zip');
  const bootstrap = new TextEncoder().encode('#!/bin/sh\necho "placeholder layer: build the real one with lamphp layer build" >&2\nexit 1\n');
  fs.writeFileSync(file, zipSync({ 'lamphp/bootstrap': [bootstrap, { mtime: new Date('2000-01-01T00:00:00Z'), os: 3, attrs: 0o755 << 16 }] }));
  return file;
}

/** A byte-identical stand-in for the relay zip, for the reference template. */
export function writePlaceholderRelay(dir: string): string {
  const file = path.join(dir, 'lamphp-relay-placeholder.zip');
  const code = new TextEncoder().encode('export const handler = async () => { throw new Error("placeholder relay: build the real one with lamphp relay build"); };\n');
  fs.writeFileSync(file, zipSync({ 'index.mjs': [code, { mtime: new Date('2000-01-01T00:00:00Z'), os: 3, attrs: 0o644 << 16 }] }));
  return file;
}

function parseContextArgs(argv: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] === '-c' || argv[i] === '--context' ? argv[++i] : undefined;
    if (arg === undefined) continue;
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`Context argument must be key=value, got "${arg}".`);
    context[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return context;
}

function assertNagClean(label: string, app: Parameters<AwsSolutionsChecks['validateScope']>[0]): void {
  const errors = new AwsSolutionsChecks().validateScope(app).violations.filter((v) => v.severity === 'error');
  if (errors.length > 0) {
    const lines = errors.map((v) => `  ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    throw new Error(`cdk-nag AwsSolutions errors in ${label}:\n${lines.join('\n')}`);
  }
}

export async function synthesize(argv: string[] = []): Promise<{ outdir: string; template: string; placeholderLayer: boolean; wordpress?: WordPressAsset }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-synth-'));
  try {
    const placeholder = writePlaceholderLayer(tmp);
    const placeholderWordPress = writePlaceholderWordPress(tmp);
    const placeholderRelay = writePlaceholderRelay(tmp);

    // 1. The reference template: default configuration, placeholder layer and WordPress.
    const reference = await buildApp({
      outdir: path.join(tmp, 'reference'),
      context: {},
      overrides: { layerZip: placeholder, wordpressZip: placeholderWordPress, relayZip: placeholderRelay },
    });
    const referenceAssembly = reference.app.synth();
    assertNagClean('the reference template', reference.app);
    const template = referenceAssembly.getStackByName(DEFAULT_STACK_NAME).template as unknown;
    fs.mkdirSync(path.dirname(TEMPLATE_PATH), { recursive: true });
    fs.writeFileSync(TEMPLATE_PATH, `${JSON.stringify(template, null, 2)}\n`);

    // 2. The deployable assembly: context from the command line, the real layer when built.
    const context = parseContextArgs(argv);
    const { layerZip, wordpressSource } = propsFromContext((k) => context[k]);
    const placeholderLayer = !fs.existsSync(layerZip!);
    const wordpress = await resolveWordPressAsset({ source: wordpressSource, log: (l) => console.error(l) });
    fs.rmSync(OUTDIR, { recursive: true, force: true });
    const built = await buildApp({
      outdir: OUTDIR,
      context,
      overrides: { wordpressZip: wordpress.zip, ...(placeholderLayer && { layerZip: placeholder }) },
    });
    built.app.synth();
    assertNagClean('infra/cdk.out', built.app);
    return { outdir: OUTDIR, template: TEMPLATE_PATH, placeholderLayer, wordpress };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const result = await synthesize(process.argv.slice(2));
  console.log(`Cloud assembly: ${path.relative(process.cwd(), result.outdir)}`);
  console.log(`Reference template: ${path.relative(process.cwd(), result.template)}`);
  if (result.wordpress) console.log(`WordPress ${result.wordpress.version} (${result.wordpress.origin}): ${path.relative(process.cwd(), result.wordpress.zip)}`);
  if (result.placeholderLayer) {
    console.warn('Warning: the layer zip was not found; infra/cdk.out carries a placeholder layer and is not deployable. Run "lamphp layer build" first.');
  }
}
