/**
 * Small SVG charts for benchmark reports: a line chart (numeric x, linear or log y) and a bar
 * chart (categories, grouped or stacked series). Plain strings, no script, no external asset,
 * so a chart can sit inline in HTML or beside BENCHMARKS.md as a file.
 */

export interface Size {
  width: number;
  height: number;
}

const DEFAULT_SIZE: Size = { width: 760, height: 340 };
const MARGIN = { left: 64, right: 24, top: 44, bottom: 56 };
/** Colour-blind-safe palette (Okabe–Ito), then darker and lighter tones and greys. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#8C564B', '#7F7F7F', '#BCBD22', '#17BECF', '#BBBBBB'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A tick label: integers above 100, one decimal above 10, two significant decimals below. */
export function formatTick(v: number): string {
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return String(Math.round(v * 100) / 100);
}

/** 1, 2 or 5 × 10^n, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** The opening of a chart: viewBox, accessible title, background and heading. */
export function svgOpen(id: string, title: string, { width, height }: Size = DEFAULT_SIZE): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `style="max-width:100%;height:auto" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title><rect width="${width}" height="${height}" fill="#fafafa"/>` +
    `<text x="${width / 2}" y="14" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(title)}</text>`
  );
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  log: boolean;
}

function linearAxis(lo: number, hi: number, count = 6): Axis {
  if (hi <= lo) hi = lo + 1;
  const step = niceStep((hi - lo) / count);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return { lo: start, hi: end, ticks, log: false };
}

function logAxis(lo: number, hi: number): Axis {
  const a = 10 ** Math.floor(Math.log10(lo));
  const b = 10 ** Math.ceil(Math.log10(hi * 1.0001));
  const ticks: number[] = [];
  for (let decade = a; decade <= b * 1.0001; decade *= 10) {
    for (const m of [1, 2, 5]) if (decade * m <= b * 1.0001) ticks.push(Number((decade * m).toPrecision(12)));
  }
  return { lo: a, hi: b === a ? a * 10 : b, ticks, log: true };
}

function scale(axis: Axis, from: number, to: number): (v: number) => number {
  if (axis.log) {
    const l0 = Math.log10(axis.lo);
    const l1 = Math.log10(axis.hi);
    return (v) => from + ((Math.log10(v) - l0) / (l1 - l0)) * (to - from);
  }
  return (v) => from + ((v - axis.lo) / (axis.hi - axis.lo)) * (to - from);
}

/** Legend entries placed left to right, wrapping to a new row before `maxX`. */
function legendLayout(names: readonly string[], x0: number, maxX: number): { items: Array<{ name: string; x: number; row: number }>; rows: number } {
  let x = x0;
  let row = 0;
  const items = names.map((name) => {
    const width = 28 + name.length * 6.5;
    if (x > x0 && x + width > maxX) {
      x = x0;
      row++;
    }
    const item = { name, x, row };
    x += width;
    return item;
  });
  return { items, rows: names.length ? row + 1 : 0 };
}

function legend(layout: ReturnType<typeof legendLayout>, colors: readonly string[], y0: number): string {
  return layout.items
    .map(({ name, x, row }, i) => {
      const y = y0 + row * 14;
      return `<rect x="${x}" y="${y - 8}" width="12" height="8" fill="${colors[i]}"/><text x="${x + 16}" y="${y}">${escapeXml(name)}</text>`;
    })
    .join('');
}

/** Plot area below the title and a legend of `rows` rows. */
function plotArea(size: Size, rows: number) {
  return { x0: MARGIN.left, x1: size.width - MARGIN.right, y0: size.height - MARGIN.bottom, y1: MARGIN.top + Math.max(0, rows - 1) * 14 };
}

export interface LineSeries {
  name: string;
  /** [x, y] points; a null y breaks the line (and log charts skip values ≤ 0). */
  points: ReadonlyArray<readonly [number, number | null]>;
  dashed?: boolean;
}

export interface LineChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  logY?: boolean;
  size?: Size;
  /** Horizontal reference lines (a target, a baseline). */
  marks?: ReadonlyArray<{ y: number; label: string }>;
}

