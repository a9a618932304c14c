/** SiteOperations: the install custom resource and its handler, WP-Cron, alarms. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CRON_EVENT, INSTALL_HANDLER_CODE } from '../../infra/contracts.ts';
import { logicalId, only, synth, type Json } from './support.ts';

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

  it('alarms on the function\'s errors and throttles', () => {
    const s = sqlite();
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
    });
    expect(JSON.stringify(install.Properties.SiteUrl)).toContain(logicalId(s, s.site.cdn.distribution));
    const handler = s.site.operations.node.findChild('InstallOnEvent').node.defaultChild as unknown as { code: { zipFile: string } };
    expect(handler.code.zipFile).toBe(INSTALL_HANDLER_CODE);
  });
});

describe('install handler (the inline code the template carries)', () => {
  async function runOnEvent(event: Json, reply: { Payload?: Uint8Array; FunctionError?: string } = {}) {
    const sent: Json[] = [];
    class InvokeCommand {
      input: Json;
      constructor(input: Json) {
        this.input = input;
      }
    }
    class LambdaClient {
      async send(cmd: InvokeCommand) {
        sent.push(cmd.input);
        return reply;
      }
    }
    const module = { exports: {} as { handler?: (e: Json) => Promise<Json> } };
    const fakeRequire = (id: string) => {
      if (id !== '@aws-sdk/client-lambda') throw new Error(`unexpected require ${id}`);
      return { LambdaClient, InvokeCommand };
    };
    new Function('require', 'exports', 'module', 'console', 'Buffer', INSTALL_HANDLER_CODE)(fakeRequire, module.exports, module, { log: () => {} }, Buffer);
    const result = await module.exports.handler!(event);
    return { result, sent };
  }

  const props = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    FunctionName: 'wp-fn',
    SiteId: 'wordpress',
    SiteUrl: 'https://d111111abcdef8.cloudfront.net',
    DistributionId: 'E2EXAMPLE',
    LayerVersionArn: 'arn:aws:lambda:eu-west-1:123456789012:layer:lamphp:3',
    AssetBucket: 'cdk-assets',
    AssetKey: 'abc.zip',
  };

  it('Create → mode install, Update → mode update, Delete → no invocation', async () => {
    const created = await runOnEvent({ RequestType: 'Create', ResourceProperties: props });
    expect(created.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
    expect(created.sent).toHaveLength(1);
    expect(created.sent[0]!.FunctionName).toBe('wp-fn');
    expect(JSON.parse(created.sent[0]!.Payload)).toEqual({
      lamphp: {
        command: 'install',
        mode: 'install',
        siteUrl: 'https://d111111abcdef8.cloudfront.net',
        distributionId: 'E2EXAMPLE',
        assetBucket: 'cdk-assets',
        assetKey: 'abc.zip',
      },
    });

    const { AssetBucket: _b, AssetKey: _k, ...noAsset } = props;
    const updated = await runOnEvent({ RequestType: 'Update', PhysicalResourceId: 'lamphp-install-wordpress', ResourceProperties: noAsset });
    expect(updated.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
    expect(JSON.parse(updated.sent[0]!.Payload).lamphp).toEqual({
      command: 'install',
      mode: 'update',
      siteUrl: 'https://d111111abcdef8.cloudfront.net',
      distributionId: 'E2EXAMPLE',
    });

    const deleted = await runOnEvent({ RequestType: 'Delete', PhysicalResourceId: 'lamphp-install-wordpress', ResourceProperties: props });
    expect(deleted.sent).toEqual([]);
    expect(deleted.result).toEqual({ PhysicalResourceId: 'lamphp-install-wordpress' });
  });

  it('a failed install fails the deployment with the function error', async () => {
    const payload = new TextEncoder().encode(JSON.stringify({ errorType: 'LamphpError', errorMessage: 'EFS not writable' }));
    await expect(runOnEvent({ RequestType: 'Create', ResourceProperties: props }, { FunctionError: 'Unhandled', Payload: payload })).rejects.toThrow(
      /lamphp install failed \(Unhandled\).*EFS not writable/,
    );
  });
});
