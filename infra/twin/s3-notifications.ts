/**
 * Bucket event notifications. CDK writes a bucket's notification configuration as a
 * `Custom::S3BucketNotifications` resource whose inline Python handler passes it to S3's
 * PutBucketNotificationConfiguration; the twin applies that configuration from the template as
 * S3 does (it runs Node.js functions only, so not that handler): unless SkipDestinationValidation,
 * each destination function must let s3.amazonaws.com invoke it for this bucket, or the
 * configuration is refused as S3 refuses it ("Unable to validate the following destination
 * configurations"). Then every object created or removed through the S3 endpoint whose event and
 * key match a configuration (prefix and suffix filter rules) invokes its function asynchronously
 * — Lambda's retries and on-failure destination apply — with the record S3 sends
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html):
 * the key URL-encoded, a space as `+`. Only Lambda destinations are delivered.
 */
import { lambdaService, type LambdaFunction } from './lambda/functions.ts';
import type { Properties, ResourceModule } from './resource.ts';
import { s3Service, type ObjectEvent } from './s3.ts';
import type { Twin } from './twin.ts';

interface LambdaConfiguration {
  Id?: string;
  Events: string[];
  LambdaFunctionArn: string;
  Filter?: { Key?: { FilterRules?: { Name: string; Value: string }[] } };
}

/** `s3:ObjectCreated:*` matches `ObjectCreated:Put`. */
function eventMatches(patterns: string[], eventName: string): boolean {
  return patterns.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(`s3:${eventName}`);
  });
}

function keyMatches(filter: LambdaConfiguration['Filter'], key: string): boolean {
  for (const rule of filter?.Key?.FilterRules ?? []) {
    const name = rule.Name.toLowerCase();
    if (name === 'prefix' && !key.startsWith(rule.Value)) return false;
    if (name === 'suffix' && !key.endsWith(rule.Value)) return false;
  }
  return true;
}

/** S3 lets the function be invoked for this bucket: the function's resource policy (AWS::Lambda::Permission). */
function s3MayInvoke(fn: LambdaFunction, bucketArn: string, account: string): boolean {
  return [...fn.permissions.values()].some(
    (p) => p.principal === 's3.amazonaws.com' && /^lambda:(InvokeFunction|\*)$/.test(p.action) && (!p.sourceArn || p.sourceArn === bucketArn) && (!p.sourceAccount || p.sourceAccount === account),
  );
}

interface NotificationsService {
  configurations: Map<string, LambdaConfiguration[]>;
  close(): Promise<void>;
}

function notificationsService(twin: Twin): Promise<NotificationsService> {
  return twin.service<NotificationsService>('s3-notifications', async () => {
    const configurations = new Map<string, LambdaConfiguration[]>();
    const s3 = await s3Service(twin);
    const lambda = await lambdaService(twin);
    let sequence = 0;
    const deliver = (e: ObjectEvent) => {
      for (const c of configurations.get(e.bucket) ?? []) {
        if (!eventMatches(c.Events, e.eventName) || !keyMatches(c.Filter, e.key)) continue;
        const fn = lambda.find(c.LambdaFunctionArn);
        const bucketArn = `arn:aws:s3:::${e.bucket}`;
        if (!fn || !s3MayInvoke(fn, bucketArn, twin.account)) {
          twin.logs.append('/twin/s3', e.bucket, `notification for ${e.key} not delivered: ${fn ? `${fn.name} does not let s3.amazonaws.com invoke it` : `no function ${c.LambdaFunctionArn}`}`);
          continue;
        }
        const record = {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: twin.region,
          eventTime: new Date(twin.clock.now()).toISOString(),
          eventName: e.eventName,
          userIdentity: { principalId: `AWS:${e.principal}` },
          requestParameters: { sourceIPAddress: e.sourceIp },
          responseElements: { 'x-amz-request-id': twin.randomId(16), 'x-amz-id-2': twin.randomId(64) },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: c.Id ?? 'twin-notification',
            bucket: { name: e.bucket, ownerIdentity: { principalId: twin.account }, arn: bucketArn },
            object: {
              key: e.key.split('/').map((part) => encodeURIComponent(part).replace(/%20/g, '+')).join('/'),
              ...(e.eventName.startsWith('ObjectCreated') && { size: e.size ?? 0, ...(e.etag && { eTag: e.etag }) }),
              sequencer: (++sequence).toString(16).toUpperCase().padStart(18, '0'),
            },
          },
        };
        twin.logs.append('/twin/s3', e.bucket, `notification ${e.eventName} ${e.key} → ${fn.name}`);
        void lambda.invokeAsync(fn, { Records: [record] }, { invoker: 's3', caller: e.bucket });
      }
    };
    s3.onObjectEvent(deliver);
    return { configurations, close: async () => configurations.clear() };
  });
}

async function apply(twin: Twin, logicalId: string, p: Properties): Promise<void> {
  const config = p.NotificationConfiguration ?? {};
  for (const other of ['TopicConfigurations', 'QueueConfigurations', 'EventBridgeConfiguration']) {
    if (config[other] && Object.keys(config[other]).length > 0) throw new Error(`${logicalId}: the twin delivers bucket notifications to Lambda functions only, not ${other}.`);
  }
  const configurations: LambdaConfiguration[] = config.LambdaFunctionConfigurations ?? [];
  const lambda = await lambdaService(twin);
  if (String(p.SkipDestinationValidation ?? 'false') !== 'true') {
    const invalid = configurations.filter((c) => {
      const fn = lambda.find(c.LambdaFunctionArn);
      return !fn || !s3MayInvoke(fn, `arn:aws:s3:::${p.BucketName}`, twin.account);
    });
    if (invalid.length > 0) {
      throw new Error(`${logicalId}: Unable to validate the following destination configurations: ${invalid.map((c) => c.LambdaFunctionArn).join(', ')} (S3 must be allowed to invoke them for ${p.BucketName}).`);
    }
  }
  (await notificationsService(twin)).configurations.set(String(p.BucketName), configurations);
}

export const bucketNotifications: ResourceModule = {
  types: ['Custom::S3BucketNotifications'],
  async create({ twin, logicalId, properties: p }) {
    await apply(twin, logicalId, p);
    let bucket = String(p.BucketName);
    return {
      ref: `${bucket}-notifications`,
      async update(next) {
        if (String(next.BucketName) !== bucket) (await notificationsService(twin)).configurations.delete(bucket);
        await apply(twin, logicalId, next);
        bucket = String(next.BucketName);
        return true;
      },
      async delete() {
        (await notificationsService(twin)).configurations.delete(bucket);
      },
    };
  },
};
