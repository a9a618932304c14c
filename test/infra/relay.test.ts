/**
 * SiteRelay and SiteMail: the outbox relay outside the VPC, its triggers (the bucket's
 * notification, Lambda's on-failure destination, the sweep), its permissions per prefix, the SES
 * identity and who may send from it, the alarm on failed jobs — in every database × front door —
 * and that no CloudFront behavior can reach `.lamphp-outbox/`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../bridge/log.ts';
import { createRelay, type Job, type Outbox } from '../../bridge/outbox/index.ts';
import { CLAIM_LEASE_MS } from '../../bridge/outbox/relay.ts';
import { OUTBOX, RELAY_HANDLER, UPLOADS_PATH_PATTERN, UPLOADS_PREFIX } from '../../infra/contracts.ts';
import { RELAY_TIMEOUT } from '../../infra/constructs/relay.ts';
import { senderFor } from '../../infra/constructs/mail.ts';
import { behaviorFor, type Behavior } from '../../infra/twin/cloudfront/edge.ts';
import { distribution, functionEnv, logicalId, only, resources, synth, type Json, type SiteProps, type Synthesized } from './support.ts';

const DATABASES = ['sqlite', 'mysql', 'aurora'] as const;
const FRONT_DOORS = ['function-url', 'http-api', 'alb'] as const;
const MODES = DATABASES.flatMap((database) => FRONT_DOORS.map((frontDoor) => [database, frontDoor] as const));
const withMail = (database: (typeof DATABASES)[number], frontDoor: (typeof FRONT_DOORS)[number], extra: Partial<SiteProps> = {}) =>
  synth({ database, frontDoor, sesIdentity: 'example.com', ...extra });

/** Every statement of the IAM policies attached to a role, by the role's logical id. */
function statementsOf(s: Synthesized, roleId: string): Json[] {
  return resources(s.json, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
}

/** `{"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/prefix*"]]}` → `prefix*`; the bucket ARN itself → `<bucket>`. */
function objectPattern(s: Synthesized, resource: unknown): string {
  const bucketId = logicalId(s, s.site.storage.uploadsBucket);
  const json = JSON.stringify(resource);
  if (json === JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] })) return '<bucket>';
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join && JSON.stringify(join[1][0]) === JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] }) && typeof join[1][1] === 'string') return (join[1][1] as string).slice(1);
  return json;
}

/** The S3 part of a role's statements as `action resource [condition]` lines. */
function s3Grants(s: Synthesized, roleId: string): string[] {
  return statementsOf(s, roleId)
    .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:')) && !JSON.stringify(st.Resource).includes('cdk-hnb659fds-assets'))
    .flatMap((st) =>
      [st.Action].flat().flatMap((a: string) =>
        [st.Resource].flat().map((r) => `${a} ${objectPattern(s, r)}${st.Condition ? ` ${JSON.stringify(st.Condition)}` : ''}`),
      ),
    )
    .sort();
}

const relayRole = (s: Synthesized) => logicalId(s, s.site.relay.relay.role!);
const onFailureRole = (s: Synthesized) => logicalId(s, s.site.relay.onFailure.role!);
const siteRole = (s: Synthesized) => logicalId(s, s.site.function.role!);
const identityArn = (s: Synthesized) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/', { Ref: logicalId(s, s.site.mail!.emailIdentity!) }]],
});
const sesStatements = (s: Synthesized, roleId: string) => statementsOf(s, roleId).filter((st) => JSON.stringify(st.Action).includes('ses:'));

