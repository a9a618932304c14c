/**
 * README's table and SECURITY.md's list of what is never served, generated from the one list the
 * router uses (bridge/deny-rules.ts, DENY_FAMILIES). Run after changing the families:
 *   node scripts/deny-families-docs.ts
 * test/deny-families.test.ts fails while the documents and the list differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DENY_FAMILIES, type DenyFamily } from '../bridge/deny-rules.ts';

const REPO = path.resolve(import.meta.dirname, '..');
export const BEGIN = '<!-- deny families: generated from bridge/deny-rules.ts by scripts/deny-families-docs.ts -->';
export const END = '<!-- end of deny families -->';

const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
const covers = (f: DenyFamily) => code(f.refuses) + (f.note ? `; ${f.note}` : '');

/** README, "What is never served": one row per family. */
export function readmeTable(families: readonly DenyFamily[] = DENY_FAMILIES): string {
  return [
    '| family | what it covers | answer | `LAMPHP_ALLOW_PATHS` may open it |',
    '|---|---|---|---|',
    ...families.map((f) => `| ${f.title} | ${covers(f)} | ${f.status} | ${f.relaxable ? 'yes' : 'never'} |`),
  ].join('\n');
}

/** SECURITY.md, "Secrets and source are never served": one item per family. */
export function securityList(families: readonly DenyFamily[] = DENY_FAMILIES): string {
  return families.map((f) => `  - ${f.title} (${f.status}${f.relaxable ? '; `LAMPHP_ALLOW_PATHS` may open it' : ''}): ${covers(f)}.`).join('\n');
}

/** `text` with the lines between the marker lines replaced by `block`; throws when the markers are missing. */
export function withGenerated(text: string, block: string, file: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${file} has no deny-families markers (${BEGIN} … ${END})`);
  const after = text.indexOf('\n', start) + 1;
  const before = text.lastIndexOf('\n', end) + 1;
  return `${text.slice(0, after)}${block}\n${text.slice(before)}`;
}

/** Each document and the block it must hold. */
export const DOCUMENTS = [
  { file: 'README.md', block: readmeTable },
  { file: 'SECURITY.md', block: securityList },
] as const;

if (import.meta.main) {
  for (const { file, block } of DOCUMENTS) {
    const full = path.join(REPO, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = withGenerated(before, block(), file);
    if (after !== before) fs.writeFileSync(full, after);
    console.log(`${file}: ${after === before ? 'up to date' : 'updated'}`);
  }
}
