/**
 * What a synthesized CloudFormation template says about the resources a bill depends on, read
 * the way CloudFormation documents each property (and its default when the template leaves it
 * out). Resources with a standing charge that this reader does not know are listed, so nothing
 * with a price is dropped silently.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface Behavior {
  /** CloudFront path pattern; `*` for the default behavior. */
  pathPattern: string;
  /** A CloudFront Function runs on viewer requests of this behavior. */
  viewerFunction: boolean;
  /** Uploads bucket (S3 origin) rather than the function. */
  s3Origin: boolean;
  /** The cache policy's TTL bounds, seconds. */
  ttl: { min: number; default: number; max: number };
  /** Methods CloudFront caches (GET and HEAD; OPTIONS when the behavior says so). */
  cachedMethods: string[];
}

/**
 * AWS-managed cache policies a template names by id, with their TTLs, from
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html (read 2026-12-04).
 */
export const MANAGED_CACHE_POLICIES: Record<string, { name: string; min: number; default: number; max: number }> = {
  '658327ea-f89d-4fab-a63d-7e88639e58f6': { name: 'CachingOptimized', min: 1, default: 86_400, max: 31_536_000 },
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': { name: 'CachingDisabled', min: 0, default: 0, max: 0 },
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': { name: 'CachingOptimizedForUncompressedObjects', min: 1, default: 86_400, max: 31_536_000 },
};

export interface StackShape {
  database: 'sqlite' | 'mysql' | 'aurora';
  siteFunction: { logicalId: string; memoryMb: number; architecture: 'arm64' | 'x86_64'; timeoutS: number; logRetentionDays: number | null };
  /** Every other function (install handlers, an outbox relay…): billed per invocation, which the usage must name. */
  otherFunctions: string[];
  /** Minutes between WP-Cron invocations (an EventBridge rate schedule targeting the site function). */
  cronRateMinutes: number | null;
  /**
   * The outbox relay's sweep: the function the bucket's notification invokes for outbox jobs, on a
   * rate schedule of its own — invoked (and listing the outbox) whether anyone visits or not.
   */
  relaySweep: { logicalId: string; memoryMb: number; architecture: 'arm64' | 'x86_64'; rateMinutes: number } | null;
  efsFileSystems: number;
  efsThroughputMode: string | null;
  buckets: number;
  behaviors: Behavior[];
  cloudFrontFunctions: number;
  alarms: number;
  natGateways: number;
  /** Public IPv4 addresses held while the stack exists (NAT gateways' addresses, internet-facing load balancer nodes). */
  publicIpv4: number;
  interfaceEndpoints: number;
  rdsInstances: Array<{ instanceClass: string; storageGb: number; storageType: string; multiAz: boolean }>;
  auroraClusters: Array<{ minAcu: number; maxAcu: number }>;
  rdsProxies: number;
  loadBalancers: number;
  secrets: number;
  backupPlans: number;
  /** EFS file systems with automatic backups on (BackupPolicy ENABLED): AWS Backup's default plan, billed as AWS Backup storage. */
  efsAutomaticBackups: number;
  /**
   * Days without access after which EFS lifecycle management moves a file to Infrequent Access
   * (the file system's LifecyclePolicies TransitionToIA), or null when nothing moves (the default).
   */
  efsInfrequentAccessAfterDays: number | null;
  /** Resource types with a standing or usage charge this reader does not price. */
  unpriced: string[];
}

