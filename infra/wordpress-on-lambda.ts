/**
 * WordPress on Lambda: the whole stack, composed of one construct per concern (see infra/README.md).
 *
 *   CloudFront ─► front door (Function URL | HTTP API | ALB) ─► Lambda (nodejs24.x + lamphp layer)    SiteCdn, SiteFunction
 *        │                                                        ├─ EFS access point at /mnt/wordpress    SiteStorage
 *        └─ wp-content/uploads/* ─► S3 (OAC) ◄── uploads sync ────┤                                        SiteStorage
 *                                   S3 .lamphp-outbox/jobs/ ◄─────┤ (jobs for SES, CloudFront) ─► relay    SiteRelay, SiteMail
 *                                                                 └─ MySQL (RDS | Aurora, RDS Proxy) or SQLite on EFS   SiteDatabase
 *   VPC: SiteNetwork · install, WP-Cron, alarms: SiteOperations
 *
 * What the runtime relies on (names, paths, event shapes) is in infra/contracts.ts.
 */
import { CfnOutput, Stack, type Duration } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ARCHES, DEFAULT_PHP_VERSION, zipName } from '../layer/contents.ts';
import { frontDoorTimeout, SiteCdn, type FrontDoor } from './constructs/cdn.ts';
import { keepFlatLogicalIds } from './constructs/concern.ts';
import { SiteDatabase } from './constructs/database.ts';
import { SiteMail } from './constructs/mail.ts';
import { acknowledge } from './constructs/nag.ts';
import { SiteNetwork, type SiteNetworkProps } from './constructs/network.ts';
import { SiteOperations } from './constructs/operations.ts';
import { SiteRelay } from './constructs/relay.ts';
import { SiteFunction, type AwsRoute } from './constructs/site-function.ts';
import { SiteStorage } from './constructs/storage.ts';

export type DatabaseKind = 'mysql' | 'aurora' | 'sqlite';
export type { FrontDoor };

/** The network options (NAT gateways, an existing VPC by ids) are SiteNetwork's. */
export interface WordPressOnLambdaProps extends Omit<SiteNetworkProps, 'databaseServer' | 'publicSubnets'> {
  /** `sqlite` is the zero-fixed-cost mode: no NAT, no interface endpoints, no database server. */
  readonly database: DatabaseKind;
  /** What CloudFront talks to. @default 'function-url' */
  readonly frontDoor?: FrontDoor;
  /** @default lambda.Architecture.ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** @default 2048 (php-wasm's RSS grows to 300–500 MB; more memory also buys CPU) */
  readonly memorySize?: number;
  /**
   * Function timeout. Web requests are cut earlier by the front door (originReadTimeout);
   * the install and WP-Cron invocations get the whole timeout. @default 120 s
   */
  readonly timeout?: Duration;
  /** CloudFront origin read timeout (HTTP API stops at 30 s anyway). @default 30 s */
  readonly originReadTimeout?: Duration;
  /**
   * Reserved concurrency of the function: caps cost under a flood of requests and the number of
   * SQLite writers. Unset by default (new accounts may have a limit of 10 and cannot reserve any).
   */
  readonly reservedConcurrency?: number;
  /** Path of the lamphp layer zip. @default DEFAULT_LAYER_ZIP (dist/lamphp-layer-php8.5.zip) */
  readonly layerZip?: string;
  /**
   * The WordPress zip the install puts on EFS, uploaded as a CDK asset (infra/wordpress-asset.ts
   * resolves one: a given zip or folder, the project's cached copy, or the pinned release).
   */
  readonly wordpressZip: string;
  /** The outbox relay's code: the zip `lamphp relay build` writes (app.ts builds it at synth). */
  readonly relayZip: string;
  /**
   * The Amazon SES identity WordPress sends mail from: a domain (`example.com`) or an address.
   * The stack creates it (printing the DNS records or the verification step) unless
   * `sesIdentityExists`. Without one the site sends no mail (wp_mail() returns false, logged).
   */
  readonly sesIdentity?: string;
  /** The sender address, within the identity. @default the identity's address, or `wordpress@<domain>` */
  readonly mailFrom?: string;
  /** The SES identity is already verified in this account and region: only use it. @default false */
  readonly sesIdentityExists?: boolean;
  /** Name of this site; the EFS access point is `/roots/wp-lambda-<siteId>`. @default the construct id, lower-cased */
  readonly siteId?: string;
  /** Custom domain served by CloudFront (needs certificateArn); also LAMPHP_CANONICAL_HOST. */
  readonly domainName?: string;
  /** ACM certificate in us-east-1 for domainName. */
  readonly certificateArn?: string;
  /**
   * The origin secret is random, generated at deploy; bump this (1, 2, …) to rotate it. The
   * previous secret stays accepted until the next rotation. @default 0
   */
  readonly originSecretRotation?: number;
  /** WP-Cron schedule. @default 5 minutes */
  readonly cronRate?: Duration;
  /** E-mail address the alarms notify (through the stack's SNS topic). */
  readonly alarmEmail?: string;
  /** RDS Proxy in front of mysql/aurora. @default true */
  readonly rdsProxy?: boolean;
  /** RDS instance class for `mysql`. @default t4g.micro */
  readonly databaseInstanceType?: ec2.InstanceType;
  /** Aurora Serverless v2 minimum ACU; 0 lets the cluster pause (resume takes ~15 s). @default 0 */
  readonly auroraMinCapacity?: number;
  /** @default 2 */
  readonly auroraMaxCapacity?: number;
  /** Protect the database (and snapshot it) against stack deletion. @default true */
  readonly deletionProtection?: boolean;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default cloudfront.PriceClass.PRICE_CLASS_100 */
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * CDK's handler for the bucket notification (Custom::S3BucketNotifications, one per stack, at its
 * root): its findings, acknowledged with the reason.
 */
