/**
 * Running the site: the stack's custom resources (the origin secret, the install that puts
 * WordPress onto EFS on every deploy), the WP-Cron schedule and the alarms. Functions that work
 * outside the VPC for the site belong here too (the outbox relay: beside cron in `operate()`).
 *
 * Built in two steps because the origin secret is needed before the function exists:
 * `new SiteOperations()` (handler, provider, secret), then `operate(site)`.
 */
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Provider } from 'aws-cdk-lib/custom-resources';
import type { Construct, IConstruct } from 'constructs';
import {
  CRON_EVENT,
  FUNCTION_HANDLER,
  INSTALL_HANDLER_CODE,
  INSTALL_RESOURCE_TYPE,
  ORIGIN_SECRET_RESOURCE_TYPE,
  PARAMETERS,
} from '../contracts.ts';
import { Concern } from './concern.ts';
import { acknowledge, nagArn, BASIC_EXECUTION_ROLE } from './nag.ts';
import { parameterName } from './names.ts';
import { NODEJS_24, type SiteFunction } from './site-function.ts';

export interface SiteOperationsProps {
  readonly siteId: string;
  /** Bump to rotate the origin secret (0, 1, 2, …); the previous one stays accepted until the next. @default 0 */
  readonly originSecretRotation?: number;
  readonly logRetention?: logs.RetentionDays;
}

export interface OperateProps {
  readonly siteUrl: string;
  readonly distributionId: string;
  /** The WordPress zip the install puts on EFS (uploaded as a CDK asset, read through the S3 gateway endpoint). */
  readonly wordpressZip: string;
  /** What the install must wait for besides the function (the S3 gateway endpoint, the database and its proxy). */
  readonly installAfter?: IConstruct[];
  /** WP-Cron schedule. @default 5 minutes */
  readonly cronRate?: Duration;
  /** Who the alarms e-mail (SNS asks the address to confirm first). @default no subscription */
  readonly alarmEmail?: string;
}

/** The origin secret: `current` is what CloudFront sends; `previous` is still accepted after a rotation. */
export interface OriginSecret {
  readonly current: string;
  readonly previous?: string;
}

export class SiteOperations extends Concern {
  readonly originSecret: OriginSecret;
  /** SSM SecureString parameter the install stores the first admin password in. */
  readonly adminPasswordParameterName: string;
  private readonly handler: lambda.Function;
  private readonly provider: Provider;
  private readonly siteId: string;
  private operated?: {
    install: CustomResource;
    cronRule: events.Rule;
    errorsAlarm: cloudwatch.Alarm;
    throttlesAlarm: cloudwatch.Alarm;
    alarmTopic: sns.Topic;
  };

