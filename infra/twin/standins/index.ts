/**
 * Local stand-ins for the AWS APIs lamphp calls besides S3 (s3rver serves S3), one per API, for
 * tests and the stack twin: each checks SigV4 signatures for real; tests reach it on a loopback
 * port named by `AWS_ENDPOINT_URL_<SERVICE>`, the twin at AWS's own name (infra/twin/ses.ts,
 * infra/twin/cloudfront/api.ts) with its credentials and IAM.
 */
export { createSesApi, startSesStandin, type SesApi, type SesMessage, type SesStandin, type SesStandinOptions } from './ses.ts';
export { createCloudFrontApi, startCloudFrontStandin, type CloudFrontApi, type CloudFrontApiOptions, type CloudFrontStandin, type Invalidation } from './cloudfront.ts';
export { verifySigV4, type Secrets, type SignedRequest, type Verdict } from './sigv4.ts';
