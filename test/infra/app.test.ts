/**
 * The CDK app around the construct: context parsing, the committed reference template, and
 * cdk-nag's AwsSolutions pack over the shapes (every acknowledgment with its reason).
 */
import fs from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { propsFromContext } from '../../infra/app.ts';
import { TEMPLATE_PATH } from '../../infra/synth.ts';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CDK_JSON, FLAG_EXCEPTIONS, readCdkJson, renderCdkJson } from '../../infra/feature-flags.ts';
import { WordPressOnLambda } from '../../infra/wordpress-on-lambda.ts';
import { auroraInExistingVpc, bareStack, placeholderLayer, placeholderRelay, placeholderWordPress, synth, type Json, type SiteProps } from './support.ts';

const SHAPES: Record<string, SiteProps> = {
  'sqlite-function-url': { database: 'sqlite', frontDoor: 'function-url' },
  'mysql-function-url': { database: 'mysql', frontDoor: 'function-url' },
  'aurora-function-url': { database: 'aurora', frontDoor: 'function-url' },
  'sqlite-http-api': { database: 'sqlite', frontDoor: 'http-api' },
  'mysql-alb': { database: 'mysql', frontDoor: 'alb' },
  'aurora-no-proxy-existing-vpc-domain': auroraInExistingVpc(),
};

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.keys(SHAPES))('%s passes with every acknowledgment justified', (name) => {
    const s = synth(SHAPES[name]!);
    const errors = new AwsSolutionsChecks().validateScope(s.app).violations.filter((v) => v.severity === 'error');
    expect(errors.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual([]);
    const acks = s.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => /^(annotation::)?AwsSolutions-/i.test(id));
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/^(annotation::)?AwsSolutions-[A-Z]+[0-9]+(\[.+\])?$/i);
      expect(reason).toMatch(/^\S.{30,}\.$/);
    }
  });
});

describe('the app', () => {
  it('defaults to the zero-fixed-cost configuration and parses context strings', () => {
    const defaults = propsFromContext(() => undefined);
    expect(defaults.database).toBe('sqlite');
    expect(defaults.frontDoor).toBe('function-url');
    expect(defaults.layerZip).toMatch(/dist\/lamphp-layer-php8\.5\.zip$/);
    const ctx: Record<string, string> = {
      database: 'aurora',
      frontDoor: 'alb',
      rdsProxy: 'false',
      cronRateMinutes: '10',
      availabilityZones: 'eu-west-1a, eu-west-1b',
      privateSubnetIds: '["subnet-1","subnet-2"]',
    };
    const p = propsFromContext((k) => ctx[k]);
    expect(p).toMatchObject({ database: 'aurora', frontDoor: 'alb', rdsProxy: false });
    expect(p.cronRate?.toMinutes()).toBe(10);
    expect(p.vpcAvailabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(p.vpcPrivateSubnetIds).toEqual(['subnet-1', 'subnet-2']);
    expect(() => propsFromContext((k) => (k === 'database' ? 'postgres' : undefined))).toThrow(/database/);
  });

  it('refuses a domain without certificate and a malformed siteId', () => {
    const stack = bareStack();
    const layerZip = placeholderLayer();
    expect(() => new WordPressOnLambda(stack, 'A', { database: 'sqlite', layerZip, wordpressZip: placeholderWordPress(), relayZip: placeholderRelay(), domainName: 'x.example.com' })).toThrow(/certificateArn/);
    expect(() => new WordPressOnLambda(stack, 'B', { database: 'sqlite', layerZip, wordpressZip: placeholderWordPress(), relayZip: placeholderRelay(), siteId: 'My Site' })).toThrow(/siteId/);
  });

  it('cdk.json sets the installed aws-cdk-lib\'s recommended feature flags, but the exceptions it explains', () => {
    expect(fs.readFileSync(CDK_JSON, 'utf8'), 'run npm run infra:flags').toBe(renderCdkJson());
    const context = readCdkJson().context;
    for (const [flag, value] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) {
      expect(context[flag], flag).toEqual(flag in FLAG_EXCEPTIONS ? FLAG_EXCEPTIONS[flag]!.value : value);
    }
    for (const { reason } of Object.values(FLAG_EXCEPTIONS)) expect(reason).toMatch(/^\S.{30,}\.$/);
  });

  it('the committed reference template is the default configuration', () => {
    const committed = JSON.parse(fs.readFileSync(TEMPLATE_PATH, 'utf8')) as Json;
    const types = new Set(Object.values(committed.Resources as Record<string, Json>).map((r) => r.Type));
    expect(types.has('AWS::Lambda::Url')).toBe(true);
    expect(types.has('AWS::EC2::NatGateway')).toBe(false);
    expect([...types].some((t) => t.startsWith('AWS::RDS::'))).toBe(false);
  });
});