export function lineChart(o: LineChartOptions): string {
  const size = o.size ?? DEFAULT_SIZE;
  const layout = legendLayout(o.series.map((s) => s.name), MARGIN.left, size.width - MARGIN.right);
  const plot = plotArea(size, layout.rows);
  const usable = (y: number | null): y is number => y !== null && Number.isFinite(y) && (!o.logY || y > 0);
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...o.series.flatMap((s) => s.points.map((p) => p[1]).filter(usable)), ...(o.marks ?? []).map((m) => m.y)];
  const xAxis = linearAxis(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1);
  const yAxis = o.logY ? logAxis(ys.length ? Math.min(...ys) : 1, ys.length ? Math.max(...ys) : 10) : linearAxis(Math.min(0, ...ys), ys.length ? Math.max(...ys) * 1.05 : 1);
  const x = scale(xAxis, plot.x0, plot.x1);
  const y = scale(yAxis, plot.y0, plot.y1);
  const parts = [svgOpen(o.id, o.title, size), `<rect x="${plot.x0}" y="${plot.y1}" width="${plot.x1 - plot.x0}" height="${plot.y0 - plot.y1}" fill="#fff" stroke="#333"/>`];
  for (const t of yAxis.ticks) {
    parts.push(`<line x1="${plot.x0}" y1="${y(t)}" x2="${plot.x1}" y2="${y(t)}" stroke="#e3e3e3"/>`, `<text x="${plot.x0 - 6}" y="${y(t) + 4}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xAxis.ticks) {
    parts.push(`<line x1="${x(t)}" y1="${plot.y0}" x2="${x(t)}" y2="${plot.y0 + 5}" stroke="#333"/>`, `<text x="${x(t)}" y="${plot.y0 + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  parts.push(
    `<text x="${(plot.x0 + plot.x1) / 2}" y="${size.height - 10}" text-anchor="middle" fill="#444">${escapeXml(o.xLabel)}</text>`,
    `<text x="14" y="${(plot.y0 + plot.y1) / 2}" text-anchor="middle" fill="#444" transform="rotate(-90 14 ${(plot.y0 + plot.y1) / 2})">${escapeXml(o.yLabel)}</text>`,
  );
  for (const m of o.marks ?? []) {
    parts.push(`<g class="mark"><line x1="${plot.x0}" y1="${y(m.y)}" x2="${plot.x1}" y2="${y(m.y)}" stroke="#555" stroke-dasharray="6 4"/><text x="${plot.x0 + 4}" y="${y(m.y) - 4}" fill="#555">${escapeXml(m.label)}</text></g>`);
  }
  const colors = o.series.map((_, i) => PALETTE[i % PALETTE.length]!);
  o.series.forEach((s, i) => {
    const runs: string[][] = [[]];
    for (const [px, py] of s.points) {
      if (usable(py)) runs.at(-1)!.push(`${x(px).toFixed(1)},${y(py).toFixed(1)}`);
      else if (runs.at(-1)!.length) runs.push([]);
    }
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    const body = runs
      .filter((r) => r.length)
      .map((r) => (r.length > 1 ? `<polyline points="${r.join(' ')}" fill="none" stroke="${colors[i]}" stroke-width="1.8"${dash}/>` : `<circle cx="${r[0]!.split(',')[0]}" cy="${r[0]!.split(',')[1]}" r="2.5" fill="${colors[i]}"/>`))
      .join('');
    parts.push(`<g class="series" data-series="${escapeXml(s.name)}">${body}</g>`);
  });
  parts.push(legend(layout, colors, 30), '</svg>');
  return parts.join('');
}

export interface BarSeries {
  name: string;
  /** One value per category; null leaves the bar out. */
  values: ReadonlyArray<number | null>;
}

export interface BarChartOptions {
  id: string;
  title: string;
  yLabel: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Stack the series in each category instead of placing them side by side. */
  stacked?: boolean;
  size?: Size;
  marks?: ReadonlyArray<{ y: number; label: string }>;
  /** Value printed above each bar (or stack), e.g. (v) => `$${v.toFixed(2)}`. */
  label?: (v: number) => string;
}

