/**
 * Pure translation between the bridge's CGI environment and php-wasm's run options.
 * Runs inside the worker; no I/O.
 */
import type { PhpRunOptions, HttpMethod } from './php-wasm-api.ts';

/**
 * php-wasm feeds $_GET from `relativeUri`, $_COOKIE/$_POST from the `cookie`/`content-type`
 * headers, and HTTP_* from `headers` after `$_SERVER`; so headers are rebuilt from the same env
 * and the env is passed whole as `$_SERVER`, which makes REMOTE_ADDR, HTTPS, SERVER_PORT… ours.
 */
export function toRunOptions(env: Record<string, string>, body: Uint8Array | undefined): PhpRunOptions {
  const headers: Record<string, string> = {};
  for (const name in env) {
    if (name.startsWith('HTTP_')) headers[name.slice(5).toLowerCase().replaceAll('_', '-')] = env[name];
  }
  if (env.CONTENT_TYPE) headers['content-type'] = env.CONTENT_TYPE;
  if (env.CONTENT_LENGTH) headers['content-length'] = env.CONTENT_LENGTH;

  let server = env;
  if (env.PHP_SELF === undefined && env.SCRIPT_NAME !== undefined) {
    // php-fpm derives PHP_SELF; php-wasm would use the whole URI.
    server = { ...server, PHP_SELF: env.SCRIPT_NAME + (env.PATH_INFO ?? '') };
  }
  if ('HTTPS' in env && !isOn(env.HTTPS)) {
    // php-wasm turns any non-empty HTTPS into "on"; without it, it derives "off" from the protocol.
    server = { ...server };
    delete server.HTTPS;
  }

  return {
    scriptPath: env.SCRIPT_FILENAME,
    relativeUri: relativeUri(env),
    method: (env.REQUEST_METHOD ?? 'GET') as HttpMethod,
    // php-wasm sets HTTPS from the port of this protocol when the env has none.
    protocol: isOn(env.HTTPS) ? 'https' : 'http',
    headers,
    body: body && body.byteLength > 0 ? body : undefined,
    $_SERVER: server,
  };
}

/** $_GET must come from QUERY_STRING (the router may rewrite it), not from the original URI. */
function relativeUri(env: Record<string, string>): string {
  const uri = env.REQUEST_URI ?? '/';
  if (env.QUERY_STRING === undefined) return uri;
  const q = uri.indexOf('?');
  const path = q === -1 ? uri : uri.slice(0, q);
  return env.QUERY_STRING === '' ? path : `${path}?${env.QUERY_STRING}`;
}

function isOn(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value.toLowerCase() !== 'off';
}
