/**
 * What every AWS client lamphp makes takes from the environment: the service's endpoint
 * (`AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, as the AWS SDKs document), the region,
 * and explicit keys when the environment carries them (tests, the CLI); otherwise the SDK's
 * default chain (the Lambda role).
 */
import type { Env } from './config.ts';

export function envValue(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

export interface AwsClientBase {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** `service` as in the endpoint variable, e.g. `S3`, `SESV2`, `CLOUDFRONT`. */
export function awsClientBase(env: Env, service: string): AwsClientBase {
  const endpoint = envValue(env, `AWS_ENDPOINT_URL_${service}`) ?? envValue(env, 'AWS_ENDPOINT_URL');
  const accessKeyId = envValue(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = envValue(env, 'AWS_SECRET_ACCESS_KEY');
  const sessionToken = envValue(env, 'AWS_SESSION_TOKEN');
  return {
    region: envValue(env, 'AWS_REGION') ?? envValue(env, 'AWS_DEFAULT_REGION') ?? 'us-east-1',
    ...(endpoint && { endpoint }),
    ...(accessKeyId && secretAccessKey && { credentials: { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) } }),
  };
}
