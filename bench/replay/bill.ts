/**
 * An estimated monthly bill: the template's resources (StackShape) × usage per page view and per
 * invocation (measured by a replay, or a recorded input that says so) × the list prices in
 * prices.ts, for a number of page views a month. Every line shows its quantity and unit price;
 * the always-free allowances are computed apart and never subtracted from the total silently.
 */
import { FREE_TIER, PRICES, price, type Price } from './prices.ts';
import type { StackShape } from './stack.ts';

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
const GB = 1024 ** 3;
const KIB = 1024;
/** Elastic throughput meters each metadata operation as at least 4 KiB and each data operation as at least 32 KiB. */
export const EFS_METADATA_MIN_BYTES = 4 * KIB;
export const EFS_DATA_MIN_BYTES = 32 * KIB;

export interface EfsUsage {
  /** Operations on file attributes or names (stat, lookup, open, readdir, lock): metered at 4 KiB each at least. */
  metadataOps: number;
  /** Data reads: metered at 32 KiB each at least. */
  dataReads: number;
  dataReadBytes: number;
  /** Metadata changes (create, rename, unlink, setattr): metered at 4 KiB each at least. */
  metadataWrites: number;
  dataWrites: number;
  dataWriteBytes: number;
}

export interface Usage {
  /** Where these numbers come from; printed with the bill. */
  source: string;
  /** True only when every per-request number was measured by a replay through the stack twin. */
  measured: boolean;
  perPageView: {
    /** Every viewer request (pages, assets, feeds, bots, admin, uploads) per page view. */
    cdnRequests: number;
    /** Of those, requests on behaviors with a viewer-request CloudFront Function. */
    cdnFunctionRequests: number;
    bytesOut: number;
    /** Request bodies CloudFront forwards to the origin. */
    bytesToOrigin: number;
    /** Function invocations caused by viewers (CDN misses and uncacheable requests). */
    originInvocations: number;
    s3Gets: number;
    mails: number;
  };
  /**
   * What editors do in a month, whatever the traffic: the invalidation paths their changes send
   * and the objects their uploads write. Scaling them with page views would bill a busier site for
   * publishes it does not make.
   */
  perMonth: { invalidationPaths: number; s3Puts: number };
  /** Averages per visitor invocation. */
  perInvocation: { billedMs: number; efs: EfsUsage; logBytes: number; natBytes: number; dbIo: number; /** Request + response bytes at the origin. */ originBytes: number };
  cron: { billedMs: number; efs: EfsUsage; logBytes: number };
  /** One run of the outbox relay's sweep over an empty outbox (one LIST), and its INIT when it starts cold. */
  sweep?: { billedMs: number; initMs: number; logBytes: number };
  coldStarts: {
    /** INIT phase, billed since August 2025. */
    initMs: number;
    /** Cold starts a month whatever the traffic (environments recycled, cron after an idle gap). */
    perMonthFixed: number;
    /** Cold starts per visitor invocation (traffic arriving while no environment is idle). */
    perOriginInvocation: number;
  };
  storage: {
    /** Everything on EFS: the site, the database, opcache snapshots and the copy of the uploads. */
    efsGb: number;
    /** Of efsGb, the copy of the uploads (served from S3, rarely read on EFS). */
    efsMediaGb: number;
    s3Gb: number;
    dbGb: number;
  };
  /** Mean Aurora capacity while the cluster is awake, and the share of the month it is awake. */
  aurora: { averageAcu: number; awakeShare: number };
}

export interface LineItem {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  priceId: string;
  unitUsd: number;
  usd: number;
  /** Charged whether or not anyone visits. */
  standing: boolean;
}

export interface FreeLine {
  priceId: string;
  what: string;
  /** Quantity the allowance covers here, in the price's unit. */
  covered: number;
  usd: number;
}

