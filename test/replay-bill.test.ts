import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { behaviorFor, efsInfrequentAccessAfterDays, matchesPathPattern, rateMinutes, readTemplate, stackShape, type StackShape } from '../bench/replay/stack.ts';
import { computeBill, efsMeteredGb, type Usage } from '../bench/replay/bill.ts';
import { FREE_TIER, PRICES } from '../bench/replay/prices.ts';

const template = readTemplate();
const shape = stackShape(template);

/** Round numbers chosen so every line can be worked out by hand (see the comments below). */
const usage: Usage = {
  source: 'hand-made example',
  measured: false,
  perPageView: { cdnRequests: 4, cdnFunctionRequests: 3, bytesOut: 102_400, bytesToOrigin: 0, originInvocations: 0.1, s3Gets: 0.05, mails: 0 },
  perMonth: { invalidationPaths: 0, s3Puts: 0 },
  perInvocation: {
    billedMs: 200,
    efs: { metadataOps: 100, dataReads: 10, dataReadBytes: 40_960, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 },
    logBytes: 1024,
    natBytes: 0,
    dbIo: 0,
    originBytes: 50_000,
  },
  cron: { billedMs: 500, efs: { metadataOps: 50, dataReads: 0, dataReadBytes: 0, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 }, logBytes: 512 },
  coldStarts: { initMs: 1000, perMonthFixed: 100, perOriginInvocation: 0.01 },
  storage: { efsGb: 2, efsMediaGb: 1, s3Gb: 1, dbGb: 0 },
  aurora: { averageAcu: 0.5, awakeShare: 1 },
};

describe('the template as the bill reads it', () => {
  it('finds the site function, its memory and architecture, the cron schedule and the standing resources', () => {
    expect(shape.database).toBe('sqlite');
    expect(shape.siteFunction).toMatchObject({ memoryMb: 2048, architecture: 'arm64', logRetentionDays: 30 });
    expect(shape.cronRateMinutes).toBe(5);
    expect(shape.efsThroughputMode).toBe('elastic');
    expect(shape.alarms).toBe(3);
    expect(shape.relaySweep).toMatchObject({ memoryMb: 256, architecture: 'arm64', rateMinutes: 5 });
    expect(shape.efsAutomaticBackups).toBe(1);
    expect(shape.efsInfrequentAccessAfterDays).toBe(30);
    expect({ nat: shape.natGateways, ipv4: shape.publicIpv4, endpoints: shape.interfaceEndpoints, rds: shape.rdsInstances.length, secrets: shape.secrets }).toEqual({ nat: 0, ipv4: 0, endpoints: 0, rds: 0, secrets: 0 });
    expect(shape.unpriced).toEqual([]);
    // The install custom resource's two functions and CDK's bucket-notification handler run at deploys only, the
    // outbox relay's two per job (its sweep is priced from usage.sweep): named as not priced, never dropped.
    expect(shape.otherFunctions).toHaveLength(5);
    expect(computeBill(shape, usage, 1000).notPriced.filter((n) => n.startsWith('Lambda function'))).toHaveLength(5);
  });

  it('applies CloudFront behaviors in order: uploads go to S3 without a function, pages run the viewer function', () => {
    expect(behaviorFor(shape, '/wp-content/uploads/2026/12/a.jpg')).toMatchObject({ s3Origin: true, viewerFunction: false });
    expect(behaviorFor(shape, '/wp-admin/edit.php')).toMatchObject({ pathPattern: 'wp-admin/*', viewerFunction: true, s3Origin: false });
    expect(behaviorFor(shape, '/2026/12/hello/')).toMatchObject({ pathPattern: '*', viewerFunction: true });
  });

  it('matches CloudFront path patterns: * any run, ? one character, case-sensitive', () => {
    expect(matchesPathPattern('wp-content/uploads/*', '/wp-content/uploads/x.png')).toBe(true);
    expect(matchesPathPattern('wp-content/uploads/*', '/WP-content/uploads/x.png')).toBe(false);
    expect(matchesPathPattern('*.php', '/a/b.php')).toBe(true);
    expect(matchesPathPattern('wp-login.php', '/wp-login.phpx')).toBe(false);
    expect(matchesPathPattern('/images/?.gif', '/images/a.gif')).toBe(true);
    expect(matchesPathPattern('/images/?.gif', '/images/ab.gif')).toBe(false);
  });

  it("reads the file system's move to Infrequent Access in days, null without one", () => {
    const fsWith = (LifecyclePolicies?: unknown[]) => ({ Resources: { Fs: { Type: 'AWS::EFS::FileSystem', Properties: LifecyclePolicies ? { LifecyclePolicies } : {} } } });
    expect(efsInfrequentAccessAfterDays(fsWith([{ TransitionToIA: 'AFTER_1_DAY' }]))).toBe(1);
    expect(efsInfrequentAccessAfterDays(fsWith([{ TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }, { TransitionToIA: 'AFTER_90_DAYS' }]))).toBe(90);
    expect(efsInfrequentAccessAfterDays(fsWith([{ TransitionToArchive: 'AFTER_90_DAYS' }]))).toBeNull();
    expect(efsInfrequentAccessAfterDays(fsWith())).toBeNull();
    expect(efsInfrequentAccessAfterDays({ Resources: {} })).toBeNull();
    expect(() => efsInfrequentAccessAfterDays(fsWith([{ TransitionToIA: 'SOMETIMES' }]))).toThrow(/not AFTER_<n>_DAYS/);
  });

  it('reads rate() schedules in minutes and refuses cron() ones', () => {
    expect([rateMinutes('rate(5 minutes)'), rateMinutes('rate(1 minute)'), rateMinutes('rate(2 hours)'), rateMinutes('rate(1 day)')]).toEqual([5, 1, 120, 1440]);
    expect(() => rateMinutes('cron(0 12 * * ? *)')).toThrow(/not a rate\(\) expression/);
  });
});

