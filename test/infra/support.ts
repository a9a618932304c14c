/**
 * Synthesizes the WordPress stack offline for the infra suites: one App per configuration,
 * cached per test file (synthesis is CPU-heavy), with a byte-stable placeholder layer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';
import { WordPressOnLambda, type WordPressOnLambdaProps } from '../../infra/wordpress-on-lambda.ts';
import { writePlaceholderLayer, writePlaceholderRelay } from '../../infra/synth.ts';
import { writePlaceholderWordPress } from '../../infra/wordpress-asset.ts';
import { readCdkJson } from '../../infra/feature-flags.ts';

export type Json = Record<string, any>;
export type SiteProps = Omit<WordPressOnLambdaProps, 'layerZip' | 'wordpressZip' | 'relayZip'> & { layerZip?: string; wordpressZip?: string; relayZip?: string };

export interface Synthesized {
  app: App;
  stack: Stack;
  site: WordPressOnLambda;
  template: Template;
  json: Json;
}

let tmp: string | undefined;
let layer: string | undefined;

/** A scratch directory for this test file, removed at exit. */
export function scratch(): string {
  if (tmp === undefined) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-infra-'));
    const dir = tmp;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return tmp;
}

export function placeholderLayer(): string {
  layer ??= writePlaceholderLayer(scratch());
  return layer;
}

let relay: string | undefined;
/** A byte-stable stand-in for the relay zip (the option matrix builds the real one). */
export function placeholderRelay(): string {
  relay ??= writePlaceholderRelay(scratch());
  return relay;
}

let wordpress: string | undefined;
/** A tiny stand-in for the WordPress zip (the real one is staged once: see the option matrix). */
export function placeholderWordPress(): string {
  wordpress ??= writePlaceholderWordPress(scratch());
  return wordpress;
}

const cache = new Map<string, Synthesized>();

/** The app's context: cdk.json's feature flags, as `cdk deploy` applies them. */
export function newApp(context: Record<string, unknown> = {}): App {
  const outdir = fs.mkdtempSync(path.join(scratch(), 'app-'));
  return new App({ outdir, analyticsReporting: false, context: { ...readCdkJson().context, ...context } });
}

export function synth(props: SiteProps, stackName = 'LamphpWordPress', env?: { account: string; region: string }): Synthesized {
  const key = `${stackName} ${JSON.stringify(env)} ${JSON.stringify(props)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const app = newApp();
  const stack = new Stack(app, stackName, { env });
  const site = new WordPressOnLambda(stack, 'WordPress', { layerZip: placeholderLayer(), wordpressZip: placeholderWordPress(), relayZip: placeholderRelay(), ...props });
  app.synth();
  const template = Template.fromStack(stack);
  const result = { app, stack, site, template, json: template.toJSON() as Json };
  cache.set(key, result);
  return result;
}

/** The logical ID a construct's resource has in the template. */
export function logicalId(s: { stack: Stack }, c: IConstruct): string {
  const element = CfnElement.isCfnElement(c) ? c : c.node.defaultChild;
  if (!CfnElement.isCfnElement(element)) throw new Error(`${c.node.path} has no CloudFormation resource`);
  return s.stack.resolve(element.logicalId) as string;
}

export function resources(json: Json, type: string): [string, Json][] {
  return Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
}

export function only(json: Json, type: string): [string, Json] {
  const found = resources(json, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

/** The WordPress function's resource (the install handler and the provider are functions too). */
export function wordpressFunction(s: Synthesized): Json {
  return s.json.Resources[logicalId(s, s.site.function)];
}

export function functionEnv(s: Synthesized): Record<string, any> {
  return wordpressFunction(s).Properties.Environment.Variables;
}

export function distribution(s: Synthesized): Json {
  return only(s.json, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
}

/** Every ingress rule, inline or standalone, as [group logical id, rule]. */
export function ingressRules(json: Json): [string, Json][] {
  const rules: [string, Json][] = [];
  for (const [id, r] of resources(json, 'AWS::EC2::SecurityGroup')) {
    for (const rule of r.Properties.SecurityGroupIngress ?? []) rules.push([id, rule]);
  }
  for (const [, r] of resources(json, 'AWS::EC2::SecurityGroupIngress')) {
    rules.push([r.Properties.GroupId['Fn::GetAtt'][0], r.Properties]);
  }
  return rules;
}

export const EXISTING_VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  vpcAvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
  vpcPrivateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
} as const;
/** Aurora without its proxy, in an existing VPC, with a custom domain: the shape with the most options. */
export function auroraInExistingVpc(): SiteProps {
  return {
    database: 'aurora',
    rdsProxy: false,
    vpcId: EXISTING_VPC.vpcId,
    vpcAvailabilityZones: [...EXISTING_VPC.vpcAvailabilityZones],
    vpcPrivateSubnetIds: [...EXISTING_VPC.vpcPrivateSubnetIds],
    ...DOMAIN,
  };
}

export const DOMAIN = {
  domainName: 'blog.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
} as const;

/** A stack of its own for testing one concern (the App writes into this file's scratch directory). */
export function bareStack(name = 'Test'): Stack {
  return new Stack(newApp(), name);
}
