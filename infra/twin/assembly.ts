/**
 * What `cdk deploy` takes to AWS: a cloud assembly (infra/cdk.out or one synthesized for the
 * twin) — the stack's template and its file assets, which CDK publishes to the bootstrap
 * bucket before CloudFormation runs. The twin reads it exactly so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildApp, DEFAULT_STACK_NAME } from '../app.ts';

export interface FileAsset {
  /** File or directory in the assembly. */
  source: string;
  /** `file`: upload as is; `zip`: a directory uploaded as a zip. */
  packaging: 'file' | 'zip';
  /** Bucket name with `${AWS::AccountId}`-style placeholders, and the object key. */
  bucketName: string;
  objectKey: string;
}

export interface Assembly {
  directory: string;
  stackName: string;
  template: { Resources?: Record<string, any>; Outputs?: Record<string, any>; Parameters?: Record<string, any>; Conditions?: Record<string, any> };
  assets: FileAsset[];
}

/** Reads the stack `stackName` (default: the only stack) of a cloud assembly directory. */
export function readAssembly(directory: string, stackName?: string): Assembly {
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8'));
  const stacks = Object.entries<any>(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const chosen = stackName ? stacks.find(([id, a]) => id === stackName || a.displayName === stackName) : stacks.length === 1 ? stacks[0] : undefined;
  if (!chosen) {
    throw new Error(`The cloud assembly ${directory} has stacks ${stacks.map(([id]) => id).join(', ') || '(none)'}; name one of them.`);
  }
  const [id, artifact] = chosen;
  const template = JSON.parse(fs.readFileSync(path.join(directory, artifact.properties.templateFile), 'utf8'));
  const assets: FileAsset[] = [];
  for (const dep of artifact.dependencies ?? []) {
    const a = manifest.artifacts[dep];
    if (a?.type !== 'cdk:asset-manifest') continue;
    const files = JSON.parse(fs.readFileSync(path.join(directory, a.properties.file), 'utf8')).files ?? {};
    for (const f of Object.values<any>(files)) {
      for (const d of Object.values<any>(f.destinations)) {
        assets.push({ source: path.join(directory, f.source.path), packaging: f.source.packaging ?? 'file', bucketName: d.bucketName, objectKey: d.objectKey });
      }
    }
  }
  return { directory, stackName: artifact.displayName ?? id, template, assets };
}

/** Synthesizes the repository's CDK app (infra/app.ts) with `context` into `outdir`. */
export async function synthesizeApp(outdir: string, context: Record<string, unknown> = {}, log?: (line: string) => void): Promise<Assembly> {
  const { app, stack } = await buildApp({ outdir, context, ...(log && { log }) });
  app.synth();
  return readAssembly(outdir, stack.stackName ?? DEFAULT_STACK_NAME);
}
