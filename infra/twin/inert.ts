/**
 * Resources the twin keeps as records only: their names and ARNs are what other resources
 * refer to, and nothing of theirs runs on a single machine (IAM is not enforced between
 * stand-ins yet except S3 bucket policies; alarms, backups and topics have no local effect).
 * Each is listed by type, so a template with a type nobody stands in for fails loudly instead.
 */
import type { PolicyDocument } from './iam.ts';
import { physicalName, type ResourceModule } from './resource.ts';

export const inert: ResourceModule = {
  types: [
    'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile',
    'AWS::Logs::LogGroup', 'AWS::Logs::MetricFilter', 'AWS::CloudWatch::Alarm', 'AWS::CDK::Metadata',
    'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy',
    'AWS::Backup::BackupVault', 'AWS::Backup::BackupPlan', 'AWS::Backup::BackupSelection',
    'AWS::KMS::Key', 'AWS::KMS::Alias',
  ],
  async create({ twin, logicalId, type, properties: p }) {
    const arn = (service: string, resource: string, region = twin.region) => `arn:aws:${service}:${region}:${twin.account}:${resource}`;
    switch (type) {
      case 'AWS::IAM::Role': {
        const name = p.RoleName ?? physicalName(twin, logicalId);
        const roleArn = `arn:aws:iam::${twin.account}:role/${name}`;
        twin.roles.addRole(name, roleArn, (p.Policies ?? []).map((x: { PolicyDocument: PolicyDocument }) => x.PolicyDocument));
        return { ref: name, attributes: { Arn: roleArn, RoleId: `AROA${twin.randomId(17)}` } };
      }
      case 'AWS::IAM::Policy': {
        // Identity policies are what the S3 stand-in evaluates for a function's requests.
        twin.roles.attach(logicalId, p.Roles ?? [], p.PolicyDocument);
        return {
          ref: physicalName(twin, logicalId),
          update: async (next) => {
            twin.roles.detach(logicalId);
            twin.roles.attach(logicalId, next.Roles ?? [], next.PolicyDocument);
          },
          delete: async () => twin.roles.detach(logicalId),
        };
      }
      case 'AWS::Logs::LogGroup': {
        const name = p.LogGroupName ?? physicalName(twin, logicalId, { max: 512 });
        return { ref: name, attributes: { Arn: `${arn('logs', `log-group:${name}`)}:*` } };
      }
      case 'AWS::CloudWatch::Alarm': {
        const name = p.AlarmName ?? physicalName(twin, logicalId, { max: 255 });
        return { ref: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } };
      }
      case 'AWS::SNS::Topic': {
        const name = p.TopicName ?? physicalName(twin, logicalId, { max: 256 });
        const topicArn = arn('sns', name);
        return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
      }
      case 'AWS::Backup::BackupVault': {
        const name = p.BackupVaultName ?? physicalName(twin, logicalId);
        return { ref: name, attributes: { BackupVaultName: name, BackupVaultArn: arn('backup', `backup-vault:${name}`) } };
      }
      case 'AWS::Backup::BackupPlan': {
        const id = twin.randomId(36).toLowerCase();
        return { ref: id, attributes: { BackupPlanId: id, BackupPlanArn: arn('backup', `backup-plan:${id}`), VersionId: twin.randomId(32) } };
      }
      case 'AWS::KMS::Key': {
        const id = twin.randomId(36).toLowerCase();
        return { ref: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
      }
      default:
        return { ref: physicalName(twin, logicalId), attributes: {} };
    }
  },
};
