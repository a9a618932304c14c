/**
 * AWS Lambda in the twin: layer versions and functions from the template, each function's
 * instances (infra/twin/lambda/instances.ts) started in a sandbox (sandbox.ts) with exactly what
 * Lambda gives a function — its code at /var/task, its layers at /opt, its EFS access point at
 * the mount path as the access point's POSIX user, the template's environment plus Lambda's own
 * variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * the role's credentials, and the DNS names its VPC reaches — nothing else. Asynchronous
 * invocations get Lambda's retries and, once they are spent, the on-failure destination's record
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), sent to a
 * destination function with the function's role. A function in a runtime the twin does not run
 * (CDK's Python handlers) deploys, and fails when invoked, saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { extractZip } from '../../../layer/zip.ts';
import { accessPointByArn } from '../efs.ts';
import { evaluate } from '../iam.ts';
import { physicalName, type Properties, type ResourceModule, type StandIn } from '../resource.ts';
import { s3Service } from '../s3.ts';
import type { Twin } from '../twin.ts';
import { InstancePool, type InvocationRecord, type Invoker } from './instances.ts';
import { prepareManagedRuntime, RUNTIME_COMMAND, SUPPORTED_RUNTIMES } from './runtime-dir.ts';
import { spawnSandbox } from './sandbox.ts';
import type { InvokeResult } from './runtime-api.ts';

/** Default keep-alive of an idle instance (Lambda does not document one; minutes in practice). */
export const DEFAULT_KEEP_ALIVE_MS = 10 * 60_000;
/** Lambda's default concurrency limit per account and region. */
export const ACCOUNT_CONCURRENCY = 1000;

export interface Permission {
  action: string;
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
  functionUrlAuthType?: string;
  /** lambda:InvokeFunction granted only for calls through the function URL. */
  invokedViaFunctionUrl?: boolean;
}

export interface LambdaFunction {
  name: string;
  arn: string;
  logicalId: string;
  roleArn: string;
  pool: InstancePool;
  permissions: Map<string, Permission>;
  /** Async invocation settings (AWS::Lambda::EventInvokeConfig); `onFailure` is a destination function's ARN. */
  asyncConfig: { maximumRetryAttempts: number; maximumEventAgeSeconds: number; onFailure?: string };
  /** Why the twin cannot run this function (its runtime), if it cannot. */
  unsupported?: string;
}

export interface LambdaService {
  functions: Map<string, LambdaFunction>;
  /** A function by name, ARN or partial ARN (a qualifier is ignored: the twin runs $LATEST). */
  find(nameOrArn: string): LambdaFunction | undefined;
  invoke(fn: LambdaFunction, payload: unknown, who: { invoker: Invoker; caller?: string }): Promise<{ result: InvokeResult | { kind: 'throttled' }; record: InvocationRecord }>;
  /**
   * An asynchronous invocation: on a function error Lambda retries up to the function's
   * MaximumRetryAttempts (default 2), one minute then two minutes later, while the event is
   * younger than MaximumEventAgeInSeconds (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
   */
  invokeAsync(fn: LambdaFunction, payload: unknown, who: { invoker: Invoker; caller?: string }): Promise<void>;
  /** The invoker of the invocation a role's function is running now (so nested calls inherit it). */
  invokerOfRole(roleArn: string): { invoker: Invoker; caller: string } | undefined;
  records(): InvocationRecord[];
  close(): Promise<void>;
}