  constructor(scope: Construct, id: string, props: SiteOperationsProps) {
    super(scope, id);
    this.siteId = props.siteId;
    const handlerLogs = new logs.LogGroup(this, 'InstallLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Kept after a delete (they expire by their retention); removed when the first create fails.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.handler = new lambda.Function(this, 'InstallOnEvent', {
      description: 'lamphp install: turns CloudFormation custom-resource events into lamphp install commands',
      runtime: NODEJS_24,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromInline(INSTALL_HANDLER_CODE),
      handler: FUNCTION_HANDLER,
      timeout: Duration.minutes(15),
      logGroup: handlerLogs,
    });
    this.provider = new Provider(this, 'InstallProvider', { onEventHandler: this.handler, logGroup: handlerLogs });
    this.adminPasswordParameterName = parameterName(this, props.siteId, PARAMETERS.adminPassword);
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
        resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: this.adminPasswordParameterName.slice(1) })],
      }),
    );
    this.originSecret = this.originSecrets(props.originSecretRotation ?? 0);
    acknowledge(this.handler, BASIC_EXECUTION_ROLE, 'AWSLambdaBasicExecutionRole only allows writing the function\'s own CloudWatch logs.');
    acknowledge(this.provider, BASIC_EXECUTION_ROLE, 'The custom-resource provider framework function only writes its own CloudWatch logs.');
    acknowledge(this.provider, `AwsSolutions-IAM5[Resource::${nagArn(this.handler)}:*]`, 'The provider framework may invoke only the install onEvent function and its versions.');
  }

  /**
   * Two slots, A and B: rotation n regenerates slot n % 2 (its `Generation` changes) and makes it
   * current, while the other slot keeps the secret CloudFront sent until now.
   */
  private originSecrets(rotation: number): OriginSecret {
    if (!Number.isInteger(rotation) || rotation < 0) {
      throw new Error(`originSecretRotation must be a whole number ≥ 0 (bump it by one to rotate), got ${rotation}.`);
    }
    const slot = (name: 'A' | 'B', parity: number) =>
      new CustomResource(this, `OriginSecret${name}`, {
        serviceToken: this.provider.serviceToken,
        resourceType: ORIGIN_SECRET_RESOURCE_TYPE,
        properties: { Slot: name, Generation: String(rotation % 2 === parity ? rotation : rotation - 1) },
      }).getAttString('Value');
    const a = slot('A', 0);
    const b = slot('B', 1);
    const [current, previous] = rotation % 2 === 0 ? [a, b] : [b, a];
    return rotation === 0 ? { current } : { current, previous };
  }

  /** The install, WP-Cron and the alarms for the site's function. */
  operate(site: SiteFunction, props: OperateProps): void {
    const fn = site.function;
    const errorsAlarm = fn.metricErrors({ period: Duration.minutes(5) }).createAlarm(this, 'ErrorsAlarm', {
      alarmDescription: 'lamphp WordPress function invocations failed',
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const throttlesAlarm = fn.metricThrottles({ period: Duration.minutes(5) }).createAlarm(this, 'ThrottlesAlarm', {
      alarmDescription: 'lamphp WordPress function invocations were throttled',
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Alarms notify a topic (free while idle); subscribe e-mail, chat or paging to it.
    const alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `lamphp WordPress ${this.siteId} alarms`, enforceSSL: true });
    if (props.alarmEmail !== undefined) {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.alarmEmail)) throw new Error(`alarmEmail must be an e-mail address, got "${props.alarmEmail}".`);
      alarmTopic.addSubscription(new snsSubscriptions.EmailSubscription(props.alarmEmail));
    }
    for (const alarm of [errorsAlarm, throttlesAlarm]) alarm.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic));
    acknowledge(alarmTopic, 'AwsSolutions-SNS2', 'Server-side encryption needs a customer managed KMS key (a fixed monthly cost) for CloudWatch to publish; alarm notifications carry no site data.');
    // WP-Cron runs once per tick: EventBridge invokes asynchronously, and Lambda would retry a
    // failed run twice; the next tick does whatever is still due instead.
    const cronRate = props.cronRate ?? Duration.minutes(5);
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.seconds(Math.min(21600, Math.max(60, cronRate.toSeconds()))) });
    const cronRule = new events.Rule(this, 'Cron', {
      description: 'WP-Cron for the lamphp WordPress site',
      schedule: events.Schedule.rate(cronRate),
      targets: [new eventsTargets.LambdaFunction(fn, { event: events.RuleTargetInput.fromObject(CRON_EVENT), retryAttempts: 0 })],
    });
    const install = this.installResource(site, props);
    for (const c of props.installAfter ?? []) install.node.addDependency(c);
    this.operated = { install, cronRule, errorsAlarm, throttlesAlarm, alarmTopic };
  }

  private installResource(site: SiteFunction, props: OperateProps): CustomResource {
    // A policy of its own: the handler's default policy must not depend on the function, whose
    // environment depends on the handler (the origin secret).
    const invoke = new iam.Policy(this, 'InstallInvokePolicy', {
      roles: [this.handler.role!],
      statements: [
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [site.function.functionArn, `${site.function.functionArn}:*`] }),
      ],
    });
    const properties: Record<string, string> = {
      FunctionName: site.function.functionName,
      SiteId: this.siteId,
      SiteUrl: props.siteUrl,
      DistributionId: props.distributionId,
      AdminPasswordParameter: this.adminPasswordParameterName,
      // A new layer version is a new runtime: run the update step again.
      LayerVersionArn: site.layer.layerVersionArn,
    };
    // A new WordPress is a new asset key: the install runs again, in update mode.
    const asset = new s3assets.Asset(this, 'SiteAsset', { path: props.wordpressZip });
    // That one object, not the whole asset bucket (which holds every CDK asset of the account).
    site.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)] }),
    );
    properties.AssetBucket = asset.s3BucketName;
    properties.AssetKey = asset.s3ObjectKey;
    acknowledge(invoke, `AwsSolutions-IAM5[Resource::${nagArn(site.function)}:*]`, 'Invoke permission on the WordPress function and its versions/aliases only.');
    const install = new CustomResource(this, 'Install', { serviceToken: this.provider.serviceToken, resourceType: INSTALL_RESOURCE_TYPE, properties });
    install.node.addDependency(invoke);
    return install;
  }

  private get done() {
    if (!this.operated) throw new Error('SiteOperations.operate() has not been called yet.');
    return this.operated;
  }
  get install(): CustomResource {
    return this.done.install;
  }
  get cronRule(): events.Rule {
    return this.done.cronRule;
  }
  get errorsAlarm(): cloudwatch.Alarm {
    return this.done.errorsAlarm;
  }
  get throttlesAlarm(): cloudwatch.Alarm {
    return this.done.throttlesAlarm;
  }
  get alarmTopic(): sns.Topic {
    return this.done.alarmTopic;
  }
}
