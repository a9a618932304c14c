/** The replay's report: a generated section of BENCHMARKS.md, its JSON and two SVG charts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { barChart, lineChart } from '../charts/svg.ts';
import { replaceSection, table } from '../suite/markdown.ts';
import { commit } from '../suite/cli.ts';
import { REPO } from '../suite/lambda-front.ts';
import { PRICES, PRICES_CHECKED } from './prices.ts';
import type { DayResult, Mode } from './estimate.ts';
import type { RecordedUsage } from './record.ts';
import type { ReplaySettings } from './settings.ts';
import type { Db } from '../suite/site.ts';

export const SECTION_START = '<!-- bench:replay:start -->';
export const SECTION_END = '<!-- bench:replay:end -->';
const RESULTS = 'bench/results';
const CHART_BILL = `${RESULTS}/replay-bill.svg`;
const CHART_COLD = `${RESULTS}/replay-cold-starts.svg`;
const JSON_FILE = `${RESULTS}/replay-estimate.json`;

const usd = (v: number) => (v < 10 ? `$${v.toFixed(2)}` : `$${v.toFixed(0)}`);
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const volume = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const MODE_LABEL: Record<Mode, string> = { sqlite: 'SQLite (zero fixed cost)', mysql: 'RDS MySQL', aurora: 'Aurora Serverless v2' };

export interface EstimateReport {
  markdown: string;
  charts: Record<string, string>;
}

export function renderEstimate({ settings, results, recorded, command }: { settings: ReplaySettings; results: DayResult[]; recorded: Partial<Record<Db, RecordedUsage>>; command: string }): EstimateReport {
  const keep = settings.replay.idleTimeoutsMinutes.includes(15) ? 15 : settings.replay.idleTimeoutsMinutes[0]!;
  const main = results.filter((r) => r.idleTimeoutMin === keep);
  const modes = [...new Set(results.map((r) => r.mode))];
  const volumes = settings.estimate.volumesPerMonth;
  const find = (mode: Mode, v: number, idle = keep) => results.find((r) => r.mode === mode && r.pageViewsPerMonth === v && r.idleTimeoutMin === idle)!;

  const services = [...new Set(main.flatMap((r) => r.bill.lines.map((l) => l.service)))];
  const charts: Record<string, string> = {
    [CHART_BILL]: barChart({
      id: 'replay-bill',
      title: `Estimated monthly bill at list price by service (keep-alive ${keep} min; free tier not subtracted)`,
      yLabel: 'USD a month',
      categories: modes.flatMap((m) => volumes.map((v) => `${m} ${volume(v)}`)),
      stacked: true,
      series: services.map((service) => ({ name: service, values: modes.flatMap((m) => volumes.map((v) => find(m, v).bill.lines.filter((l) => l.service === service).reduce((s, l) => s + l.usd, 0) || null)) })),
      label: (v) => usd(v),
      size: { width: 860, height: 380 },
    }),
    [CHART_COLD]: lineChart({
      id: 'replay-cold-starts',
      title: 'Cold starts a day against how long Lambda keeps an idle environment (SQLite mode)',
      xLabel: 'idle keep-alive, minutes',
      yLabel: 'cold starts a day',
      series: volumes.map((v) => ({ name: `${volume(v)} page views/month`, points: settings.replay.idleTimeoutsMinutes.map((idle) => [idle, find(modes[0]!, v, idle).coldStartsPerDay] as const) })),
    }),
  };

  const rec = Object.values(recorded)[0]!;
  const lines: string[] = [
    '## Traffic replay and monthly bill — ESTIMATE',
    '',
    `**This is an estimate, not a replay measurement.** This run did not go through the stack twin, so \`${command}\` (commit ${commit() ?? 'unknown'}, ${new Date().toISOString().slice(0, 10)}) projected the generated day through models instead of replaying it: CloudFront's documented TTL rules applied to the template's cache policies and to the Cache-Control each request class answered with, one cache for the whole site (real traffic spreads over edge locations, so the hit ratio here is optimistic for small sites); Lambda environments kept for an idle keep-alive (undocumented: ${settings.replay.idleTimeoutsMinutes.join(', ')} min); each request costed by the usage recorded on this machine (${rec.recordedAt.slice(0, 10)}, \`${rec.command}\`, load average ${rec.load?.before ?? '–'} → ${rec.load?.after ?? '–'} on ${os.cpus().length} cores: ${rec.note}). Visitor time to first byte needs the twin and is not estimated. Raw numbers: \`${JSON_FILE}\`.`,
    '',
    `The day (\`bench/replay/settings.json\`, seed ${settings.seed}): readers in visits of ${settings.readers.pagesPerVisit} pages on average (landing: ${Object.entries(settings.readers.landing).map(([k, w]) => `${k} ${Math.round(w * 100)} %`).join(', ')}), posts by Zipf popularity (s = ${settings.site.zipfExponent}, ${settings.site.posts} posts, the newest on top once published), ${settings.readers.returningShare * 100} % returning browsers; crawlers ${settings.bots.crawlerRequestsPerPageView} requests per page view, ${settings.bots.probesPerDay} hostile probes and ${settings.feeds.pollers} feed readers a day; ${settings.comments.perDay} comments; ${settings.editors.count} editors publishing every ${settings.publishes.everyHours} h from ${settings.publishes.firstHour}:00 with an image each (block editor heartbeat and autosave every ${settings.editors.heartbeatSeconds} s while writing) plus ${settings.editors.extraSessionsPerDay} other sessions; WP-Cron every ${main[0]?.cronRateMinutes ?? '–'} min (the template's schedule). Page views = readers' HTML pages + editors' wp-admin screens; a month is ${(730 / 24).toFixed(2)} days.`,
    '',
    `### At a keep-alive of ${keep} minutes`,
    '',
    table(
      ['mode', 'page views / month', 'viewer requests / day', 'CDN hit ratio', 'anonymous pages reaching the function', 'invocations / day (viewers + cron)', 'cold starts / day (who paid)', 'EFS ops / invocation (metadata + data reads)', 'PHP ms / invocation', 'bill at list price', 'of which standing', 'after the always-free allowances'],
      main.map((r) => [
        MODE_LABEL[r.mode],
        r.pageViewsPerMonth.toLocaleString('en'),
        r.viewerRequests,
        pct(r.cdnHitRatio),
        pct(r.anonymousPagesToOrigin),
        `${r.invocationsPerDay.viewer} + ${r.invocationsPerDay.cron}`,
        `${r.coldStartsPerDay} (${Object.entries(r.coldStartsBy).map(([a, n]) => `${a} ${n}`).join(', ')})`,
        `${r.efsPerInvocation.metadataOps.toFixed(0)} + ${r.efsPerInvocation.dataReads.toFixed(0)}`,
        r.phpMsPerInvocation.toFixed(0),
        usd(r.bill.totalUsd),
        usd(r.bill.standingUsd),
        usd(r.bill.afterFreeTierUsd),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `![bill by service](${CHART_BILL}) ![cold starts against keep-alive](${CHART_COLD})`,
    '',
    '### How long Lambda keeps an idle environment (the assumption the results depend on most)',
    '',
    table(
      ['mode', 'page views / month', ...settings.replay.idleTimeoutsMinutes.map((m) => `cold starts / day at ${m} min`), ...settings.replay.idleTimeoutsMinutes.map((m) => `bill at ${m} min`)],
      modes.flatMap((m) => volumes.map((v) => [MODE_LABEL[m], v.toLocaleString('en'), ...settings.replay.idleTimeoutsMinutes.map((i) => find(m, v, i).coldStartsPerDay), ...settings.replay.idleTimeoutsMinutes.map((i) => usd(find(m, v, i).bill.totalUsd))])),
      ['l', 'r', ...settings.replay.idleTimeoutsMinutes.map(() => 'r' as const), ...settings.replay.idleTimeoutsMinutes.map(() => 'r' as const)],
    ),
  ];
  for (const mode of modes) {
    for (const v of volumes.slice(0, 2)) {
      const b = find(mode, v).bill;
      lines.push(
        '',
        `### Line items: ${MODE_LABEL[mode]}, ${v.toLocaleString('en')} page views a month`,
        '',
        table(
          ['service', 'item', 'quantity', 'unit', 'unit price', 'USD', 'standing'],
          b.lines.map((l) => [l.service, l.item, Number(l.quantity.toPrecision(4)), l.unit, `$${l.unitUsd}`, l.usd.toFixed(4), l.standing ? 'yes' : '']),
          ['l', 'l', 'r', 'l', 'r', 'r', 'l'],
        ),
        '',
        `List price **${usd(b.totalUsd)}** a month (${usd(b.standingUsd)} standing). Shown apart, never subtracted above: the always-free allowances would cover ${usd(b.freeUsd)} (${b.free.map((f) => `${f.what}: ${usd(f.usd)}`).join('; ')}) if nothing else in the account used them, leaving ${usd(b.afterFreeTierUsd)}.${b.notPriced.length ? ` Not priced: ${b.notPriced.join(', ')}.` : ''}`,
      );
    }
  }
  const sqlite10k = results.find((r) => r.mode === 'sqlite' && r.pageViewsPerMonth === 10_000 && r.idleTimeoutMin === keep);
  const sqlite100k = results.find((r) => r.mode === 'sqlite' && r.pageViewsPerMonth === 100_000 && r.idleTimeoutMin === keep);
  if (sqlite10k && sqlite100k) {
    lines.push(
      '',
      `Targets (estimate, keep-alive ${keep} min): zero-fixed-cost bill ≤ $1 at 10k page views — ${usd(sqlite10k.bill.totalUsd)} at list price (${usd(sqlite10k.bill.afterFreeTierUsd)} after the always-free allowances): **${sqlite10k.bill.totalUsd <= 1 ? 'met' : 'missed'}** at list price; ≤ $5 at 100k — ${usd(sqlite100k.bill.totalUsd)} (${usd(sqlite100k.bill.afterFreeTierUsd)}): **${sqlite100k.bill.totalUsd <= 5 ? 'met' : 'missed'}**. Anonymous page views reaching the function ≤ 5 %: ${pct(sqlite10k.anonymousPagesToOrigin)} at 10k, ${pct(sqlite100k.anonymousPagesToOrigin)} at 100k (the pages' \`s-maxage\` as recorded decides it).`,
    );
  }
  lines.push(
    ...pricesSection(),
    '',
    'Modelled, not measured, in these rows: EFS operations are the host filesystem calls the PHP worker made on the document root when recorded (an upper bound: Linux\'s NFS client caches attributes and, between locks, pages), each metered at EFS\'s minimum (4 KiB metadata, 32 KiB data); log volume is Lambda\'s START/END/REPORT lines; storage is the settings\' media library and site size; NAT traffic and Aurora I/O are not measured (0).',
  );
  return { markdown: lines.join('\n'), charts };
}

/** The one dated price table every bill here uses, as a BENCHMARKS.md subsection. */
export function pricesSection(): string[] {
  return [
    '',
    `### Prices (\`bench/replay/prices.ts\`, us-east-1, checked ${PRICES_CHECKED})`,
    '',
    table(
      ['id', 'what', 'USD', 'per', 'as of', 'confidence', 'source'],
      PRICES.map((p) => [p.id, `${p.service}: ${p.what}`, p.usd, p.unit, p.asOf, p.confidence === 'secondary' ? `secondary (${p.confirmedBy})` : p.confidence, p.source]),
      ['l', 'l', 'r', 'l', 'l', 'l', 'l'],
    ),
  ];
}

export function writeEstimate(report: EstimateReport, results: DayResult[], settings: ReplaySettings): string[] {
  const written: string[] = [];
  for (const [rel, svg] of Object.entries(report.charts)) {
    fs.writeFileSync(path.join(REPO, rel), svg + '\n');
    written.push(rel);
  }
  fs.writeFileSync(path.join(REPO, JSON_FILE), JSON.stringify({ kind: 'estimate', generatedAt: new Date().toISOString(), settings, results }, null, 2) + '\n');
  written.push(JSON_FILE);
  const md = path.join(REPO, 'BENCHMARKS.md');
  fs.writeFileSync(md, replaceSection(fs.readFileSync(md, 'utf8'), report.markdown, SECTION_START, SECTION_END));
  written.push('BENCHMARKS.md');
  return written;
}
