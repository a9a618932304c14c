/** SiteOperations: the install custom resource and its handler, WP-Cron, alarms. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CRON_EVENT, INSTALL_HANDLER_CODE, type InstallEvent } from '../../infra/contracts.ts';
import { functionEnv, logicalId, only, synth, type Json } from './support.ts';

const sqlite = () => synth({ database: 'sqlite' });

describe('SiteOperations', () => {
  it('schedules WP-Cron on the function, without retries', () => {
    const s = sqlite();
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(s, s.site.function), 'Arn'] },
          Input: JSON.stringify(CRON_EVENT),
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });

  it('cron runs once: no asynchronous retries, and an event older than one period is dropped', () => {
    const s = sqlite();
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(s, s.site.function) },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
    });
  });

  it('alarms on the function\'s errors and throttles and notify an SNS topic, e-mailed when asked', () => {
    const s = sqlite();
    const [topicId] = only(s.json, 'AWS::SNS::Topic');
    s.template.resourceCountIs('AWS::SNS::Subscription', 0);
    for (const [, alarm] of Object.entries(s.json.Resources as Record<string, Json>).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
    const mailed = synth({ database: 'sqlite', alarmEmail: 'ops@example.com' });
    mailed.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: only(mailed.json, 'AWS::SNS::Topic')[0] } });
    expect(() => synth({ database: 'sqlite', alarmEmail: 'not an address' })).toThrow(/alarmEmail must be an e-mail address/);
    for (const metric of ['Errors', 'Throttles']) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(s, s.site.function) } }],
      });
    }
  });

  it('the install custom resource names the function, the site URL, the distribution and the layer version', () => {
    const s = sqlite();
    const [, install] = only(s.json, 'Custom::LamphpInstall');
    expect(install.Properties).toMatchObject({
      FunctionName: { Ref: logicalId(s, s.site.function) },
      DistributionId: { Ref: logicalId(s, s.site.cdn.distribution) },
      LayerVersionArn: { Ref: logicalId(s, s.site.site.layer) },
      SiteId: 'wordpress',
      AdminPasswordParameter: '/lamphp/LamphpWordPress/wordpress/admin-password',
    });
    expect(JSON.stringify(install.Properties.SiteUrl)).toContain(logicalId(s, s.site.cdn.distribution));
    // WordPress ships as a CDK asset; the function may read that one object and nothing else of the asset bucket.
    expect(install.Properties.AssetBucket).toEqual({ 'Fn::Sub': expect.stringContaining('cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}') });
    expect(install.Properties.AssetKey).toMatch(/^[0-9a-f]{64}\.zip$/);
    const role = logicalId(s, s.site.function.role!);
    const statements = Object.values(s.json.Resources as Record<string, Json>)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
    const assetReads = statements.filter((st) => JSON.stringify(st.Resource).includes('cdk-hnb659fds-assets'));
    expect(assetReads).toHaveLength(1);
    expect(assetReads[0]!.Action).toBe('s3:GetObject');
    expect(JSON.stringify(assetReads[0]!.Resource)).toContain(`/${install.Properties.AssetKey}`);
    const handler = s.site.operations.node.findChild('InstallOnEvent').node.defaultChild as unknown as { code: { zipFile: string } };
    expect(handler.code.zipFile).toBe(INSTALL_HANDLER_CODE);
  });

  it('the install starts only once the S3 gateway endpoint it reads the WordPress asset through exists', () => {
    for (const database of ['sqlite', 'mysql'] as const) {
      const s = synth({ database });
      const [endpointId, endpoint] = only(s.json, 'AWS::EC2::VPCEndpoint');
      expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('.s3');
      const [, install] = only(s.json, 'Custom::LamphpInstall');
      expect([install.DependsOn].flat(), database).toContain(endpointId);
    }
  });
});

describe('origin secret', () => {
  const secretOf = (s: ReturnType<typeof synth>, attr: unknown) => {
    const ref = (attr as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    expect(ref?.[1]).toBe('Value');
    const resource = s.json.Resources[ref[0]];
    expect(resource.Type).toBe('Custom::LamphpOriginSecret');
    return resource.Properties as Json;
  };

  it('is generated at deploy by a custom resource: nothing of it is in the template', () => {
    const s = sqlite();
    const env = functionEnv(s);
    expect(secretOf(s, env.LAMPHP_ORIGIN_SECRET)).toMatchObject({ Slot: 'A', Generation: '0' });
    expect(env.LAMPHP_ORIGIN_SECRET_PREVIOUS).toBeUndefined();
    expect(JSON.stringify(s.json)).not.toContain('AWS::StackId');
  });

  it('rotates through CloudFormation: a bump regenerates one slot, the other stays accepted as previous', () => {
    const generations = (n: number) => {
      const s = synth({ database: 'sqlite', frontDoor: 'alb', originSecretRotation: n });
      const env = functionEnv(s);
      const current = secretOf(s, env.LAMPHP_ORIGIN_SECRET);
      const previous = n === 0 ? undefined : secretOf(s, env.LAMPHP_ORIGIN_SECRET_PREVIOUS);
      const [, rule] = only(s.json, 'AWS::ElasticLoadBalancingV2::ListenerRule');
      const accepted = rule.Properties.Conditions[0].HttpHeaderConfig.Values as unknown[];
      expect(accepted).toEqual(n === 0 ? [env.LAMPHP_ORIGIN_SECRET] : [env.LAMPHP_ORIGIN_SECRET, env.LAMPHP_ORIGIN_SECRET_PREVIOUS]);
      return { current: `${current.Slot}${current.Generation}`, previous: previous && `${previous.Slot}${previous.Generation}` };
    };
    expect(generations(0)).toEqual({ current: 'A0', previous: undefined });
    expect(generations(1)).toEqual({ current: 'B1', previous: 'A0' });
    expect(generations(2)).toEqual({ current: 'A2', previous: 'B1' });
    expect(generations(3)).toEqual({ current: 'B3', previous: 'A2' });
    expect(() => synth({ database: 'sqlite', originSecretRotation: -1 })).toThrow(/originSecretRotation must be a whole number/);
  });
});

describe('custom-resource handler (the inline code the template carries)', () => {
  interface Calls { lambda: Json[]; ssm: Json[]; logs: string[] }
  async function run(event: Json, reply: { Payload?: Uint8Array; FunctionError?: string } = {}, ssmError?: Error) {
    const calls: Calls = { lambda: [], ssm: [], logs: [] };
    const command = (kind: string) =>
      class {
        kind = kind;
        input: Json;
        constructor(input: Json) {
          this.input = input;
        }
      };
    const lambdaSdk = {
      InvokeCommand: command('Invoke'),
      LambdaClient: class {
        async send(cmd: { input: Json }) {
          calls.lambda.push(cmd.input);
          return reply;
        }
      },
    };
    const ssmSdk = {
      PutParameterCommand: command('PutParameter'),
      DeleteParameterCommand: command('DeleteParameter'),
      SSMClient: class {
        async send(cmd: { kind: string; input: Json }) {
          calls.ssm.push({ [cmd.kind]: cmd.input });
          if (ssmError) throw ssmError;
          return {};
        }
      },
    };
    const modules: Record<string, unknown> = { 'node:crypto': await import('node:crypto'), '@aws-sdk/client-lambda': lambdaSdk, '@aws-sdk/client-ssm': ssmSdk };
    const module = { exports: {} as { handler?: (e: Json) => Promise<Json> } };
    const fakeRequire = (id: string) => {
      if (!(id in modules)) throw new Error(`unexpected require ${id}`);
      return modules[id];
    };
    const log = (...args: unknown[]) => calls.logs.push(args.map(String).join(' '));
    new Function('require', 'exports', 'module', 'console', 'Buffer', INSTALL_HANDLER_CODE)(fakeRequire, module.exports, module, { log, error: log, info: log }, Buffer);
    const result = await module.exports.handler!({ ResourceType: 'Custom::LamphpInstall', ...event });
    return { result, calls };
  }

  const props = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    FunctionName: 'wp-fn',
    SiteId: 'wordpress',
    SiteUrl: 'https://d111111abcdef8.cloudfront.net',
    DistributionId: 'E2EXAMPLE',
    AdminPasswordParameter: '/lamphp/LamphpWordPress/wordpress/admin-password',
    LayerVersionArn: 'arn:aws:lambda:eu-west-1:123456789012:layer:lamphp:3',
    AssetBucket: 'cdk-assets',
    AssetKey: 'abc.zip',
  };
  const PASSWORD = 'Zq7-never-in-a-log-Xk29';
  const installed = new TextEncoder().encode(
    JSON.stringify({ command: 'install', mode: 'install', changed: true, installed: true, actions: ['Installed'], admin: { user: 'admin', password: PASSWORD, email: 'a@example.com' } }),
  );

  it('Create → mode install; the first admin password goes to an SSM SecureString and nowhere else', async () => {
    const created = await run({ RequestType: 'Create', ResourceProperties: props }, { Payload: installed });
    expect(created.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
    expect(created.calls.lambda).toHaveLength(1);
    expect(created.calls.lambda[0]!.FunctionName).toBe('wp-fn');
    const event: InstallEvent = JSON.parse(created.calls.lambda[0]!.Payload);
    expect(event).toEqual({
      lamphp: { command: 'install', mode: 'install', siteUrl: props.SiteUrl, distributionId: 'E2EXAMPLE', assetBucket: 'cdk-assets', assetKey: 'abc.zip' },
    });
    expect(created.calls.ssm).toEqual([
      { PutParameter: expect.objectContaining({ Name: props.AdminPasswordParameter, Type: 'SecureString', Value: PASSWORD, Overwrite: true }) },
    ]);
    expect(JSON.stringify(created.calls.ssm[0]!.PutParameter.Description)).not.toContain(PASSWORD);
    expect(created.calls.logs.join('\n')).not.toContain(PASSWORD);
    expect(JSON.stringify(created.result)).not.toContain(PASSWORD);
  });

  it('Update → mode update without an asset; no password written when nothing was installed', async () => {
    const { AssetBucket: _b, AssetKey: _k, ...noAsset } = props;
    const payload = new TextEncoder().encode(JSON.stringify({ command: 'install', mode: 'update', changed: false, actions: [] }));
    const updated = await run({ RequestType: 'Update', PhysicalResourceId: 'lamphp-install-wordpress', ResourceProperties: noAsset }, { Payload: payload });
    expect(updated.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
    expect(JSON.parse(updated.calls.lambda[0]!.Payload).lamphp).toEqual({ command: 'install', mode: 'update', siteUrl: props.SiteUrl, distributionId: 'E2EXAMPLE' });
    expect(updated.calls.ssm).toEqual([]);
  });

  it('Delete invokes nothing and deletes the password parameter (already gone is fine)', async () => {
    const deleted = await run({ RequestType: 'Delete', PhysicalResourceId: 'lamphp-install-wordpress', ResourceProperties: props });
    expect(deleted.calls.lambda).toEqual([]);
    expect(deleted.calls.ssm).toEqual([{ DeleteParameter: { Name: props.AdminPasswordParameter } }]);
    expect(deleted.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
    const gone = Object.assign(new Error('not there'), { name: 'ParameterNotFound' });
    await expect(run({ RequestType: 'Delete', PhysicalResourceId: 'x', ResourceProperties: props }, {}, gone)).resolves.toBeDefined();
    await expect(run({ RequestType: 'Delete', PhysicalResourceId: 'x', ResourceProperties: props }, {}, new Error('AccessDenied'))).rejects.toThrow(/AccessDenied/);
  });

  it('a failed install fails the deployment with the function\'s error', async () => {
    const payload = new TextEncoder().encode(JSON.stringify({ errorType: 'LamphpError', errorMessage: 'EFS not writable' }));
    await expect(run({ RequestType: 'Create', ResourceProperties: props }, { FunctionError: 'Unhandled', Payload: payload })).rejects.toThrow(
      /lamphp install failed \(Unhandled\): LamphpError EFS not writable/,
    );
  });

  it('origin secrets: random, 256 bits, a new one on every Create and Update, never echoed', async () => {
    const values = new Set<string>();
    for (const RequestType of ['Create', 'Update', 'Update']) {
      const { result, calls } = await run({ ResourceType: 'Custom::LamphpOriginSecret', RequestType, ResourceProperties: { Slot: 'A', Generation: '0' } });
      expect(result).toMatchObject({ PhysicalResourceId: 'lamphp-origin-secret-A', NoEcho: true });
      expect(result.Data.Value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(calls.lambda).toEqual([]);
      expect(calls.logs.join('')).not.toContain(result.Data.Value);
      values.add(result.Data.Value);
    }
    expect(values.size).toBe(3);
  });
});
