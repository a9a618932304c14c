/**
 * The outbox relay: a small function outside the VPC that performs the jobs the site writes to
 * `.lamphp-outbox/jobs/` in the uploads bucket (SES mail, CloudFront invalidations) — the
 * zero-fixed-cost VPC reaches S3 through its gateway endpoint and no other AWS API.
 *
 *   site ── PutObject .lamphp-outbox/jobs/<id>.json ─► bucket ── ObjectCreated (prefix, .json) ─► relay ─► SES, CloudFront
 *                                                           Lambda's 2 retries spent ─► on-failure: the same zip moves the job to failed/
 *   every 5 minutes ─► relay (sweep: jobs waiting longer than LAMPHP_OUTBOX_RETRY_MINUTES)
 *   "outbox-job-failed" log lines ─► metric ─► alarm ─► the stack's SNS topic
 *
 * Permissions are per prefix: the relay reads jobs and markers, writes markers and failed jobs,
 * deletes jobs; sends from the site's SES identity only; invalidates the site's distribution only.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { CLAIM_LEASE_MS } from '../../bridge/outbox/relay.ts';
import { ENV, OUTBOX, RELAY_FAILED_EVENT, RELAY_HANDLER } from '../contracts.ts';
import { Concern } from './concern.ts';
import type { SiteMail } from './mail.ts';
import { acknowledge, nagArn, BASIC_EXECUTION_ROLE } from './nag.ts';
import { NODEJS_24 } from './site-function.ts';
import type { SiteStorage } from './storage.ts';

/** The relay's timeout: an API call or two and a few S3 requests; well below a claim's lease. */
export const RELAY_TIMEOUT = Duration.seconds(120);
/** Lambda retries a failed asynchronous invocation twice (1 and 2 minutes later), for up to 6 hours. */
const RELAY_RETRIES = 2;
export const SWEEP_RATE = Duration.minutes(5);

export interface SiteRelayProps {
  readonly storage: SiteStorage;
  readonly siteId: string;
  /** The distribution the relay may invalidate. */
  readonly distribution: cloudfront.IDistribution;
  /** Where the alarm on failed jobs goes. */
  readonly alarmTopic: sns.ITopic;
  /** The zip `lamphp relay build` writes (dist/lamphp-relay.zip). */
  readonly relayZip: string;
  /** The SES identity the relay may send from; without one, mail jobs fail (the site has no mail transport then). */
  readonly mail?: SiteMail;
  readonly logRetention?: logs.RetentionDays;
}

