/**
 * The WordPress function: `nodejs24.x` with the lamphp layer (started by
 * AWS_LAMBDA_EXEC_WRAPPER), in the VPC, with the site's EFS access point mounted, its settings
 * in the environment (infra/contracts.ts) and access to exactly what it uses of the uploads
 * bucket (the uploads, direct uploads waiting under `.lamphp-incoming/`, and — where jobs go
 * through the outbox — writing new jobs, nothing else of `.lamphp-outbox/`) and the database
 * secret.
 */
import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  DOCUMENT_ROOT,
  ENV,
  EXEC_WRAPPER,
  FUNCTION_HANDLER,
  INCOMING_PREFIX,
  MOUNT_PATH,
  OUTBOX,
  ORIGIN_SECRET_HEADER,
  PLACEHOLDER_HANDLER_CODE,
  SESSION_DIR,
  UPLOADS_PREFIX,
  VIEWER_ADDRESS_HEADER,
} from '../contracts.ts';
import { Concern } from './concern.ts';
import type { SiteDatabase } from './database.ts';
import { acknowledge, nagArn, BASIC_EXECUTION_ROLE, VPC_EXECUTION_ROLE } from './nag.ts';
import type { SiteNetwork } from './network.ts';
import type { OriginSecret } from './operations.ts';
import type { SiteStorage } from './storage.ts';

export const NODEJS_24 = lambda.Runtime.NODEJS_24_X ?? new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS);

/**
 * How the function's SES and CloudFront jobs leave (LAMPHP_AWS_ROUTE): `outbox` where its VPC
 * reaches no AWS API but S3 (the relay performs them), `direct` where a NAT gateway gives a route.
 */
export type AwsRoute = 'direct' | 'outbox';

export interface SiteFunctionProps {
  readonly network: SiteNetwork;
  readonly storage: SiteStorage;
  /** The MySQL database; SQLite on EFS without one. */
  readonly database?: SiteDatabase;
  readonly siteId: string;
  /** Path of the lamphp layer zip. */
  readonly layerZip: string;
  readonly originSecret: OriginSecret;
  /** Description of the shape, e.g. `sqlite, function-url`. */
  readonly shape: string;
  /** How long the front door waits for an HTTP answer (PHP for HTTP events stops by then). */
  readonly frontDoorTimeout: Duration;
  /**
   * Reserved concurrency: a cap on instances (cost, SQLite writers). Unset by default: an account
   * whose concurrency limit is 10 cannot reserve any. @default none
   */
  readonly reservedConcurrency?: number;
  readonly architecture?: lambda.Architecture;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly domainName?: string;
  readonly logRetention?: logs.RetentionDays;
  /** See AwsRoute. */
  readonly awsRoute: AwsRoute;
  /** The verified SES sender (LAMPHP_MAIL_FROM); without one the site has no mail transport. */
  readonly mailFrom?: string;
}

