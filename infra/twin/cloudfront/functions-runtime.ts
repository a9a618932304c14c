/**
 * CloudFront Functions (cloudfront-js-1.0 and -2.0) run the way CloudFront runs them, in a
 * node:vm context with only what the runtime offers
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html):
 * no network, no file system, no timers; `crypto` (hashes and HMACs) and `querystring` through
 * require(); console.log to the function's log. The event and its result have the documented
 * shape (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html):
 * lower-case header names, values as `{value, multiValue?}`, cookies apart from headers.
 */
import { createHash, createHmac } from 'node:crypto';
import querystring from 'node:querystring';
import vm from 'node:vm';

export interface ValueMap {
  [name: string]: { value: string; multiValue?: { value: string }[] };
}

export interface FunctionRequest {
  method: string;
  uri: string;
  querystring: ValueMap;
  headers: ValueMap;
  cookies: ValueMap;
}

export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: ValueMap;
  cookies?: Record<string, { value: string; attributes?: string; multiValue?: { value: string; attributes?: string }[] }>;
  body?: string | { encoding: 'text' | 'base64'; data: string };
}

export interface FunctionEvent {
  version: '1.0';
  context: { distributionDomainName: string; distributionId: string; eventType: 'viewer-request' | 'viewer-response'; requestId: string };
  viewer: { ip: string };
  request: FunctionRequest;
  response?: FunctionResponse;
}

/**
 * CloudFront limits a function's compute, not its wall time; the twin only stops a runaway
 * function, with room for a loaded machine.
 */
const RUNAWAY_MS = 2000;

export class FunctionError extends Error {
  readonly code = 'ETWINCFFUNCTION';
}

/** A compiled CloudFront Function; `run` returns the request or response it produced. */
export function compileFunction(name: string, code: string, runtime: string, log: (line: string) => void) {
  if (runtime !== 'cloudfront-js-1.0' && runtime !== 'cloudfront-js-2.0') throw new FunctionError(`${name}: unknown CloudFront Functions runtime ${runtime}.`);
  const modules: Record<string, unknown> = {
    crypto: { createHash: (alg: string) => createHash(alg), createHmac: (alg: string, key: string) => createHmac(alg, key) },
    querystring: { parse: querystring.parse, stringify: querystring.stringify, escape: querystring.escape, unescape: querystring.unescape },
  };
  const sandbox: Record<string, unknown> = {
    console: { log: (...args: unknown[]) => log(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')) },
    require: (m: string) => {
      if (!(m in modules)) throw new Error(`Cannot find module '${m}'`);
      return modules[m];
    },
  };
  if (runtime === 'cloudfront-js-2.0') Object.assign(sandbox, { Buffer, atob, btoa, TextEncoder, TextDecoder });
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  let handler: unknown;
  try {
    handler = vm.runInContext(`${code}\n;typeof handler === 'function' ? handler : undefined`, context, { filename: name, timeout: RUNAWAY_MS });
  } catch (err) {
    throw new FunctionError(`${name} does not compile: ${(err as Error).message}`);
  }
  if (typeof handler !== 'function') throw new FunctionError(`${name} defines no handler(event) function.`);
  return {
    async run(event: FunctionEvent): Promise<FunctionRequest | FunctionResponse> {
      // Round-trip through JSON: the function sees plain data and cannot keep references to ours.
      // Called inside the context so the runaway guard covers the handler itself.
      context.__twinEvent = JSON.stringify(event);
      const result = await vm.runInContext('handler(JSON.parse(__twinEvent))', context, { timeout: RUNAWAY_MS });
      delete context.__twinEvent;
      if (result === null || typeof result !== 'object') throw new FunctionError(`${name} returned ${String(result)}, not a request or response object.`);
      return JSON.parse(JSON.stringify(result));
    },
  };
}
