/** SiteCdn: CloudFront's behaviors and policies, and the front door it reaches the function through. */
import vm from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cookieHash } from '../../bridge/wordpress/wp-config.ts';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER, VIEWER_HOST_FUNCTION } from '../../infra/contracts.ts';
import { DOMAIN, distribution, functionEnv, ingressRules, logicalId, only, resources, synth, wordpressFunction, type Json, type Synthesized } from './support.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const FRONT_DOORS = ['function-url', 'http-api', 'alb'] as const;
const withDoor = (frontDoor: (typeof FRONT_DOORS)[number]) => synth({ database: 'sqlite', frontDoor });

function behavior(s: Synthesized, pattern: string): Json {
  const b = (distribution(s).CacheBehaviors as Json[]).find((x) => x.PathPattern === pattern);
  expect(b, pattern).toBeDefined();
  return b!;
}

function cachePolicy(s: Synthesized, ref: unknown): Json {
  const id = (ref as { Ref: string }).Ref;
  expect(id, 'a cache policy defined in the stack').toBeTypeOf('string');
  return s.json.Resources[id].Properties.CachePolicyConfig;
}

describe.each(FRONT_DOORS)('SiteCdn with the %s front door', (door) => {
  it('binds CloudFront to the origin by the secret header the bridge checks', () => {
    const s = withDoor(door);
    const env = functionEnv(s);
    const appOrigins = (distribution(s).Origins as Json[]).filter((o) => o.S3OriginConfig === undefined);
    expect(appOrigins).toHaveLength(1);
    expect(appOrigins[0]!.OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_SECRET_HEADER, HeaderValue: env.LAMPHP_ORIGIN_SECRET }]);
    expect((appOrigins[0]!.CustomOriginConfig ?? appOrigins[0]!.VpcOriginConfig).OriginReadTimeout).toBe(30);
  });

  it('routes each path to its cache policy', () => {
    const s = withDoor(door);
    const d = distribution(s);
    const appOriginId = (d.Origins as Json[]).find((o) => o.S3OriginConfig === undefined)!.Id;
    const s3Origin = (d.Origins as Json[]).find((o) => o.S3OriginConfig !== undefined)!;
    expect(s3Origin.OriginAccessControlId).toBeDefined();

    const uploads = behavior(s, 'wp-content/uploads/*');
    expect(uploads.TargetOriginId).toBe(s3Origin.Id);
    expect(uploads.CachePolicyId).toBe(CACHING_OPTIMIZED);

    for (const pattern of ['wp-includes/*', 'wp-content/themes/*', 'wp-content/plugins/*']) {
      const b = behavior(s, pattern);
      expect(b.TargetOriginId).toBe(appOriginId);
      const policy = cachePolicy(s, b.CachePolicyId);
      expect(policy.MaxTTL).toBe(365 * 86400);
      const key = policy.ParametersInCacheKeyAndForwardedToOrigin;
      expect(key.QueryStringsConfig.QueryStringBehavior).toBe('whitelist');
      expect(key.QueryStringsConfig.QueryStrings).toContain('ver');
      expect(key.CookiesConfig.CookieBehavior).toBe('none');
    }

    for (const pattern of ['wp-admin/*', 'wp-login.php']) {
      const b = behavior(s, pattern);
      expect(b.TargetOriginId).toBe(appOriginId);
      expect(b.CachePolicyId).toBe(CACHING_DISABLED);
      expect(b.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
      expect(b.AllowedMethods).toContain('POST');
    }

    const def = d.DefaultCacheBehavior;
    expect(def.TargetOriginId).toBe(appOriginId);
    expect(def.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    expect(def.AllowedMethods).toContain('POST');
    expect(def.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(def.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: expect.anything() }]);
    const pages = cachePolicy(s, def.CachePolicyId);
    expect(pages.MinTTL).toBe(0);
    // Exact cookie names (cache policies take no wildcards), from the site's fixed COOKIEHASH.
    const hash = cookieHash('wordpress');
    expect(pages.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig).toEqual({
      CookieBehavior: 'whitelist',
      Cookies: [`wordpress_logged_in_${hash}`, `wp-postpass_${hash}`, `comment_author_${hash}`, `comment_author_email_${hash}`, `comment_author_url_${hash}`],
    });
    expect(functionEnv(s).LAMPHP_SITE_ID).toBe('wordpress');

    // A plugin's or theme's own PHP file is a page: every method, cookies and query strings, origin Cache-Control.
    const patterns = (d.CacheBehaviors as Json[]).map((b) => b.PathPattern);
    for (const pattern of ['wp-content/plugins/*.php', 'wp-content/themes/*.php']) {
      const b = behavior(s, pattern);
      expect(b.AllowedMethods).toContain('POST');
      expect(b.CachePolicyId).toEqual(def.CachePolicyId);
      expect(b.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
      // CloudFront takes the first match: the PHP pattern must come before the static one.
      expect(patterns.indexOf(pattern)).toBeLessThan(patterns.indexOf(pattern.replace('*.php', '*')));
    }
  });

  it('publishes the distribution id for operators; a function with a route to the API may invalidate that distribution only', () => {
    const s = withDoor(door);
    const distributionId = logicalId(s, s.site.cdn.distribution);
    s.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/lamphp/LamphpWordPress/wordpress/cloudfront-distribution-id',
      Value: { Ref: distributionId },
    });
    // sqlite: no route to CloudFront; the relay invalidates (test/infra/relay.test.ts).
    const invalidates = (x: Synthesized) => resources(x.json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('cloudfront:CreateInvalidation'));
    const siteRole = logicalId(s, s.site.function.role!);
    expect(invalidates(s).filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(siteRole))).toEqual([]);
    const direct = synth({ database: 'mysql', frontDoor: door });
    direct.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(direct, direct.site.function.role!) }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([':distribution/', { Ref: logicalId(direct, direct.site.cdn.distribution) }])] },
          }),
        ],
      },
    });
  });
});

