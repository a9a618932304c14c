/**
 * Where the site's data lives: the EFS file system (WordPress, SQLite, sessions) with the
 * site's access point, AWS Backup's daily recovery points and lifecycle management (files unread
 * for 30 days move to Infrequent Access), and the S3 bucket uploads are
 * offloaded to (served by CloudFront; versioned, old versions expire). Both outlive the stack:
 * kept on update and delete, removed only when the stack's first create fails.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ACCESS_POINT_PERMISSIONS, OUTBOX, POSIX_USER, accessPointPath } from '../contracts.ts';
import { Concern } from './concern.ts';
import { acknowledge } from './nag.ts';
import type { SiteNetwork } from './network.ts';

/** Days an overwritten or deleted upload stays recoverable as a noncurrent version. */
export const UPLOAD_VERSIONS_KEPT_DAYS = 30;
/** Days the outbox's sent-markers are kept (a duplicate notification arrives within minutes, a retry within 6 hours). */
export const OUTBOX_SENT_MARKER_DAYS = 7;
/** Days old versions of outbox objects are kept: a deleted job still holds its mail (a password reset link). */
export const OUTBOX_VERSIONS_KEPT_DAYS = 1;

export interface SiteStorageProps {
  readonly network: SiteNetwork;
  readonly siteId: string;
}

export class SiteStorage extends Concern {
  readonly fileSystem: efs.FileSystem;
  readonly accessPoint: efs.AccessPoint;
  readonly uploadsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SiteStorageProps) {
    super(scope, id);
    const { vpc, appSubnets } = props.network;
    const securityGroup = new ec2.SecurityGroup(this, 'FileSystemSecurityGroup', {
      vpc,
      description: 'EFS for lamphp: NFS from the WordPress function only',
      allowAllOutbound: false,
    });
    this.fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc,
      vpcSubnets: appSubnets,
      securityGroup,
      encrypted: true,
      throughputMode: efs.ThroughputMode.ELASTIC,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      // AWS Backup's default EFS plan: daily, kept 35 days; recovery points outlive the stack.
      enableAutomaticBackups: true,
      // The copy of every upload is kept here but served from S3, so it is rarely read: files unread
      // for 30 days (AWS's default) move to Infrequent Access, and the first read brings one back.
      // Metadata and files under 128 KiB stay in Standard; reads from IA cost a little per GB.
      lifecyclePolicy: efs.LifecyclePolicy.AFTER_30_DAYS,
      outOfInfrequentAccessPolicy: efs.OutOfInfrequentAccessPolicy.AFTER_1_ACCESS,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.accessPoint = this.fileSystem.addAccessPoint('AccessPoint', {
      path: accessPointPath(props.siteId),
      posixUser: { uid: POSIX_USER.uid, gid: POSIX_USER.gid },
      createAcl: { ownerUid: POSIX_USER.uid, ownerGid: POSIX_USER.gid, permissions: ACCESS_POINT_PERMISSIONS },
    });

    this.uploadsBucket = new s3.Bucket(this, 'Uploads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // A deleted or overwritten upload can be brought back for a while, not forever (storage costs).
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(UPLOAD_VERSIONS_KEPT_DAYS),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        // The outbox (bridge/outbox/job.ts): where S3 applies both rules, the shorter expiry wins.
        { id: 'expire-outbox-sent-markers', prefix: OUTBOX.sent, expiration: Duration.days(OUTBOX_SENT_MARKER_DAYS) },
        { id: 'expire-old-outbox-versions', prefix: OUTBOX.prefix, noncurrentVersionExpiration: Duration.days(OUTBOX_VERSIONS_KEPT_DAYS), expiredObjectDeleteMarker: true },
      ],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    acknowledge(this.uploadsBucket, 'AwsSolutions-S1', 'Uploads are public media read through CloudFront; server access logs would need a second bucket and add cost without a reader.');
  }
}
