// The managed Node.js runtime's part the twin must provide (it is /var/runtime/index.mjs in a
// twin sandbox): the Runtime API loop that loads the function's handler from /var/task (_HANDLER,
// CommonJS or ES module) and calls it, with console output shaped as Lambda's Node.js runtime
// writes it — text lines `time\trequestId\tLEVEL\tmessage`, or JSON lines with
// AWS_LAMBDA_LOG_FORMAT=JSON, filtered by AWS_LAMBDA_LOG_LEVEL
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html). Plain JavaScript, no
// dependencies: the AWS SDK comes from /var/runtime/node_modules as in Lambda.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? '/var/task';
const json = process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const minimum = json ? Math.max(0, LEVELS.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase())) : 0;
let requestId;

const write = (level, args) => {
  if (LEVELS.indexOf(level) < minimum) return;
  const message = format(...args);
  const time = new Date().toISOString();
  process.stdout.write(json ? `${JSON.stringify({ timestamp: time, level, requestId, message })}\n` : `${time}\t${requestId ?? 'undefined'}\t${level}\t${message.replace(/\n/g, '\r')}\n`);
};
console.log = console.info = (...a) => write('INFO', a);
console.warn = (...a) => write('WARN', a);
console.error = (...a) => write('ERROR', a);
console.debug = (...a) => write('DEBUG', a);
console.trace = (...a) => write('TRACE', a);

async function loadHandler() {
  const spec = process.env._HANDLER ?? 'index.handler';
  const dot = spec.lastIndexOf('.');
  const [file, name] = [spec.slice(0, dot), spec.slice(dot + 1)];
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const full = `${taskRoot}/${file}${ext}`;
    if (!existsSync(full)) continue;
    const mod = ext === '.mjs' ? await import(pathToFileURL(full).href) : createRequire(`${taskRoot}/`)(full);
    const fn = mod[name] ?? mod.default?.[name];
    if (typeof fn !== 'function') throw Object.assign(new Error(`${file}.${name} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
    return fn;
  }
  throw Object.assign(new Error(`Cannot find module '${file}'`), { name: 'Runtime.ImportModuleError' });
}

const errorBody = (err) => JSON.stringify({ errorType: err?.name ?? 'Error', errorMessage: err?.message ?? String(err), trace: String(err?.stack ?? '').split('\n') });

async function post(path, body, headers = {}) {
  const r = await fetch(`${api}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  await r.arrayBuffer();
}

let handler;
try {
  handler = await loadHandler();
} catch (err) {
  write('ERROR', [err]);
  await post('/init/error', errorBody(err), { 'lambda-runtime-function-error-type': err?.name ?? 'Runtime.Unknown' });
  process.exit(1);
}

for (;;) {
  const next = await fetch(`${api}/invocation/next`);
  const event = await next.json();
  requestId = next.headers.get('lambda-runtime-aws-request-id');
  const deadline = Number(next.headers.get('lambda-runtime-deadline-ms'));
  const context = {
    awsRequestId: requestId,
    invokedFunctionArn: next.headers.get('lambda-runtime-invoked-function-arn'),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    callbackWaitsForEmptyEventLoop: true,
  };
  try {
    const result = await handler(event, context);
    await post(`/invocation/${requestId}/response`, JSON.stringify(result ?? null));
  } catch (err) {
    write('ERROR', ['Invoke Error', errorBody(err)]);
    await post(`/invocation/${requestId}/error`, errorBody(err), { 'lambda-runtime-function-error-type': err?.name ?? 'Error' });
  }
}
