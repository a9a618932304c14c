/**
 * An update never replaces a site's data: every resource whose replacement would lose data or
 * connectivity (VPC and subnets, EFS and its mount targets and access point, the uploads bucket,
 * the database, its subnet group and secret, log groups, security groups and their rules) keeps
 * the logical ID it had in the templates deployed before the stack was split into concerns
 * (test/fixtures/infra/stateful-logical-ids.json, recorded from that template).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_PATH } from '../../infra/synth.ts';
import { auroraInExistingVpc, synth, type Json, type SiteProps } from './support.ts';

const fixture = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../fixtures/infra/stateful-logical-ids.json'), 'utf8'),
) as { types: string[]; configurations: Record<string, Record<string, string>>; ruleDescriptions: Record<string, Record<string, string>> };

const CONFIGURATIONS: Record<string, SiteProps> = {
  sqlite: { database: 'sqlite' },
  mysql: { database: 'mysql' },
  aurora: { database: 'aurora' },
  'sqlite-alb': { database: 'sqlite', frontDoor: 'alb' },
  'mysql-no-proxy': { database: 'mysql', frontDoor: 'http-api', rdsProxy: false },
  'aurora-existing-vpc': auroraInExistingVpc(),
};

function kept(json: Json): Record<string, string> {
  return Object.fromEntries(
    Object.entries(json.Resources as Record<string, Json>)
      .filter(([, r]) => fixture.types.includes(r.Type))
      .map(([id, r]) => [id, r.Type]),
  );
}

describe('logical IDs of stateful resources', () => {
  it.each(Object.keys(CONFIGURATIONS))('%s: every recorded resource is still there under the same ID and type', (name) => {
    const expected = fixture.configurations[name]!;
    expect(Object.keys(expected).length).toBeGreaterThan(5);
    const actual = kept(synth(CONFIGURATIONS[name]!).json);
    for (const [id, type] of Object.entries(expected)) expect(actual[id], id).toBe(type);
    // A changed description replaces the rule: added first (EC2 takes the duplicate silently), then the old one deleted.
    const json = synth(CONFIGURATIONS[name]!).json;
    const descriptions = fixture.ruleDescriptions[name]!;
    for (const id of Object.keys(descriptions)) expect(json.Resources[id].Properties.Description, id).toBe(descriptions[id]);
  });

  it('the committed reference template keeps them too', () => {
    const committed = JSON.parse(fs.readFileSync(TEMPLATE_PATH, 'utf8')) as Json;
    const actual = kept(committed);
    for (const [id, type] of Object.entries(fixture.configurations.sqlite!)) expect(actual[id], id).toBe(type);
  });
});