export function barChart(o: BarChartOptions): string {
  const size = o.size ?? DEFAULT_SIZE;
  const layout = legendLayout(o.series.map((s) => s.name), MARGIN.left, size.width - MARGIN.right);
  const plot = plotArea(size, layout.rows);
  const totals = o.categories.map((_, c) => (o.stacked ? o.series.reduce((sum, s) => sum + Math.max(0, s.values[c] ?? 0), 0) : Math.max(0, ...o.series.map((s) => s.values[c] ?? 0))));
  const yAxis = linearAxis(0, Math.max(...totals, ...(o.marks ?? []).map((m) => m.y), 0) * 1.08 || 1);
  const y = scale(yAxis, plot.y0, plot.y1);
  const band = (plot.x1 - plot.x0) / Math.max(1, o.categories.length);
  const inner = band * 0.7;
  const barW = o.stacked ? inner : inner / Math.max(1, o.series.length);
  const colors = o.series.map((_, i) => PALETTE[i % PALETTE.length]!);
  const parts = [svgOpen(o.id, o.title, size), `<rect x="${plot.x0}" y="${plot.y1}" width="${plot.x1 - plot.x0}" height="${plot.y0 - plot.y1}" fill="#fff" stroke="#333"/>`];
  for (const t of yAxis.ticks) {
    parts.push(`<line x1="${plot.x0}" y1="${y(t)}" x2="${plot.x1}" y2="${y(t)}" stroke="#e3e3e3"/>`, `<text x="${plot.x0 - 6}" y="${y(t) + 4}" text-anchor="end">${formatTick(t)}</text>`);
  }
  o.categories.forEach((category, c) => {
    const left = plot.x0 + c * band + (band - inner) / 2;
    let stackTop = 0;
    o.series.forEach((s, i) => {
      const v = s.values[c];
      if (v === null || v === undefined || !(v > 0)) return;
      const bx = o.stacked ? left : left + i * barW;
      const from = o.stacked ? stackTop : 0;
      const to = from + v;
      if (o.stacked) stackTop = to;
      parts.push(`<rect class="bar" data-series="${escapeXml(s.name)}" data-category="${escapeXml(category)}" x="${bx.toFixed(1)}" y="${y(to).toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${Math.max(0, y(from) - y(to)).toFixed(1)}" fill="${colors[i]}"><title>${escapeXml(`${s.name}, ${category}: ${formatTick(v)}`)}</title></rect>`);
      if (!o.stacked && o.label) parts.push(`<text x="${(bx + barW / 2).toFixed(1)}" y="${(y(to) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${escapeXml(o.label(v))}</text>`);
    });
    if (o.stacked && o.label && stackTop > 0) parts.push(`<text x="${(left + inner / 2).toFixed(1)}" y="${(y(stackTop) - 3).toFixed(1)}" text-anchor="middle">${escapeXml(o.label(stackTop))}</text>`);
    parts.push(`<text x="${(plot.x0 + c * band + band / 2).toFixed(1)}" y="${plot.y0 + 16}" text-anchor="middle">${escapeXml(category)}</text>`);
  });
  for (const m of o.marks ?? []) {
    parts.push(`<g class="mark"><line x1="${plot.x0}" y1="${y(m.y)}" x2="${plot.x1}" y2="${y(m.y)}" stroke="#555" stroke-dasharray="6 4"/><text x="${plot.x1 - 4}" y="${y(m.y) - 4}" text-anchor="end" fill="#555">${escapeXml(m.label)}</text></g>`);
  }
  parts.push(
    `<text x="14" y="${(plot.y0 + plot.y1) / 2}" text-anchor="middle" fill="#444" transform="rotate(-90 14 ${(plot.y0 + plot.y1) / 2})">${escapeXml(o.yLabel)}</text>`,
    legend(layout, colors, 30),
    '</svg>',
  );
  return parts.join('');
}