/** Types known to cost nothing by themselves (or only through usage priced elsewhere). */
const FREE_TYPES = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::Route',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress', 'AWS::EFS::MountTarget', 'AWS::EFS::AccessPoint', 'AWS::S3::BucketPolicy',
  'AWS::Lambda::LayerVersion', 'AWS::Lambda::Permission', 'AWS::Lambda::Url', 'AWS::Lambda::EventInvokeConfig',
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::CloudFront::CachePolicy', 'AWS::CloudFront::OriginRequestPolicy',
  'AWS::CloudFront::ResponseHeadersPolicy', 'AWS::CloudFront::OriginAccessControl', 'AWS::SSM::Parameter', 'AWS::Events::Rule',
  'AWS::Logs::LogGroup', 'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBParameterGroup', 'AWS::RDS::DBClusterParameterGroup',
  'AWS::RDS::DBProxyTargetGroup', 'AWS::SecretsManager::SecretTargetAttachment', 'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::SNS::Topic', 'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy', 'AWS::Backup::BackupVault', 'AWS::Backup::BackupSelection', 'AWS::SES::EmailIdentity',
  // A metric filter publishes (and its custom metric is billed) only when a log line matches: none without a DefaultValue.
  'AWS::Logs::MetricFilter',
  'AWS::S3::BucketNotification', 'Custom::S3BucketNotifications', 'AWS::CDK::Metadata', 'AWS::Lambda::Alias', 'AWS::Lambda::Version',
]);
/** Types this reader prices (through the shape above). */
const PRICED_TYPES = new Set([
  'AWS::Lambda::Function', 'AWS::EFS::FileSystem', 'AWS::S3::Bucket', 'AWS::CloudFront::Distribution', 'AWS::CloudFront::Function',
  'AWS::CloudWatch::Alarm', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::VPCEndpoint', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster',
  'AWS::RDS::DBProxy', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::SecretsManager::Secret', 'AWS::Backup::BackupPlan',
]);

export const TEMPLATE_FILE = path.resolve(import.meta.dirname, '../../infra/template/wordpress-on-lambda.template.json');

export function readTemplate(file = TEMPLATE_FILE): Template {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Template;
}

type Props = Record<string, unknown>;
const props = (r: { Properties?: Props }): Props => r.Properties ?? {};

function ofType(t: Template, type: string): Array<[string, Props]> {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, props(r)]);
}

function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  }
  return undefined;
}

/** The function lamphp runs in: the one whose environment names a document root. */
function siteFunction(t: Template): [string, Props] {
  const found = ofType(t, 'AWS::Lambda::Function').filter(([, p]) => {
    const vars = ((p.Environment as Props | undefined)?.Variables ?? {}) as Props;
    return 'LAMPHP_DOCUMENT_ROOT' in vars;
  });
  if (found.length !== 1) throw new Error(`Expected one Lambda function with LAMPHP_DOCUMENT_ROOT in the template, found ${found.length}.`);
  return found[0]!;
}

/** `rate(5 minutes)` → 5. Cron expressions are refused: the replay needs a fixed period. */
export function rateMinutes(expression: string): number {
  const m = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) throw new Error(`Schedule "${expression}" is not a rate() expression; the replay needs a fixed period.`);
  const n = Number(m[1]);
  return m[2]!.startsWith('minute') ? n : m[2]!.startsWith('hour') ? n * 60 : n * 1440;
}

export function cronRateMinutes(t: Template): number | null {
  const [fnId] = siteFunction(t);
  for (const [, p] of ofType(t, 'AWS::Events::Rule')) {
    const targets = (p.Targets ?? []) as Props[];
    const cron = targets.some((target) => refId(target.Arn) === fnId && /"command"\s*:\s*"cron"/.test(String(target.Input ?? '')));
    if (cron && typeof p.ScheduleExpression === 'string') return rateMinutes(p.ScheduleExpression);
  }
  return null;
}

export function relaySweep(t: Template): StackShape['relaySweep'] {
  const relayIds = new Set<string>();
  for (const [, p] of ofType(t, 'Custom::S3BucketNotifications')) {
    for (const c of (((p.NotificationConfiguration as Props | undefined)?.LambdaFunctionConfigurations ?? []) as Props[])) {
      const id = refId(c.LambdaFunctionArn);
      if (id) relayIds.add(id);
    }
  }
  for (const [, p] of ofType(t, 'AWS::Events::Rule')) {
    const target = ((p.Targets ?? []) as Props[]).find((x) => relayIds.has(refId(x.Arn) ?? ''));
    if (!target || typeof p.ScheduleExpression !== 'string') continue;
    const id = refId(target.Arn)!;
    const fn = props(t.Resources[id]!);
    return {
      logicalId: id,
      memoryMb: Number(fn.MemorySize ?? 128),
      architecture: ((fn.Architectures as string[] | undefined)?.[0] ?? 'x86_64') as 'arm64' | 'x86_64',
      rateMinutes: rateMinutes(p.ScheduleExpression),
    };
  }
  return null;
}

