/**
 * Lambda's Invoke API (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) at
 * `lambda.<region>.amazonaws.com`: RequestResponse answers the function's payload (with
 * `X-Amz-Function-Error: Unhandled` when it failed), Event queues it (202) and returns, a
 * throttle is 429 TooManyRequestsException; GetFunction reports every function Active (the CDK
 * provider framework waits on it). The caller is known by its credentials, so a nested
 * invocation inherits who started the chain (a deploy's install, a cron run).
 */
import type http from 'node:http';
import { readBody, serveEndpoint } from '../endpoint.ts';
import type { Twin } from '../twin.ts';
import { lambdaService } from './functions.ts';

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID(), ...headers });
  res.end(text);
}

export function startInvokeApi(twin: Twin) {
  return twin.service('lambda-api', async () => {
    const svc = await lambdaService(twin);
    return serveEndpoint(twin, {
      name: 'lambda-api',
      service: 'lambda',
      hostnames: [`lambda.${twin.region}.amazonaws.com`],
      handler: (req, res) => {
        void (async () => {
          const url = new URL(req.url ?? '/', 'https://lambda');
          const m = /^\/2015-03-31\/functions\/([^/]+)(\/invocations)?\/?$/.exec(url.pathname);
          const body = await readBody(req);
          const fn = m ? svc.find(decodeURIComponent(m[1]!)) : undefined;
          if (!m || !fn) return json(res, 404, { Type: 'User', message: `Function not found: ${m?.[1] ?? url.pathname}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
          if (!m[2]) {
            // GetFunction / GetFunctionConfiguration.
            const configuration = { FunctionName: fn.name, FunctionArn: fn.arn, State: 'Active', LastUpdateStatus: 'Successful' };
            return json(res, 200, url.pathname.endsWith('/configuration') ? configuration : { Configuration: configuration });
          }
          const signer = twin.credentials.principalOf(req.headers.authorization);
          const parent = signer?.kind === 'role' ? svc.invokerOfRole(signer.id) : undefined;
          const who = parent ?? { invoker: 'api' as const, caller: signer?.id };
          let payload: unknown;
          try {
            payload = body.length ? JSON.parse(body.toString('utf8')) : {};
          } catch {
            return json(res, 400, { Type: 'User', message: 'Could not parse request body into json' }, { 'x-amzn-errortype': 'InvalidRequestContentException' });
          }
          const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
          if (type === 'DryRun') return json(res, 204, '');
          if (type === 'Event') {
            void svc.invokeAsync(fn, payload, who);
            return json(res, 202, '');
          }
          const { result } = await svc.invoke(fn, payload, who);
          if (result.kind === 'throttled') return json(res, 429, { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
          if (result.kind === 'response') return json(res, 200, result.body.toString('utf8'), { 'x-amz-executed-version': '$LATEST' });
          const error = result.kind === 'timeout'
            ? { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${result.requestId} Error: Task timed out` }
            : { errorType: result.errorType, errorMessage: result.errorMessage, ...(result.body?.trace && { trace: result.body.trace }) };
          return json(res, 200, error, { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
        })().catch((err) => json(res, 500, { message: String((err as Error).message) }, { 'x-amzn-errortype': 'ServiceException' }));
      },
    });
  });
}
