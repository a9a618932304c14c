/**
 * CloudFront's AWS-managed cache and origin request policies, by the id a template names them
 * with, as the CloudFront Developer Guide documents them:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
 * Checked on MANAGED_POLICIES_DATE against the live guide (its list of policies, their ids and
 * AllViewerAndCloudFrontHeaders-2022-06's header list) and the guide's published source
 * (awsdocs/amazon-cloudfront-developer-guide) for each policy's settings; HostHeaderOnly's id is
 * aws-cdk-lib's (OriginRequestPolicy.HOST_HEADER_ONLY). AWS may change a managed policy: check
 * the pages above and this date before trusting a difference the twin shows.
 *
 * What the origin receives from AllViewerExceptHostHeader matters to lamphp: "all headers in the
 * viewer request except for the Host header", and no CloudFront headers — its header behavior
 * is `allExcept`, which (API reference, OriginRequestPolicyHeadersConfig) only leaves viewer
 * headers out and cannot add CloudFront's; only `whitelist` and `allViewerAndWhitelistCloudFront`
 * can. So CloudFront-Viewer-Address never reaches the pages' origin from CloudFront itself (the
 * stack's viewer-request function names the viewer instead: VIEWER_ADDRESS_HEADER).
 * Shapes are those of AWS::CloudFront::CachePolicy / OriginRequestPolicy configs.
 */
export const MANAGED_POLICIES_DATE = '2026-12-04';

export interface CachePolicyConfig {
  Name: string;
  MinTTL: number;
  DefaultTTL: number;
  MaxTTL: number;
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: boolean;
    EnableAcceptEncodingBrotli?: boolean;
    HeadersConfig: { HeaderBehavior: 'none' | 'whitelist'; Headers?: string[] };
    CookiesConfig: { CookieBehavior: 'none' | 'whitelist' | 'allExcept' | 'all'; Cookies?: string[] };
    QueryStringsConfig: { QueryStringBehavior: 'none' | 'whitelist' | 'allExcept' | 'all'; QueryStrings?: string[] };
  };
}

export interface OriginRequestPolicyConfig {
  Name: string;
  HeadersConfig: { HeaderBehavior: 'none' | 'whitelist' | 'allViewer' | 'allViewerAndWhitelistCloudFront' | 'allExcept'; Headers?: string[] };
  CookiesConfig: { CookieBehavior: 'none' | 'whitelist' | 'all' | 'allExcept'; Cookies?: string[] };
  QueryStringsConfig: { QueryStringBehavior: 'none' | 'whitelist' | 'all' | 'allExcept'; QueryStrings?: string[] };
}

const key = (
  gzip: boolean,
  brotli: boolean,
  headers: string[] | 'none',
  cookies: 'none' | 'all',
  queries: string[] | 'none' | 'all',
): CachePolicyConfig['ParametersInCacheKeyAndForwardedToOrigin'] => ({
  EnableAcceptEncodingGzip: gzip,
  EnableAcceptEncodingBrotli: brotli,
  HeadersConfig: headers === 'none' ? { HeaderBehavior: 'none' } : { HeaderBehavior: 'whitelist', Headers: headers },
  CookiesConfig: { CookieBehavior: cookies },
  QueryStringsConfig: queries === 'none' || queries === 'all' ? { QueryStringBehavior: queries } : { QueryStringBehavior: 'whitelist', QueryStrings: queries },
});

