/**
 * `lamphp install` against a local HTTP endpoint standing in for the Lambda API
 * (AWS_ENDPOINT_URL_LAMBDA): the Invoke request it makes, what it prints, its exit code. Also the
 * install invocation's AWS edges: the site asset from S3 (s3rver) and the database password from
 * a Secrets Manager stand-in.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downloadAsset, envWithDbSecret, wpConstantsFromEnv } from '../bridge/wordpress/install-site.ts';
import { main } from '../runtime/cli.ts';
import { install, installEvent } from '../runtime/install.ts';
import { startS3, type TestS3 } from './support/s3.ts';

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Reply = { status: number; headers?: Record<string, string>; body: string };

/** Records requests; answers with whatever `reply` says for each. */
async function startStandIn(reply: (req: Captured) => Reply) {
  const requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(captured);
      const r = reply(captured);
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    requests,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDLAMPHPTEST', AWS_SECRET_ACCESS_KEY: 'secret-for-tests', AWS_REGION: 'eu-west-1' };

describe('lamphp install', () => {
  let answer: Reply;
  let lambda: Awaited<ReturnType<typeof startStandIn>>;
  const saved = { ...process.env };

  beforeAll(async () => {
    lambda = await startStandIn(() => answer);
  });
  afterAll(async () => {
    await lambda.close();
  });
  afterEach(() => {
    lambda.requests.length = 0;
    process.env = { ...saved };
  });

  it('invokes the function with the install command and prints what it did', async () => {
    answer = {
      status: 200,
      headers: { 'x-amz-executed-version': '$LATEST' },
      body: JSON.stringify({ command: 'install', mode: 'update', changed: true, version: '6.8.12', actions: ['Updated to WordPress 6.8.12: 3 files'] }),
    };
    const lines: string[] = [];
    const outcome = await install(
      { functionName: 'wp-function', mode: 'update', siteUrl: 'https://d111.cloudfront.net', asset: 's3://assets/site.zip' },
      { ...CREDENTIALS, AWS_ENDPOINT_URL_LAMBDA: lambda.url },
      (line) => lines.push(line),
    );
    expect(outcome.ok).toBe(true);
    expect(lambda.requests).toHaveLength(1);
    const [req] = lambda.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/2015-03-31/functions/wp-function/invocations');
    expect(req!.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(req!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLAMPHPTEST\/\d{8}\/eu-west-1\/lambda\/aws4_request/);
    expect(JSON.parse(req!.body)).toEqual({
      lamphp: { command: 'install', mode: 'update', siteUrl: 'https://d111.cloudfront.net', assetBucket: 'assets', assetKey: 'site.zip' },
    });
    expect(lines).toEqual(['- Updated to WordPress 6.8.12: 3 files', 'Done (WordPress 6.8.12).']);
  });

  it('keeps the first admin password in the SSM SecureString it is given, never printing it; says where to read it', async () => {
    const password = 'Pw-only-in-ssm-93kd';
    answer = { status: 200, body: JSON.stringify({ changed: true, installed: true, actions: ['Installed WordPress'], admin: { user: 'admin', password, email: 'a@example.com' } }) };
    const ssm = await startStandIn(() => ({ status: 200, body: JSON.stringify({ Version: 1, Tier: 'Standard' }) }));
    try {
      const lines: string[] = [];
      const name = '/lamphp/LamphpWordPress/wordpress/admin-password';
      const env = { ...CREDENTIALS, AWS_ENDPOINT_URL_LAMBDA: lambda.url, AWS_ENDPOINT_URL_SSM: ssm.url };
      const outcome = await install({ functionName: 'wp-function', passwordParameter: name }, env, (l) => lines.push(l));
      expect(outcome.ok).toBe(true);
      expect(ssm.requests).toHaveLength(1);
      expect(ssm.requests[0]!.headers['x-amz-target']).toBe('AmazonSSM.PutParameter');
      expect(JSON.parse(ssm.requests[0]!.body)).toMatchObject({ Name: name, Type: 'SecureString', Value: password, Overwrite: true });
      expect(lines.join('\n')).not.toContain(password);
      expect(lines.at(-1)).toContain(`aws ssm get-parameter --with-decryption --name ${name}`);

      // Already installed (by the stack): it says where the stack keeps the password.
      answer = { status: 200, body: JSON.stringify({ changed: false, actions: [] }) };
      lines.length = 0;
      await install({ functionName: 'wp-function' }, env, (l) => lines.push(l));
      expect(lines.at(-1)).toMatch(/stack output AdminPasswordParameter: aws ssm get-parameter --with-decryption/);
    } finally {
      await ssm.close();
    }
  });

  it('exits 0 through the command line, and says when nothing changed', async () => {
    answer = { status: 200, body: JSON.stringify({ changed: false, actions: [] }) };
    Object.assign(process.env, CREDENTIALS, { AWS_ENDPOINT_URL_LAMBDA: lambda.url });
    const write = process.stdout.write;
    const out: string[] = [];
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['install', '--function', 'wp-function', '--region', 'us-west-2']);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    expect(out.join('')).toContain('Nothing to change');
    expect(JSON.parse(lambda.requests[0]!.body)).toEqual({ lamphp: { command: 'install', mode: 'install' } });
    expect(lambda.requests[0]!.headers.authorization).toContain('/us-west-2/lambda/aws4_request');
  });

  it('exits non-zero when the function reports an error', async () => {
    answer = {
      status: 200,
      headers: { 'x-amz-function-error': 'Unhandled' },
      body: JSON.stringify({ errorType: 'EWPSQLITE', errorMessage: 'WordPress 6.1 is too old for the SQLite integration plugin' }),
    };
    const lines: string[] = [];
    const outcome = await install({ functionName: 'wp-function' }, { ...CREDENTIALS, AWS_ENDPOINT_URL_LAMBDA: lambda.url }, (l) => lines.push(l));
    expect(outcome).toMatchObject({ ok: false, functionError: 'Unhandled' });
    expect(lines.join('\n')).toContain('The install failed (Unhandled): EWPSQLITE: WordPress 6.1 is too old');

    Object.assign(process.env, CREDENTIALS, { AWS_ENDPOINT_URL_LAMBDA: lambda.url });
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await main(['install', '--function', 'wp-function'])).toBe(1);
    } finally {
      process.stdout.write = write;
    }
  });

  it('refuses a wrong mode or asset before invoking anything', async () => {
    expect(() => installEvent({ mode: 'reinstall' as 'install' })).toThrow(/--mode must be install or update/);
    expect(() => installEvent({ asset: 'https://example.com/x.zip' })).toThrow(/s3:\/\/bucket\/key/);
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main(['install'])).toBe(2);
      expect(await main(['install', '--function', 'f', '--mode', 'nope'])).toBe(2);
    } finally {
      process.stderr.write = err;
    }
    expect(lambda.requests).toHaveLength(0);
  });
});

