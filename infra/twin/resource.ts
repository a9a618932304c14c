/**
 * The contract between the twin's deployment engine and the stand-ins: one module per family
 * of CloudFormation resource types (infra/twin/registry.ts lists them). A module creates a
 * stand-in from a resource's resolved properties and answers `Ref` and `Fn::GetAtt` for it;
 * it may update it in place and delete it. A new resource type plugs in as one more module.
 */
import type { Twin } from './twin.ts';

export type Properties = Record<string, any>;

export interface StandIn {
  /** What `Ref` returns (CloudFormation's "physical id" for most types). */
  ref: string;
  /** What `Fn::GetAtt` returns, by attribute name. */
  attributes?: Record<string, unknown>;
  /** Applies new properties in place; returns false when the resource must be replaced instead. */
  update?(properties: Properties, old: Properties): Promise<boolean | void>;
  delete?(): Promise<void>;
}

export interface CreateContext {
  twin: Twin;
  logicalId: string;
  type: string;
  properties: Properties;
  /** The resource as written in the template (before intrinsics), e.g. for Metadata. */
  definition: { Type: string; Properties?: Properties; Metadata?: Properties };
}

export interface ResourceModule {
  /** CloudFormation types this module stands in for; `Custom::*` matches every custom type. */
  readonly types: readonly string[];
  create(ctx: CreateContext): Promise<StandIn>;
}

/** A stand-in-made name shaped like CloudFormation's generated ones: `<stack>-<logicalId>-<suffix>`. */
export function physicalName(twin: Twin, logicalId: string, options: { lower?: boolean; max?: number } = {}): string {
  const max = options.max ?? 64;
  const suffix = twin.randomId(12);
  const stack = twin.stackName.slice(0, Math.max(1, Math.floor((max - 14) / 2)));
  const id = logicalId.slice(0, Math.max(1, max - stack.length - suffix.length - 2));
  const name = `${stack}-${id}-${suffix}`;
  return options.lower ? name.toLowerCase() : name;
}