describe('front doors', () => {
  it('function-url: buffered (Function URLs cannot stream from a VPC), no IAM auth (the origin secret guards it)', () => {
    withDoor('function-url').template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'BUFFERED' });
  });

  it('function-url: CloudFront goes live only once the URL accepts calls (both resource-policy statements exist)', () => {
    const s = withDoor('function-url');
    const [distributionId, d] = only(s.json, 'AWS::CloudFront::Distribution');
    const permissions = Object.entries(s.json.Resources as Record<string, Json>).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Permission' && (r.Properties.Action === 'lambda:InvokeFunctionUrl' || r.Properties.InvokedViaFunctionUrl === true),
    );
    expect(permissions.map(([, r]) => r.Properties.Action).sort(), distributionId).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    expect([d.DependsOn].flat()).toEqual(expect.arrayContaining(permissions.map(([id]) => id)));
  });

  it('http-api: HTTP API with a payload 2.0 Lambda integration as an HTTPS origin', () => {
    const s = withDoor('http-api');
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(s, s.site.function), 'Arn'] },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
    s.template.resourceCountIs('AWS::Lambda::Url', 0);
    const origin = (distribution(s).Origins as Json[]).find((o) => o.CustomOriginConfig !== undefined)!;
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(JSON.stringify(origin.DomainName)).toContain(logicalId(s, s.site.cdn.httpApi!));
  });

  it('alb: internal, reached through a CloudFront VPC origin, multi-value Lambda target, only with the origin secret', () => {
    const s = synth({ database: 'mysql', frontDoor: 'alb' });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const [vpcOriginId, vpcOrigin] = only(s.json, 'AWS::CloudFront::VpcOrigin');
    expect(vpcOrigin.Properties.VpcOriginEndpointConfig).toMatchObject({
      Arn: { Ref: logicalId(s, s.site.cdn.loadBalancer!) },
      OriginProtocolPolicy: 'http-only',
    });
    const origin = (distribution(s).Origins as Json[]).find((o) => o.VpcOriginConfig !== undefined)!;
    expect(origin.VpcOriginConfig.VpcOriginId).toEqual({ 'Fn::GetAtt': [vpcOriginId, 'Id'] });
    expect(origin.OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_SECRET_HEADER, HeaderValue: functionEnv(s).LAMPHP_ORIGIN_SECRET }]);
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }]),
    });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) })],
    });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: ORIGIN_SECRET_HEADER, Values: [functionEnv(s).LAMPHP_ORIGIN_SECRET] } }],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
    // Beside the function, in subnets with no route from the internet; open to the VPC only.
    const albSubnets = only(s.json, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1].Properties.Subnets as Json[];
    expect(albSubnets).toEqual(wordpressFunction(s).Properties.VpcConfig.SubnetIds);
    const albSg = logicalId(s, s.site.cdn.loadBalancer!.connections.securityGroups[0]!);
    expect(ingressRules(s.json).filter(([sg]) => sg === albSg).map(([, r]) => [r.CidrIp, r.FromPort])).toEqual([
      [{ 'Fn::GetAtt': [logicalId(s, s.site.network.vpc as never), 'CidrBlock'] }, 80],
    ]);
  });

  it('no security group is open to the internet, in any shape', () => {
    for (const door of FRONT_DOORS) {
      const s = withDoor(door);
      const open = ingressRules(s.json).filter(([, r]) => typeof r.CidrIp === 'string' || r.CidrIpv6 !== undefined);
      expect(open).toEqual([]);
    }
  });

  it('a missing upload is a 404: ListBucket for this distribution only, on the bucket only, under the uploads prefix only', () => {
    const s = withDoor('function-url');
    const statements = only(s.json, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument.Statement as Json[];
    const list = statements.filter((st) => [st.Action].flat().includes('s3:ListBucket'));
    expect(list).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::GetAtt': [only(s.json, 'AWS::S3::Bucket')[0], 'Arn'] },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() }, StringLike: { 's3:prefix': 'wp-content/uploads/*' } },
      },
    ]);
    expect(JSON.stringify(list[0]!.Condition)).toContain(logicalId(s, s.site.cdn.distribution));
  });
});

describe('edge', () => {
  it('a custom domain: alias, TLS 1.2 floor, the site URL the install uses', () => {
    const s = synth({ database: 'sqlite', ...DOMAIN });
    const d = distribution(s);
    expect(d.Aliases).toEqual(['blog.example.com']);
    expect(d.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(only(s.json, 'Custom::LamphpInstall')[1].Properties.SiteUrl).toBe('https://blog.example.com');
  });

  it('the viewer-request function names the viewer\'s host and address, over whatever the viewer sent', () => {
    const sandbox: { handler?: (e: unknown) => Json } = {};
    vm.runInNewContext(`${VIEWER_HOST_FUNCTION}\nthis.handler = handler;`, sandbox);
    const forged = { 'x-forwarded-host': { value: 'evil.example' }, 'cloudfront-viewer-address': { value: '6.6.6.6:1' }, 'cloudfront-forwarded-proto': { value: 'http' }, [VIEWER_ADDRESS_HEADER]: { value: '6.6.6.6' } };
    const out = sandbox.handler!({ viewer: { ip: '198.51.100.7' }, request: { uri: '/', headers: { host: { value: 'd111111abcdef8.cloudfront.net' }, ...forged } } });
    expect(out.headers).toEqual({ host: { value: 'd111111abcdef8.cloudfront.net' }, 'x-forwarded-host': { value: 'd111111abcdef8.cloudfront.net' }, [VIEWER_ADDRESS_HEADER]: { value: '198.51.100.7' } });
    const v6 = sandbox.handler!({ viewer: { ip: '2001:db8::7' }, request: { uri: '/', headers: {} } });
    expect(v6.headers).toEqual({ [VIEWER_ADDRESS_HEADER]: { value: '[2001:db8::7]' } });
    // The function's environment names that header to the runtime.
    expect(functionEnv(withDoor('function-url')).LAMPHP_VIEWER_ADDRESS_HEADER).toBe(VIEWER_ADDRESS_HEADER);
  });
});
