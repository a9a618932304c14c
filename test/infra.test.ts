/**
 * The WordPress-on-Lambda CDK stack, synthesized offline for every database and front door,
 * checked resource by resource and against cdk-nag's AwsSolutions pack.
 * One synthesized App per configuration, shared by all assertions (synth is CPU heavy).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { readConfig } from '../bridge/config.ts';
import {
  INSTALL_ON_EVENT,
  ORIGIN_SECRET_HEADER,
  VIEWER_HOST_FUNCTION,
  WordPressOnLambda,
  type WordPressOnLambdaProps,
} from '../infra/wordpress-on-lambda.ts';
import { propsFromContext } from '../infra/app.ts';
import { writePlaceholderLayer } from '../infra/synth.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

type Json = Record<string, any>;
interface Synthesized {
  app: App;
  stack: Stack;
  site: WordPressOnLambda;
  template: Template;
  json: Json;
}

let tmp: string;
let layerZip: string;
const cache = new Map<string, Synthesized>();

function synth(name: string, props: Omit<WordPressOnLambdaProps, 'layerZip'>): Synthesized {
  const hit = cache.get(name);
  if (hit) return hit;
  const app = new App({ outdir: path.join(tmp, name), analyticsReporting: false });
  const stack = new Stack(app, 'Site');
  const site = new WordPressOnLambda(stack, 'WordPress', { layerZip, ...props });
  app.synth();
  const template = Template.fromStack(stack);
  const result = { app, stack, site, template, json: template.toJSON() as Json };
  cache.set(name, result);
  return result;
}

const CONFIGS: Record<string, Omit<WordPressOnLambdaProps, 'layerZip'>> = {
  'sqlite-function-url': { database: 'sqlite', frontDoor: 'function-url' },
  'mysql-function-url': { database: 'mysql', frontDoor: 'function-url' },
  'aurora-function-url': { database: 'aurora', frontDoor: 'function-url' },
  'sqlite-http-api': { database: 'sqlite', frontDoor: 'http-api' },
  'mysql-alb': { database: 'mysql', frontDoor: 'alb' },
  'aurora-no-proxy-existing-vpc-domain': {
    database: 'aurora',
    frontDoor: 'function-url',
    rdsProxy: false,
    vpcId: 'vpc-0123456789abcdef0',
    vpcAvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
    vpcPrivateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    domainName: 'blog.example.com',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  },
};

const site = (name: keyof typeof CONFIGS & string) => synth(name, CONFIGS[name]!);

function resources(json: Json, type: string): [string, Json][] {
  return Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
}

function only(json: Json, type: string): [string, Json] {
  const found = resources(json, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

/** The WordPress function (the install onEvent and the provider framework are Lambda functions too). */
function wordpressFunction(s: Synthesized): Json {
  const id = s.stack.getLogicalId(s.site.function.node.defaultChild as any);
  return s.json.Resources[id];
}

function logicalId(s: Synthesized, c: IConstruct): string {
  return s.stack.getLogicalId(c.node.defaultChild as any);
}

