/**
 * The ramp report: the reference's two charts per run, as inline SVG with no script and no
 * external asset, from results JSON only.
 *
 * 1. Response time over time: p50/p90/p99/max of the successful responses per second of
 *    planned send time (log scale, so a flat 300 ms line and a queue building to seconds are
 *    both readable).
 * 2. Responses per second: OK vs error, against the offered rate and the ceiling.
 *
 * Seconds are bucketed by planned send time, so each x position maps to one offered rate
 * (printed under the time axis).
 */
import { offeredRate } from './scheduler.ts';
import { errorCount } from './stats.ts';
import type { RampResult } from './results.ts';
import { escapeXml, formatTick, niceStep, svgOpen as chartOpen } from '../charts/svg.ts';

export { escapeXml, niceStep };

const W = 760;
const H = 340;
const M = { left: 64, right: 24, top: 44, bottom: 66 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

export const LATENCY_SERIES = ['p50', 'p90', 'p99', 'max'] as const;
const COLORS: Record<string, string> = {
  p50: '#1f77b4',
  p90: '#2ca02c',
  p99: '#ff7f0e',
  max: '#d62728',
  ok: '#2ca02c',
  errors: '#d62728',
  offered: '#7f7f7f',
  ceiling: '#555555',
};

const fmt = formatTick;

interface Frame {
  x(tS: number): number;
  y(value: number): number;
}

function timeAxis(result: RampResult, frame: Frame): string {
  const { durationS } = result.config;
  const step = niceStep(durationS / 8);
  const parts: string[] = [];
  for (let t = 0; t <= durationS + 1e-9; t += step) {
    const x = frame.x(t);
    parts.push(
      `<line x1="${x}" y1="${M.top + PLOT_H}" x2="${x}" y2="${M.top + PLOT_H + 5}" stroke="#333"/>`,
      `<text x="${x}" y="${M.top + PLOT_H + 18}" text-anchor="middle">${fmt(t)} s</text>`,
      `<text x="${x}" y="${M.top + PLOT_H + 32}" text-anchor="middle" fill="#777">${fmt(offeredRate(result.config, t))}/s</text>`,
    );
  }
  parts.push(
    `<text x="${M.left + PLOT_W / 2}" y="${H - 8}" text-anchor="middle" fill="#444">time since start (offered rate below it)</text>`,
  );
  return parts.join('');
}

function frameBox(): string {
  return `<rect x="${M.left}" y="${M.top}" width="${PLOT_W}" height="${PLOT_H}" fill="#fff" stroke="#333"/>`;
}

/** Vertical markers: where the offered rate crosses the ceiling, and where errors begin. */
function markers(result: RampResult, frame: Frame, { ceilingCrossing = true } = {}): string {
  const { r0, r1, durationS } = result.config;
  const parts: string[] = [];
  const ceiling = result.ceiling.reqPerS;
  if (ceilingCrossing && r1 !== r0) {
    const tC = ((ceiling - r0) * durationS) / (r1 - r0);
    if (tC >= 0 && tC <= durationS) {
      const x = frame.x(tC);
      parts.push(
        `<g class="marker" data-marker="ceiling"><line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + PLOT_H}" stroke="${COLORS.ceiling}" stroke-dasharray="6 4"/>` +
          `<text x="${x + 4}" y="${M.top + 14}" fill="${COLORS.ceiling}">ceiling ${fmt(ceiling)}/s</text></g>`,
      );
    }
  }
  const onset = result.onset.errorOnsetS;
  if (onset !== null) {
    const x = frame.x(onset);
    parts.push(
      `<g class="marker" data-marker="error-onset"><line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + PLOT_H}" stroke="${COLORS.errors}" stroke-dasharray="2 3"/>` +
        `<text x="${x + 4}" y="${M.top + 28}" fill="${COLORS.errors}">errors from ${fmt(result.onset.errorOnsetRate ?? 0)}/s</text></g>`,
    );
  }
  return parts.join('');
}

function legend(items: Array<{ key: string; label: string; dashed?: boolean }>): string {
  let x = M.left;
  return items
    .map(({ key, label, dashed }) => {
      const out =
        `<line x1="${x}" y1="${M.top - 12}" x2="${x + 18}" y2="${M.top - 12}" stroke="${COLORS[key]}" stroke-width="2.5"${dashed ? ' stroke-dasharray="5 3"' : ''}/>` +
        `<text x="${x + 22}" y="${M.top - 8}">${escapeXml(label)}</text>`;
      x += 30 + label.length * 7;
      return out;
    })
    .join('');
}

/** Polyline segments through defined points; a null breaks the line. */
function segments(points: Array<[number, number] | null>): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const point of points) {
    if (point) current.push(`${point[0].toFixed(1)},${point[1].toFixed(1)}`);
    else if (current.length > 0) {
      out.push(current.join(' '));
      current = [];
    }
  }
  if (current.length > 0) out.push(current.join(' '));
  return out;
}