export class SiteFunction extends Concern {
  readonly function: lambda.Function;
  readonly securityGroup: ec2.SecurityGroup;
  readonly layer: lambda.LayerVersion;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SiteFunctionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(120);
    if (timeout.toSeconds() > 900) throw new Error(`The function timeout is at most 900 s (Lambda's limit), got ${timeout.toSeconds()} s.`);
    if (props.frontDoorTimeout.toMilliseconds() > timeout.toMilliseconds()) {
      throw new Error(`The function timeout (${timeout.toSeconds()} s) must be at least the front door's (${props.frontDoorTimeout.toSeconds()} s): raise timeoutSeconds or lower the origin read timeout.`);
    }
    if (props.reservedConcurrency !== undefined && (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1)) {
      throw new Error(`reservedConcurrency must be a whole number ≥ 1 (leave it unset for no reservation), got ${props.reservedConcurrency}.`);
    }
    if (!existsSync(props.layerZip)) {
      throw new Error(`Layer zip ${props.layerZip} not found: build it with "lamphp layer build" or pass layerZip.`);
    }
    const { vpc, appSubnets } = props.network;
    const { storage, database } = props;
    this.securityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc,
      description: 'lamphp WordPress function',
      allowAllOutbound: true,
    });
    database?.allowFrom(this.securityGroup);

    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(props.layerZip),
      compatibleRuntimes: [NODEJS_24],
      compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
      description: 'lamphp: PHP (WebAssembly) runtime for Node.js',
    });
    this.logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Kept after a delete (they expire by their retention); removed when the first create fails.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.function = new lambda.Function(this, 'Function', {
      description: `lamphp WordPress (${props.shape})`,
      runtime: NODEJS_24,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 2048,
      timeout,
      code: lambda.Code.fromInline(PLACEHOLDER_HANDLER_CODE),
      handler: FUNCTION_HANDLER,
      layers: [this.layer],
      vpc,
      vpcSubnets: appSubnets,
      securityGroups: [this.securityGroup],
      filesystem: lambda.FileSystem.fromEfsAccessPoint(storage.accessPoint, MOUNT_PATH),
      environment: this.environment(props),
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
    });
    this.grantBucket(storage, props.awsRoute);
    database?.secret.grantRead(this.function);
    this.acknowledgeFindings(storage);
  }

  private environment(props: SiteFunctionProps): Record<string, string> {
    const server = props.database !== undefined;
    const environment: Record<string, string> = {
      [ENV.execWrapper]: EXEC_WRAPPER,
      [ENV.documentRoot]: DOCUMENT_ROOT,
      // The access point is empty until the install invocation runs: let the runtime start anyway.
      [ENV.createDocumentRoot]: 'true',
      [ENV.sessionDir]: SESSION_DIR,
      [ENV.responseMode]: 'buffered',
      // wp-config.php's COOKIEHASH comes from it: the cookie names CloudFront's cache policy lists.
      [ENV.siteId]: props.siteId,
      [ENV.frontDoorTimeoutMs]: String(props.frontDoorTimeout.toMilliseconds()),
      [ENV.originSecret]: props.originSecret.current,
      [ENV.originSecretHeader]: ORIGIN_SECRET_HEADER,
      [ENV.viewerAddressHeader]: VIEWER_ADDRESS_HEADER,
      [ENV.trustForwardedHost]: 'true',
      [ENV.uploadsBucket]: props.storage.uploadsBucket.bucketName,
      [ENV.uploadsPrefix]: UPLOADS_PREFIX,
      ...props.database?.environment(),
    };
    if (props.originSecret.previous !== undefined) environment[ENV.originSecretPrevious] = props.originSecret.previous;
    if (props.domainName !== undefined) {
      environment[ENV.canonicalHost] = props.domainName;
      environment[ENV.uploadsUrl] = `https://${props.domainName}/wp-content/uploads`;
    }
    if (!server) {
      // The zero-fixed-cost VPC has no route to the internet: keep WordPress from waiting on it.
      environment[ENV.wpHttpBlockExternal] = 'true';
      environment[ENV.disallowFileMods] = 'true';
    }
    // Invalidations after publishing, and mail: to the API, or through the outbox and the relay.
    environment[ENV.awsRoute] = props.awsRoute;
    if (props.mailFrom !== undefined) {
      environment[ENV.mailTransport] = 'ses';
      environment[ENV.mailFrom] = props.mailFrom;
    }
    return environment;
  }

  /**
   * Objects under the uploads prefix and `.lamphp-incoming/` (read, write, delete), listing only
   * there (which also makes a missing key 404 there and 403 elsewhere), and with the outbox
   * route, new jobs and nothing else of `.lamphp-outbox/`.
   */
  private grantBucket(storage: SiteStorage, route: AwsRoute): void {
    const bucket = storage.uploadsBucket;
    const prefixes = [UPLOADS_PREFIX, INCOMING_PREFIX];
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)) }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } }),
    );
    if (route === 'outbox') {
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${OUTBOX.jobs}*`)] }));
    }
  }

  private acknowledgeFindings(storage: SiteStorage): void {
    const role = this.function.role;
    acknowledge(role, BASIC_EXECUTION_ROLE, 'AWSLambdaBasicExecutionRole only allows writing the function\'s own CloudWatch logs, the minimum every Lambda function needs.');
    acknowledge(role, VPC_EXECUTION_ROLE, 'AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for a function attached to a VPC (ENI management).');
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', 'elasticfilesystem:ClientMount is granted with a condition pinning it to this site\'s EFS access point ARN (generated by the Lambda FileSystem integration).');
    const bucket = nagArn(storage.uploadsBucket);
    acknowledge(role, `AwsSolutions-IAM5[Resource::${bucket}/${UPLOADS_PREFIX}*]`, 'The uploads sync reads, writes and deletes media objects, whose names WordPress makes: the uploads prefix of the site\'s own bucket only.');
    acknowledge(role, `AwsSolutions-IAM5[Resource::${bucket}/${INCOMING_PREFIX}*]`, 'A browser\'s direct upload waits under this prefix, named by a random token, until the function moves it into the uploads.');
    acknowledge(role, `AwsSolutions-IAM5[Resource::${bucket}/${OUTBOX.jobs}*]`, 'The function writes outbox jobs, named by job id, for the relay; it can neither read nor delete them.');
  }
}
