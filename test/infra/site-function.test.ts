/** SiteFunction: lamphp from the layer on nodejs24.x, in the VPC, EFS mounted, its settings and grants. */
import fs from 'node:fs';
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../bridge/config.ts';
import { DOCUMENT_ROOT, ENV, MOUNT_PATH, ORIGIN_SECRET_HEADER, SESSION_DIR, VIEWER_ADDRESS_HEADER } from '../../infra/contracts.ts';
import { WordPressOnLambda } from '../../infra/wordpress-on-lambda.ts';
import { bareStack, DOMAIN, functionEnv, ingressRules, logicalId, only, placeholderWordPress, placeholderRelay, resources, scratch, synth, wordpressFunction } from './support.ts';

const sqlite = () => synth({ database: 'sqlite' });

describe('SiteFunction', () => {
  it('runs lamphp from the layer on nodejs24.x in the VPC with the EFS access point mounted', () => {
    const s = sqlite();
    const fn = wordpressFunction(s).Properties;
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.MemorySize).toBe(2048);
    expect(fn.Layers).toEqual([{ Ref: logicalId(s, s.site.site.layer) }]);
    only(s.json, 'AWS::Lambda::LayerVersion');
    expect(fn.Environment.Variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/lamphp/bootstrap');
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [logicalId(s, s.site.site.securityGroup), 'GroupId'] }]);
    expect(fn.VpcConfig.SubnetIds).toHaveLength(2);
    expect(fn.FileSystemConfigs).toEqual([{ Arn: expect.anything(), LocalMountPath: MOUNT_PATH }]);
    expect(JSON.stringify(fn.FileSystemConfigs[0].Arn)).toContain(`:access-point/",{"Ref":"${logicalId(s, s.site.storage.accessPoint)}"}`);
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('its environment is what the bridge reads: document root on the mount, sessions beside it, the origin-secret header', () => {
    const env = functionEnv(sqlite());
    expect(env[ENV.documentRoot]).toBe(DOCUMENT_ROOT);
    expect(env[ENV.sessionDir]).toBe(SESSION_DIR);
    expect(DOCUMENT_ROOT.startsWith(`${MOUNT_PATH}/`) && SESSION_DIR.startsWith(`${MOUNT_PATH}/`)).toBe(true);
    expect(env[ENV.originSecretHeader]).toBe(ORIGIN_SECRET_HEADER);
    expect(ORIGIN_SECRET_HEADER).toBe(readConfig({}).originSecretHeader);
    const config = readConfig(Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>);
    expect(config).toMatchObject({
      documentRoot: DOCUMENT_ROOT,
      createDocumentRoot: true,
      sessionDir: SESSION_DIR,
      responseMode: 'buffered',
      trustForwardedHost: true,
      viewerAddressHeader: VIEWER_ADDRESS_HEADER,
      uploadsPrefix: 'wp-content/uploads/',
    });
  });

  it('every LAMPHP_* variable the stack sets is read by the runtime', () => {
    const sources = ['bridge', 'runtime']
      .flatMap((dir) => fs.readdirSync(path.join(import.meta.dirname, '../..', dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => fs.readFileSync(path.join(import.meta.dirname, '../..', f), 'utf8'))
      .join('\n');
    for (const s of [sqlite(), synth({ database: 'mysql', ...DOMAIN })]) {
      for (const name of Object.keys(functionEnv(s)).filter((n) => n.startsWith('LAMPHP_'))) {
        expect(sources, name).toContain(`'${name}'`);
      }
    }
  });

  it('zero fixed cost: WordPress knows it has no internet, its database is SQLite on EFS', () => {
    const env = functionEnv(sqlite());
    // Nor a route to SES or CloudFront: its jobs go through the outbox (test/infra/relay.test.ts).
    expect(env).toMatchObject({ WP_HTTP_BLOCK_EXTERNAL: 'true', DISALLOW_FILE_MODS: 'true', LAMPHP_AWS_ROUTE: 'outbox' });
    expect(env.LAMPHP_CDN_INVALIDATION).toBeUndefined();
    expect(env.DB_HOST).toBeUndefined();
    expect(env.LAMPHP_CANONICAL_HOST).toBeUndefined();
  });

  it('PHP for an HTTP event stops when the front door gives up, not at the function\'s timeout', () => {
    // CloudFront's origin read timeout (30 s by default), at most HTTP API's 30 s, less 2 s for a cold start's init.
    expect(functionEnv(sqlite()).LAMPHP_FRONT_DOOR_TIMEOUT_MS).toBe('28000');
    expect(wordpressFunction(sqlite()).Properties.Timeout).toBe(120);
    expect(functionEnv(synth({ database: 'sqlite', originReadTimeout: Duration.seconds(60) })).LAMPHP_FRONT_DOOR_TIMEOUT_MS).toBe('58000');
    expect(functionEnv(synth({ database: 'sqlite', frontDoor: 'http-api', originReadTimeout: Duration.seconds(60) })).LAMPHP_FRONT_DOOR_TIMEOUT_MS).toBe('28000');
    expect(() => synth({ database: 'sqlite', originReadTimeout: Duration.seconds(60), timeout: Duration.seconds(30) })).toThrow(
      /function timeout \(30 s\) must be at least the front door's \(58 s\)/,
    );
    expect(() => synth({ database: 'sqlite', timeout: Duration.seconds(901) })).toThrow(/at most 900 s/);
  });

  it('reserved concurrency only when asked for (an account limited to 10 cannot reserve any)', () => {
    expect(wordpressFunction(sqlite()).Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(wordpressFunction(synth({ database: 'sqlite', reservedConcurrency: 5 })).Properties.ReservedConcurrentExecutions).toBe(5);
    expect(() => synth({ database: 'sqlite', reservedConcurrency: 0 })).toThrow(/reservedConcurrency must be a whole number ≥ 1/);
  });

  it('a domain becomes the canonical host and the uploads URL', () => {
    const env = functionEnv(synth({ database: 'sqlite', ...DOMAIN }));
    expect(env.LAMPHP_CANONICAL_HOST).toBe('blog.example.com');
    expect(env.LAMPHP_UPLOADS_URL).toBe('https://blog.example.com/wp-content/uploads');
  });

  it('may read and write the uploads bucket, nothing broader', () => {
    const s = sqlite();
    const env = functionEnv(s);
    const [bucketId] = only(s.json, 'AWS::S3::Bucket');
    expect(env.LAMPHP_UPLOADS_BUCKET).toEqual({ Ref: bucketId });
    const role = logicalId(s, s.site.function.role!);
    const statements = resources(s.json, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Record<string, any>[]);
    const resourcesOf = (action: string) => statements.filter((st) => [st.Action].flat().includes(action)).map((st) => JSON.stringify(st.Resource));
    expect(resourcesOf('s3:PutObject').every((r) => r.includes(bucketId))).toBe(true);
    expect(statements.some((st) => [st.Action].flat().some((a: string) => a.startsWith('ssm:')))).toBe(false);
    expect(statements.some((st) => st.Resource === '*' && !st.Condition)).toBe(false);
  });

  it('EFS admits NFS from the function only', () => {
    const s = sqlite();
    const efsSg = logicalId(s, s.site.storage.fileSystem.connections.securityGroups[0]!);
    const rules = ingressRules(s.json).filter(([sg]) => sg === efsSg);
    expect(rules.map(([, r]) => [r.FromPort, r.ToPort, r.SourceSecurityGroupId])).toEqual([
      [2049, 2049, { 'Fn::GetAtt': [logicalId(s, s.site.site.securityGroup), 'GroupId'] }],
    ]);
  });

  it('refuses to synthesize without a layer zip, naming the command that builds it', () => {
    expect(() => new WordPressOnLambda(bareStack(), 'A', { database: 'sqlite', wordpressZip: placeholderWordPress(), relayZip: placeholderRelay(), layerZip: path.join(scratch(), 'none.zip') })).toThrow(/lamphp layer build/);
  });
});