function distribution(s: Synthesized): Json {
  return only(s.json, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
}

function behavior(s: Synthesized, pattern: string): Json {
  const b = (distribution(s).CacheBehaviors as Json[]).find((x) => x.PathPattern === pattern);
  expect(b, pattern).toBeDefined();
  return b!;
}

function cachePolicy(s: Synthesized, ref: unknown): Json {
  const id = (ref as { Ref: string }).Ref;
  expect(id, 'a cache policy defined in the stack').toBeTypeOf('string');
  return s.json.Resources[id].Properties.CachePolicyConfig;
}

/** Every ingress rule, inline or standalone, as [group logical id, rule]. */
function ingressRules(json: Json): [string, Json][] {
  const rules: [string, Json][] = [];
  for (const [id, r] of resources(json, 'AWS::EC2::SecurityGroup')) {
    for (const rule of r.Properties.SecurityGroupIngress ?? []) rules.push([id, rule]);
  }
  for (const [, r] of resources(json, 'AWS::EC2::SecurityGroupIngress')) {
    rules.push([r.Properties.GroupId['Fn::GetAtt'][0], r.Properties]);
  }
  return rules;
}

function sgOf(s: Synthesized, c: IConstruct): string {
  return logicalId(s, c);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-infra-'));
  layerZip = writePlaceholderLayer(tmp);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(Object.keys(CONFIGS))('%s', (name) => {
  it('runs lamphp from the layer on nodejs24.x in the VPC with the EFS access point mounted', () => {
    const s = site(name);
    const fn = wordpressFunction(s).Properties;
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Layers).toEqual([{ Ref: logicalId(s, s.site.layer) }]);
    only(s.json, 'AWS::Lambda::LayerVersion');
    expect(fn.Environment.Variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/lamphp/bootstrap');
    expect(fn.Environment.Variables.LAMPHP_DOCUMENT_ROOT).toBe('/mnt/wordpress/wordpress');
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgOf(s, s.site.functionSecurityGroup), 'GroupId'] }]);
    expect(fn.VpcConfig.SubnetIds.length).toBeGreaterThanOrEqual(2);
    expect(fn.FileSystemConfigs).toEqual([
      { Arn: expect.anything(), LocalMountPath: '/mnt/wordpress' },
    ]);
    s.template.hasResourceProperties('AWS::EFS::AccessPoint', {
      RootDirectory: {
        Path: '/roots/wp-lambda-wordpress',
        CreationInfo: { OwnerUid: '1000', OwnerGid: '1000', Permissions: '755' },
      },
      PosixUser: { Uid: '1000', Gid: '1000' },
    });
    s.template.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true, ThroughputMode: 'elastic' });
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('binds CloudFront to the origin by the secret header the bridge checks', () => {
    const s = site(name);
    const env = wordpressFunction(s).Properties.Environment.Variables;
    expect(ORIGIN_SECRET_HEADER).toBe(readConfig({}).originSecretHeader);
    expect(env.LAMPHP_ORIGIN_SECRET_HEADER).toBe(ORIGIN_SECRET_HEADER);
    expect(env.LAMPHP_TRUST_FORWARDED_HOST).toBe('true');
    const appOrigins = (distribution(s).Origins as Json[]).filter((o) => o.CustomOriginConfig !== undefined);
    expect(appOrigins).toHaveLength(1);
    expect(appOrigins[0]!.OriginCustomHeaders).toEqual([
      { HeaderName: ORIGIN_SECRET_HEADER, HeaderValue: env.LAMPHP_ORIGIN_SECRET },
    ]);
    // Generated by CloudFormation (the stack UUID), not written into the template.
    expect(JSON.stringify(env.LAMPHP_ORIGIN_SECRET)).toContain('AWS::StackId');
  });

  it('routes each path to its cache policy', () => {
    const s = site(name);
    const d = distribution(s);
    const appOriginId = (d.Origins as Json[]).find((o) => o.CustomOriginConfig !== undefined)!.Id;
    const s3Origin = (d.Origins as Json[]).find((o) => o.S3OriginConfig !== undefined)!;
    expect(s3Origin.OriginAccessControlId).toBeDefined();

    const uploads = behavior(s, 'wp-content/uploads/*');
    expect(uploads.TargetOriginId).toBe(s3Origin.Id);
    expect(uploads.CachePolicyId).toBe(CACHING_OPTIMIZED);

    for (const pattern of ['wp-includes/*', 'wp-content/themes/*', 'wp-content/plugins/*']) {
      const b = behavior(s, pattern);
      expect(b.TargetOriginId).toBe(appOriginId);
      const policy = cachePolicy(s, b.CachePolicyId);
      expect(policy.MaxTTL).toBe(365 * 86400);
      const key = policy.ParametersInCacheKeyAndForwardedToOrigin;
      expect(key.QueryStringsConfig.QueryStringBehavior).toBe('whitelist');
      expect(key.QueryStringsConfig.QueryStrings).toContain('ver');
      expect(key.CookiesConfig.CookieBehavior).toBe('none');
    }

    for (const pattern of ['wp-admin/*', 'wp-login.php']) {
      const b = behavior(s, pattern);
      expect(b.TargetOriginId).toBe(appOriginId);
      expect(b.CachePolicyId).toBe(CACHING_DISABLED);
      expect(b.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
      expect(b.AllowedMethods).toContain('POST');
    }

    const def = d.DefaultCacheBehavior;
    expect(def.TargetOriginId).toBe(appOriginId);
    expect(def.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    expect(def.AllowedMethods).toContain('POST');
    expect(def.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(def.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: expect.anything() }]);
    const pages = cachePolicy(s, def.CachePolicyId);
    expect(pages.MinTTL).toBe(0);
    expect(pages.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig).toEqual({
      CookieBehavior: 'whitelist',
      Cookies: ['wordpress_*', 'wp-*', 'comment_*'],
    });
  });

  it('keeps the uploads bucket private, TLS-only and readable by CloudFront through OAC', () => {
    const s = site(name);
    const [bucketId, bucket] = only(s.json, 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    const statements = only(s.json, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    );
    const env = wordpressFunction(s).Properties.Environment.Variables;
    expect(env.LAMPHP_UPLOADS_BUCKET).toEqual({ Ref: bucketId });
    expect(env.LAMPHP_UPLOADS_PREFIX).toBe('wp-content/uploads/');
  });

  it('opens NFS and MySQL only to the function (or its proxy), nothing to the world but the ALB', () => {
    const s = site(name);
    const props = CONFIGS[name]!;
    const fnSg = sgOf(s, s.site.functionSecurityGroup);
    const efsSg = sgOf(s, s.site.node.findChild('FileSystemSecurityGroup'));
    const expected: [string, Json][] = [[efsSg, { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] } }]];
    if (props.database !== 'sqlite') {
      const dbSg = sgOf(s, s.site.node.findChild('DatabaseSecurityGroup'));
      if (props.rdsProxy === false) {
        expected.push([dbSg, { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] } }]);
      } else {
        const proxySg = sgOf(s, s.site.node.findChild('DatabaseProxySecurityGroup'));
        expected.push([proxySg, { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] } }]);
        expected.push([dbSg, { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, SourceSecurityGroupId: { 'Fn::GetAtt': [proxySg, 'GroupId'] } }]);
      }
    }
    if (props.frontDoor === 'alb') {
      const albSg = sgOf(s, s.site.node.findChild('LoadBalancerSecurityGroup'));
      expected.push([albSg, { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' }]);
    }
    // The proxy's rule names the database's port attribute; the database pins it to 3306.
    const port = (p: unknown): unknown => {
      const att = (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return att && /Endpoint\.Port$/.test(att[1]) ? Number(s.json.Resources[att[0]].Properties.Port) : p;
    };
    const actual = ingressRules(s.json).map(([sg, r]) => {
      const { Description: _d, GroupId: _g, ...rule } = r;
      return [sg, { ...rule, FromPort: port(rule.FromPort), ToPort: port(rule.ToPort) }] as [string, Json];
    });
    expect(actual.some(([, r]) => r.CidrIpv6 !== undefined)).toBe(false);
    expect(actual).toHaveLength(expected.length);
    for (const rule of expected) expect(actual).toContainEqual(rule);
  });

  it('schedules WP-Cron, alarms on errors and throttles, and installs through a custom resource', () => {
    const s = site(name);
    const fnArn = { 'Fn::GetAtt': [logicalId(s, s.site.function), 'Arn'] };
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: fnArn, Input: JSON.stringify({ lamphp: { command: 'cron' } }) })],
    });
    for (const metric of ['Errors', 'Throttles']) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(s, s.site.function) } }],
      });
    }
    const [, install] = only(s.json, 'Custom::LamphpInstall');
    expect(install.Properties.FunctionName).toEqual({ Ref: logicalId(s, s.site.function) });
    expect(install.Properties.DistributionId).toEqual({ Ref: logicalId(s, s.site.distribution) });
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([`:distribution/`, { Ref: logicalId(s, s.site.distribution) }])] },
          }),
        ],
      },
    });
    s.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/lamphp/wordpress/cloudfront-distribution-id',
      Value: { Ref: logicalId(s, s.site.distribution) },
    });
  });

  it('passes cdk-nag AwsSolutions with every acknowledgment justified', () => {
    const s = site(name);
    const report = new AwsSolutionsChecks().validateScope(s.app);
    const errors = report.violations.filter((v) => v.severity === 'error');
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

describe('zero-fixed-cost (sqlite) stack', () => {
  it('has no NAT gateway, database server, interface endpoint or Secrets Manager secret', () => {
    const { template, json } = site('sqlite-function-url');
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    expect(Object.values(json.Resources as Record<string, Json>).filter((r) => r.Type.startsWith('AWS::RDS::'))).toEqual([]);
    const endpoints = resources(json, 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties);
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]!.VpcEndpointType).toBe('Gateway');
    expect(JSON.stringify(endpoints[0]!.ServiceName)).toContain('.s3');
    // Two AZs of isolated subnets.
    expect(resources(json, 'AWS::EC2::Subnet')).toHaveLength(2);
    expect(resources(json, 'AWS::EC2::Subnet').every(([, r]) => r.Properties.MapPublicIpOnLaunch === false)).toBe(true);
  });

  it('tells WordPress it has no internet and keeps the database on EFS', () => {
    const s = site('sqlite-function-url');
    const env = wordpressFunction(s).Properties.Environment.Variables;
    expect(env.WP_HTTP_BLOCK_EXTERNAL).toBe('true');
    expect(env.DISALLOW_FILE_MODS).toBe('true');
    expect(env.LAMPHP_DATABASE).toBe('sqlite');
    expect(env.DB_HOST).toBeUndefined();
    expect(env.LAMPHP_CANONICAL_HOST).toBeUndefined();
  });

  it('serves through a buffered Function URL without IAM auth (the origin secret guards it)', () => {
    site('sqlite-function-url').template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
    });
  });
});