export function lambdaService(twin: Twin): Promise<LambdaService> {
  return twin.service('lambda', async () => {
    const functions = new Map<string, LambdaFunction>();
    const active = new Map<string, { invoker: Invoker; caller?: string }[]>();
    /** The on-failure destination's invocation record, sent as the function's role (which must be allowed to invoke it). */
    const failureDestination = async (fn: LambdaFunction, payload: unknown, result: InvokeResult, requestId: string, attempts: number, condition: string) => {
      const arn = fn.asyncConfig.onFailure;
      if (!arn) return;
      const destination = svc.find(arn);
      const allowed = destination && evaluate(
        { principal: { kind: 'role', id: fn.roleArn }, action: 'lambda:InvokeFunction', resource: destination.arn, keys: {} },
        undefined,
        twin.roles.policiesOf(fn.roleArn),
      ) === 'allow';
      if (!destination || !allowed) {
        twin.logs.append('/twin/lambda', fn.name, `on-failure record not delivered: ${destination ? `the role may not invoke ${destination.name}` : `no function ${arn}`}`);
        return;
      }
      const error = result.kind === 'error'
        ? { errorType: result.errorType, errorMessage: result.errorMessage, ...(Array.isArray(result.body?.trace) && { trace: result.body.trace }) }
        : { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out` };
      const event = {
        version: '1.0',
        timestamp: new Date(twin.clock.now()).toISOString(),
        requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition, approximateInvokeCount: attempts },
        requestPayload: payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: error,
      };
      await svc.invokeAsync(destination, event, { invoker: 'destination', caller: fn.name });
    };
    const svc: LambdaService = {
      functions,
      find(nameOrArn) {
        const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6]! : nameOrArn.split(':')[0]!;
        return functions.get(name);
      },
      async invoke(fn, payload, who) {
        if (fn.unsupported) throw new Error(fn.unsupported);
        const stack = active.get(fn.roleArn) ?? [];
        active.set(fn.roleArn, stack);
        stack.push(who);
        try {
          return await fn.pool.invoke(payload, who);
        } finally {
          stack.splice(stack.indexOf(who), 1);
        }
      },
      async invokeAsync(fn, payload, who) {
        const queued = twin.clock.now();
        for (let attempt = 0; ; attempt++) {
          let outcome: Awaited<ReturnType<LambdaService['invoke']>>;
          try {
            outcome = await svc.invoke(fn, payload, who);
          } catch (err) {
            twin.logs.append('/twin/lambda', fn.name, `asynchronous invocation not run: ${(err as Error).message}`);
            return;
          }
          const { result, record } = outcome;
          if (result.kind === 'response') return;
          const delay = result.kind === 'throttled' ? 60_000 : 60_000 * (attempt + 1);
          const retriesLeft = result.kind === 'throttled' || attempt < fn.asyncConfig.maximumRetryAttempts;
          const tooOld = twin.clock.now() + delay - queued > fn.asyncConfig.maximumEventAgeSeconds * 1000;
          if (!retriesLeft || tooOld) {
            if (result.kind !== 'throttled') await failureDestination(fn, payload, result, record.requestId, attempt + 1, retriesLeft ? 'EventAgeExceeded' : 'RetriesExhausted');
            return;
          }
          await new Promise<void>((r) => twin.clock.setTimer(delay, r));
        }
      },
      invokerOfRole(roleArn) {
        const fn = [...functions.values()].find((f) => f.roleArn === roleArn);
        const who = active.get(roleArn)?.at(-1);
        return fn && who ? { invoker: who.invoker, caller: fn.name } : undefined;
      },
      records: () => [...functions.values()].flatMap((f) => f.pool.records).sort((a, b) => a.at - b.at),
      async close() {
        await Promise.all([...functions.values()].map((f) => f.pool.close()));
      },
    };
    return svc;
  });
}

/** Unpacks a zip held in the S3 stand-in (code and layers are deployed from S3, as CDK does). */
async function unpackFromS3(twin: Twin, bucket: string, key: string, dest: string): Promise<void> {
  const s3 = await s3Service(twin);
  const body = await s3.get(bucket, key);
  if (!body) throw new Error(`s3://${bucket}/${key} does not exist: was the asset published?`);
  fs.mkdirSync(dest, { recursive: true });
  extractZip(body, dest);
}

const layerDirs = new WeakMap<Twin, Map<string, { zipDir: string }>>();
const layerVersions = new WeakMap<Twin, Map<string, number>>();

function keepAlive(twin: Twin): number {
  return Number(twin.settings.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
}

async function createFunction(twin: Twin, logicalId: string, p: Properties): Promise<StandIn> {
  const svc = await lambdaService(twin);
  // Lambda's API answers as soon as there are functions to call.
  await (await import('./invoke-api.ts')).startInvokeApi(twin);
  const name: string = p.FunctionName ?? physicalName(twin, logicalId);
  const arn = `arn:aws:lambda:${twin.region}:${twin.account}:function:${name}`;
  let version = 0;

  const configure = async (props: Properties) => {
    version++;
    const base = twin.dir('lambda', name, `v${version}`);
    const task = path.join(base, 'task');
    fs.mkdirSync(task, { recursive: true });
    if (props.Code?.ZipFile !== undefined) {
      // CloudFormation writes inline Node.js code to index.js.
      fs.writeFileSync(path.join(task, 'index.js'), props.Code.ZipFile);
    } else {
      await unpackFromS3(twin, props.Code.S3Bucket, props.Code.S3Key, task);
    }
    const opt = path.join(base, 'opt');
    fs.mkdirSync(opt, { recursive: true });
    for (const layerArn of props.Layers ?? []) {
      const layer = layerDirs.get(twin)?.get(layerArn);
      if (!layer) throw new Error(`${logicalId} uses layer ${layerArn}, which the twin has not deployed.`);
      fs.cpSync(layer.zipDir, opt, { recursive: true, force: true, verbatimSymlinks: true });
    }
    const supported = SUPPORTED_RUNTIMES.includes(String(props.Runtime));
    const runtime = supported ? prepareManagedRuntime(twin, String(props.Runtime)) : { dir: '', node: '' };
    const subnets: string[] | undefined = props.VpcConfig?.SubnetIds;
    const mounts = (props.FileSystemConfigs ?? []).map((c: { Arn: string; LocalMountPath: string }) => ({ ap: accessPointByArn(twin, c.Arn), target: c.LocalMountPath }));
    const user = mounts[0]?.ap ?? { uid: 993, gid: 990 };
    const roleArn: string = props.Role;
    const logging = props.LoggingConfig ?? {};
    const logGroup: string = logging.LogGroup ?? `/aws/lambda/${name}`;
    const memory = Number(props.MemorySize ?? 128);
    const timeoutMs = Number(props.Timeout ?? 3) * 1000;
    const handler = String(props.Handler ?? 'index.handler');
    const userEnv: Record<string, string> = props.Environment?.Variables ?? {};
    const runtimeAddress = twin.network.address(`runtime-api-${name}`);
    return {
      roleArn,
      unsupported: supported ? undefined : `The twin runs ${SUPPORTED_RUNTIMES.join(', ')} functions; ${name} (${logicalId}) is ${props.Runtime}.`,
      config: {
        name,
        memoryMb: memory,
        timeoutMs,
        concurrency: props.ReservedConcurrentExecutions !== undefined ? Number(props.ReservedConcurrentExecutions) : Number(twin.settings.accountConcurrency ?? ACCOUNT_CONCURRENCY),
        runtimeAddress,
        log: (instanceId: string, line: string) => twin.logs.append(logGroup, `${new Date(twin.clock.now()).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${instanceId}`, line),
        start: (instanceId: string, runtimeApi: string) => {
          const credentials = twin.credentials.issue({ kind: 'role', id: roleArn, account: twin.account });
          const env: Record<string, string> = {
            ...userEnv,
            // Lambda's own variables win over the function's (they are reserved).
            _HANDLER: handler,
            AWS_REGION: twin.region,
            AWS_DEFAULT_REGION: twin.region,
            AWS_EXECUTION_ENV: `AWS_Lambda_${props.Runtime}`,
            AWS_LAMBDA_FUNCTION_NAME: name,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
            AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
            AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
            AWS_LAMBDA_LOG_GROUP_NAME: logGroup,
            AWS_LAMBDA_LOG_STREAM_NAME: `[$LATEST]${instanceId}`,
            AWS_ACCESS_KEY: credentials.accessKeyId,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_SESSION_TOKEN: credentials.sessionToken,
            AWS_LAMBDA_RUNTIME_API: runtimeApi,
            LAMBDA_TASK_ROOT: '/var/task',
            LAMBDA_RUNTIME_DIR: '/var/runtime',
            LANG: 'en_US.UTF-8',
            TZ: ':UTC',
            PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
            LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
            NODE_PATH: '/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
            ...(logging.LogFormat === 'JSON' && { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: logging.ApplicationLogLevel ?? 'INFO' }),
            // The twin's stand-ins answer AWS's names over TLS from the twin's certificate authority.
            NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
          };
          const wrapper = env.AWS_LAMBDA_EXEC_WRAPPER;
          const hosts = twin.network.hostsFile(twin.network.reach(subnets?.length ? subnets : undefined));
          twin.logs.append('/twin/lambda', name, `instance ${instanceId} resolves: ${hosts.split('\n').slice(2).map((l) => l.split('\t')[1]).join(' ') || 'no AWS name'}`);
          return spawnSandbox({
            dir: twin.dir('sandboxes', instanceId),
            opt,
            task,
            runtime: runtime.dir,
            node: runtime.node,
            mounts: mounts.map((m: { ap: { directory: string }; target: string }) => ({ source: m.ap.directory, target: m.target })),
            // What the VPC reaches is read when the instance starts: endpoints may be created after the function.
            hosts,
            uid: user.uid,
            gid: user.gid,
            tmpMb: Number(props.EphemeralStorage?.Size ?? 512),
            env,
            command: wrapper ? [wrapper, ...RUNTIME_COMMAND] : RUNTIME_COMMAND,
          });
        },
      },
    };
  };

  const initial = await configure(p);
  const fn: LambdaFunction = {
    name,
    arn,
    logicalId,
    roleArn: initial.roleArn,
    pool: new InstancePool(initial.config, twin.clock, () => keepAlive(twin)),
    permissions: new Map(),
    asyncConfig: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 },
    unsupported: initial.unsupported,
  };
  svc.functions.set(name, fn);
  return {
    ref: name,
    attributes: { Arn: arn },
    async update(next) {
      if ((next.FunctionName ?? name) !== name) return false;
      const c = await configure(next);
      fn.roleArn = c.roleArn;
      fn.unsupported = c.unsupported;
      fn.pool.reconfigure(c.config);
      return true;
    },
    async delete() {
      await fn.pool.close();
      svc.functions.delete(name);
    },
    stop: () => fn.pool.close(),
  } as StandIn;
}

export const functions: ResourceModule = {
  types: ['AWS::Lambda::Function', 'AWS::Lambda::LayerVersion', 'AWS::Lambda::Permission', 'AWS::Lambda::EventInvokeConfig'],
  async create({ twin, logicalId, type, properties: p }) {
    if (type === 'AWS::Lambda::Function') return createFunction(twin, logicalId, p);
    const svc = await lambdaService(twin);
    if (type === 'AWS::Lambda::LayerVersion') {
      const layerName: string = p.LayerName ?? `${twin.stackName}-${logicalId}`;
      if (!layerVersions.has(twin)) layerVersions.set(twin, new Map());
      const version = (layerVersions.get(twin)!.get(layerName) ?? 0) + 1;
      layerVersions.get(twin)!.set(layerName, version);
      const arn = `arn:aws:lambda:${twin.region}:${twin.account}:layer:${layerName}:${version}`;
      const zipDir = twin.dir('layers', arn.split(':').slice(-2).join('-'));
      await unpackFromS3(twin, p.Content.S3Bucket, p.Content.S3Key, zipDir);
      if (!layerDirs.has(twin)) layerDirs.set(twin, new Map());
      layerDirs.get(twin)!.set(arn, { zipDir });
      // Layer versions are immutable: any change publishes a new version (a replacement).
      return { ref: arn, attributes: { LayerVersionArn: arn }, update: async () => false };
    }
    if (type === 'AWS::Lambda::EventInvokeConfig') {
      const fn = svc.find(p.FunctionName);
      const onFailure: string | undefined = p.DestinationConfig?.OnFailure?.Destination;
      if (onFailure !== undefined && !onFailure.startsWith('arn:aws:lambda:')) {
        throw new Error(`${logicalId}: the twin delivers on-failure records to Lambda functions only, not ${onFailure}.`);
      }
      if (p.DestinationConfig?.OnSuccess) throw new Error(`${logicalId}: the twin has no on-success destinations yet (infra/twin/lambda/functions.ts).`);
      if (fn) fn.asyncConfig = { maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? 2), maximumEventAgeSeconds: Number(p.MaximumEventAgeInSeconds ?? 21_600), ...(onFailure && { onFailure }) };
      return { ref: physicalName(twin, logicalId), update: async () => false };
    }
    // AWS::Lambda::Permission: the function's resource policy, checked by the Function URL and schedule stand-ins.
    const fn = svc.find(p.FunctionName);
    if (!fn) throw new Error(`${logicalId} grants access to ${p.FunctionName}, which the twin does not run.`);
    fn.permissions.set(logicalId, { action: p.Action, principal: p.Principal, sourceArn: p.SourceArn, sourceAccount: p.SourceAccount, functionUrlAuthType: p.FunctionUrlAuthType, invokedViaFunctionUrl: p.InvokedViaFunctionUrl === true || p.InvokedViaFunctionUrl === 'true' });
    return { ref: logicalId, update: async () => false, delete: async () => void fn.permissions.delete(logicalId) };
  },
};
