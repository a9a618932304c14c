/**
 * What each shape of the stack costs a month while nobody visits: the bill (bill.ts) of each
 * mode's template with no page views, priced from the one table in prices.ts. At rest a site
 * still runs WP-Cron on its schedule (at the cron cost the replay recorded) and the outbox
 * relay's sweep on its own (as measured in the twin), stores the site on EFS and its backups,
 * and keeps whatever is billed by the hour. README's "What it costs at rest"
 * table is generated from here (scripts/cost-at-rest-docs.ts); a test fails while it differs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { computeBill, HOURS_PER_MONTH, type Bill, type Usage } from './bill.ts';
import { price, PRICES_CHECKED, type Price } from './prices.ts';
import type { RecordedUsage } from './record.ts';
import type { StackShape } from './stack.ts';

const GB = 1024 ** 3;
const MB = 1e6;

/**
 * Sizes measured on this machine (2026-12-04): the WordPress tree the install puts on EFS
 * (Debian's WordPress 6.8.12, prepared by `installSite` — 3,115 files, before the database),
 * and what `cdk deploy` uploads to the bootstrap bucket (`npm run build:layer`, `npm run
 * infra:synth`: the layer zip and the WordPress zip in infra/cdk.out).
 */
export const MEASURED = {
  date: '2026-12-04',
  siteOnEfsBytes: 71_645_256,
  layerZipBytes: 11_195_946,
  wordpressZipBytes: 23_766_245,
  /**
   * The outbox relay's sweep of an empty outbox in the stack twin (2026-12-05, `npm run
   * stack:local -- --check`, its REPORT lines): 12 ms warm; a cold start's INIT 290–463 ms;
   * START, END and REPORT, about 350 bytes of log.
   */
  sweep: { warmBilledMs: 12, initMs: 463, logBytes: 350 },
};

export type RestMode = 'sqlite' | 'mysql' | 'aurora';

export interface AtRest {
  mode: RestMode;
  shape: StackShape;
  /** Cron runs that all find a warm instance. */
  warm: Bill;
  /** Cron runs that all start cold (a keep-alive shorter than the schedule): the most INIT there can be. */
  cold: Bill;
}

const RECORDED = (db: 'sqlite' | 'mysql') => path.resolve(import.meta.dirname, `../results/replay-recorded-usage-${db}.json`);

export function readRecorded(db: 'sqlite' | 'mysql'): RecordedUsage {
  return JSON.parse(fs.readFileSync(RECORDED(db), 'utf8')) as RecordedUsage;
}

/** Usage with no visitor: the recorded WP-Cron run, the measured site on EFS, no uploads, an idle database. */
export function usageAtRest(recorded: RecordedUsage, shape: StackShape, allCold: boolean): Usage {
  const cron = recorded.classes.cron;
  if (!cron?.medianMs) throw new Error(`The recorded usage (${recorded.db}) has no WP-Cron cost: run npm run bench:replay -- --record.`);
  const cronRuns = shape.cronRateMinutes ? (HOURS_PER_MONTH * 60) / shape.cronRateMinutes : 0;
  const none = { metadataOps: 0, dataReads: 0, dataReadBytes: 0, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 };
  return {
    source: `no visitors; WP-Cron as recorded ${recorded.recordedAt.slice(0, 10)} (median ${cron.medianMs} ms, ${recorded.db})`,
    measured: false,
    perPageView: { cdnRequests: 0, cdnFunctionRequests: 0, bytesOut: 0, bytesToOrigin: 0, originInvocations: 0, s3Gets: 0, mails: 0 },
    perMonth: { invalidationPaths: 0, s3Puts: 0 },
    perInvocation: { billedMs: 0, efs: none, logBytes: 0, natBytes: 0, dbIo: 0, originBytes: 0 },
    cron: { billedMs: Math.ceil(cron.medianMs), efs: cron.efs, logBytes: 512 },
    sweep: { billedMs: MEASURED.sweep.warmBilledMs, initMs: allCold ? MEASURED.sweep.initMs : 0, logBytes: MEASURED.sweep.logBytes },
    coldStarts: { initMs: Math.ceil(recorded.coldStart.initMs ?? 0), perMonthFixed: allCold ? cronRuns : 0, perOriginInvocation: 0 },
    storage: { efsGb: MEASURED.siteOnEfsBytes / GB, efsMediaGb: 0, s3Gb: 0, dbGb: 0 },
    aurora: { averageAcu: 0, awakeShare: 0 },
  };
}

export function atRest(mode: RestMode, shape: StackShape): AtRest {
  const recorded = readRecorded(mode === 'sqlite' ? 'sqlite' : 'mysql');
  return { mode, shape, warm: computeBill(shape, usageAtRest(recorded, shape, false), 0), cold: computeBill(shape, usageAtRest(recorded, shape, true), 0) };
}

