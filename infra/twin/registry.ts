/**
 * Which stand-in runs each CloudFormation resource type. A type not listed here fails the
 * deploy with its name: the twin never skips a resource silently. Adding a resource type is
 * adding a module to this list.
 */
import { cloudfront } from './cloudfront/resources.ts';
import { customResources } from './custom-resource.ts';
import { ec2 } from './ec2.ts';
import { efs } from './efs.ts';
import { schedules } from './events.ts';
import { inert } from './inert.ts';
import { TemplateError } from './intrinsics.ts';
import { functionUrls } from './lambda/function-url.ts';
import { functions } from './lambda/functions.ts';
import { databases } from './rds.ts';
import type { ResourceModule } from './resource.ts';
import { buckets } from './s3.ts';
import { bucketNotifications } from './s3-notifications.ts';
import { secrets } from './secrets-manager.ts';
import { sesIdentities } from './ses.ts';
import { ssmParameters } from './ssm.ts';

export const MODULES: readonly ResourceModule[] = [
  ec2, efs, buckets, bucketNotifications, functions, functionUrls, cloudfront, customResources, schedules, ssmParameters, secrets, sesIdentities, databases, inert,
];

/** The module naming the type exactly, else the one standing in for every `Custom::*`. */
export function moduleFor(type: string): ResourceModule {
  const m = MODULES.find((mod) => mod.types.includes(type)) ?? MODULES.find((mod) => type.startsWith('Custom::') && mod.types.includes('Custom::*'));
  if (!m) throw new TemplateError(`The twin has no stand-in for ${type}: add a module for it to infra/twin/registry.ts.`);
  return m;
}
