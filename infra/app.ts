/**
 * The ready-made CDK app: one WordPressOnLambda stack configured from CDK context
 * (`cdk synth -c database=mysql -c frontDoor=alb …`, or cdk.json). Every key is optional;
 * the defaults are the zero-fixed-cost stack: SQLite on EFS behind a Function URL and
 * CloudFront, in a VPC without NAT gateways or interface endpoints. Keys: README.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildRelay } from '../layer/relay.ts';
import { readCdkJson } from './feature-flags.ts';
import { resolveWordPressAsset } from './wordpress-asset.ts';
import {
  DEFAULT_LAYER_ZIP,
  WordPressOnLambda,
  type DatabaseKind,
  type FrontDoor,
  type WordPressOnLambdaProps,
} from './wordpress-on-lambda.ts';

/** Repository root: relative paths in context (layerZip, wordpress, siteAssetZip) are resolved from here. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_STACK_NAME = 'LamphpWordPress';

type Context = (key: string) => unknown;

function text(ctx: Context, key: string): string | undefined {
  const v = ctx(key);
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

function oneOf<T extends string>(ctx: Context, key: string, allowed: readonly T[], fallback: T): T {
  const v = text(ctx, key) ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new Error(`Context "${key}" must be one of ${allowed.join(', ')}, got "${v}".`);
  }
  return v as T;
}

function num(ctx: Context, key: string): number | undefined {
  const v = text(ctx, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`Context "${key}" must be a number ≥ 0, got "${v}".`);
  return n;
}

function bool(ctx: Context, key: string): boolean | undefined {
  const v = text(ctx, key);
  if (v === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new Error(`Context "${key}" must be true or false, got "${v}".`);
}

/** A JSON array or a comma-separated string. */
function list(ctx: Context, key: string): string[] | undefined {
  const v = ctx(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.map(String);
  const s = String(v).trim();
  if (s.startsWith('[')) return (JSON.parse(s) as unknown[]).map(String);
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

/** CloudWatch Logs accepts only its own list of retention periods. */
function retention(ctx: Context): logs.RetentionDays | undefined {
  const days = num(ctx, 'logRetentionDays');
  if (days === undefined) return undefined;
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v !== logs.RetentionDays.INFINITE);
  if (!allowed.includes(days)) throw new Error(`Context "logRetentionDays" must be one of ${allowed.join(', ')}, got "${days}".`);
  return days as logs.RetentionDays;
}

function fromRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.join(REPO_ROOT, p);
}

/** Every context key the app reads (README: "Context keys"); CDK's own keys contain `:` or `/`. */
export const CONTEXT_KEYS = [
  'database', 'frontDoor', 'architecture', 'memorySize', 'timeoutSeconds', 'originReadTimeoutSeconds', 'reservedConcurrency',
  'layerZip', 'wordpress', 'siteAssetZip',
  'siteId', 'domainName', 'certificateArn', 'sesIdentity', 'mailFrom', 'sesIdentityExists', 'originSecretRotation', 'cronRateMinutes', 'rdsProxy',
  'auroraMinCapacity', 'auroraMaxCapacity', 'deletionProtection', 'natGateways', 'vpcId', 'availabilityZones',
  'privateSubnetIds', 'publicSubnetIds', 'vpcCidrBlock', 'alarmEmail', 'logRetentionDays', 'stackName', 'account', 'region',
] as const;