function acknowledgeNotificationsHandler(scope: Construct): void {
  const handler = Stack.of(scope).node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
  const role = handler?.node.tryFindChild('Role');
  acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', "CDK's bucket-notification handler (s3:PutBucketNotification on the uploads bucket, during deploys) writes only its own CloudWatch logs with it.");
}

/** What `lamphp layer build` writes by default (its default PHP version, both architectures). */
export const DEFAULT_LAYER_ZIP = `dist/${zipName(DEFAULT_PHP_VERSION, ARCHES, false)}`;

/** Options that cannot work together are refused at synth, each with what to do instead. */
function refuseMismatches(props: WordPressOnLambdaProps): void {
  const refuse = (message: string) => {
    throw new Error(message);
  };
  if (props.domainName !== undefined && props.certificateArn === undefined) {
    refuse('domainName needs certificateArn: an ACM certificate in us-east-1 covering the domain.');
  }
  if (props.certificateArn !== undefined && props.domainName === undefined) {
    refuse('certificateArn needs domainName: the name the certificate covers, which CloudFront will serve.');
  }
  const server = props.database !== 'sqlite';
  const serverOnly = { natGateways: props.natGateways, rdsProxy: props.rdsProxy, deletionProtection: props.deletionProtection };
  for (const [name, value] of Object.entries(serverOnly)) {
    if (!server && value !== undefined) {
      refuse(`${name} applies to the mysql and aurora databases; the sqlite shape has no database server${name === 'natGateways' ? ' and no NAT gateway by design (zero fixed cost)' : ''}.`);
    }
  }
  if (props.database !== 'aurora' && (props.auroraMinCapacity !== undefined || props.auroraMaxCapacity !== undefined)) {
    refuse('auroraMinCapacity and auroraMaxCapacity apply to the aurora database only.');
  }
  if ((props.auroraMinCapacity ?? 0) > (props.auroraMaxCapacity ?? 2)) {
    refuse(`auroraMinCapacity (${props.auroraMinCapacity}) must not exceed auroraMaxCapacity (${props.auroraMaxCapacity ?? 2}).`);
  }
  if (props.databaseInstanceType !== undefined && props.database !== 'mysql') {
    refuse('databaseInstanceType applies to the mysql database only (aurora scales in ACU).');
  }
  if (props.sesIdentity === undefined && (props.mailFrom !== undefined || props.sesIdentityExists !== undefined)) {
    refuse('mailFrom and sesIdentityExists need sesIdentity: the SES domain or address WordPress sends mail from.');
  }
}

export class WordPressOnLambda extends Construct {
  readonly siteId: string;
  readonly network: SiteNetwork;
  readonly storage: SiteStorage;
  readonly databaseServer?: SiteDatabase;
  readonly site: SiteFunction;
  readonly cdn: SiteCdn;
  readonly operations: SiteOperations;
  readonly relay: SiteRelay;
  readonly mail?: SiteMail;
  /** How the function's SES and CloudFront jobs leave: `outbox` in the sqlite shape (no route but S3), else `direct`. */
  readonly awsRoute: AwsRoute;

  constructor(scope: Construct, id: string, props: WordPressOnLambdaProps) {
    super(scope, id);
    const frontDoor = props.frontDoor ?? 'function-url';
    const siteId = props.siteId ?? id.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(siteId)) {
      throw new Error(`siteId must be lower-case letters, digits and dashes, got "${siteId}".`);
    }
    refuseMismatches(props);
    this.siteId = siteId;
    keepFlatLogicalIds(this);
    const kind = props.database;
    // First: the function's environment needs the origin secret its custom resource generates.
    this.operations = new SiteOperations(this, 'Operations', {
      siteId,
      originSecretRotation: props.originSecretRotation,
      logRetention: props.logRetention,
    });
    const originSecret = this.operations.originSecret;

