/**
 * Work every test run shares, done once: the default Lambda layer (the layer test checks it,
 * the stack twin deploys it). Test files read it with `inject('layer')`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildLayer, type LayerBuildResult } from '../layer/build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    layer: LayerBuildResult & { lines: string[] };
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-layer-shared-'));
  const lines: string[] = [];
  const built = await buildLayer({ outDir: dir, print: (l) => lines.push(l) });
  project.provide('layer', { ...built, lines });
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