describe('database servers', () => {
  it('mysql: RDS MySQL 8 t4g.micro behind RDS Proxy, credentials in Secrets Manager', () => {
    const s = site('mysql-function-url');
    s.template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EngineVersion: Match.stringLikeRegexp('^8\\.'),
      DBInstanceClass: 'db.t4g.micro',
      StorageEncrypted: true,
      Port: '3306',
    });
    const [proxyId] = only(s.json, 'AWS::RDS::DBProxy');
    const [secretId] = only(s.json, 'AWS::SecretsManager::Secret');
    const env = wordpressFunction(s).Properties.Environment.Variables;
    expect(env.DB_HOST).toEqual({ 'Fn::GetAtt': [proxyId, 'Endpoint'] });
    expect(env.DB_NAME).toBe('wordpress');
    expect(env.DB_USER).toBe('wordpress');
    expect(env.DB_SECRET_ARN).toEqual({ Ref: secretId });
    expect(env.LAMPHP_DATABASE).toBe('mysql');
    expect(env.WP_HTTP_BLOCK_EXTERNAL).toBeUndefined();
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: secretId } }),
        ]),
      },
      Roles: [{ Ref: logicalId(s, s.site.function.role!) }],
    });
    // The function needs Secrets Manager: one NAT gateway, the database in isolated subnets.
    s.template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('aurora: Serverless v2 that may pause at 0 ACU, behind RDS Proxy', () => {
    const s = site('aurora-function-url');
    s.template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-mysql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
      StorageEncrypted: true,
    });
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    only(s.json, 'AWS::RDS::DBProxy');
  });

  it('aurora without proxy in an existing VPC with a custom domain', () => {
    const s = site('aurora-no-proxy-existing-vpc-domain');
    s.template.resourceCountIs('AWS::EC2::VPC', 0);
    s.template.resourceCountIs('AWS::RDS::DBProxy', 0);
    const [clusterId] = only(s.json, 'AWS::RDS::DBCluster');
    const fn = wordpressFunction(s).Properties;
    expect(fn.VpcConfig.SubnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2']);
    expect(fn.Environment.Variables.DB_HOST).toEqual({ 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] });
    expect(fn.Environment.Variables.LAMPHP_CANONICAL_HOST).toBe('blog.example.com');
    expect(fn.Environment.Variables.LAMPHP_UPLOADS_URL).toBe('https://blog.example.com/wp-content/uploads');
    const d = distribution(s);
    expect(d.Aliases).toEqual(['blog.example.com']);
    expect(d.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(only(s.json, 'Custom::LamphpInstall')[1].Properties.SiteUrl).toBe('https://blog.example.com');
  });
});