export class SiteRelay extends Concern {
  /** Performs jobs (bucket notification, sweep). */
  readonly relay: lambda.Function;
  /** Lambda's on-failure destination of the relay: moves the job to failed/ with the error. */
  readonly onFailure: lambda.Function;
  readonly sweepRule: events.Rule;
  readonly failedJobsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SiteRelayProps) {
    super(scope, id);
    if (RELAY_TIMEOUT.toMilliseconds() >= CLAIM_LEASE_MS) {
      throw new Error(`The relay's timeout (${RELAY_TIMEOUT.toSeconds()} s) must stay below a claim's lease (${CLAIM_LEASE_MS / 1000} s), or a living run could be overtaken.`);
    }
    const bucket = props.storage.uploadsBucket;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const code = lambda.Code.fromAsset(props.relayZip);
    const make = (name: string, description: string) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention,
        // Kept after a delete (they expire by their retention); removed when the first create fails.
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
      const fn = new lambda.Function(this, name, {
        description,
        runtime: NODEJS_24,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: RELAY_TIMEOUT,
        code,
        handler: RELAY_HANDLER,
        // Outside any VPC: it reaches SES and CloudFront, which the site's VPC cannot.
        environment: { [ENV.uploadsBucket]: bucket.bucketName },
        logGroup,
      });
      return { fn, logGroup };
    };
    const relay = make('OutboxRelay', 'lamphp outbox relay: performs the SES and CloudFront jobs the site writes to .lamphp-outbox/jobs/');
    const failed = make('OutboxRelayOnFailure', 'lamphp outbox relay, on-failure destination: moves a job whose retries are spent to .lamphp-outbox/failed/');
    this.relay = relay.fn;
    this.onFailure = failed.fn;

    const objects = (...prefixes: string[]) => prefixes.map((p) => bucket.arnForObjects(`${p}*`));
    // s3:prefix also governs the answer for a missing key: 404 only if the caller may list that key.
    const list = (...prefixes: string[]) =>
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } });
    for (const statement of [
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects(OUTBOX.jobs, OUTBOX.sent) }),
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: objects(OUTBOX.sent, OUTBOX.failed) }),
      new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(OUTBOX.jobs) }),
      list(OUTBOX.jobs, OUTBOX.sent),
    ]) {
      this.relay.addToRolePolicy(statement);
    }
    for (const statement of [
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects(OUTBOX.jobs, OUTBOX.sent) }),
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: objects(OUTBOX.failed) }),
      new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(OUTBOX.jobs) }),
      list(OUTBOX.jobs, OUTBOX.sent),
    ]) {
      this.onFailure.addToRolePolicy(statement);
    }
    props.mail?.grantSend(this.relay);
    this.relay.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudfront:CreateInvalidation'], resources: [props.distribution.distributionArn] }));

    // S3 invokes asynchronously: Lambda retries twice, then hands the record to the on-failure function.
    this.relay.configureAsyncInvoke({
      retryAttempts: RELAY_RETRIES,
      maxEventAge: Duration.hours(6),
      onFailure: new lambdaDestinations.LambdaDestination(this.onFailure, { responseOnly: false }),
    });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(this.relay), { prefix: OUTBOX.jobs, suffix: OUTBOX.jobSuffix });
    // A lost notification or a run that timed out: the sweep performs jobs that waited too long.
    this.sweepRule = new events.Rule(this, 'OutboxSweep', {
      description: 'lamphp outbox relay: performs jobs that waited past their retry delay',
      schedule: events.Schedule.rate(SWEEP_RATE),
      targets: [new eventsTargets.LambdaFunction(this.relay, { retryAttempts: 0 })],
    });

    const metric = { namespace: `lamphp/${Stack.of(this).stackName}/${props.siteId}`, name: 'OutboxJobsFailed' };
    for (const [name, group] of [['OutboxRelayFailedJobs', relay.logGroup], ['OutboxRelayOnFailureFailedJobs', failed.logGroup]] as const) {
      new logs.MetricFilter(this, name, {
        logGroup: group,
        filterPattern: logs.FilterPattern.stringValue('$.event', '=', RELAY_FAILED_EVENT),
        metricNamespace: metric.namespace,
        metricName: metric.name,
        metricValue: '1',
      });
    }
    this.failedJobsAlarm = new cloudwatch.Metric({ namespace: metric.namespace, metricName: metric.name, statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(this, 'OutboxFailedAlarm', {
      alarmDescription: 'lamphp outbox jobs moved to .lamphp-outbox/failed/ (lamphp outbox list shows them, lamphp outbox retry replays them)',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedJobsAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
    this.acknowledgeFindings(bucket);
  }

  private acknowledgeFindings(bucket: s3.IBucket): void {
    const prefixes = { [OUTBOX.jobs]: 'waiting jobs', [OUTBOX.sent]: 'sent-markers', [OUTBOX.failed]: 'failed jobs' };
    for (const fn of [this.relay, this.onFailure]) {
      acknowledge(fn.role, BASIC_EXECUTION_ROLE, "AWSLambdaBasicExecutionRole only allows writing the function's own CloudWatch logs.");
      for (const [prefix, what] of Object.entries(prefixes)) {
        acknowledge(fn.role, `AwsSolutions-IAM5[Resource::${nagArn(bucket)}/${prefix}*]`, `Object actions on the outbox's ${what} (${prefix}), which are named by job id; nothing else of the bucket.`);
      }
    }
    acknowledge(this.relay.role, `AwsSolutions-IAM5[Resource::${nagArn(this.onFailure)}:*]`, 'Lambda invokes the on-failure destination (the relay\'s own second function) with the relay\'s role; its versions only.');
  }
}