/** A misspelt key would be ignored silently: refuse it, naming the keys there are. */
export function checkContextKeys(keys: string[]): void {
  const unknown = keys.filter((k) => !/[:/@]/.test(k) && !(CONTEXT_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new Error(`Unknown context key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; the keys are: ${CONTEXT_KEYS.join(', ')}.`);
  }
}

export type ContextProps = Omit<WordPressOnLambdaProps, 'wordpressZip' | 'relayZip'> & {
  /** A WordPress zip or folder from `wordpress` (or its older name `siteAssetZip`). */
  wordpressSource?: string;
};

/** Construct props from CDK context; unknown values fail with a sentence naming the key. */
export function propsFromContext(ctx: Context): ContextProps {
  const architecture = oneOf(ctx, 'architecture', ['arm64', 'x86_64'] as const, 'arm64');
  const timeoutSeconds = num(ctx, 'timeoutSeconds');
  const cronRateMinutes = num(ctx, 'cronRateMinutes');
  return {
    database: oneOf<DatabaseKind>(ctx, 'database', ['sqlite', 'mysql', 'aurora'], 'sqlite'),
    frontDoor: oneOf<FrontDoor>(ctx, 'frontDoor', ['function-url', 'http-api', 'alb'], 'function-url'),
    architecture: architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
    memorySize: num(ctx, 'memorySize'),
    timeout: timeoutSeconds === undefined ? undefined : Duration.seconds(timeoutSeconds),
    originReadTimeout: ((s) => (s === undefined ? undefined : Duration.seconds(s)))(num(ctx, 'originReadTimeoutSeconds')),
    reservedConcurrency: num(ctx, 'reservedConcurrency'),
    layerZip: fromRoot(text(ctx, 'layerZip') ?? DEFAULT_LAYER_ZIP),
    wordpressSource: ((source) => (source === undefined ? undefined : fromRoot(source)))(text(ctx, 'wordpress') ?? text(ctx, 'siteAssetZip')),
    siteId: text(ctx, 'siteId'),
    domainName: text(ctx, 'domainName'),
    certificateArn: text(ctx, 'certificateArn'),
    sesIdentity: text(ctx, 'sesIdentity'),
    mailFrom: text(ctx, 'mailFrom'),
    sesIdentityExists: bool(ctx, 'sesIdentityExists'),
    originSecretRotation: num(ctx, 'originSecretRotation'),
    cronRate: cronRateMinutes === undefined ? undefined : Duration.minutes(cronRateMinutes),
    rdsProxy: bool(ctx, 'rdsProxy'),
    auroraMinCapacity: num(ctx, 'auroraMinCapacity'),
    auroraMaxCapacity: num(ctx, 'auroraMaxCapacity'),
    deletionProtection: bool(ctx, 'deletionProtection'),
    natGateways: num(ctx, 'natGateways'),
    vpcId: text(ctx, 'vpcId'),
    vpcAvailabilityZones: list(ctx, 'availabilityZones'),
    vpcPrivateSubnetIds: list(ctx, 'privateSubnetIds'),
    vpcPublicSubnetIds: list(ctx, 'publicSubnetIds'),
    vpcCidrBlock: text(ctx, 'vpcCidrBlock'),
    alarmEmail: text(ctx, 'alarmEmail'),
    logRetention: retention(ctx),
  };
}

export interface BuiltApp {
  app: App;
  stack: Stack;
  site: WordPressOnLambda;
}

/** Where the synthesis builds the relay: where `lamphp relay build` writes it. */
export const RELAY_DIST = path.join(REPO_ROOT, 'dist');
let relayBuilt: Promise<string> | undefined;

/**
 * The relay's zip, built from this checkout once per process (esbuild, about a second; the same
 * sources give the same bytes, so the asset changes only when the relay does).
 */
export function relayZipForSynth(log: (line: string) => void = () => {}): Promise<string> {
  relayBuilt ??= buildRelay({ outDir: RELAY_DIST, print: log }).then((r) => r.zip);
  return relayBuilt;
}

/**
 * Builds the app: context from cdk.json, then `context` (CLI context wins over both when the CDK
 * CLI starts it); `overrides` win over all (the synth script swaps in placeholder layer, relay and
 * WordPress). Without a `wordpressZip` override, WordPress is resolved (infra/wordpress-asset.ts);
 * without a `relayZip` one, the relay is built (dist/lamphp-relay.zip).
 */
export async function buildApp(
  options: { outdir?: string; context?: Record<string, unknown>; overrides?: Partial<WordPressOnLambdaProps>; log?: (line: string) => void } = {},
): Promise<BuiltApp> {
  // cdk.json's feature flags apply however the app is started (the CDK CLI, synth.ts, tests).
  const context = { ...readCdkJson().context, ...options.context };
  const app = new App({ outdir: options.outdir, context, analyticsReporting: false });
  checkContextKeys(Object.keys(app.node.getAllContext()));
  const ctx: Context = (key) => app.node.tryGetContext(key);
  const { wordpressSource, ...props } = propsFromContext(ctx);
  const wordpressZip =
    options.overrides?.wordpressZip ?? (await resolveWordPressAsset({ source: wordpressSource, log: options.log ?? ((l) => console.error(l)) })).zip;
  const relayZip = options.overrides?.relayZip ?? (await relayZipForSynth());
  const account = text(ctx, 'account');
  const region = text(ctx, 'region');
  // Without account/region the stack is environment-agnostic: synth needs no credentials.
  const stack = new Stack(app, text(ctx, 'stackName') ?? DEFAULT_STACK_NAME, {
    description: 'WordPress on AWS Lambda with lamphp (PHP as WebAssembly on Node.js)',
    env: account !== undefined && region !== undefined ? { account, region } : undefined,
  });
  const site = new WordPressOnLambda(stack, 'WordPress', { ...props, wordpressZip, relayZip, ...options.overrides });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, site };
}

if (import.meta.main) {
  (await buildApp()).app.synth();
}
