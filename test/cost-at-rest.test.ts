/**
 * README's "What it costs at rest": generated from the one price table and each shape's own
 * template (bench/replay/at-rest.ts), never written by hand — this fails while README differs
 * (regenerate with `node scripts/cost-at-rest-docs.ts`), and checks the numbers by hand.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { atRest, MEASURED, type AtRest } from '../bench/replay/at-rest.ts';
import { HOURS_PER_MONTH } from '../bench/replay/bill.ts';
import { price } from '../bench/replay/prices.ts';
import { stackShape } from '../bench/replay/stack.ts';
import { BEGIN, END, generatedTable, README, restTemplates } from '../scripts/cost-at-rest-docs.ts';

let table: string;
let rows: Record<'sqlite' | 'mysql' | 'aurora', AtRest>;

beforeAll(async () => {
  table = await generatedTable();
  const { modes } = await restTemplates();
  rows = { sqlite: atRest('sqlite', stackShape(modes.sqlite)), mysql: atRest('mysql', stackShape(modes.mysql)), aurora: atRest('aurora', stackShape(modes.aurora)) };
}, 120_000);

describe('what the stack costs at rest', () => {
  it('README shows exactly the generated table', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const block = readme.slice(readme.indexOf('\n', readme.indexOf(BEGIN)) + 1, readme.indexOf(END)).trimEnd();
    expect(block, 'run: node scripts/cost-at-rest-docs.ts').toBe(table);
  });

  it('the hourly resources of each database shape add up as worked out by hand from prices.ts', () => {
    const h = (id: string) => HOURS_PER_MONTH * price(id).usd;
    const mysqlStanding = h('rds.db.t4g.micro') + 20 * price('rds.storage.gp2').usd + 2 * h('rdsproxy.vcpu') + h('nat.hour') + h('vpc.public-ipv4') + price('secrets.secret').usd;
    const auroraStanding = 8 * h('rdsproxy.acu') + h('nat.hour') + h('vpc.public-ipv4') + price('secrets.secret').usd;
    const hourly = (r: AtRest) => r.warm.lines.filter((l) => /^(rds|rdsproxy|nat\.hour|vpc|secrets|aurora)/.test(l.priceId)).reduce((s, l) => s + l.usd, 0);
    expect(hourly(rows.mysql)).toBeCloseTo(mysqlStanding, 6);
    expect(hourly(rows.aurora)).toBeCloseTo(auroraStanding, 6);
    expect(hourly(rows.sqlite)).toBe(0);
  });

  it("at rest the outbox relay's sweep runs every 5 minutes: one invocation and one LIST of the outbox each, nothing billed by the hour", () => {
    for (const r of Object.values(rows)) {
      const find = (item: RegExp) => r.warm.lines.find((l) => item.test(l.item));
      expect(find(/^outbox relay sweeps/)?.quantity, r.mode).toBeCloseTo((HOURS_PER_MONTH * 12) / 1e6, 9);
      expect(find(/^LIST of \.lamphp-outbox\/jobs\//)?.usd, r.mode).toBeCloseTo(((HOURS_PER_MONTH * 12) / 1000) * price('s3.put').usd, 9);
      expect(r.warm.lines.filter((l) => /relay|outbox/.test(l.item)).every((l) => !l.standing), r.mode).toBe(true);
    }
  });

  it('at rest, a site still pays for its files on EFS and their automatic backups, and for WP-Cron', () => {
    const efsGb = MEASURED.siteOnEfsBytes / 1024 ** 3;
    for (const r of Object.values(rows)) {
      const line = (id: string) => r.warm.lines.find((l) => l.priceId === id);
      expect(line('efs.storage')?.usd, r.mode).toBeCloseTo(efsGb * price('efs.storage').usd, 9);
      expect(line('efs.backup')?.usd, `${r.mode}: EFS automatic backups are AWS Backup storage`).toBeCloseTo(efsGb * price('efs.backup').usd, 9);
      expect(line('lambda.requests')?.quantity, r.mode).toBeCloseTo((HOURS_PER_MONTH * 12) / 1e6, 9);
      // Every run cold costs more than every run warm, by exactly the INIT (of cron, and of the relay's sweep).
      const init = r.cold.lines.find((l) => /^INIT/.test(l.item))!;
      const sweep = (b: typeof r.warm) => b.lines.find((l) => /outbox relay sweep every/.test(l.item))!.usd;
      expect(r.cold.totalUsd - r.warm.totalUsd).toBeCloseTo(init.usd + sweep(r.cold) - sweep(r.warm), 9);
      expect(sweep(r.cold) - sweep(r.warm)).toBeCloseTo(((HOURS_PER_MONTH * 12 * MEASURED.sweep.initMs) / 1000) * (256 / 1024) * price('lambda.duration.arm64').usd, 9);
    }
  });
});
