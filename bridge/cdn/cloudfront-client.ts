/** The CloudFront API client lamphp uses (invalidations), from the standard AWS_* settings. */
import { CloudFrontClient, type CloudFrontClientConfig } from '@aws-sdk/client-cloudfront';
import { awsClientBase } from '../aws-env.ts';
import type { Env } from '../config.ts';

/** A CloudFront client honouring AWS_ENDPOINT_URL_CLOUDFRONT and explicit keys in `env`; short timeouts. */
export function createCloudFrontClient(env: Env = process.env, overrides: Partial<CloudFrontClientConfig> = {}): CloudFrontClient {
  return new CloudFrontClient({
    ...awsClientBase(env, 'CLOUDFRONT'),
    // CloudFront is a global service signed for us-east-1 whatever the function's region.
    region: 'us-east-1',
    // Runs in Lambda's after-response slot or in the relay: fail fast, the job is retried.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 10_000 },
    ...overrides,
  });
}
