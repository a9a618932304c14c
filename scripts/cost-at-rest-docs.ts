/**
 * README's "What it costs at rest" table, generated from the one price table
 * (bench/replay/prices.ts) and each shape's own template (bench/replay/at-rest.ts). Run after
 * changing a price, the stack's resources or the recorded usage:
 *   node scripts/cost-at-rest-docs.ts
 * test/cost-at-rest.test.ts fails while README and the table differ.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atRest, atRestTable, usageAtRest, readRecorded, type RestMode } from '../bench/replay/at-rest.ts';
import { computeBill } from '../bench/replay/bill.ts';
import { readTemplate, stackShape, type Template } from '../bench/replay/stack.ts';

const REPO = path.resolve(import.meta.dirname, '..');
export const README = path.join(REPO, 'README.md');
export const BEGIN = '<!-- cost at rest: generated from bench/replay/prices.ts by scripts/cost-at-rest-docs.ts -->';
export const END = '<!-- end of cost at rest -->';

/** The template of each database (the committed one for sqlite), and of sqlite behind the ALB; placeholder layer and WordPress, as for the committed template. */
export async function restTemplates(): Promise<{ modes: Record<RestMode, Template>; alb: Template }> {
  const { buildApp, DEFAULT_STACK_NAME } = await import('../infra/app.ts');
  const { writePlaceholderLayer, writePlaceholderRelay } = await import('../infra/synth.ts');
  const { writePlaceholderWordPress } = await import('../infra/wordpress-asset.ts');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-at-rest-'));
  try {
    const overrides = { layerZip: writePlaceholderLayer(tmp), wordpressZip: writePlaceholderWordPress(tmp), relayZip: writePlaceholderRelay(tmp) };
    const synth = async (context: Record<string, unknown>) => {
      const built = await buildApp({ outdir: fs.mkdtempSync(path.join(tmp, 'out-')), context, overrides, log: () => {} });
      return built.app.synth().getStackByName(DEFAULT_STACK_NAME).template as Template;
    };
    return {
      modes: { sqlite: readTemplate(), mysql: await synth({ database: 'mysql' }), aurora: await synth({ database: 'aurora' }) },
      alb: await synth({ database: 'sqlite', frontDoor: 'alb' }),
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function generatedTable(): Promise<string> {
  const { modes, alb } = await restTemplates();
  const rows = (['sqlite', 'mysql', 'aurora'] as const).map((mode) => atRest(mode, stackShape(modes[mode])));
  const albShape = stackShape(alb);
  return atRestTable(rows, computeBill(albShape, usageAtRest(readRecorded('sqlite'), albShape, false), 0));
}

/** `text` with the lines between the markers replaced by `block`. */
export function withTable(text: string, block: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md has no cost-at-rest markers (${BEGIN} … ${END})`);
  const after = text.indexOf('\n', start) + 1;
  const before = text.lastIndexOf('\n', end) + 1;
  return `${text.slice(0, after)}${block}\n${text.slice(before)}`;
}

if (import.meta.main) {
  const before = fs.readFileSync(README, 'utf8');
  const after = withTable(before, await generatedTable());
  if (after !== before) fs.writeFileSync(README, after);
  console.log(`README.md: ${after === before ? 'up to date' : 'updated'}`);
}