export interface Bill {
  pageViews: number;
  lines: LineItem[];
  /** List price of everything above. */
  totalUsd: number;
  standingUsd: number;
  /** What the always-free allowances would cover if nothing else in the account uses them. */
  free: FreeLine[];
  freeUsd: number;
  /** totalUsd − freeUsd, labelled as such wherever shown. */
  afterFreeTierUsd: number;
  /** Resources with a charge the calculator does not price. */
  notPriced: string[];
  usageSource: string;
  measured: boolean;
}

/** Elastic-throughput GB metered for one invocation's EFS operations. */
export function efsMeteredGb(e: EfsUsage): { readGb: number; writeGb: number } {
  const reads = e.metadataOps * EFS_METADATA_MIN_BYTES + Math.max(e.dataReadBytes, e.dataReads * EFS_DATA_MIN_BYTES);
  const writes = e.metadataWrites * EFS_METADATA_MIN_BYTES + Math.max(e.dataWriteBytes, e.dataWrites * EFS_DATA_MIN_BYTES);
  return { readGb: reads / GB, writeGb: writes / GB };
}

/** Quantity in a price's unit → dollars. Units such as '1M requests' divide the quantity. */
function perUnit(p: Price): number {
  const m = /^([\d,.]+)(M)?\s/.exec(p.unit);
  if (!m) return 1;
  return Number(m[1]!.replace(/,/g, '')) * (m[2] ? 1e6 : 1);
}

