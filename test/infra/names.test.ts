/**
 * Two stacks in one account, and one stack name in two regions, deploy side by side: every
 * physical name the templates fix is different where its service needs it to be (CloudFront
 * names per account, others per account and region). Names are read from the templates with
 * CloudFormation's pseudo parameters resolved for each deployment.
 */
import { describe, expect, it } from 'vitest';
import { synth, type Json } from './support.ts';

/** Resource types whose names are unique per account (CloudFront) or per account and region. */
const NAMED: Record<string, { path: string[]; scope: 'global' | 'regional'; pattern: RegExp }> = {
  'AWS::CloudFront::CachePolicy': { path: ['CachePolicyConfig', 'Name'], scope: 'global', pattern: /^[A-Za-z0-9_-]{1,128}$/ },
  'AWS::CloudFront::OriginRequestPolicy': { path: ['OriginRequestPolicyConfig', 'Name'], scope: 'global', pattern: /^[A-Za-z0-9_-]{1,128}$/ },
  'AWS::CloudFront::OriginAccessControl': { path: ['OriginAccessControlConfig', 'Name'], scope: 'global', pattern: /^.{1,64}$/ },
  'AWS::CloudFront::Function': { path: ['Name'], scope: 'global', pattern: /^[A-Za-z0-9_-]{1,64}$/ },
  'AWS::SSM::Parameter': { path: ['Name'], scope: 'regional', pattern: /^[A-Za-z0-9_.\/-]{1,1011}$/ },
  'AWS::RDS::DBProxy': { path: ['DBProxyName'], scope: 'regional', pattern: /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,59}(?<!-)$/ },
};
/** Properties that would fix a name CloudFormation otherwise generates uniquely; none may be set. */
const GENERATED = ['FunctionName', 'RoleName', 'BucketName', 'LogGroupName', 'TopicName', 'AlarmName', 'DBInstanceIdentifier', 'DBClusterIdentifier', 'SecretName'];

function resolve(value: unknown, pseudo: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if (v.Ref && pseudo[v.Ref] !== undefined) return pseudo[v.Ref]!;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map((x) => resolve(x, pseudo)).join(v['Fn::Join'][0]);
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

function names(stackName: string, region: string, database: 'sqlite' | 'mysql'): { global: string[]; regional: string[] } {
  const { json } = synth({ database }, stackName, { account: '123456789012', region });
  const pseudo = { 'AWS::Region': region, 'AWS::StackName': stackName, 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const out = { global: [] as string[], regional: [] as string[] };
  for (const [id, r] of Object.entries(json.Resources as Record<string, Json>)) {
    // A reference to another resource's name is fine; a name written into the template is not.
    for (const prop of GENERATED) expect(typeof r.Properties?.[prop], `${id}.${prop}`).not.toBe('string');
    const named = NAMED[r.Type];
    if (!named) continue;
    const value = named.path.reduce((o: Json, k) => o?.[k], r.Properties);
    expect(value, `${id} has a name`).toBeDefined();
    const name = resolve(value, pseudo);
    expect(name, `${id} name`).toMatch(named.pattern);
    out[named.scope].push(`${r.Type} ${name}`);
  }
  return out;
}

describe('physical names', () => {
  it.each(['sqlite', 'mysql'] as const)('%s: two stacks in one account and one stack in two regions never share a name', (database) => {
    const a = names('LamphpWordPress', 'eu-west-1', database);
    const b = names('OtherBlog', 'eu-west-1', database);
    const c = names('LamphpWordPress', 'us-east-1', database);
    expect(a.global.length).toBeGreaterThanOrEqual(5);
    expect(a.regional.length).toBeGreaterThanOrEqual(database === 'mysql' ? 2 : 1);
    const allGlobal = [...a.global, ...b.global, ...c.global];
    expect(new Set(allGlobal).size).toBe(allGlobal.length);
    const sameRegion = [...a.regional, ...b.regional];
    expect(new Set(sameRegion).size).toBe(sameRegion.length);
  });

  it('a long stack name still gives valid, distinct names', () => {
    const long = 'A'.repeat(100);
    const x = names(`${long}x`, 'ap-northeast-3', 'mysql');
    const y = names(`${long}y`, 'ap-northeast-3', 'mysql');
    const all = [...x.global, ...y.global, ...x.regional, ...y.regional];
    expect(new Set(all).size).toBe(all.length);
  });
});
