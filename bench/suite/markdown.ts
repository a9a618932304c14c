/** Markdown for BENCHMARKS.md: tables, and a generated section that reruns replace in place. */

export const SECTION_START = '<!-- bench:suite:start -->';
export const SECTION_END = '<!-- bench:suite:end -->';

export type Cell = string | number | null | undefined;

/** A cell as text: numbers as given, missing values as an en dash, pipes escaped. */
export function cell(value: Cell): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '–';
  return String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A GitHub-flavoured table; `align` marks right-aligned (numeric) columns with 'r'. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], align: readonly ('l' | 'r')[] = []): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [line(headers.map(cell)), line(rule), ...rows.map((row) => line(headers.map((_, i) => cell(row[i]))))].join('\n');
}

/**
 * Puts `body` between the markers: replaces what is there, or appends a new section at the
 * end when the document has none. Everything outside the markers is kept byte for byte.
 */
export function replaceSection(document: string, body: string, start = SECTION_START, end = SECTION_END): string {
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = document.indexOf(start);
  const to = from === -1 ? -1 : document.indexOf(end, from + start.length);
  if (from !== -1 && to === -1) {
    throw new Error(`BENCHMARKS.md has "${start}" without "${end}"; fix the markers by hand.`);
  }
  if (from === -1) {
    const base = document.replace(/\s*$/, '');
    return `${base}${base ? '\n\n' : ''}${block}\n`;
  }
  return document.slice(0, from) + block + document.slice(to + end.length);
}
