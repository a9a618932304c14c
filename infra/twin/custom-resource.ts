/**
 * Custom resources as CloudFormation runs them
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html): the
 * ServiceToken's Lambda function is invoked asynchronously with a Create, Update (with
 * OldResourceProperties and the PhysicalResourceId) or Delete request whose property values are
 * strings, and CloudFormation waits for the response document PUT to the request's pre-signed
 * ResponseURL (HTTPS). A FAILED response fails the deploy with its Reason. An Update that returns
 * a new physical id is followed by a Delete of the old one. The functions involved run as a
 * deploy's "install" in the invocation records.
 */
import { readBody, serveEndpoint } from './endpoint.ts';
import { lambdaService } from './lambda/functions.ts';
import type { Properties, ResourceModule, StandIn } from './resource.ts';
import type { Twin } from './twin.ts';

interface CfnResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId?: string;
  Data?: Record<string, unknown>;
  NoEcho?: boolean;
}

interface ResponseService {
  hostname: string;
  expect(requestId: string): Promise<CfnResponse>;
  close(): Promise<void>;
}

export function responseService(twin: Twin): Promise<ResponseService> {
  return twin.service('cfn-responses', async () => {
    const waiting = new Map<string, (r: CfnResponse) => void>();
    const hostname = `cloudformation-custom-resource-response-${twin.region.replace(/-/g, '')}.s3.amazonaws.com`;
    const endpoint = await serveEndpoint(twin, {
      name: 'cfn-responses',
      service: 'internet',
      hostnames: [hostname],
      handler: (req, res) => {
        void readBody(req).then((body) => {
          const requestId = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname.split('/').pop() ?? '');
          const settle = waiting.get(requestId);
          if (req.method !== 'PUT' || !settle) {
            res.writeHead(403).end();
            return;
          }
          try {
            settle(JSON.parse(body.toString('utf8')));
            res.writeHead(200).end();
          } catch {
            res.writeHead(400).end();
          }
        });
      },
    });
    return {
      hostname,
      expect: (requestId) => new Promise<CfnResponse>((resolve) => waiting.set(requestId, (r) => { waiting.delete(requestId); resolve(r); })),
      close: () => endpoint.close(),
    };
  });
}

/** CloudFormation hands custom resources every scalar property as a string. */
function stringify(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringify);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringify(v)]));
  return value === null || value === undefined ? value : String(value);
}

async function send(twin: Twin, logicalId: string, type: string, requestType: 'Create' | 'Update' | 'Delete', properties: Properties, extra: Properties = {}): Promise<CfnResponse> {
  const responses = await responseService(twin);
  const svc = await lambdaService(twin);
  const token = String(properties.ServiceToken);
  const fn = svc.find(token);
  if (!fn) throw new Error(`${logicalId}: the ServiceToken ${token} is not a Lambda function the twin runs (SNS tokens are not supported).`);
  const requestId = crypto.randomUUID();
  const event = {
    RequestType: requestType,
    ServiceToken: token,
    ResponseURL: `https://${responses.hostname}/${encodeURIComponent(`${twin.stackId}|${logicalId}`)}/${requestId}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=twin`,
    StackId: twin.stackId,
    RequestId: requestId,
    LogicalResourceId: logicalId,
    ResourceType: type,
    ResourceProperties: stringify(properties),
    ...extra,
  };
  const answer = responses.expect(requestId);
  // CloudFormation invokes the service token asynchronously and waits for the response document;
  // a handler that fails without sending one would leave the stack waiting for an hour: the twin fails at once.
  const invoked = svc.invoke(fn, event, { invoker: 'install', caller: 'cloudformation' }).then(async ({ result }) => {
    if (result.kind === 'response') return new Promise<never>(() => {});
    const detail = result.kind === 'error' ? `${result.errorType}: ${result.errorMessage}` : result.kind;
    const logs = twin.logs.events().slice(-20).map((e) => `  ${e.message}`).join('\n');
    throw new Error(`${logicalId} (${type}) ${requestType}: the service token ${fn.name} failed without responding (${detail}). Last log lines:\n${logs}`);
  });
  const response = await Promise.race([answer, invoked]);
  if (response.Status !== 'SUCCESS') {
    throw new Error(`${logicalId} (${type}) ${requestType} failed: ${response.Reason ?? 'no reason given'}`);
  }
  return response;
}

export const customResources: ResourceModule = {
  types: ['Custom::*', 'AWS::CloudFormation::CustomResource'],
  async create({ twin, logicalId, type, properties }) {
    const created = await send(twin, logicalId, type, 'Create', properties);
    let physicalId = created.PhysicalResourceId ?? logicalId;
    let current = properties;
    const standIn: StandIn = {
      ref: physicalId,
      attributes: { ...(created.Data ?? {}) },
      async update(next, old) {
        const r = await send(twin, logicalId, type, 'Update', next, { PhysicalResourceId: physicalId, OldResourceProperties: stringify(old) });
        if (r.PhysicalResourceId && r.PhysicalResourceId !== physicalId) {
          // A new physical id is a replacement: CloudFormation deletes the old one afterwards.
          await send(twin, logicalId, type, 'Delete', old, { PhysicalResourceId: physicalId });
          physicalId = r.PhysicalResourceId;
        }
        standIn.ref = physicalId;
        standIn.attributes = { ...(r.Data ?? {}) };
        current = next;
        return true;
      },
      async delete() {
        await send(twin, logicalId, type, 'Delete', current, { PhysicalResourceId: physicalId });
      },
    };
    return standIn;
  },
};