export function computeBill(shape: StackShape, usage: Usage, pageViews: number, prices: readonly Price[] = PRICES): Bill {
  const lines: LineItem[] = [];
  const add = (priceId: string, item: string, quantity: number, standing = false) => {
    if (!(quantity > 0)) return;
    const p = price(priceId, prices);
    // Quantities are in the price's base unit (requests, GB-s, hours…); perUnit scales '1M requests'.
    const billed = quantity / perUnit(p);
    lines.push({ service: p.service, item, quantity: billed, unit: p.unit, priceId, unitUsd: p.usd, usd: billed * p.usd, standing });
  };
  const pv = usage.perPageView;
  const fn = shape.siteFunction;
  const memGb = fn.memoryMb / 1024;
  const visitorInvocations = pageViews * pv.originInvocations;
  const cronInvocations = shape.cronRateMinutes ? (HOURS_PER_MONTH * 60) / shape.cronRateMinutes : 0;
  const coldStarts = usage.coldStarts.perMonthFixed + usage.coldStarts.perOriginInvocation * visitorInvocations;

  // Lambda: requests, duration (visitors, cron) and INIT (every cold start), at the template's memory and architecture.
  add('lambda.requests', 'site function invocations (visitors + cron)', visitorInvocations + cronInvocations);
  const durationId = `lambda.duration.${fn.architecture}`;
  add(durationId, `duration, visitor invocations (${fn.memoryMb} MB)`, (visitorInvocations * usage.perInvocation.billedMs * memGb) / 1000);
  add(durationId, `duration, WP-Cron every ${shape.cronRateMinutes} min`, (cronInvocations * usage.cron.billedMs * memGb) / 1000);
  add(durationId, `INIT of ${coldStarts.toFixed(0)} cold starts × ${usage.coldStarts.initMs} ms`, (coldStarts * usage.coldStarts.initMs * memGb) / 1000);

  // EFS: storage, and Elastic throughput metered per operation.
  if (shape.efsFileSystems > 0) {
    // With lifecycle management the uploads' copy (viewers get uploads from S3; WordPress reads its
    // copy again only to work on a file, such as an image edit) is billed as Infrequent Access; the
    // site and the database are read all the time and stay Standard.
    const iaDays = shape.efsInfrequentAccessAfterDays;
    const iaGb = iaDays === null ? 0 : Math.min(usage.storage.efsMediaGb, usage.storage.efsGb);
    add('efs.storage', `Standard storage (site, ${iaDays === null ? 'uploads copy, ' : ''}database, opcache snapshots)`, usage.storage.efsGb - iaGb, true);
    add(
      'efs.ia.storage',
      `Infrequent Access storage: the uploads copy, once ${iaDays} days without access moved it (a new site's first month is Standard; files under 128 KiB stay Standard)`,
      iaGb,
      true,
    );
    if (shape.efsThroughputMode === 'elastic') {
      const v = efsMeteredGb(usage.perInvocation.efs);
      const c = efsMeteredGb(usage.cron.efs);
      add('efs.elastic.read', 'reads metered (visitor invocations + cron)', visitorInvocations * v.readGb + cronInvocations * c.readGb);
      add('efs.elastic.write', 'writes metered (visitor invocations + cron)', visitorInvocations * v.writeGb + cronInvocations * c.writeGb);
    }
    if (shape.backupPlans > 0 || shape.efsAutomaticBackups > 0) add('efs.backup', 'EFS backups (about one full copy kept)', usage.storage.efsGb, true);
  }

  // S3 uploads bucket.
  if (shape.buckets > 0) {
    add('s3.storage', 'uploads bucket', usage.storage.s3Gb, true);
    add('s3.put', 'uploads written (original + sizes)', usage.perMonth.s3Puts);
    add('s3.get', 'uploads fetched by CloudFront (misses)', pageViews * pv.s3Gets);
  }

  // CloudFront.
  add('cloudfront.requests', 'viewer requests', pageViews * pv.cdnRequests);
  add('cloudfront.transfer', 'data to viewers', (pageViews * pv.bytesOut) / GB);
  add('cloudfront.origin-transfer', 'request bodies to the origin', (pageViews * pv.bytesToOrigin) / GB);
  if (shape.cloudFrontFunctions > 0) add('cloudfront.functions', 'viewer-request function runs', pageViews * pv.cdnFunctionRequests);
  add('cloudfront.invalidation', 'invalidation paths', usage.perMonth.invalidationPaths);

  // The outbox relay's sweep: invoked on its schedule whatever the traffic, one LIST of the outbox each.
  const sweeps = shape.relaySweep && usage.sweep ? (HOURS_PER_MONTH * 60) / shape.relaySweep.rateMinutes : 0;
  if (shape.relaySweep && usage.sweep) {
    const r = shape.relaySweep;
    add('lambda.requests', `outbox relay sweeps, every ${r.rateMinutes} min`, sweeps);
    add(`lambda.duration.${r.architecture}`, `duration, outbox relay sweep every ${r.rateMinutes} min (INIT included when cold)`, (sweeps * (usage.sweep.billedMs + usage.sweep.initMs) * (r.memoryMb / 1024)) / 1000);
    add('s3.put', 'LIST of .lamphp-outbox/jobs/ by each sweep', sweeps);
  }

  // CloudWatch.
  add('cloudwatch.alarm', `${shape.alarms} alarms`, shape.alarms, true);
  const logGb = (visitorInvocations * usage.perInvocation.logBytes + cronInvocations * usage.cron.logBytes + sweeps * (usage.sweep?.logBytes ?? 0)) / GB;
  add('cloudwatch.logs.ingest', 'function logs ingested', logGb);
  const keptMonths = Math.min(1, (shape.siteFunction.logRetentionDays ?? 3650) / 30);
  add('cloudwatch.logs.storage', `function logs kept (${shape.siteFunction.logRetentionDays ?? 'unlimited'} days' retention, steady state)`, logGb * (shape.siteFunction.logRetentionDays === null ? 12 : keptMonths));

  // The MySQL shapes' standing charges.
  for (const db of shape.rdsInstances) {
    const id = `rds.${db.instanceClass}`;
    if (!prices.some((p) => p.id === id)) continue;
    add(id, `${db.instanceClass}${db.multiAz ? ' Multi-AZ (×2)' : ''}`, HOURS_PER_MONTH * (db.multiAz ? 2 : 1), true);
    add('rds.storage.gp2', `${db.storageGb} GB ${db.storageType} allocated`, db.storageGb * (db.multiAz ? 2 : 1), true);
  }
  for (const cluster of shape.auroraClusters) {
    const acu = Math.max(cluster.minAcu, usage.aurora.averageAcu);
    add('aurora.acu', `Serverless v2, ${acu} ACU for ${(usage.aurora.awakeShare * 100).toFixed(0)} % of the month`, HOURS_PER_MONTH * usage.aurora.awakeShare * acu, true);
    add('aurora.storage', 'cluster storage', usage.storage.dbGb, true);
    add('aurora.io', 'I/O requests', (visitorInvocations + cronInvocations) * usage.perInvocation.dbIo);
  }
  if (shape.rdsProxies > 0) {
    if (shape.auroraClusters.length) add('rdsproxy.acu', 'RDS Proxy, minimum 8 ACU', HOURS_PER_MONTH * 8 * shape.rdsProxies, true);
    else add('rdsproxy.vcpu', 'RDS Proxy, minimum 2 vCPU', HOURS_PER_MONTH * 2 * shape.rdsProxies, true);
  }
  add('nat.hour', `${shape.natGateways} NAT gateway(s)`, HOURS_PER_MONTH * shape.natGateways, true);
  if (shape.natGateways > 0) add('nat.data', 'data through NAT', (visitorInvocations * usage.perInvocation.natBytes) / GB);
  add('vpc.public-ipv4', `${shape.publicIpv4} public IPv4 address(es)`, HOURS_PER_MONTH * shape.publicIpv4, true);
  if (shape.loadBalancers > 0) {
    add('alb.hour', 'Application Load Balancer', HOURS_PER_MONTH * shape.loadBalancers, true);
    // Lambda targets: 1 LCU = 1 GB processed an hour or 25 new connections a second; the larger counts.
    const gbPerHour = (visitorInvocations * usage.perInvocation.originBytes) / GB / HOURS_PER_MONTH;
    const connPerS = visitorInvocations / (HOURS_PER_MONTH * 3600);
    add('alb.lcu', 'load balancer capacity units', HOURS_PER_MONTH * Math.max(gbPerHour, connPerS / 25));
  }
  add('secrets.secret', `${shape.secrets} secret(s)`, shape.secrets, true);
  add('ses.message', 'mail sent', pageViews * pv.mails);

  const notPriced = [...shape.unpriced, ...shape.otherFunctions.map((id) => `Lambda function ${id} (${shape.relaySweep?.logicalId === id && usage.sweep ? 'its runs for outbox jobs; its sweeps are priced above' : 'its invocations are not in the usage'})`)];
  if (shape.efsFileSystems > 0 && shape.efsInfrequentAccessAfterDays !== null) {
    const t = price('efs.ia.tiering', prices);
    const r = price('efs.ia.read', prices);
    notPriced.push(`EFS Infrequent Access tiering ($${t.usd} per ${t.unit}, once as each upload's copy moves) and reads from it ($${r.usd} per ${r.unit})`);
  }
  if (shape.interfaceEndpoints > 0) notPriced.push(`${shape.interfaceEndpoints} interface VPC endpoint(s)`);
  for (const db of shape.rdsInstances) if (!prices.some((p) => p.id === `rds.${db.instanceClass}`)) notPriced.push(`RDS ${db.instanceClass}`);

  const totalUsd = lines.reduce((s, l) => s + l.usd, 0);
  const free: FreeLine[] = [];
  for (const allowance of FREE_TIER) {
    const used = lines.filter((l) => l.priceId === allowance.price).reduce((s, l) => s + l.quantity, 0);
    if (used <= 0) continue;
    const covered = Math.min(used, allowance.quantity);
    free.push({ priceId: allowance.price, what: allowance.what, covered, usd: covered * price(allowance.price, prices).usd });
  }
  const freeUsd = free.reduce((s, f) => s + f.usd, 0);
  return {
    pageViews,
    lines,
    totalUsd,
    standingUsd: lines.filter((l) => l.standing).reduce((s, l) => s + l.usd, 0),
    free,
    freeUsd,
    afterFreeTierUsd: totalUsd - freeUsd,
    notPriced,
    usageSource: usage.source,
    measured: usage.measured,
  };
}