describe.each(MODES)('the outbox relay with %s behind %s', (database, frontDoor) => {
  it('runs outside the VPC on nodejs24.x, 256 MB, 120 s, from the relay zip, knowing its bucket', () => {
    const s = withMail(database, frontDoor);
    const bucket = { Ref: logicalId(s, s.site.storage.uploadsBucket) };
    for (const fn of [s.site.relay.relay, s.site.relay.onFailure]) {
      const p = s.json.Resources[logicalId(s, fn)].Properties;
      expect(p).toMatchObject({ Runtime: 'nodejs24.x', MemorySize: 256, Timeout: 120, Handler: RELAY_HANDLER, Environment: { Variables: { LAMPHP_UPLOADS_BUCKET: bucket } } });
      expect(p.VpcConfig).toBeUndefined();
      expect(p.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    }
    // One zip for both: the on-failure function is the relay's own code, recognising the destination record.
    const key = (fn: typeof s.site.relay.relay) => s.json.Resources[logicalId(s, fn)].Properties.Code.S3Key;
    expect(key(s.site.relay.onFailure)).toBe(key(s.site.relay.relay));
  });

  it("is invoked by the bucket's notification for new .json objects under .lamphp-outbox/jobs/ only, as S3 is allowed to", () => {
    const s = withMail(database, frontDoor);
    const relayArn = { 'Fn::GetAtt': [logicalId(s, s.site.relay.relay), 'Arn'] };
    const [, notification] = only(s.json, 'Custom::S3BucketNotifications');
    expect(notification.Properties.BucketName).toEqual({ Ref: logicalId(s, s.site.storage.uploadsBucket) });
    expect(notification.Properties.NotificationConfiguration).toEqual({
      LambdaFunctionConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: expect.arrayContaining([{ Name: 'prefix', Value: OUTBOX.jobs }, { Name: 'suffix', Value: '.json' }]) } },
          LambdaFunctionArn: relayArn,
        },
      ],
    });
    const permissions = resources(s.json, 'AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === 's3.amazonaws.com');
    expect(permissions.map(([, p]) => p.Properties)).toEqual([
      { Action: 'lambda:InvokeFunction', FunctionName: relayArn, Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: { 'Fn::GetAtt': [logicalId(s, s.site.storage.uploadsBucket), 'Arn'] } },
    ]);
  });

  it("the install (which mails and invalidates) runs once the relay and the bucket's notification exist", () => {
    const s = withMail(database, frontDoor);
    const [, install] = only(s.json, 'Custom::LamphpInstall');
    const [notificationId] = only(s.json, 'Custom::S3BucketNotifications');
    const needed = [notificationId, logicalId(s, s.site.relay.relay), logicalId(s, s.site.relay.onFailure)];
    const eventInvokeConfig = resources(s.json, 'AWS::Lambda::EventInvokeConfig').find(([, r]) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: logicalId(s, s.site.relay.relay) }))![0];
    expect(install.DependsOn).toEqual(expect.arrayContaining([...needed, eventInvokeConfig]));
  });

  it("retries twice, then hands the record to the on-failure function; the sweep runs every 5 minutes", () => {
    const s = withMail(database, frontDoor);
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(s, s.site.relay.relay) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(s, s.site.relay.onFailure), 'Arn'] } } },
    });
    const [, sweep] = resources(s.json, 'AWS::Events::Rule').find(([id]) => id === logicalId(s, s.site.relay.sweepRule))!;
    expect(sweep.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    // No input: the relay recognises EventBridge's scheduled event as the sweep.
    expect(sweep.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalId(s, s.site.relay.relay), 'Arn'] } })]);
    expect(sweep.Properties.Targets[0].Input).toBeUndefined();
  });

  it('may touch the outbox per prefix and nothing else of the bucket', () => {
    const s = withMail(database, frontDoor);
    const list = (...p: string[]) => `s3:ListBucket <bucket> ${JSON.stringify({ StringLike: { 's3:prefix': p } })}`;
    expect(s3Grants(s, relayRole(s))).toEqual(
      [
        `s3:GetObject ${OUTBOX.jobs}*`, `s3:GetObject ${OUTBOX.sent}*`,
        `s3:PutObject ${OUTBOX.sent}*`, `s3:PutObject ${OUTBOX.failed}*`,
        `s3:DeleteObject ${OUTBOX.jobs}*`,
        list(`${OUTBOX.jobs}*`, `${OUTBOX.sent}*`),
      ].sort(),
    );
    expect(s3Grants(s, onFailureRole(s))).toEqual(
      [`s3:GetObject ${OUTBOX.jobs}*`, `s3:GetObject ${OUTBOX.sent}*`, `s3:PutObject ${OUTBOX.failed}*`, `s3:DeleteObject ${OUTBOX.jobs}*`, list(`${OUTBOX.jobs}*`, `${OUTBOX.sent}*`)].sort(),
    );
  });

  it('sends from the SES identity only and invalidates its own distribution only', () => {
    const s = withMail(database, frontDoor);
    expect(sesStatements(s, relayRole(s))).toEqual([{ Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: identityArn(s) }]);
    expect(sesStatements(s, onFailureRole(s))).toEqual([]);
    const cloudfront = statementsOf(s, relayRole(s)).filter((st) => JSON.stringify(st.Action).includes('cloudfront:'));
    expect(cloudfront).toEqual([
      {
        Effect: 'Allow',
        Action: 'cloudfront:CreateInvalidation',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: logicalId(s, s.site.cdn.distribution) }]] },
      },
    ]);
    // Everything the relay's role holds is one of these kinds of grant.
    const kinds = new Set(statementsOf(s, relayRole(s)).flatMap((st) => [st.Action].flat().map((a: string) => a.split(':')[0])));
    expect([...kinds].sort()).toEqual(['cloudfront', 'lambda', 's3', 'ses']);
  });

  it('the site: its route for jobs, its sender, and what it may do with the outbox and SES in this shape', () => {
    const s = withMail(database, frontDoor);
    const env = functionEnv(s);
    const route = database === 'sqlite' ? 'outbox' : 'direct';
    expect(env).toMatchObject({ LAMPHP_AWS_ROUTE: route, LAMPHP_MAIL_TRANSPORT: 'ses', LAMPHP_MAIL_FROM: 'wordpress@example.com' });
    expect(env.LAMPHP_CDN_INVALIDATION).toBeUndefined();
    const outboxGrants = s3Grants(s, siteRole(s)).filter((g) => g.includes(OUTBOX.prefix));
    expect(outboxGrants).toEqual(route === 'outbox' ? [`s3:PutObject ${OUTBOX.jobs}*`] : []);
    // With a route (NAT) the site sends itself, from the identity only; without one it cannot reach SES at all.
    expect(sesStatements(s, siteRole(s))).toEqual(route === 'direct' ? [{ Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: identityArn(s) }] : []);
  });

  it('alarms on jobs moved to failed/, to the stack\'s SNS topic', () => {
    const s = withMail(database, frontDoor);
    const filters = resources(s.json, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters.map((f) => f.LogGroupName).sort()).toEqual(
      [s.site.relay.relay, s.site.relay.onFailure].map((fn) => ({ Ref: s.json.Resources[logicalId(s, fn)].Properties.LoggingConfig.LogGroup.Ref })).sort((a, b) => a.Ref.localeCompare(b.Ref)),
    );
    const metric = filters[0]!.MetricTransformations[0];
    const alarm = s.json.Resources[logicalId(s, s.site.relay.failedJobsAlarm)].Properties;
    expect(alarm).toMatchObject({ MetricName: metric.MetricName, Namespace: metric.MetricNamespace, Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.AlarmActions).toEqual([{ Ref: only(s.json, 'AWS::SNS::Topic')[0] }]);
  });

  it('no CloudFront behavior can reach .lamphp-outbox/: the distribution may read the uploads prefix only', () => {
    const s = withMail(database, frontDoor);
    const d = distribution(s);
    const s3Origins = (d.Origins as Json[]).filter((o) => o.S3OriginConfig !== undefined);
    expect(s3Origins).toHaveLength(1);
    expect(s3Origins[0]!.OriginPath ?? '').toBe('');
    const behaviors = [...(d.CacheBehaviors as Json[]), d.DefaultCacheBehavior] as Behavior[];
    expect(behaviors.filter((b) => b.TargetOriginId === s3Origins[0]!.Id).map((b) => b.PathPattern)).toEqual([UPLOADS_PATH_PATTERN]);
    const statements = only(s.json, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument.Statement as Json[];
    const forCloudFront = statements.filter((st) => st.Effect === 'Allow' && st.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(forCloudFront.map((st) => `${st.Action} ${objectPattern(s, st.Resource)} ${JSON.stringify(st.Condition.StringLike ?? {})}`).sort()).toEqual([
      `s3:GetObject ${UPLOADS_PATH_PATTERN} {}`,
      `s3:ListBucket <bucket> ${JSON.stringify({ 's3:prefix': UPLOADS_PATH_PATTERN })}`,
    ]);
    // Whatever a viewer asks for, a path sent to the bucket is a key under the uploads prefix (S3 keys are literal: no dot segments).
    fc.assert(
      fc.property(fc.constantFrom('', '/wp-content/uploads', '/wp-content/uploads/..', '/wp-content/uploads/%2e%2e/..', '/x/..'), fc.webPath(), (lead, tail) => {
        const path = `${lead}/.lamphp-outbox/jobs${tail}`;
        const b = behaviorFor(behaviors, path);
        if (b.TargetOriginId === s3Origins[0]!.Id) expect(path.slice(1).startsWith(UPLOADS_PREFIX)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('the relay and the claims it makes', () => {
  it("its timeout stays below a claim's lease, so a living run is never overtaken", () => {
    expect(RELAY_TIMEOUT.toMilliseconds()).toBeLessThan(CLAIM_LEASE_MS);
    const s = synth({ database: 'sqlite' });
    expect(s.json.Resources[logicalId(s, s.site.relay.relay)].Properties.Timeout * 1000).toBeLessThan(CLAIM_LEASE_MS);
  });

  it("the alarm's metric filter matches the line the relay writes when a job moves to failed/, and not its other lines", async () => {
    const s = synth({ database: 'sqlite' });
    const pattern: string = resources(s.json, 'AWS::Logs::MetricFilter')[0]![1].Properties.FilterPattern;
    // CloudWatch Logs' JSON filter syntax, the one form the stack uses: { $.field = "value" }.
    const m = /^\{ \$\.([A-Za-z0-9_]+) = "([^"]*)" \}$/.exec(pattern);
    expect(m, pattern).not.toBeNull();
    const matches = (line: Json) => line[m![1]!] === m![2];
    const log = memoryLogger('debug');
    const job: Job = { v: 1, id: '0mxalarm0-00000000000000aa', kind: 'cdn-invalidation', createdAt: new Date().toISOString(), invalidation: { distributionId: 'E1', paths: ['/'] } };
    const stored = new Map<string, string>([[`${OUTBOX.jobs}${job.id}.json`, JSON.stringify(job)], [`${OUTBOX.jobs}0mxalarm1-00000000000000bb.json`, '{not json']]);
    const outbox = {
      bucket: 'b',
      get: async (k: string) => (stored.has(k) ? (k.includes('alarm1') ? { invalid: stored.get(k)!, error: 'not JSON' } : { job: JSON.parse(stored.get(k)!) }) : undefined),
      isSent: async () => false,
      putFailed: async () => '',
      putInvalid: async () => '',
      delete: async (k: string) => void stored.delete(k),
    } as unknown as Outbox;
    const relay = createRelay({ outbox, logger: log, retryAfterMs: 0, perform: async () => ({}) });
    await relay.failed([`${OUTBOX.jobs}${job.id}.json`], { error: 'boom', at: new Date().toISOString(), condition: 'RetriesExhausted', attempts: 3 });
    await relay.jobs([`${OUTBOX.jobs}0mxalarm1-00000000000000bb.json`]);
    expect(log.records.filter(matches).map((r) => r.msg)).toEqual([
      'outbox job failed every attempt; moved to failed/ (lamphp outbox retry replays it)',
      'outbox job is not valid; moved to failed/',
    ]);
    expect(log.records.filter((r) => !matches(r)).every((r) => !String(r.msg).includes('moved to failed'))).toBe(true);
  });
});

describe('mail', () => {
  it('a domain identity: created, its DKIM records printed; the sender is wordpress@ the domain unless given', () => {
    const s = synth({ database: 'sqlite', sesIdentity: 'Example.com' });
    expect(only(s.json, 'AWS::SES::EmailIdentity')[1].Properties.EmailIdentity).toBe('example.com');
    const outputs = s.json.Outputs as Record<string, Json>;
    const dns = Object.entries(outputs).find(([k]) => /MailDnsRecords/.test(k))![1];
    const id = logicalId(s, s.site.mail!.emailIdentity!);
    for (const n of [1, 2, 3]) expect(JSON.stringify(dns.Value)).toContain(JSON.stringify({ 'Fn::GetAtt': [id, `DkimDNSTokenName${n}`] }));
    expect(Object.keys(outputs).some((k) => /MailSandbox/.test(k))).toBe(true);
    expect(functionEnv(synth({ database: 'sqlite', sesIdentity: 'example.com', mailFrom: 'news@blog.example.com' })).LAMPHP_MAIL_FROM).toBe('news@blog.example.com');
  });

  it('an address identity: SES mails it a link (the output says so); the sender is that address', () => {
    const s = synth({ database: 'sqlite', sesIdentity: 'blog@example.com' });
    expect(functionEnv(s).LAMPHP_MAIL_FROM).toBe('blog@example.com');
    const outputs = s.json.Outputs as Record<string, Json>;
    expect(Object.entries(outputs).find(([k]) => /MailVerification/.test(k))![1].Value).toContain('blog@example.com');
    expect(Object.keys(outputs).some((k) => /MailDnsRecords/.test(k))).toBe(false);
  });

  it('an identity that already exists is used, not created: grants name its ARN', () => {
    const s = synth({ database: 'sqlite', sesIdentity: 'example.com', sesIdentityExists: true });
    expect(resources(s.json, 'AWS::SES::EmailIdentity')).toEqual([]);
    expect(sesStatements(s, relayRole(s))).toEqual([
      { Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/example.com']] } },
    ]);
  });

  it('without an identity: no mail settings, no SES grant anywhere, and the relay still invalidates', () => {
    for (const database of DATABASES) {
      const s = synth({ database });
      const env = functionEnv(s);
      expect(env.LAMPHP_MAIL_TRANSPORT).toBeUndefined();
      expect(env.LAMPHP_MAIL_FROM).toBeUndefined();
      expect(JSON.stringify(s.json)).not.toContain('ses:Send');
      expect(statementsOf(s, relayRole(s)).some((st) => st.Action === 'cloudfront:CreateInvalidation')).toBe(true);
    }
  });

  it('refuses a sender the identity does not cover, and mail options without an identity', () => {
    expect(senderFor('example.com')).toBe('wordpress@example.com');
    expect(() => senderFor('example.com', 'me@example.org')).toThrow(/not covered by the SES identity example.com/);
    expect(() => senderFor('blog@example.com', 'other@example.com')).toThrow(/not covered/);
    expect(() => senderFor('not an identity')).toThrow(/sesIdentity must be a domain/);
    expect(() => synth({ database: 'sqlite', mailFrom: 'a@example.com' })).toThrow(/need sesIdentity/);
  });
});

describe('zero fixed cost, with the relay', () => {
  it('sqlite has no NAT, no interface endpoint and nothing billed by the hour', () => {
    for (const frontDoor of ['function-url', 'http-api'] as const) {
      const s = withMail('sqlite', frontDoor);
      for (const type of ['AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::RDS::DBProxy', 'AWS::SecretsManager::Secret', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::KMS::Key', 'AWS::EC2::Instance']) {
        expect(resources(s.json, type), type).toEqual([]);
      }
      const endpoints = resources(s.json, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties);
      expect(endpoints.every((e) => (e.VpcEndpointType ?? 'Gateway') === 'Gateway')).toBe(true);
      // Lambda functions (on request), an SES identity, log groups, alarms (the first ten are free), rules: nothing while idle.
      expect(resources(s.json, 'AWS::Lambda::Function').every(([, f]) => f.Properties.ProvisionedConcurrencyConfig === undefined)).toBe(true);
      expect(resources(s.json, 'AWS::Lambda::Version')).toEqual([]);
    }
  });
});
