/** SiteStorage: the EFS file system with the site's access point, and the uploads bucket. */
import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { accessPointPath, MOUNT_PATH } from '../../infra/contracts.ts';
import { SiteNetwork } from '../../infra/constructs/network.ts';
import { SiteStorage } from '../../infra/constructs/storage.ts';
import { bareStack, only, synth, type Json } from './support.ts';

function storage(siteId = 'blog'): { storage: SiteStorage; json: Json; template: Template } {
  const stack = bareStack();
  const network = new SiteNetwork(stack, 'Network', { databaseServer: false, publicSubnets: false });
  const s = new SiteStorage(stack, 'Storage', { network, siteId });
  const template = Template.fromStack(stack);
  return { storage: s, json: template.toJSON() as Json, template };
}

describe('SiteStorage', () => {
  it('EFS: encrypted, elastic throughput, retained, rarely-read files in Infrequent Access; the access point roots the site for uid/gid 1000', () => {
    const { json, template } = storage('blog');
    const [, efs] = only(json, 'AWS::EFS::FileSystem');
    expect(efs.Properties).toMatchObject({ Encrypted: true, ThroughputMode: 'elastic', PerformanceMode: 'generalPurpose' });
    expect(efs.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(efs.UpdateReplacePolicy).toBe('Retain');
    expect(efs.Properties.BackupPolicy).toEqual({ Status: 'ENABLED' });
    // Lifecycle management: files unread for 30 days (the uploads' copy, served from S3) move to
    // Infrequent Access; the first read brings a file back to Standard.
    expect(efs.Properties.LifecyclePolicies).toEqual([{ TransitionToIA: 'AFTER_30_DAYS' }, { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }]);
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      RootDirectory: { Path: '/roots/wp-lambda-blog', CreationInfo: { OwnerUid: '1000', OwnerGid: '1000', Permissions: '755' } },
      PosixUser: { Uid: '1000', Gid: '1000' },
    });
    expect(accessPointPath('blog')).toBe('/roots/wp-lambda-blog');
    expect(MOUNT_PATH).toMatch(/^\/mnt\/[A-Za-z0-9-_.]+$/); // Lambda's rule for mount paths
  });

  it('a mount target in each of the app subnets, NFS closed until the function is admitted', () => {
    const { json } = storage();
    const targets = Object.values(json.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::EFS::MountTarget');
    expect(targets).toHaveLength(2);
    const [, sg] = only(json, 'AWS::EC2::SecurityGroup');
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });

  it('uploads bucket: private, S3-managed encryption, TLS only, owner-enforced, retained', () => {
    const { json } = storage();
    const [, bucket] = only(json, 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        ExpiredObjectDeleteMarker: true,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }),
      // The outbox: sent-markers a week; a deleted job (a mail holds a password reset link) not a day longer.
      { Id: 'expire-outbox-sent-markers', Status: 'Enabled', Prefix: '.lamphp-outbox/sent/', ExpirationInDays: 7 },
      { Id: 'expire-old-outbox-versions', Status: 'Enabled', Prefix: '.lamphp-outbox/', NoncurrentVersionExpiration: { NoncurrentDays: 1 }, ExpiredObjectDeleteMarker: true },
    ]);
    const statements = only(json, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('the README\'s removal-policy table is what the templates say', () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../infra/README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Removal policies'), readme.indexOf('## Decisions'));
    // Rows: | what (`shape` when only one) | `type` | `DeletionPolicy` | …
    const rows = [...table.matchAll(/^\| ([^|]+) \| `(AWS::[A-Za-z0-9:]+)` \| `([A-Za-z]+)`/gm)].map((m) => ({
      shape: /\(`(\w+)`\)/.exec(m[1]!)?.[1],
      type: m[2]!,
      policy: m[3]!,
    }));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const database of ['sqlite', 'mysql', 'aurora'] as const) {
      const resources = Object.values(synth({ database }).json.Resources as Record<string, Json>);
      for (const row of rows.filter((r) => r.shape === undefined || r.shape === database)) {
        const found = resources.filter((r) => r.Type === row.type);
        if (row.shape !== undefined) expect(found.length, `${database} ${row.type}`).toBeGreaterThan(0);
        for (const r of found) expect(r.DeletionPolicy ?? 'Delete', `${database} ${row.type}`).toBe(row.policy);
      }
    }
  });

  it('in the stack, CloudFront reads the bucket through OAC, scoped to its own distribution', () => {
    const s = synth({ database: 'sqlite' });
    const statements = only(s.json, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    );
  });
});