describe('the bill, against a hand-computed example', () => {
  const bill = computeBill(shape, usage, 100_000);
  const line = (priceId: string, item?: RegExp) => {
    const found = bill.lines.filter((l) => l.priceId === priceId && (!item || item.test(l.item)));
    expect(found, `${priceId} ${item ?? ''}`).toHaveLength(1);
    return found[0]!;
  };

  it('prices every line as worked out by hand', () => {
    // 100,000 page views × 0.1 origin invocations = 10,000; cron: 730 h × 60 / 5 min = 8,760.
    expect(line('lambda.requests').quantity).toBeCloseTo(0.01876, 9); // 18,760 requests = 0.01876 M
    expect(line('lambda.requests').usd).toBeCloseTo(0.003752, 9); // × $0.20
    // 2,048 MB = 2 GB; arm64 $0.0000133334 per GB-s.
    expect(line('lambda.duration.arm64', /visitor/).usd).toBeCloseTo(0.0533336, 9); // 10,000 × 0.2 s × 2 GB = 4,000 GB-s
    expect(line('lambda.duration.arm64', /Cron/).usd).toBeCloseTo(0.116800584, 9); // 8,760 × 0.5 s × 2 GB = 8,760 GB-s
    expect(line('lambda.duration.arm64', /INIT/).usd).toBeCloseTo(0.00533336, 9); // (100 + 0.01 × 10,000) × 1 s × 2 GB = 400 GB-s
    // 2 GB on EFS, of which 1 GB is the uploads' copy: the template moves files unread for 30 days to Infrequent Access.
    expect(line('efs.storage').usd).toBeCloseTo(0.3, 9); // the other 1 GB × $0.30
    expect(line('efs.ia.storage').usd).toBeCloseTo(0.016, 9); // 1 GB × $0.016
    expect(line('efs.ia.storage').item).toMatch(/uploads copy.*30 days without access.*first month is Standard/);
    expect(line('efs.backup').usd).toBeCloseTo(0.1, 9); // EFS automatic backups (BackupPolicy ENABLED): about one copy, 2 GB × $0.05
    // Reads: visitor 100 × 4 KiB + max(40,960 B, 10 × 32 KiB) = 737,280 B × 10,000; cron 50 × 4 KiB × 8,760.
    // (7,372,800,000 + 1,794,048,000) B / 2^30 = 8.537292 GB × $0.03.
    expect(line('efs.elastic.read').quantity).toBeCloseTo(8.53729248, 7);
    expect(line('efs.elastic.read').usd).toBeCloseTo(0.256118774, 8);
    expect(bill.lines.some((l) => l.priceId === 'efs.elastic.write')).toBe(false); // nothing written
    expect(line('s3.storage').usd).toBeCloseTo(0.023, 9);
    expect(line('s3.get').usd).toBeCloseTo(0.002, 9); // 5,000 GETs × $0.0004 / 1,000
    expect(line('cloudfront.requests').usd).toBeCloseTo(0.4, 9); // 400,000 × $0.01 / 10,000
    expect(line('cloudfront.transfer').usd).toBeCloseTo(0.810623169, 8); // 10,240,000,000 B / 2^30 = 9.5367 GB × $0.085
    expect(line('cloudfront.functions').usd).toBeCloseTo(0.03, 9); // 300,000 × $0.10 / 1M
    expect(line('cloudwatch.alarm').usd).toBeCloseTo(0.3, 9); // 3 × $0.10 (errors, throttles, failed outbox jobs)
    // Logs: 10,000 × 1,024 B + 8,760 × 512 B = 14,725,120 B = 0.0137138 GB; kept 30 days → one month's worth stored.
    expect(line('cloudwatch.logs.ingest').usd).toBeCloseTo(0.006856918, 8);
    expect(line('cloudwatch.logs.storage').usd).toBeCloseTo(0.000411415, 8);
    expect(bill.totalUsd).toBeCloseTo(2.424229821, 8);
    expect(bill.standingUsd).toBeCloseTo(0.3 + 0.016 + 0.1 + 0.023 + 0.3, 9);
    // Tiering into IA and reads from it are charged per GB; the usage has neither, so they are named, not dropped.
    expect(bill.notPriced).toContainEqual(expect.stringMatching(/^EFS Infrequent Access tiering \(\$0\.01 per GB.*reads from it \(\$0\.01 per GB\)/));
  });

  it('bills all of EFS as Standard when the file system has no lifecycle policy', () => {
    const b = computeBill({ ...shape, efsInfrequentAccessAfterDays: null }, usage, 100_000);
    const efs = b.lines.filter((l) => l.priceId.startsWith('efs.') && l.unit === 'GB-month' && l.service === 'EFS');
    expect(efs.map((l) => [l.priceId, l.usd])).toEqual([['efs.storage', expect.closeTo(0.6, 9)]]); // 2 GB × $0.30
    expect(efs[0]!.item).toMatch(/uploads copy/);
    expect(b.notPriced.some((n) => /Infrequent Access/.test(n))).toBe(false);
    expect(b.totalUsd).toBeCloseTo(2.708229821, 8);
  });

  it("prices the outbox relay's sweep when the usage gives its run", () => {
    const swept = computeBill(shape, { ...usage, sweep: { billedMs: 12, initMs: 0, logBytes: 350 } }, 100_000);
    const get = (item: RegExp) => swept.lines.find((l) => item.test(l.item))!;
    // 730 h × 60 / 5 min = 8,760 sweeps of a 256 MB arm64 function, 12 ms each, one LIST each.
    expect(get(/^outbox relay sweeps/).usd).toBeCloseTo(0.001752, 9); // 8,760 × $0.20 / 1M
    expect(get(/^duration, outbox relay sweep/).usd).toBeCloseTo(0.000350402, 9); // 8,760 × 0.012 s × 0.25 GB = 26.28 GB-s
    expect(get(/^LIST of/).usd).toBeCloseTo(0.0438, 9); // 8,760 × $0.005 / 1,000
    expect(swept.totalUsd - bill.totalUsd).toBeCloseTo(0.001752 + 0.000350402 + 0.0438 + ((8_760 * 350) / 2 ** 30) * (0.5 + 0.03), 9);
  });

  it('shows the always-free allowances apart and only as much as is used', () => {
    expect(bill.totalUsd).toBeCloseTo(bill.lines.reduce((s, l) => s + l.usd, 0), 12); // the total is never netted
    // Everything that has an allowance here is inside it: requests, 13,160 GB-s, 400k CDN requests, 9.5 GB, alarms, logs.
    expect(bill.freeUsd).toBeCloseTo(1.726699631, 8);
    expect(bill.afterFreeTierUsd).toBeCloseTo(0.69753019, 7);
    expect(bill.free.find((f) => f.priceId === 'lambda.duration.arm64')!.covered).toBeCloseTo(13_160, 6);
  });

  it('caps each allowance at its size, whatever the traffic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), (pageViews) => {
        const b = computeBill(shape, usage, pageViews);
        for (const f of b.free) {
          const allowance = FREE_TIER.find((a) => a.price === f.priceId)!;
          const used = b.lines.filter((l) => l.priceId === f.priceId).reduce((s, l) => s + l.quantity, 0);
          expect(f.covered).toBeLessThanOrEqual(allowance.quantity + 1e-9);
          expect(f.covered).toBeLessThanOrEqual(used + 1e-9);
        }
        expect(b.afterFreeTierUsd).toBeGreaterThanOrEqual(-1e-9);
        expect(b.totalUsd - b.freeUsd).toBeCloseTo(b.afterFreeTierUsd, 9);
      }),
      { numRuns: 60 },
    );
  });

  it('meters EFS operations at 4 KiB (metadata) and 32 KiB (data) at least', () => {
    expect(efsMeteredGb({ metadataOps: 1, dataReads: 0, dataReadBytes: 0, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 }).readGb * 2 ** 30).toBe(4096);
    expect(efsMeteredGb({ metadataOps: 0, dataReads: 1, dataReadBytes: 100, metadataWrites: 0, dataWrites: 0, dataWriteBytes: 0 }).readGb * 2 ** 30).toBe(32_768);
    expect(efsMeteredGb({ metadataOps: 0, dataReads: 1, dataReadBytes: 1_000_000, metadataWrites: 1, dataWrites: 1, dataWriteBytes: 10 }).writeGb * 2 ** 30).toBe(4096 + 32_768);
  });

  it('prices the MySQL shapes\' standing resources', () => {
    const mysql: StackShape = {
      ...shape,
      database: 'mysql',
      natGateways: 1,
      publicIpv4: 1,
      rdsInstances: [{ instanceClass: 'db.t4g.micro', storageGb: 20, storageType: 'gp3', multiAz: false }],
      rdsProxies: 1,
      secrets: 1,
    };
    const b = computeBill(mysql, usage, 0);
    const usd = (id: string) => b.lines.filter((l) => l.priceId === id).reduce((s, l) => s + l.usd, 0);
    expect(usd('rds.db.t4g.micro')).toBeCloseTo(730 * 0.016, 9); // $11.68
    expect(usd('rds.storage.gp2')).toBeCloseTo(20 * 0.115, 9); // $2.30
    expect(usd('rdsproxy.vcpu')).toBeCloseTo(730 * 2 * 0.015, 9); // $21.90
    expect(usd('nat.hour')).toBeCloseTo(730 * 0.045, 9); // $32.85
    expect(usd('vpc.public-ipv4')).toBeCloseTo(730 * 0.005, 9); // $3.65
    expect(usd('secrets.secret')).toBeCloseTo(0.4, 9);
    const aurora = computeBill({ ...mysql, database: 'aurora', rdsInstances: [], auroraClusters: [{ minAcu: 0, maxAcu: 2 }] }, usage, 0);
    expect(aurora.lines.find((l) => l.priceId === 'aurora.acu')!.usd).toBeCloseTo(730 * 0.5 * 0.12, 9); // awake all month at 0.5 ACU: $43.80
    expect(aurora.lines.find((l) => l.priceId === 'rdsproxy.acu')!.usd).toBeCloseTo(730 * 8 * 0.015, 9); // $87.60
  });

  it('keeps every price with a source and a date', () => {
    for (const p of PRICES) {
      expect(p.source, p.id).toMatch(/^https:\/\//);
      expect(p.asOf, p.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (p.confidence === 'secondary') expect(p.confirmedBy, p.id).toMatch(/^https:\/\//);
    }
  });
});