describe('install invocation: AWS edges', () => {
  let s3: TestS3;
  let tmp: string;
  beforeAll(async () => {
    s3 = await startS3('assets');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-asset-'));
  });
  afterAll(async () => {
    await s3.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('downloads the site asset from S3', async () => {
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);
    await s3.client.send(new PutObjectCommand({ Bucket: 'assets', Key: 'cdk/abc123.zip', Body: bytes }));
    const dest = path.join(tmp, 'asset.zip');
    expect(await downloadAsset('assets', 'cdk/abc123.zip', dest, s3.env)).toBe(dest);
    expect(new Uint8Array(fs.readFileSync(dest))).toEqual(bytes);
    await expect(downloadAsset('assets', 'missing.zip', path.join(tmp, 'x.zip'), s3.env)).rejects.toMatchObject({ code: 'EASSET' });
    expect(fs.existsSync(path.join(tmp, 'x.zip'))).toBe(false);
  });

  it('reads the MySQL password from the secret the stack names', async () => {
    const secrets = await startStandIn((req) =>
      JSON.parse(req.body).SecretId === 'arn:aws:secretsmanager:eu-west-1:1:secret:db'
        ? { status: 200, body: JSON.stringify({ SecretString: JSON.stringify({ username: 'wordpress', password: 'p@ss"word' }) }) }
        : { status: 400, body: JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }) },
    );
    try {
      const base = { ...CREDENTIALS, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url, DB_HOST: 'proxy', DB_NAME: 'wordpress', DB_USER: 'wordpress' };
      const env = await envWithDbSecret({ ...base, DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:db' });
      expect(env.DB_PASSWORD).toBe('p@ss"word');
      expect(secrets.requests[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      await expect(envWithDbSecret({ ...base, DB_SECRET_ARN: 'arn:other' })).rejects.toMatchObject({ code: 'EDBSECRET' });
      // SQLite (no DB_HOST) or a password already given: no call at all.
      const calls = secrets.requests.length;
      expect(await envWithDbSecret({ DB_SECRET_ARN: 'arn:x' })).toEqual({ DB_SECRET_ARN: 'arn:x' });
      expect((await envWithDbSecret({ ...base, DB_PASSWORD: 'given', DB_SECRET_ARN: 'arn:x' })).DB_PASSWORD).toBe('given');
      expect(secrets.requests.length).toBe(calls);
    } finally {
      await secrets.close();
    }
  });

  it('turns the stack\'s WordPress switches into wp-config.php constants', () => {
    expect(wpConstantsFromEnv({ WP_HTTP_BLOCK_EXTERNAL: 'true', DISALLOW_FILE_MODS: 'false' })).toEqual({
      WP_HTTP_BLOCK_EXTERNAL: true,
      DISALLOW_FILE_MODS: false,
    });
    expect(() => wpConstantsFromEnv({ DISALLOW_FILE_MODS: 'yes please' })).toThrow(/true or false/);
  });
});