function behaviors(t: Template): Behavior[] {
  const dists = ofType(t, 'AWS::CloudFront::Distribution');
  if (dists.length !== 1) throw new Error(`Expected one CloudFront distribution, found ${dists.length}.`);
  const config = dists[0]![1].DistributionConfig as Props;
  const origins = (config.Origins ?? []) as Props[];
  const isS3 = (originId: unknown) => {
    const origin = origins.find((o) => o.Id === originId);
    return !!origin && ('S3OriginConfig' in origin || /s3/i.test(JSON.stringify(origin.DomainName ?? '')));
  };
  const ttlOf = (policyId: unknown): Behavior['ttl'] => {
    const ref = refId(policyId);
    if (ref) {
      const c = (props(t.Resources[ref] ?? {}).CachePolicyConfig ?? {}) as Props;
      return { min: Number(c.MinTTL ?? 0), default: Number(c.DefaultTTL ?? 86_400), max: Number(c.MaxTTL ?? 31_536_000) };
    }
    const managed = MANAGED_CACHE_POLICIES[String(policyId)];
    if (!managed) throw new Error(`Cache policy ${JSON.stringify(policyId)} is neither in the template nor in MANAGED_CACHE_POLICIES.`);
    return { min: managed.min, default: managed.default, max: managed.max };
  };
  const toBehavior = (b: Props, pattern: string): Behavior => ({
    pathPattern: pattern,
    viewerFunction: ((b.FunctionAssociations ?? []) as Props[]).some((f) => f.EventType === 'viewer-request'),
    s3Origin: isS3(b.TargetOriginId),
    ttl: ttlOf(b.CachePolicyId),
    cachedMethods: (b.CachedMethods as string[] | undefined) ?? ['GET', 'HEAD'],
  });
  const ordered = ((config.CacheBehaviors ?? []) as Props[]).map((b) => toBehavior(b, String(b.PathPattern)));
  return [...ordered, toBehavior(config.DefaultCacheBehavior as Props, '*')];
}

