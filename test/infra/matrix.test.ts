/**
 * The option matrix: every database × every front door, then every documented context key
 * once, each through the app as `cdk deploy` runs it (context → props → construct), with the
 * real WordPress asset (staged once from the project's cached copy), checked by cdk-nag's
 * AwsSolutions pack; combinations the stack refuses are refused with their message.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, CONTEXT_KEYS, relayZipForSynth } from '../../infra/app.ts';
import { RELAY_HANDLER } from '../../infra/contracts.ts';
import { resolveWordPressAsset } from '../../infra/wordpress-asset.ts';
import { placeholderLayer, scratch, type Json } from './support.ts';

let wordpressZip: string;
/** The relay zip the synthesis built (dist/lamphp-relay.zip, as `lamphp relay build` writes it). */
let relayZip: Buffer;
beforeAll(async () => {
  wordpressZip = (await resolveWordPressAsset({ download: false })).zip;
  relayZip = fs.readFileSync(await relayZipForSynth());
});

interface Built {
  json: Json;
  stack: Stack;
  outdir: string;
}

/** Synthesizes the app for `context`; fails on any unacknowledged cdk-nag error. */
async function deploy(context: Record<string, unknown>, overrides: { wordpressZip?: string } = { wordpressZip }): Promise<Built> {
  const outdir = fs.mkdtempSync(path.join(scratch(), 'matrix-'));
  const { app, stack } = await buildApp({ outdir, context: { layerZip: placeholderLayer(), ...context }, overrides, log: () => {} });
  const assembly = app.synth();
  const errors = new AwsSolutionsChecks().validateScope(app).violations.filter((v) => v.severity === 'error');
  expect(errors.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual([]);
  return { json: assembly.getStackByName(stack.stackName).template as Json, stack, outdir };
}

const byType = (json: Json, type: string) => Object.values(json.Resources as Record<string, Json>).filter((r) => r.Type === type);
const wordpressFn = (json: Json) => byType(json, 'AWS::Lambda::Function').find((f) => f.Properties.Environment?.Variables?.LAMPHP_DOCUMENT_ROOT)!;
const env = (json: Json) => wordpressFn(json).Properties.Environment.Variables as Record<string, unknown>;

const DATABASES = ['sqlite', 'mysql', 'aurora'] as const;
const FRONT_DOORS = ['function-url', 'http-api', 'alb'] as const;

describe('each database × each front door', () => {
  it.each(DATABASES.flatMap((d) => FRONT_DOORS.map((f) => [d, f] as const)))('%s behind %s synthesizes, cdk-nag clean, with WordPress as its asset', async (database, frontDoor) => {
    const { json, outdir } = await deploy({ database, frontDoor });
    const [install] = byType(json, 'Custom::LamphpInstall');
    expect(install!.Properties.AssetKey).toMatch(/^[0-9a-f]{64}\.zip$/);
    expect(byType(json, 'AWS::RDS::DBProxy')).toHaveLength(database === 'sqlite' ? 0 : 1);
    expect(byType(json, 'AWS::EC2::NatGateway')).toHaveLength(database === 'sqlite' ? 0 : 1);
    expect(byType(json, 'AWS::Lambda::Url')).toHaveLength(frontDoor === 'function-url' ? 1 : 0);
    expect(byType(json, 'AWS::ApiGatewayV2::Api')).toHaveLength(frontDoor === 'http-api' ? 1 : 0);
    expect(byType(json, 'AWS::CloudFront::VpcOrigin')).toHaveLength(frontDoor === 'alb' ? 1 : 0);
    // The outbox relay in every shape, its code the zip `lamphp relay build` writes (built at synth).
    const relays = byType(json, 'AWS::Lambda::Function').filter((f) => f.Properties.Handler === RELAY_HANDLER && f.Properties.Code.S3Key);
    expect(relays).toHaveLength(2);
    const [key, ...others] = new Set(relays.map((f) => f.Properties.Code.S3Key as string));
    expect(others).toEqual([]);
    expect(fs.readFileSync(path.join(outdir, `asset.${key!.replace(/\.zip$/, '')}.zip`)).equals(relayZip)).toBe(true);
  });
});

const EXISTING_VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: 'eu-west-1a,eu-west-1b',
  privateSubnetIds: '["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa2"]',
  publicSubnetIds: 'subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2',
  vpcCidrBlock: '10.20.0.0/16',
};
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

