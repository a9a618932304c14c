/**
 * CloudFront in front of the site and the front door it reaches the function through
 * (Function URL, HTTP API or ALB), every origin request carrying the origin secret.
 *
 *   wp-content/uploads/*  ─► S3 uploads bucket (OAC)
 *   wp-includes/*, wp-content/themes/*, wp-content/plugins/*  cached, key: ?ver= / ?v=
 *   wp-admin/*, wp-login.php                                  never cached
 *   everything else                                           origin Cache-Control, WordPress cookies in the key
 */
import { Annotations, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LambdaTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { ORIGIN_SECRET_HEADER, PARAMETERS, UPLOADS_PATH_PATTERN, VIEWER_ADDRESS_HEADER, VIEWER_HOST_FUNCTION } from '../contracts.ts';
import { Concern } from './concern.ts';
import { personalCookieNames } from '../../bridge/wordpress/wp-config.ts';
import { acknowledge } from './nag.ts';
import { globalName, parameterName } from './names.ts';
import type { OriginSecret } from './operations.ts';
import type { AwsRoute, SiteFunction } from './site-function.ts';
import type { SiteNetwork } from './network.ts';
import type { SiteStorage } from './storage.ts';

export type FrontDoor = 'function-url' | 'http-api' | 'alb';

/** HTTP API's integration timeout cannot exceed 30 s. */
const HTTP_API_LIMIT = Duration.seconds(30);
/** A cold start's init runs before the runtime sees the event, yet the front door's clock already runs. */
const INIT_ALLOWANCE = Duration.seconds(2);

/**
 * How long PHP may work on an HTTP event (LAMPHP_FRONT_DOOR_TIMEOUT_MS): what the front door
 * waits — CloudFront's origin read timeout, at most HTTP API's 30 s — less a cold start's init.
 */
export function frontDoorTimeout(frontDoor: FrontDoor, originReadTimeout: Duration = Duration.seconds(30)): Duration {
  const read = originReadTimeout.toMilliseconds();
  const limit = frontDoor === 'http-api' ? Math.min(read, HTTP_API_LIMIT.toMilliseconds()) : read;
  return Duration.millis(Math.max(1000, limit - INIT_ALLOWANCE.toMilliseconds()));
}

export interface SiteCdnProps {
  readonly frontDoor: FrontDoor;
  readonly network: SiteNetwork;
  readonly storage: SiteStorage;
  readonly site: SiteFunction;
  readonly siteId: string;
  readonly originSecret: OriginSecret;
  /** CloudFront origin read timeout (HTTP API stops at 30 s anyway). @default 30 s */
  readonly originReadTimeout?: Duration;
  /** Custom domain served by CloudFront (needs certificateArn). */
  readonly domainName?: string;
  /** ACM certificate in us-east-1 for domainName. */
  readonly certificateArn?: string;
  readonly logRetention?: logs.RetentionDays;
  /** @default cloudfront.PriceClass.PRICE_CLASS_100 */
  readonly priceClass?: cloudfront.PriceClass;
  /** `direct`: the function invalidates the distribution itself (it has a route to the API); `outbox`: the relay does. */
  readonly awsRoute: AwsRoute;
}

export class SiteCdn extends Concern {
  readonly distribution: cloudfront.Distribution;
  readonly functionUrl?: lambda.FunctionUrl;
  readonly httpApi?: apigwv2.HttpApi;
  readonly loadBalancer?: elbv2.ApplicationLoadBalancer;
  /** `https://<domainName or the distribution's domain>`. */
  readonly siteUrl: string;
  /** SSM parameter holding the distribution id, for operators and tools. */
  readonly distributionIdParameterName: string;

  constructor(scope: Construct, id: string, props: SiteCdnProps) {
    super(scope, id);
    const fn = props.site.function;
    const readTimeout = props.originReadTimeout ?? Duration.seconds(30);
    const customHeaders = { [ORIGIN_SECRET_HEADER]: props.originSecret.current };
    let appOrigin: cloudfront.IOrigin;
    if (props.frontDoor === 'function-url') {
      // Function URLs cannot stream from a VPC: BUFFERED is the only mode that works here.
      this.functionUrl = fn.addFunctionUrl({
        authType: lambda.FunctionUrlAuthType.NONE,
        invokeMode: lambda.InvokeMode.BUFFERED,
      });
      appOrigin = new origins.FunctionUrlOrigin(this.functionUrl, { customHeaders, readTimeout });
    } else if (props.frontDoor === 'http-api') {
      this.httpApi = this.httpApiFrontDoor(fn, props.logRetention);
      appOrigin = new origins.HttpOrigin(Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint)), {
        customHeaders,
        readTimeout,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      });
    } else {
      this.loadBalancer = this.albFrontDoor(fn, props.network, props.originSecret);
      // An internal ALB reached through a CloudFront VPC origin: the secret never crosses the internet.
      appOrigin = origins.VpcOrigin.withApplicationLoadBalancer(this.loadBalancer, {
        customHeaders,
        readTimeout,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
        vpcOriginName: globalName(this, props.siteId, 'alb', 64),
      });
    }
    this.distribution = this.cdn(props, appOrigin);
    if (this.functionUrl) {
      // CloudFront goes live only once its origin accepts calls: a Function URL answers 403
      // until both of its resource-policy statements exist.
      for (const permission of fn.node.findAll().filter((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission)) {
        if (permission.action === 'lambda:InvokeFunctionUrl' || permission.invokedViaFunctionUrl === true) this.distribution.node.addDependency(permission);
      }
    }
    // The distribution reads the uploads prefix and nothing else of the bucket: the outbox
    // (`.lamphp-outbox/`, a password reset link in a mail job) and direct uploads waiting at the
    // bucket's root are out of its reach whatever path a viewer asks for. With ListBucket under
    // that prefix S3 answers a missing upload with 404 instead of 403 (S3 checks the listing
    // right with the key as s3:prefix); CloudFront only ever asks for single keys.
    const sourceArn = { StringEquals: { 'AWS:SourceArn': this.distribution.distributionArn } };
    const cloudFront = new iam.ServicePrincipal('cloudfront.amazonaws.com');
    props.storage.uploadsBucket.addToResourcePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.storage.uploadsBucket.arnForObjects(UPLOADS_PATH_PATTERN)], principals: [cloudFront], conditions: sourceArn }),
    );
    props.storage.uploadsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.storage.uploadsBucket.bucketArn],
        principals: [cloudFront],
        conditions: { ...sourceArn, StringLike: { 's3:prefix': UPLOADS_PATH_PATTERN } },
      }),
    );
    this.siteUrl = `https://${props.domainName ?? this.distribution.distributionDomainName}`;

    this.distributionIdParameterName = parameterName(this, props.siteId, PARAMETERS.distributionId);
    new ssm.StringParameter(this, 'DistributionIdParameter', {
      parameterName: this.distributionIdParameterName,
      stringValue: this.distribution.distributionId,
      description: 'CloudFront distribution in front of this WordPress site',
    });
    if (props.awsRoute === 'direct') {
      // A separate policy, not the role's default one: the function must not depend on the
      // distribution, which depends on the function's URL. (With the outbox route the relay invalidates.)
      new iam.Policy(this, 'InvalidationPolicy', {
        roles: [fn.role!],
        statements: [
          new iam.PolicyStatement({
            actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
            resources: [this.distribution.distributionArn],
          }),
        ],
      });
    }
    this.acknowledgeFindings(props);
  }

  private httpApiFrontDoor(fn: lambda.IFunction, logRetention: logs.RetentionDays | undefined): apigwv2.HttpApi {
    const api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'lamphp WordPress (behind CloudFront)',
      defaultIntegration: new HttpLambdaIntegration('Function', fn, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogs', {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Kept after a delete (they expire by their retention); removed when the first create fails.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    return api;
  }

  private albFrontDoor(fn: lambda.IFunction, network: SiteNetwork, originSecret: OriginSecret): elbv2.ApplicationLoadBalancer {
    const securityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: network.vpc,
      description: 'lamphp ALB: HTTP from CloudFront (requests without the origin secret get 403)',
      allowAllOutbound: false,
    });
    // CloudFront's VPC origin reaches the internal ALB from network interfaces inside the VPC.
    securityGroup.addIngressRule(ec2.Peer.ipv4(network.vpc.vpcCidrBlock), ec2.Port.tcp(80), 'HTTP from CloudFront (VPC origin)');
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: network.vpc,
      vpcSubnets: network.appSubnets,
      internetFacing: false,
      securityGroup,
      dropInvalidHeaderFields: true,
    });
    const listener = alb.addListener('Http', {
      port: 80,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }),
    });
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'FunctionTarget', {
      targetType: elbv2.TargetType.LAMBDA,
      targets: [new LambdaTarget(fn)],
      multiValueHeadersEnabled: true,
    });
    listener.addAction('FromCloudFront', {
      priority: 10,
      // Either secret during a rotation, as the function accepts them.
      conditions: [elbv2.ListenerCondition.httpHeader(ORIGIN_SECRET_HEADER, [originSecret.current, ...(originSecret.previous ? [originSecret.previous] : [])])],
      action: elbv2.ListenerAction.forward([targetGroup]),
    });
    acknowledge(securityGroup, 'AwsSolutions-EC23', 'Port 80 is open to the VPC\'s own CIDR only (a value cdk-nag cannot read at synth): CloudFront\'s VPC origin reaches the internal ALB from inside the VPC.');
    acknowledge(alb, 'AwsSolutions-ELB2', 'ALB access logs need a log bucket; CloudFront sits in front and the function logs every request.');
    return alb;
  }

  private cdn(props: SiteCdnProps, appOrigin: cloudfront.IOrigin): cloudfront.Distribution {
    // CloudFront names are global to the account: qualified by stack, site and region.
    const name = (kind: string, max: number) => globalName(this, props.siteId, kind, max);
    const viewerHost = new cloudfront.Function(this, 'ViewerHostFunction', {
      functionName: name('viewer-host', 64),
      code: cloudfront.FunctionCode.fromInline(VIEWER_HOST_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Viewer host and address for lamphp, over anything the viewer sent',
    });
    const functionAssociations = [{ function: viewerHost, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }];

    // Pages: honour the origin's Cache-Control; a logged-in or commenting visitor gets a cache entry of their own.
    const pagesCachePolicy = new cloudfront.CachePolicy(this, 'PagesCachePolicy', {
      cachePolicyName: name('pages-cache', 128),
      comment: 'lamphp pages: origin Cache-Control, WordPress cookies in the key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      // Exact names (cache policies take no wildcards): the site's COOKIEHASH is fixed by its id.
      cookieBehavior: cloudfront.CacheCookieBehavior.allowList(...personalCookieNames(props.siteId)),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // Versioned assets: only `ver` (and `v`) tell versions apart; other query strings share one entry.
    const staticCachePolicy = new cloudfront.CachePolicy(this, 'StaticCachePolicy', {
      cachePolicyName: name('static-cache', 128),
      comment: 'lamphp versioned static assets',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('ver', 'v'),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const staticOriginRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'StaticOriginRequestPolicy', {
      originRequestPolicyName: name('static-origin-request', 128),
      comment: 'lamphp static assets: viewer host, address and scheme only',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList('x-forwarded-host', VIEWER_ADDRESS_HEADER, 'CloudFront-Forwarded-Proto'),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.none(),
    });
    const dynamic = {
      origin: appOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // All viewer headers except Host (the origin needs its own), all cookies, all query strings;
      // no CloudFront headers: the viewer's address comes from the viewer-request function.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      functionAssociations,
      compress: true,
    };
    const admin: cloudfront.BehaviorOptions = { ...dynamic, cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED };
    const pages: cloudfront.BehaviorOptions = { ...dynamic, cachePolicy: pagesCachePolicy };
    const assets: cloudfront.BehaviorOptions = {
      origin: appOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachePolicy: staticCachePolicy,
      originRequestPolicy: staticOriginRequestPolicy,
      functionAssociations,
      compress: true,
    };
    // The bucket as a reference: CDK would grant the distribution every object of it (`/*`);
    // the constructor grants the uploads prefix only.
    const bucket = props.storage.uploadsBucket;
    const uploadsBucket = s3.Bucket.fromBucketAttributes(this, 'UploadsOriginBucket', {
      bucketArn: bucket.bucketArn,
      bucketName: bucket.bucketName,
      bucketRegionalDomainName: bucket.bucketRegionalDomainName,
    });
    Annotations.of(this).acknowledgeWarning('@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac', 'SiteCdn grants the distribution the uploads prefix in the bucket policy itself.');
    const uploads: cloudfront.BehaviorOptions = {
      origin: origins.S3BucketOrigin.withOriginAccessControl(uploadsBucket, {
        originAccessControl: new cloudfront.S3OriginAccessControl(this, 'UploadsAccessControl', {
          originAccessControlName: name('uploads', 64),
          description: 'CloudFront reads the uploads bucket of this WordPress site',
        }),
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      compress: true,
    };
    return new cloudfront.Distribution(this, 'Distribution', {
      comment: `lamphp WordPress ${props.siteId}`,
      defaultBehavior: pages,
      // CloudFront matches behaviors in this order.
      additionalBehaviors: {
        [UPLOADS_PATH_PATTERN]: uploads,
        'wp-admin/*': admin,
        'wp-login.php': admin,
        // Plugins and themes post to their own PHP files: those are pages, not static assets.
        'wp-content/plugins/*.php': pages,
        'wp-content/themes/*.php': pages,
        'wp-includes/*': assets,
        'wp-content/themes/*': assets,
        'wp-content/plugins/*': assets,
      },
      domainNames: props.domainName !== undefined ? [props.domainName] : undefined,
      certificate:
        props.certificateArn !== undefined
          ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
          : undefined,
      // Only a custom certificate can raise the floor; *.cloudfront.net is fixed at TLSv1.
      minimumProtocolVersion:
        props.certificateArn !== undefined ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
    });
  }

  private acknowledgeFindings(props: SiteCdnProps): void {
    const d = this.distribution;
    acknowledge(d, 'AwsSolutions-CFR1', 'A public website: no geo restriction by default.');
    acknowledge(d, 'AwsSolutions-CFR2', 'AWS WAF has a fixed monthly cost; the zero-fixed-cost design leaves it optional (attach a web ACL to the distribution).');
    acknowledge(d, 'AwsSolutions-CFR3', 'CloudFront standard logs need an ACL-enabled log bucket; left out to stay pay-per-use, enable them on the distribution when needed.');
    if (props.certificateArn === undefined) {
      acknowledge(d, 'AwsSolutions-CFR4', 'Without a custom domain the distribution uses the *.cloudfront.net certificate, whose minimum protocol CloudFront fixes at TLSv1; with certificateArn the minimum is TLSv1.2_2021.');
    }
    if (props.frontDoor === 'http-api') {
      acknowledge(this.httpApi, 'AwsSolutions-APIG4', 'The API is CloudFront\'s origin; lamphp authenticates every request by the origin-secret header, and WordPress authenticates users itself.');
    }
    if (props.frontDoor === 'alb') {
      acknowledge(d, 'AwsSolutions-CFR5', 'CloudFront reaches the internal ALB through a VPC origin, over AWS\'s network and never the internet; the ALB has no certificate of its own.');
    }
  }
}
