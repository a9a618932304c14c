/**
 * CDK feature flags for infra/cdk.json: the installed aws-cdk-lib's own recommended set
 * (`CURRENTLY_RECOMMENDED_FLAGS`), minus the exceptions below, each with its reason.
 * `npm run infra:flags` rewrites cdk.json from it; test/infra/app.test.ts checks it is current.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

export const CDK_JSON = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cdk.json');

/** Recommended flags this stack keeps off, and why. */
export const FLAG_EXCEPTIONS: Record<string, { value: unknown; reason: string }> = {
  '@aws-cdk/aws-efs:mountTargetOrderInsensitiveLogicalId': {
    value: false,
    reason:
      'It renames the EFS mount targets; CloudFormation would create the new ones before deleting the old, ' +
      'and a file system takes one mount target per zone, so every update of an existing site would fail.',
  },
};

export function featureFlags(): Record<string, unknown> {
  const flags: Record<string, unknown> = { ...CURRENTLY_RECOMMENDED_FLAGS };
  for (const [name, { value }] of Object.entries(FLAG_EXCEPTIONS)) flags[name] = value;
  return Object.fromEntries(Object.entries(flags).sort(([a], [b]) => a.localeCompare(b)));
}

export interface CdkJson {
  app: string;
  output: string;
  context: Record<string, unknown>;
}

export function readCdkJson(): CdkJson {
  return JSON.parse(fs.readFileSync(CDK_JSON, 'utf8')) as CdkJson;
}

export function renderCdkJson(current: CdkJson = readCdkJson()): string {
  return `${JSON.stringify({ app: current.app, output: current.output, context: featureFlags() }, null, 2)}\n`;
}

if (import.meta.main) {
  fs.writeFileSync(CDK_JSON, renderCdkJson());
  console.log(`${path.relative(process.cwd(), CDK_JSON)}: ${Object.keys(featureFlags()).length} feature flags`);
}