/** Each documented key with a value, and what it must change in the template. */
const KEYS: [string, Record<string, unknown>, (b: Built) => void][] = [
  ['architecture', { architecture: 'x86_64' }, ({ json }) => expect(wordpressFn(json).Properties.Architectures).toEqual(['x86_64'])],
  ['memorySize', { memorySize: '3008' }, ({ json }) => expect(wordpressFn(json).Properties.MemorySize).toBe(3008)],
  ['timeoutSeconds', { timeoutSeconds: '300' }, ({ json }) => expect(wordpressFn(json).Properties.Timeout).toBe(300)],
  ['originReadTimeoutSeconds', { originReadTimeoutSeconds: '60' }, ({ json }) => expect(env(json).LAMPHP_FRONT_DOOR_TIMEOUT_MS).toBe('58000')],
  ['reservedConcurrency', { reservedConcurrency: '20' }, ({ json }) => expect(wordpressFn(json).Properties.ReservedConcurrentExecutions).toBe(20)],
  ['siteId', { siteId: 'blog' }, ({ json }) => expect(env(json).LAMPHP_SITE_ID).toBe('blog')],
  ['originSecretRotation', { originSecretRotation: '1' }, ({ json }) => expect(env(json).LAMPHP_ORIGIN_SECRET_PREVIOUS).toBeDefined()],
  ['cronRateMinutes', { cronRateMinutes: '15' }, ({ json }) => expect(byType(json, 'AWS::Events::Rule')[0]!.Properties.ScheduleExpression).toBe('rate(15 minutes)')],
  ['rdsProxy', { database: 'mysql', rdsProxy: 'false' }, ({ json }) => expect(byType(json, 'AWS::RDS::DBProxy')).toEqual([])],
  ['auroraMinCapacity, auroraMaxCapacity', { database: 'aurora', auroraMinCapacity: '0.5', auroraMaxCapacity: '4' }, ({ json }) =>
    expect(byType(json, 'AWS::RDS::DBCluster')[0]!.Properties.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0.5, MaxCapacity: 4 })],
  ['deletionProtection', { database: 'mysql', deletionProtection: 'false' }, ({ json }) => expect(byType(json, 'AWS::RDS::DBInstance')[0]!.DeletionPolicy).toBe('Delete')],
  ['natGateways', { database: 'mysql', natGateways: '2' }, ({ json }) => expect(byType(json, 'AWS::EC2::NatGateway')).toHaveLength(2)],
  ['vpcId, availabilityZones, privateSubnetIds, publicSubnetIds, vpcCidrBlock', { database: 'mysql', frontDoor: 'alb', ...EXISTING_VPC }, ({ json }) => {
    expect(byType(json, 'AWS::EC2::VPC')).toEqual([]);
    expect(wordpressFn(json).Properties.VpcConfig.SubnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2']);
  }],
  ['domainName, certificateArn', { domainName: 'blog.example.com', certificateArn: CERT }, ({ json }) =>
    expect(byType(json, 'AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig.Aliases).toEqual(['blog.example.com'])],
  ['sesIdentity', { sesIdentity: 'example.com' }, ({ json }) => {
    expect(byType(json, 'AWS::SES::EmailIdentity')[0]!.Properties.EmailIdentity).toBe('example.com');
    expect(env(json)).toMatchObject({ LAMPHP_MAIL_TRANSPORT: 'ses', LAMPHP_MAIL_FROM: 'wordpress@example.com', LAMPHP_AWS_ROUTE: 'outbox' });
  }],
  ['mailFrom', { sesIdentity: 'example.com', mailFrom: 'blog@example.com' }, ({ json }) => expect(env(json).LAMPHP_MAIL_FROM).toBe('blog@example.com')],
  ['sesIdentityExists', { sesIdentity: 'example.com', sesIdentityExists: 'true' }, ({ json }) => {
    expect(byType(json, 'AWS::SES::EmailIdentity')).toEqual([]);
    expect(JSON.stringify(json)).toContain(':identity/example.com');
  }],
  ['alarmEmail', { alarmEmail: 'ops@example.com' }, ({ json }) => expect(byType(json, 'AWS::SNS::Subscription')[0]!.Properties.Endpoint).toBe('ops@example.com')],
  ['logRetentionDays', { logRetentionDays: '90' }, ({ json }) => expect(byType(json, 'AWS::Logs::LogGroup').every((g) => g.Properties.RetentionInDays === 90)).toBe(true)],
  ['stackName, account, region', { stackName: 'MyBlog', account: '123456789012', region: 'eu-west-1' }, ({ stack }) => {
    expect(stack.stackName).toBe('MyBlog');
    expect(stack.region).toBe('eu-west-1');
  }],
];

describe('every documented context key, once', () => {
  it.each(KEYS.map(([name, context, check]) => [name, context, check] as const))('%s', async (_name, context, check) => {
    check(await deploy(context));
  });

  it('layerZip, wordpress and siteAssetZip: the layer and the WordPress the install gets come from the paths given', async () => {
    const asset = (json: Json) => byType(json, 'Custom::LamphpInstall')[0]!.Properties.AssetKey as string;
    const staged = await deploy({ wordpress: wordpressZip }, {});
    expect(await deploy({ siteAssetZip: wordpressZip }, {}).then((b) => asset(b.json))).toBe(asset(staged.json));
    // A different WordPress is a different asset key: the install runs again, in update mode.
    const other = path.join(scratch(), 'other-wordpress.zip');
    fs.writeFileSync(other, zipSync({ 'wordpress/wp-includes/version.php': new TextEncoder().encode("<?php\n$wp_version = '6.9.9';\n") }));
    expect(asset((await deploy({ wordpress: other }, {})).json)).not.toBe(asset(staged.json));
    const layerKey = (json: Json) => byType(json, 'AWS::Lambda::LayerVersion')[0]!.Properties.Content.S3Key as string;
    const otherLayer = path.join(scratch(), 'other-layer.zip');
    fs.writeFileSync(otherLayer, zipSync({ 'lamphp/bootstrap': new TextEncoder().encode('#!/bin/sh\n') }));
    expect(layerKey((await deploy({ layerZip: otherLayer })).json)).not.toBe(layerKey(staged.json));
  });

  it('the keys tested here are the keys the app reads and the README documents', () => {
    const tested = new Set([...KEYS.flatMap(([name]) => name.split(', ')), 'database', 'frontDoor', 'layerZip', 'wordpress', 'siteAssetZip']);
    expect([...CONTEXT_KEYS].sort()).toEqual([...tested].sort());
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../infra/README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Context keys'), readme.indexOf('## Shapes'));
    for (const key of CONTEXT_KEYS) expect(table, key).toContain(`\`${key}\``);
  });
});

describe('combinations the stack refuses, with their message', () => {
  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['a domain without its certificate', { domainName: 'blog.example.com' }, /domainName needs certificateArn/],
    ['a certificate without its domain', { certificateArn: CERT }, /certificateArn needs domainName/],
    ['a NAT gateway in the zero-fixed-cost shape', { natGateways: '1' }, /natGateways applies to the mysql and aurora databases.*zero fixed cost/],
    ['RDS Proxy without a database server', { rdsProxy: 'true' }, /rdsProxy applies to the mysql and aurora databases/],
    ['Aurora capacity on RDS MySQL', { database: 'mysql', auroraMaxCapacity: '4' }, /apply to the aurora database only/],
    ['more minimum than maximum ACU', { database: 'aurora', auroraMinCapacity: '8', auroraMaxCapacity: '4' }, /must not exceed auroraMaxCapacity/],
    ['an existing VPC with one zone', { vpcId: 'vpc-1', availabilityZones: 'a', privateSubnetIds: 's1' }, /vpcAvailabilityZones \(≥ 2\)/],
    ['the alb front door in an existing VPC without its CIDR', { frontDoor: 'alb', ...EXISTING_VPC, vpcCidrBlock: '' }, /needs vpcCidrBlock/],
    ['a function timeout shorter than the front door\'s', { timeoutSeconds: '20' }, /function timeout \(20 s\) must be at least the front door's/],
    ['a function timeout past Lambda\'s limit', { timeoutSeconds: '1200' }, /at most 900 s/],
    ['a log retention CloudWatch does not offer', { logRetentionDays: '4' }, /logRetentionDays" must be one of/],
    ['an unknown database', { database: 'postgres' }, /"database" must be one of sqlite, mysql, aurora/],
    ['a misspelt key', { databse: 'mysql' }, /Unknown context key "databse"; the keys are: database/],
    ['a negative rotation', { originSecretRotation: '-1' }, /"originSecretRotation" must be a number ≥ 0/],
    ['a sender outside the SES identity', { sesIdentity: 'example.com', mailFrom: 'me@example.org' }, /not covered by the SES identity/],
    ['mail settings without an SES identity', { mailFrom: 'me@example.com' }, /need sesIdentity/],
    ['an SES identity that is neither a domain nor an address', { sesIdentity: 'localhost' }, /sesIdentity must be a domain/],
  ];
  it.each(refused)('%s', async (_what, context, message) => {
    await expect(deploy(context)).rejects.toThrow(message);
  });
});