/** CloudFront path patterns: case-sensitive, `*` any run of characters, `?` one; the leading slash is optional. */
export function matchesPathPattern(pattern: string, urlPath: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.replace(/^\//, '');
  const re = new RegExp(`^/${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(urlPath);
}

/** The behavior CloudFront applies: the first in order whose pattern matches, else the default. */
export function behaviorFor(shape: Pick<StackShape, 'behaviors'>, urlPath: string): Behavior {
  return shape.behaviors.find((b) => matchesPathPattern(b.pathPattern, urlPath)) ?? shape.behaviors.at(-1)!;
}

/** `AFTER_30_DAYS` → 30, `AFTER_1_DAY` → 1: the TransitionToIA of the (first) file system, or null when it has none. */
export function efsInfrequentAccessAfterDays(t: Template): number | null {
  const [first] = ofType(t, 'AWS::EFS::FileSystem');
  if (!first) return null;
  const policies = (first[1].LifecyclePolicies ?? []) as Props[];
  const toIa = policies.find((p) => p.TransitionToIA !== undefined)?.TransitionToIA;
  if (toIa === undefined) return null;
  const m = /^AFTER_(\d+)_DAYS?$/.exec(String(toIa));
  if (!m) throw new Error(`EFS TransitionToIA "${String(toIa)}" is not AFTER_<n>_DAYS.`);
  return Number(m[1]);
}

export function stackShape(t: Template): StackShape {
  const [fnId, fn] = siteFunction(t);
  const logGroupId = refId((fn.LoggingConfig as Props | undefined)?.LogGroup);
  const logGroup = logGroupId ? props(t.Resources[logGroupId] ?? {}) : undefined;
  const clusters = ofType(t, 'AWS::RDS::DBCluster');
  const instances = ofType(t, 'AWS::RDS::DBInstance').filter(([, p]) => p.DBClusterIdentifier === undefined);
  const albs = ofType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(([, p]) => (p.Type ?? 'application') === 'application');
  const seen = new Set(Object.values(t.Resources).map((r) => r.Type));
  return {
    database: clusters.length ? 'aurora' : instances.length ? 'mysql' : 'sqlite',
    siteFunction: {
      logicalId: fnId,
      memoryMb: Number(fn.MemorySize ?? 128),
      architecture: ((fn.Architectures as string[] | undefined)?.[0] ?? 'x86_64') as 'arm64' | 'x86_64',
      timeoutS: Number(fn.Timeout ?? 3),
      logRetentionDays: logGroup?.RetentionInDays === undefined ? null : Number(logGroup.RetentionInDays),
    },
    otherFunctions: ofType(t, 'AWS::Lambda::Function').map(([id]) => id).filter((id) => id !== fnId),
    cronRateMinutes: cronRateMinutes(t),
    relaySweep: relaySweep(t),
    efsFileSystems: ofType(t, 'AWS::EFS::FileSystem').length,
    efsThroughputMode: (ofType(t, 'AWS::EFS::FileSystem')[0]?.[1].ThroughputMode as string | undefined) ?? (ofType(t, 'AWS::EFS::FileSystem').length ? 'bursting' : null),
    buckets: ofType(t, 'AWS::S3::Bucket').length,
    behaviors: behaviors(t),
    cloudFrontFunctions: ofType(t, 'AWS::CloudFront::Function').length,
    alarms: ofType(t, 'AWS::CloudWatch::Alarm').length,
    natGateways: ofType(t, 'AWS::EC2::NatGateway').length,
    publicIpv4:
      ofType(t, 'AWS::EC2::NatGateway').length +
      albs.filter(([, p]) => (p.Scheme ?? 'internet-facing') === 'internet-facing').reduce((n, [, p]) => n + ((p.Subnets as unknown[] | undefined)?.length ?? (p.SubnetMappings as unknown[] | undefined)?.length ?? 2), 0),
    interfaceEndpoints: ofType(t, 'AWS::EC2::VPCEndpoint').filter(([, p]) => p.VpcEndpointType === 'Interface').length,
    rdsInstances: instances.map(([, p]) => ({
      instanceClass: String(p.DBInstanceClass),
      storageGb: Number(p.AllocatedStorage ?? 20),
      storageType: String(p.StorageType ?? 'gp2'),
      multiAz: p.MultiAZ === true || p.MultiAZ === 'true',
    })),
    auroraClusters: clusters.map(([, p]) => {
      const s = (p.ServerlessV2ScalingConfiguration ?? {}) as Props;
      return { minAcu: Number(s.MinCapacity ?? 0.5), maxAcu: Number(s.MaxCapacity ?? 1) };
    }),
    rdsProxies: ofType(t, 'AWS::RDS::DBProxy').length,
    loadBalancers: albs.length,
    secrets: ofType(t, 'AWS::SecretsManager::Secret').length,
    backupPlans: ofType(t, 'AWS::Backup::BackupPlan').length,
    efsAutomaticBackups: ofType(t, 'AWS::EFS::FileSystem').filter(([, p]) => (p.BackupPolicy as Props | undefined)?.Status === 'ENABLED').length,
    efsInfrequentAccessAfterDays: efsInfrequentAccessAfterDays(t),
    unpriced: [...seen].filter((type) => !FREE_TYPES.has(type) && !PRICED_TYPES.has(type) && !type.startsWith('Custom::')).sort(),
  };
}