describe('front doors', () => {
  it('http-api: HTTP API with a payload 2.0 Lambda integration as the CloudFront origin', () => {
    const s = site('sqlite-http-api');
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(s, s.site.function), 'Arn'] },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
    s.template.resourceCountIs('AWS::Lambda::Url', 0);
    const origin = (distribution(s).Origins as Json[]).find((o) => o.CustomOriginConfig !== undefined)!;
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(JSON.stringify(origin.DomainName)).toContain(logicalId(s, s.site.httpApi!));
  });

  it('alb: multi-value Lambda target reachable only with the origin secret', () => {
    const s = site('mysql-alb');
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }]),
    });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) })],
    });
    const env = wordpressFunction(s).Properties.Environment.Variables;
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: ORIGIN_SECRET_HEADER, Values: [env.LAMPHP_ORIGIN_SECRET] } }],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
    // The ALB needs public subnets; the function stays in private ones.
    const albSubnets = only(s.json, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1].Properties.Subnets as Json[];
    const fnSubnets = wordpressFunction(s).Properties.VpcConfig.SubnetIds as Json[];
    expect(albSubnets.some((x) => fnSubnets.some((y) => JSON.stringify(x) === JSON.stringify(y)))).toBe(false);
  });
});

describe('edge and install code', () => {
  it('the viewer-request function copies Host into x-forwarded-host', () => {
    const sandbox: { handler?: (e: unknown) => Json } = {};
    vm.runInNewContext(`${VIEWER_HOST_FUNCTION}\nthis.handler = handler;`, sandbox);
    const request = { uri: '/', headers: { host: { value: 'd111111abcdef8.cloudfront.net' }, 'x-forwarded-host': { value: 'evil.example' } } };
    const out = sandbox.handler!({ request });
    expect(out.headers['x-forwarded-host']).toEqual({ value: 'd111111abcdef8.cloudfront.net' });
  });

  async function runOnEvent(event: Json, reply: { Payload?: Uint8Array; FunctionError?: string } = {}) {
    const sent: Json[] = [];
    class InvokeCommand {
      input: Json;
      constructor(input: Json) {
        this.input = input;
      }
    }
    class LambdaClient {
      async send(cmd: InvokeCommand) {
        sent.push(cmd.input);
        return reply;
      }
    }
    const module = { exports: {} as { handler?: (e: Json) => Promise<Json> } };
    const fakeRequire = (id: string) => {
      if (id !== '@aws-sdk/client-lambda') throw new Error(`unexpected require ${id}`);
      return { LambdaClient, InvokeCommand };
    };
    new Function('require', 'exports', 'module', 'console', 'Buffer', INSTALL_ON_EVENT)(
      fakeRequire,
      module.exports,
      module,
      { log: () => {} },
      Buffer,
    );
    const result = await module.exports.handler!(event);
    return { result, sent };
  }

  const props = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    FunctionName: 'wp-fn',
    SiteId: 'wordpress',
    SiteUrl: 'https://d111111abcdef8.cloudfront.net',
    DistributionId: 'E2EXAMPLE',
    LayerVersionArn: 'arn:aws:lambda:eu-west-1:123456789012:layer:lamphp:3',
    AssetBucket: 'cdk-assets',
    AssetKey: 'abc.zip',
  };

  it('install contract: Create → mode install, Update → mode update, Delete → no invocation', async () => {
    const created = await runOnEvent({ RequestType: 'Create', ResourceProperties: props });
    expect(created.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
    expect(created.sent).toHaveLength(1);
    expect(created.sent[0]!.FunctionName).toBe('wp-fn');
    expect(JSON.parse(created.sent[0]!.Payload)).toEqual({
      lamphp: {
        command: 'install',
        mode: 'install',
        siteUrl: 'https://d111111abcdef8.cloudfront.net',
        distributionId: 'E2EXAMPLE',
        assetBucket: 'cdk-assets',
        assetKey: 'abc.zip',
      },
    });

    const { AssetBucket: _b, AssetKey: _k, ...noAsset } = props;
    const updated = await runOnEvent({ RequestType: 'Update', PhysicalResourceId: 'lamphp-install-wordpress', ResourceProperties: noAsset });
    expect(updated.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
    expect(JSON.parse(updated.sent[0]!.Payload).lamphp).toEqual({
      command: 'install',
      mode: 'update',
      siteUrl: 'https://d111111abcdef8.cloudfront.net',
      distributionId: 'E2EXAMPLE',
    });

    const deleted = await runOnEvent({ RequestType: 'Delete', PhysicalResourceId: 'lamphp-install-wordpress', ResourceProperties: props });
    expect(deleted.sent).toEqual([]);
    expect(deleted.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
  });

  it('a failed install fails the deployment with the function error', async () => {
    const payload = new TextEncoder().encode(JSON.stringify({ errorType: 'LamphpError', errorMessage: 'EFS not writable' }));
    await expect(runOnEvent({ RequestType: 'Create', ResourceProperties: props }, { FunctionError: 'Unhandled', Payload: payload })).rejects.toThrow(
      /lamphp install failed \(Unhandled\).*EFS not writable/,
    );
  });
});

describe('validation and context', () => {
  it('rejects a domain without certificate, a missing layer, and a partial existing VPC', () => {
    const app = new App({ outdir: path.join(tmp, 'invalid') });
    const stack = new Stack(app, 'Invalid');
    expect(() => new WordPressOnLambda(stack, 'A', { database: 'sqlite', layerZip, domainName: 'x.example.com' })).toThrow(/certificateArn/);
    expect(() => new WordPressOnLambda(stack, 'B', { database: 'sqlite', layerZip: path.join(tmp, 'none.zip') })).toThrow(/lamphp layer build/);
    expect(() => new WordPressOnLambda(stack, 'C', { database: 'sqlite', layerZip, vpcId: 'vpc-1', vpcAvailabilityZones: ['a'] })).toThrow(/vpcAvailabilityZones/);
  });

  it('the app defaults to the zero-fixed-cost configuration and parses context strings', () => {
    const defaults = propsFromContext(() => undefined);
    expect(defaults.database).toBe('sqlite');
    expect(defaults.frontDoor).toBe('function-url');
    expect(defaults.layerZip).toMatch(/dist\/lamphp-layer-php8\.3\.zip$/);
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

  it('the committed reference template is the default configuration', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../infra/template/wordpress-on-lambda.template.json'), 'utf8'));
    const types = new Set(Object.values(committed.Resources as Record<string, Json>).map((r) => r.Type));
    expect(types.has('AWS::Lambda::Url')).toBe(true);
    expect(types.has('AWS::EC2::NatGateway')).toBe(false);
    expect([...types].some((t) => t.startsWith('AWS::RDS::'))).toBe(false);
  });
});