const dollars = (usd: number) => (usd === 0 ? '$0' : usd < 0.01 ? '< $0.01' : `$${usd.toFixed(2)}`);
const range = (a: number, b: number) => (dollars(a) === dollars(b) ? dollars(a) : `${dollars(a)} – ${dollars(b)}`);
const unitPrice = (p: Price) => `$${p.usd} per ${p.unit}${p.confidence === 'unconfirmed' ? ' †' : ''}`;

/**
 * README's table: one row per priced item of any mode's bill at rest (its list price from
 * prices.ts), the cost per mode, the CDK assets in the bootstrap bucket, totals, and the ALB a
 * `frontDoor=alb` stack adds (from its own template's bill).
 */
export function atRestTable(rows: readonly AtRest[], alb: Bill): string {
  // A cold start's INIT differs per mode (its recorded time): one row for all.
  const init = /^INIT of .*/;
  const key = (l: { priceId: string; item: string }) => `${l.priceId}\u0000${l.item.replace(init, 'INIT')}`;
  const items = new Map<string, { priceId: string; item: string }>();
  for (const r of rows) for (const l of r.cold.lines) items.set(key(l), { priceId: l.priceId, item: l.item.replace(init, "INIT of a cron run that finds no warm instance (at most every run; the replay's recorded INIT)") });
  const cost = (bill: Bill, k: string) => bill.lines.filter((l) => key(l) === k).reduce((s, l) => s + l.usd, 0);
  const s3 = price('s3.storage');
  const assetsGb = (MEASURED.layerZipBytes + MEASURED.wordpressZipBytes) / GB;
  const lines = [
    `| resource (what is billed) | list price | ${rows.map((r) => `\`${r.mode}\``).join(' | ')} |`,
    `|---|---|${rows.map(() => '---|').join('')}`,
    ...[...items].map(([k, { priceId, item }]) => {
      const p = price(priceId);
      return `| ${p.service}: ${item} | ${unitPrice(p)} | ${rows.map((r) => (r.cold.lines.some((l) => key(l) === k) ? range(cost(r.warm, k), cost(r.cold, k)) : '–')).join(' | ')} |`;
    }),
    ...(rows.some((r) => r.shape.auroraClusters.length)
      ? [
          `| ${price('aurora.acu').service}: Serverless v2 capacity, paused at 0 ACU while idle (the first visit after a pause waits about 15 s) | ${unitPrice(price('aurora.acu'))} | ${rows.map((r) => (r.shape.auroraClusters.length ? (r.shape.auroraClusters.every((c) => c.minAcu === 0) ? '$0' : dollars(HOURS_PER_MONTH * Math.min(...r.shape.auroraClusters.map((c) => c.minAcu)) * price('aurora.acu').usd)) : '–')).join(' | ')} |`,
          `| ${price('aurora.storage').service}: the database's storage | ${unitPrice(price('aurora.storage'))} | ${rows.map((r) => (r.shape.auroraClusters.length ? 'its size' : '–')).join(' | ')} |`,
        ]
      : []),
    `| S3: CDK assets in the bootstrap bucket (layer ${(MEASURED.layerZipBytes / MB).toFixed(1)} MB + WordPress ${(MEASURED.wordpressZipBytes / MB).toFixed(1)} MB; uploads on top) | ${unitPrice(s3)} | ${rows.map(() => dollars(assetsGb * s3.usd)).join(' | ')} |`,
    `| **total at rest, list price** | | ${rows.map((r) => `**${range(r.warm.totalUsd + assetsGb * s3.usd, r.cold.totalUsd + assetsGb * s3.usd)}**`).join(' | ')} |`,
    `| after the always-free allowances (Lambda, the first 10 alarms), if nothing else in the account uses them | | ${rows.map((r) => range(r.warm.afterFreeTierUsd + assetsGb * s3.usd, r.cold.afterFreeTierUsd + assetsGb * s3.usd)).join(' | ')} |`,
  ];
  const albLine = alb.lines.find((l) => l.priceId === 'alb.hour');
  if (!albLine) throw new Error('The alb template has no Application Load Balancer.');
  lines.push(`| with \`frontDoor=alb\`: ${price('alb.hour').service}, ${albLine.item.toLowerCase()} (internal: no public address) | ${unitPrice(price('alb.hour'))} | ${rows.map(() => `+${dollars(albLine.usd)}`).join(' | ')} |`);
  lines.push('');
  lines.push(`Prices: bench/replay/prices.ts, US East (N. Virginia), checked ${PRICES_CHECKED}; † marks a rate no AWS page copy confirmed there (its last known list price: check it). A month is ${HOURS_PER_MONTH} hours. WP-Cron's cost is the replay's recorded run, the relay's sweep the twin's; a range is warm runs – every run cold. Sizes measured ${MEASURED.date}: the site on EFS ${(MEASURED.siteOnEfsBytes / MB).toFixed(1)} MB before its database.`);
  return lines.join('\n');
}