    this.network = new SiteNetwork(this, 'Network', {
      databaseServer: kind !== 'sqlite',
      publicSubnets: frontDoor === 'alb',
      natGateways: props.natGateways,
      vpcId: props.vpcId,
      vpcAvailabilityZones: props.vpcAvailabilityZones,
      vpcPrivateSubnetIds: props.vpcPrivateSubnetIds,
      vpcPublicSubnetIds: props.vpcPublicSubnetIds,
      vpcCidrBlock: props.vpcCidrBlock,
    });
    if (this.network.ownsVpc) {
      acknowledge(this.network.vpc, 'AwsSolutions-VPC7', 'VPC flow logs are billed per GB ingested; this stack keeps to pay-per-use logging and leaves flow logs to the account baseline.');
    }
    this.storage = new SiteStorage(this, 'Storage', { network: this.network, siteId });
    if (kind !== 'sqlite') {
      this.databaseServer = new SiteDatabase(this, 'Database', {
        kind,
        network: this.network,
        rdsProxy: props.rdsProxy,
        instanceType: props.databaseInstanceType,
        auroraMinCapacity: props.auroraMinCapacity,
        auroraMaxCapacity: props.auroraMaxCapacity,
        deletionProtection: props.deletionProtection,
      });
    }
    // The sqlite VPC has no NAT gateway and no interface endpoint: jobs go through the outbox.
    this.awsRoute = kind === 'sqlite' ? 'outbox' : 'direct';
    if (props.sesIdentity !== undefined) {
      this.mail = new SiteMail(this, 'Mail', { identity: props.sesIdentity, from: props.mailFrom, identityExists: props.sesIdentityExists });
    }
    this.site = new SiteFunction(this, 'Site', {
      network: this.network,
      storage: this.storage,
      database: this.databaseServer,
      siteId,
      layerZip: props.layerZip ?? DEFAULT_LAYER_ZIP,
      originSecret,
      shape: `${kind}, ${frontDoor}`,
      frontDoorTimeout: frontDoorTimeout(frontDoor, props.originReadTimeout),
      reservedConcurrency: props.reservedConcurrency,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      domainName: props.domainName,
      logRetention: props.logRetention,
      awsRoute: this.awsRoute,
      mailFrom: this.mail?.from,
    });
    if (this.awsRoute === 'direct') this.mail?.grantSend(this.site.function);
    this.cdn = new SiteCdn(this, 'Cdn', {
      frontDoor,
      network: this.network,
      storage: this.storage,
      site: this.site,
      siteId,
      originSecret,
      originReadTimeout: props.originReadTimeout,
      domainName: props.domainName,
      certificateArn: props.certificateArn,
      logRetention: props.logRetention,
      priceClass: props.priceClass,
      awsRoute: this.awsRoute,
    });
    this.operations.operate(this.site, {
      siteUrl: this.cdn.siteUrl,
      distributionId: this.cdn.distribution.distributionId,
      wordpressZip: props.wordpressZip,
      // The install reads the WordPress asset through the S3 gateway endpoint: CloudFormation
      // must not start it before the endpoint's routes exist.
      installAfter: [this.network.s3Endpoint, this.databaseServer?.proxy, this.databaseServer?.server].filter((c) => c !== undefined),
      cronRate: props.cronRate,
      alarmEmail: props.alarmEmail,
    });
    // In every shape: the outbox route needs it; with a direct route it still performs jobs a
    // failed direct call could not (lamphp outbox retry) and costs nothing while idle.
    this.relay = new SiteRelay(this, 'Relay', {
      storage: this.storage,
      siteId,
      distribution: this.cdn.distribution,
      alarmTopic: this.operations.alarmTopic,
      relayZip: props.relayZip,
      mail: this.mail,
      logRetention: props.logRetention,
    });
    acknowledgeNotificationsHandler(this);
    // The install sends mail and invalidates (in the sqlite shape through the outbox): the relay and
    // the bucket's notification must exist by then, or its jobs wait for the sweep.
    this.operations.install.node.addDependency(this.relay, this.storage.uploadsBucket.node.findChild('Notifications'));

    new CfnOutput(this, 'SiteUrl', { value: this.cdn.siteUrl });
    new CfnOutput(this, 'DistributionDomainName', { value: this.cdn.distribution.distributionDomainName });
    new CfnOutput(this, 'FunctionName', { value: this.site.function.functionName });
    new CfnOutput(this, 'UploadsBucketName', { value: this.storage.uploadsBucket.bucketName });
    new CfnOutput(this, 'AdminPasswordParameter', {
      description: 'SSM SecureString holding the first admin password: aws ssm get-parameter --with-decryption --name <this>',
      value: this.operations.adminPasswordParameterName,
    });
  }

  // What users of the construct reach for most.
  get function(): lambda.Function {
    return this.site.function;
  }
  get distribution(): cloudfront.Distribution {
    return this.cdn.distribution;
  }
  get uploadsBucket(): s3.Bucket {
    return this.storage.uploadsBucket;
  }
}
