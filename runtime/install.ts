/**
 * `lamphp install`: asks the deployed function to install or update its WordPress site, the
 * same invocation the stack's custom resource makes on deploy. Prints what the function did.
 */
import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LamphpError, type Env } from '../bridge/index.ts';

export interface InstallFlags {
  functionName: string;
  mode?: 'install' | 'update';
  region?: string;
  /** Site address for WordPress's installer (the stack passes its CloudFront or custom domain). */
  siteUrl?: string;
  /** `s3://bucket/key` of a WordPress zip the function may read. */
  asset?: string;
  /** SSM SecureString parameter for the first admin password (the stack's AdminPasswordParameter output). */
  passwordParameter?: string;
}

export interface InstallOutcome {
  ok: boolean;
  /** The function's answer, parsed when it is JSON. */
  payload: unknown;
  functionError?: string;
}

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** Region, endpoint (AWS_ENDPOINT_URL_<SERVICE>) and explicit keys from `env`; the SDK's default chain otherwise. */
function clientSettings(env: Env, service: 'LAMBDA' | 'SSM', region?: string) {
  const endpoint = value(env, `AWS_ENDPOINT_URL_${service}`) ?? value(env, 'AWS_ENDPOINT_URL');
  const accessKeyId = value(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = value(env, 'AWS_SECRET_ACCESS_KEY');
  const sessionToken = value(env, 'AWS_SESSION_TOKEN');
  const resolvedRegion = region ?? value(env, 'AWS_REGION') ?? value(env, 'AWS_DEFAULT_REGION');
  return {
    ...(resolvedRegion && { region: resolvedRegion }),
    ...(endpoint && { endpoint }),
    ...(accessKeyId &&
      secretAccessKey && { credentials: { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) } }),
  };
}

export function createLambdaClient(env: Env, region?: string, overrides: Partial<LambdaClientConfig> = {}): LambdaClient {
  return new LambdaClient({
    ...clientSettings(env, 'LAMBDA', region),
    // An install copies WordPress onto EFS and may take the function's whole timeout: never retry it blindly.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 16 * 60_000 },
    ...overrides,
  });
}

function parseAsset(asset: string): { assetBucket: string; assetKey: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(asset);
  if (!m) throw new LamphpError('EUSAGE', `--asset must look like s3://bucket/key.zip, got "${asset}".`);
  return { assetBucket: m[1]!, assetKey: m[2]! };
}

/** The event `lamphp install` sends (the custom resource sends the same shape). */
export function installEvent(flags: Omit<InstallFlags, 'functionName' | 'region'>): { lamphp: Record<string, string> } {
  const mode = flags.mode ?? 'install';
  if (mode !== 'install' && mode !== 'update') {
    throw new LamphpError('EUSAGE', `--mode must be install or update, got "${String(mode)}".`);
  }
  return {
    lamphp: {
      command: 'install',
      mode,
      ...(flags.siteUrl && { siteUrl: flags.siteUrl }),
      ...(flags.asset && parseAsset(flags.asset)),
    },
  };
}

/** Invokes the function and reports; `out` gets the human-readable lines (stdout by default). */
export async function install(
  flags: InstallFlags,
  env: Env = process.env,
  out: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Promise<InstallOutcome> {
  if (!flags.functionName) throw new LamphpError('EUSAGE', 'Name the function: lamphp install --function NAME.');
  const event = installEvent(flags);
  const client = createLambdaClient(env, flags.region);
  process.stderr.write(`Invoking ${flags.functionName} (${event.lamphp.mode})…\n`);
  let response;
  try {
    response = await client.send(
      new InvokeCommand({
        FunctionName: flags.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  } catch (err) {
    throw new LamphpError('EINVOKE', `Could not invoke ${flags.functionName}: ${(err as Error).message}`, { cause: err });
  } finally {
    client.destroy();
  }
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  let payload: unknown = text;
  try {
    payload = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: shown as it came.
  }
  if (response.FunctionError) {
    const p = payload as { errorType?: string; errorMessage?: string } | undefined;
    out(`The install failed (${response.FunctionError}): ${p?.errorType ? `${p.errorType}: ` : ''}${p?.errorMessage ?? text}`);
    return { ok: false, payload, functionError: response.FunctionError };
  }
  const result = payload as { changed?: boolean; actions?: string[]; version?: string; admin?: { user: string; password: string } };
  if (result && typeof result === 'object' && Array.isArray(result.actions)) {
    for (const action of result.actions) out(`- ${action}`);
    out(result.changed ? `Done${result.version ? ` (WordPress ${result.version})` : ''}.` : 'Nothing to change: the site is up to date.');
    await reportPassword(result.admin, flags, env, out);
  } else {
    out(typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2));
  }
  return { ok: true, payload };
}

const readCommand = (name: string) => `aws ssm get-parameter --with-decryption --name ${name} --query Parameter.Value --output text`;

/**
 * Where the first admin password is. With --password-parameter it goes into that SSM
 * SecureString and is never printed; without, this terminal is the only place it is shown.
 */
async function reportPassword(admin: { user: string; password: string } | undefined, flags: InstallFlags, env: Env, out: (line: string) => void): Promise<void> {
  const name = flags.passwordParameter;
  if (!admin) {
    if ((flags.mode ?? 'install') === 'install') {
      out(name
        ? `The first admin password is in the SSM SecureString ${name}: ${readCommand(name)}`
        : 'The first admin password of a stack deploy is in the SSM SecureString named by the stack output AdminPasswordParameter: ' +
          readCommand('<AdminPasswordParameter>'));
    }
    return;
  }
  if (!name) {
    out(`Admin user: ${admin.user}  password: ${admin.password}  (shown once: change it after logging in)`);
    return;
  }
  const ssm = new SSMClient({ ...clientSettings(env, 'SSM', flags.region), maxAttempts: 3 });
  try {
    await ssm.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: admin.password, Overwrite: true, Description: `First WordPress admin password (user ${admin.user})` }));
  } catch (err) {
    throw new LamphpError('ESSM', `WordPress is installed, but its admin password could not be stored in ${name}: ${(err as Error).message}. Reset it with "lamphp console --function ${flags.functionName} -- .bin/wp-cli.phar user reset-password ${admin.user}".`, { cause: err });
  } finally {
    ssm.destroy();
  }
  out(`Admin user: ${admin.user}; the password is in the SSM SecureString ${name}: ${readCommand(name)}  (change it after logging in)`);
}
