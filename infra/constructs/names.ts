/**
 * Physical names that must not collide: two stacks in one account, and one stack name in two
 * regions, deploy side by side. CloudFront names are global to the account, so they carry the
 * stack, the site and the region; regional names (SSM) carry the stack and the site.
 */
import { createHash } from 'node:crypto';
import { Fn, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { siteParameterName } from '../contracts.ts';

/** Longest region name we leave room for (e.g. `ap-southeast-5`, `us-gov-west-1`). */
const REGION_ROOM = 20;

function shorten(base: string, max: number): string {
  if (base.length <= max) return base;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${base.slice(0, max - hash.length - 1)}-${hash}`;
}

/** `<stack>-<site>-<kind>-<region>`, at most `maxLength` characters (letters, digits, `-`). */
export function globalName(scope: IConstruct, siteId: string, kind: string, maxLength: number): string {
  const stack = Stack.of(scope);
  const region = stack.region;
  const room = Token.isUnresolved(region) ? REGION_ROOM : region.length;
  const base = shorten(`${stack.stackName}-${siteId}-${kind}`.replace(/[^A-Za-z0-9-]/g, '-'), maxLength - room - 1);
  return Token.isUnresolved(region) ? Fn.join('-', [base, region]) : `${base}-${region}`;
}

/** `/lamphp/<stack>/<site>/<name>`: an SSM parameter of this site (SSM names are per region). */
export function parameterName(scope: IConstruct, siteId: string, name: string): string {
  return siteParameterName(Stack.of(scope).stackName, siteId, name);
}