function series(key: string, points: Array<[number, number] | null>, extra = ''): string {
  const lines = segments(points)
    .map((pts) =>
      pts.includes(' ')
        ? `<polyline points="${pts}" fill="none" stroke="${COLORS[key]}" stroke-width="1.6"${extra}/>`
        : `<circle cx="${pts.split(',')[0]}" cy="${pts.split(',')[1]}" r="1.6" fill="${COLORS[key]}"/>`,
    )
    .join('');
  return `<g class="series" data-series="${key}">${lines}</g>`;
}

function svgOpen(id: string, title: string): string {
  return chartOpen(id, title, { width: W, height: H });
}

export function latencyChart(result: RampResult): string {
  const title = `Response time of successful requests, ms (log) — ${result.name}`;
  const values = result.seconds.flatMap((row) => LATENCY_SERIES.map((k) => row.latency[k])).filter((v): v is number => v !== null && v > 0);
  const lo = values.length ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 1;
  const hi = values.length ? 10 ** Math.ceil(Math.log10(Math.max(...values) * 1.05)) : 10;
  const { durationS } = result.config;
  const frame: Frame = {
    x: (t) => M.left + (t / durationS) * PLOT_W,
    y: (v) => M.top + PLOT_H - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * PLOT_H,
  };
  const parts = [svgOpen(`latency-${result.name}`, title), frameBox()];
  for (let decade = lo; decade <= hi * 1.0001; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > hi * 1.0001) break;
      const y = frame.y(v);
      parts.push(
        `<line x1="${M.left}" y1="${y}" x2="${M.left + PLOT_W}" y2="${y}" stroke="#e3e3e3"/>`,
        `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt(v)}</text>`,
      );
    }
  }
  parts.push(timeAxis(result, frame), markers(result, frame));
  for (const key of LATENCY_SERIES) {
    parts.push(
      series(
        key,
        result.seconds.map((row) => {
          const v = row.latency[key];
          return v !== null && v > 0 ? [frame.x(row.t + 0.5), frame.y(v)] : null;
        }),
      ),
    );
  }
  parts.push(legend(LATENCY_SERIES.map((k) => ({ key: k, label: k }))));
  if (values.length === 0) {
    parts.push(`<text x="${M.left + PLOT_W / 2}" y="${M.top + PLOT_H / 2}" text-anchor="middle">no successful responses</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

export function throughputChart(result: RampResult): string {
  const title = `Responses per second, OK vs error — ${result.name}`;
  const { r0, r1, durationS } = result.config;
  const peak = Math.max(r0, r1, result.ceiling.reqPerS, ...result.seconds.map((row) => Math.max(row.ok, errorCount(row))));
  const yStep = niceStep(peak / 6);
  const hi = Math.ceil((peak * 1.05) / yStep) * yStep;
  const frame: Frame = {
    x: (t) => M.left + (t / durationS) * PLOT_W,
    y: (v) => M.top + PLOT_H - (v / hi) * PLOT_H,
  };
  const parts = [svgOpen(`throughput-${result.name}`, title), frameBox()];
  for (let v = 0; v <= hi + 1e-9; v += yStep) {
    const y = frame.y(v);
    parts.push(
      `<line x1="${M.left}" y1="${y}" x2="${M.left + PLOT_W}" y2="${y}" stroke="#e3e3e3"/>`,
      `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  parts.push(timeAxis(result, frame));
  const ceilingY = frame.y(result.ceiling.reqPerS);
  parts.push(
    `<g class="series" data-series="ceiling"><line x1="${M.left}" y1="${ceilingY}" x2="${M.left + PLOT_W}" y2="${ceilingY}" stroke="${COLORS.ceiling}" stroke-dasharray="6 4"/>` +
      `<text x="${M.left + 4}" y="${ceilingY - 4}" fill="${COLORS.ceiling}">ceiling ${fmt(result.ceiling.reqPerS)}/s</text></g>`,
    series('offered', [[frame.x(0), frame.y(r0)], [frame.x(durationS), frame.y(r1)]], ' stroke-dasharray="5 3"'),
    series('ok', result.seconds.map((row) => [frame.x(row.t + 0.5), frame.y(row.ok)])),
    series('errors', result.seconds.map((row) => [frame.x(row.t + 0.5), frame.y(errorCount(row))])),
  );
  // The ceiling is a horizontal line here; only the error onset needs a vertical marker.
  parts.push(markers(result, frame, { ceilingCrossing: false }));
  parts.push(
    legend([
      { key: 'ok', label: 'OK/s' },
      { key: 'errors', label: 'errors/s' },
      { key: 'offered', label: 'offered', dashed: true },
      { key: 'ceiling', label: 'ceiling', dashed: true },
    ]),
    '</svg>',
  );
  return parts.join('');
}

/** One line a reader can check against the charts. */
export function verdict(result: RampResult): string {
  const { onset, ceiling } = result;
  if (onset.errorOnsetRate === null) {
    return `No sustained errors up to ${fmt(result.config.r1)} req/s (ceiling ${fmt(ceiling.reqPerS)}/s).`;
  }
  const rise = onset.latencyRise;
  const shape = rise === null ? '' : rise < 1.5 ? 'latency flat before that' : `latency rose ×${fmt(rise)} before that`;
  return (
    `Errors from ${fmt(onset.errorOnsetRate)} req/s (${fmt(onset.onsetToCeiling ?? 0)}× the ${fmt(ceiling.reqPerS)}/s ceiling); ` +
    `${shape} (OK p99 ${fmt(onset.preOnsetP99 ?? 0)} ms vs p50 ${fmt(onset.baselineP50 ?? 0)} ms at the start); peak ${onset.peakOkPerS} OK/s.`
  );
}

function configRows(result: RampResult): Array<[string, string]> {
  const c = result.config;
  const errors = Object.entries(result.totals.errors)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  const sink = result.pacing.sink;
  return [
    ['topology', `${c.topology} (${c.app} app, ${c.endpoint} → ${c.path})`],
    ['instances × workers', c.topology === 'lambda' ? `${c.cap} × 1 (cap ${c.cap} → 429)` : `${c.instances} × ${c.threads}, queue ${c.queue === 0 ? '0 (fail-fast)' : c.queue}`],
    ['ramp', `${c.r0} → ${c.r1} req/s over ${c.durationS} s, evenly spaced`],
    ['ceiling', `${fmt(result.ceiling.reqPerS)} req/s = ${result.ceiling.formula} (${result.ceiling.serviceMsSource})`],
    ['sent / OK', `${result.totals.sent} / ${result.totals.ok}`],
    ['errors', errors || 'none'],
    ['first error / sustained from', `${result.onset.firstErrorS ?? '–'} s / ${result.onset.errorOnsetS ?? '–'} s`],
    ['OK latency p50 / p90 / p99 / max', `${result.totals.latencyOk.p50} / ${result.totals.latencyOk.p90} / ${result.totals.latencyOk.p99} / ${result.totals.latencyOk.max} ms`],
    ['sender lateness p50 / p99 / max', `${result.pacing.senderLateMs.p50} / ${result.pacing.senderLateMs.p99} / ${result.pacing.senderLateMs.max} ms`],
    [
      'arrivals at the balancer',
      sink
        ? `${sink.arrivals} of ${sink.planned}; gap error p50 ${sink.gapErrorMs.p50} ms, p99 ${sink.gapErrorMs.p99} ms; bursts ${(sink.burstShare * 100).toFixed(2)} %; worst second ±${sink.maxSecondDeviation}`
        : 'not recorded',
    ],
    ['machine', `${result.machine.nproc} CPU, ${result.machine.node}, load ${result.machine.loadAvgAtStart.join(' ')} at start`],
    ['date', result.date],
  ];
}

export function renderReport(results: readonly RampResult[], { title = 'lamphp ramp benchmark' } = {}): string {
  const sections = results.map((result) => {
    const rows = configRows(result)
      .map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`)
      .join('\n');
    return `<section id="${escapeXml(result.name)}">
<h2>${escapeXml(result.name)}</h2>
<p class="verdict">${escapeXml(verdict(result))}</p>
<table>${rows}</table>
<figure>${latencyChart(result)}</figure>
<figure>${throughputChart(result)}</figure>
<p class="cmd"><code>${escapeXml(result.command)}</code></p>
</section>`;
  });
  const summary = results
    .map(
      (r) =>
        `<tr><td><a href="#${escapeXml(r.name)}">${escapeXml(r.name)}</a></td><td>${fmt(r.ceiling.reqPerS)}</td><td>${r.onset.errorOnsetRate ?? '–'}</td><td>${r.onset.onsetToCeiling ?? '–'}</td><td>${r.onset.baselineP50 ?? '–'}</td><td>${r.onset.preOnsetP99 ?? '–'}</td><td>${r.onset.peakOkPerS}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 800px; color: #222; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 14px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
figure { margin: .5rem 0; }
.verdict { font-weight: 600; }
.cmd { font-size: 12px; color: #555; }
</style></head>
<body>
<h1>${escapeXml(title)}</h1>
<p>Open-loop linear ramp, evenly spaced arrivals, latency measured from each request's planned send time.
Per-second rows are bucketed by planned send time; latency charts show successful responses only.</p>
<table><tr><th>run</th><th>ceiling req/s</th><th>errors from req/s</th><th>× ceiling</th><th>OK p50 at start, ms</th><th>OK p99 before errors, ms</th><th>peak OK/s</th></tr>
${summary}
</table>
${sections.join('\n')}
</body></html>
`;
}

/** A plain-text table of the per-second rows, one line every `everyS` seconds, for the terminal. */
export function secondsTable(result: RampResult, everyS = 10): string {
  const header = '    t  offered   sent     ok  errors (by status)         OK p50    p90    p99    max ms';
  const lines = [header];
  for (const row of result.seconds) {
    if (row.t % everyS !== 0 && row.t !== result.seconds.length - 1) continue;
    const errors = Object.entries(row.errors)
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
    const ms = (v: number | null) => (v === null ? '–' : fmt(v)).padStart(6);
    lines.push(
      `${String(row.t).padStart(5)}  ${fmt(row.offered).padStart(7)}  ${String(row.sent).padStart(5)}  ${String(row.ok).padStart(5)}  ${String(errorCount(row)).padStart(6)} ${errors.padEnd(18).slice(0, 18)}  ${ms(row.latency.p50)} ${ms(row.latency.p90)} ${ms(row.latency.p99)} ${ms(row.latency.max)}`,
    );
  }
  return lines.join('\n');
}
