/**
 * Local stand-ins for the AWS APIs lamphp calls besides S3 (s3rver serves S3), for tests and the
 * stack twin: each listens on a loopback port named by `AWS_ENDPOINT_URL_<SERVICE>` and checks
 * SigV4 signatures for real.
 */
export { startSesStandin, type SesMessage, type SesStandin, type SesStandinOptions } from './ses.ts';
export { startCloudFrontStandin, type CloudFrontStandin, type Invalidation } from './cloudfront.ts';
export { verifySigV4, type SignedRequest, type Verdict } from './sigv4.ts';
