/**
 * /var/runtime of the managed Node.js runtime, as the twin provides it: the Runtime API loop
 * (managed-runtime.mjs), the AWS SDK for JavaScript v3 that Lambda's Node.js runtimes include
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html — here the `@aws-sdk/client-*`
 * packages the repository installs, with their dependencies and nothing else), and the twin's
 * certificate authority. Node is the repository's pinned Node 24, as /var/lang/bin/node.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Twin } from '../twin.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const NODE_MODULES = path.join(REPO, 'node_modules');

/** The managed runtime's start command, which AWS_LAMBDA_EXEC_WRAPPER receives as its arguments. */
export const RUNTIME_COMMAND = ['/var/lang/bin/node', '--expose-gc', '--max-http-header-size', '81920', '/var/runtime/index.mjs'];

export const SUPPORTED_RUNTIMES = ['nodejs24.x'];

/** Packages `roots` need, by their package.json dependencies (top-level node_modules only). */
function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const pkg = path.join(NODE_MODULES, name, 'package.json');
    if (!fs.existsSync(pkg)) return;
    seen.add(name);
    const json = JSON.parse(fs.readFileSync(pkg, 'utf8'));
    for (const dep of Object.keys({ ...json.dependencies, ...json.optionalDependencies, ...json.peerDependencies })) visit(dep);
  };
  for (const r of roots) visit(r);
  return seen;
}

const prepared = new WeakMap<Twin, Map<string, { dir: string; node: string }>>();

export function prepareManagedRuntime(twin: Twin, runtime: string): { dir: string; node: string } {
  if (!SUPPORTED_RUNTIMES.includes(runtime)) {
    throw new Error(`The twin runs ${SUPPORTED_RUNTIMES.join(', ')} functions; the template asks for ${runtime}.`);
  }
  const cache = prepared.get(twin) ?? new Map();
  prepared.set(twin, cache);
  const done = cache.get(runtime);
  if (done) return done;
  const dir = twin.dir('runtime', runtime);
  fs.copyFileSync(path.join(import.meta.dirname, 'managed-runtime.mjs'), path.join(dir, 'index.mjs'));
  fs.writeFileSync(path.join(dir, 'ca-cert.pem'), twin.tls.caPem);
  const sdk = fs.readdirSync(path.join(NODE_MODULES, '@aws-sdk')).filter((n) => n.startsWith('client-')).map((n) => `@aws-sdk/${n}`);
  for (const name of closure(sdk)) {
    fs.cpSync(path.join(NODE_MODULES, name), path.join(dir, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
  }
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    // Readable by the sandbox's unprivileged user.
    fs.chmodSync(path.join(f.parentPath, f.name), f.isDirectory() ? 0o755 : 0o644);
  }
  fs.chmodSync(dir, 0o755);
  const result = { dir, node: fs.realpathSync(path.join(NODE_MODULES, '.bin', 'node')) };
  cache.set(runtime, result);
  return result;
}