export const MANAGED_CACHE_POLICIES: Record<string, CachePolicyConfig> = {
  '2e54312d-136d-493c-8eb9-b001f22f67d2': { Name: 'Amplify', MinTTL: 2, DefaultTTL: 2, MaxTTL: 600, ParametersInCacheKeyAndForwardedToOrigin: key(true, true, ['Authorization', 'CloudFront-Viewer-Country', 'Host'], 'all', 'all') },
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': { Name: 'CachingDisabled', MinTTL: 0, DefaultTTL: 0, MaxTTL: 0, ParametersInCacheKeyAndForwardedToOrigin: key(false, false, 'none', 'none', 'none') },
  '658327ea-f89d-4fab-a63d-7e88639e58f6': { Name: 'CachingOptimized', MinTTL: 1, DefaultTTL: 86_400, MaxTTL: 31_536_000, ParametersInCacheKeyAndForwardedToOrigin: key(true, true, 'none', 'none', 'none') },
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': { Name: 'CachingOptimizedForUncompressedObjects', MinTTL: 1, DefaultTTL: 86_400, MaxTTL: 31_536_000, ParametersInCacheKeyAndForwardedToOrigin: key(false, false, 'none', 'none', 'none') },
  '08627262-05a9-4f76-9ded-b50ca2e3a84f': { Name: 'Elemental-MediaPackage', MinTTL: 0, DefaultTTL: 86_400, MaxTTL: 31_536_000, ParametersInCacheKeyAndForwardedToOrigin: key(true, false, ['Origin'], 'none', ['aws.manifestfilter', 'start', 'end', 'm']) },
};

export const MANAGED_ORIGIN_REQUEST_POLICIES: Record<string, OriginRequestPolicyConfig> = {
  '216adef6-5c7f-47e4-b989-5492eafa07d3': { Name: 'AllViewer', HeadersConfig: { HeaderBehavior: 'allViewer' }, CookiesConfig: { CookieBehavior: 'all' }, QueryStringsConfig: { QueryStringBehavior: 'all' } },
  '33f36d7e-f396-46d9-90e0-52428a34d9dc': {
    Name: 'AllViewerAndCloudFrontHeaders-2022-06',
    HeadersConfig: {
      HeaderBehavior: 'allViewerAndWhitelistCloudFront',
      Headers: [
        'CloudFront-Forwarded-Proto', 'CloudFront-Is-Android-Viewer', 'CloudFront-Is-Desktop-Viewer', 'CloudFront-Is-IOS-Viewer',
        'CloudFront-Is-Mobile-Viewer', 'CloudFront-Is-SmartTV-Viewer', 'CloudFront-Is-Tablet-Viewer', 'CloudFront-Viewer-Address',
        'CloudFront-Viewer-ASN', 'CloudFront-Viewer-City', 'CloudFront-Viewer-Country', 'CloudFront-Viewer-Country-Name',
        'CloudFront-Viewer-Country-Region', 'CloudFront-Viewer-Country-Region-Name', 'CloudFront-Viewer-Http-Version',
        'CloudFront-Viewer-Latitude', 'CloudFront-Viewer-Longitude', 'CloudFront-Viewer-Metro-Code', 'CloudFront-Viewer-Postal-Code',
        'CloudFront-Viewer-Time-Zone', 'CloudFront-Viewer-TLS',
      ],
    },
    CookiesConfig: { CookieBehavior: 'all' },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
  // "All headers in the viewer request except for the Host header"; CloudFront then sends the origin's own Host.
  'b689b0a8-53d0-40ab-baf2-68738e2966ac': { Name: 'AllViewerExceptHostHeader', HeadersConfig: { HeaderBehavior: 'allExcept', Headers: ['Host'] }, CookiesConfig: { CookieBehavior: 'all' }, QueryStringsConfig: { QueryStringBehavior: 'all' } },
  '59781a5b-3903-41f3-afcb-af62929ccde1': { Name: 'CORS-CustomOrigin', HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Origin'] }, CookiesConfig: { CookieBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'none' } },
  '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf': { Name: 'CORS-S3Origin', HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Origin', 'Access-Control-Request-Headers', 'Access-Control-Request-Method'] }, CookiesConfig: { CookieBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'none' } },
  '775133bc-15f2-49f9-abea-afb2e0bf67d2': { Name: 'Elemental-MediaTailor-PersonalizedManifests', HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Origin', 'Access-Control-Request-Headers', 'Access-Control-Request-Method', 'User-Agent', 'X-Forwarded-For'] }, CookiesConfig: { CookieBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'all' } },
  'bf0718e1-ba1e-49d1-88b1-f726733018ae': { Name: 'HostHeaderOnly', HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Host'] }, CookiesConfig: { CookieBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'none' } },
  'acba4595-bd28-49b8-b9fe-13317c0390fa': { Name: 'UserAgentRefererHeaders', HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['User-Agent', 'Referer'] }, CookiesConfig: { CookieBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'none' } },
};
