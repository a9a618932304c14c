/**
 * One concern of the site (network, storage, database, function, CDN, operations).
 *
 * Concerns are transparent to CloudFormation logical IDs: every resource keeps the ID it had
 * when the whole stack was a single construct, so a stack deployed from an earlier template
 * updates in place. That matters beyond stateful resources: CDK names security-group rules
 * after their peer's unique id, and a rule re-created under a new ID is first added (a
 * duplicate EC2 accepts silently) and then the old one deleted — taking the rule with it.
 */
import { createHash } from 'node:crypto';
import { Aspects, CfnElement, Names, Stack, type IAspect } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, type IConstruct } from 'constructs';

export class Concern extends Construct {
  static isConcern(x: unknown): x is Concern {
    return x instanceof Concern;
  }
}

/** CDK's logical-id algorithm (core/lib/private/uniqueid.ts), which CDK keeps stable for every user. */
function makeUniqueId(components: string[]): string {
  const parts = components.filter((c) => c !== 'Default');
  const alnum = (c: string) => c.replace(/[^A-Za-z0-9]/g, '');
  if (parts.length === 1 && alnum(parts[0]!).length <= 255) return alnum(parts[0]!);
  const hash = createHash('md5').update(parts.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human: string[] = [];
  for (const c of parts) if (human.length === 0 || !human[human.length - 1]!.endsWith(c)) human.push(c);
  return human.filter((c) => c !== 'Resource').map(alnum).join('').slice(0, 240) + hash;
}

/** Scopes below the stack, without concerns. */
function flatScopes(c: IConstruct): IConstruct[] {
  const scopes = c.node.scopes;
  return scopes.slice(scopes.indexOf(Stack.of(c)) + 1).filter((s) => !Concern.isConcern(s));
}

/**
 * Unique ids (Names.nodeUniqueId) of constructs inside concerns, mapped to what they were
 * before the split: CDK embeds them in construct ids and descriptions of generated rules.
 */
function uniqueIdRenames(root: IConstruct): Map<string, string> {
  const renames = new Map<string, string>();
  for (const c of root.node.findAll()) {
    if (!c.node.scopes.some(Concern.isConcern) || c.node.scopes.length < 2) continue;
    const stack = Stack.of(c);
    const before = c.node.scopes.slice(1, c.node.scopes.indexOf(stack) + 1).map((s) => s.node.id);
    const flat = makeUniqueId([...before, ...flatScopes(c).map((s) => s.node.id)]);
    const nested = Names.nodeUniqueId(c.node);
    if (flat !== nested) renames.set(nested, flat);
  }
  return renames;
}

function rename(text: string, renames: Map<string, string>): string {
  let out = text;
  for (const [nested, flat] of renames) if (out.includes(nested)) out = out.split(nested).join(flat);
  return out;
}

/** The logical ID `element` would have if the concerns above it were not there. */
export function flatLogicalId(element: CfnElement, renames: Map<string, string> = uniqueIdRenames(element.node.root)): string {
  return makeUniqueId(flatScopes(element).map((s) => rename(s.node.id, renames)));
}

/** Applies flat logical IDs (and flat peer names in generated rule descriptions) under `root`. */
class FlatLogicalIds implements IAspect {
  private renames: Map<string, string> | undefined;
  private readonly root: IConstruct;

  constructor(root: IConstruct) {
    this.root = root;
  }

  visit(node: IConstruct): void {
    if (!CfnElement.isCfnElement(node) || !node.node.scopes.some(Concern.isConcern)) return;
    this.renames ??= uniqueIdRenames(this.root);
    node.overrideLogicalId(flatLogicalId(node, this.renames));
    if (node instanceof ec2.CfnSecurityGroupIngress || node instanceof ec2.CfnSecurityGroupEgress) {
      if (typeof node.description === 'string') node.description = rename(node.description, this.renames);
    }
  }
}

/** Keeps every logical ID under `root` as if its concerns were not there (see the module comment). */
export function keepFlatLogicalIds(root: IConstruct): void {
  Aspects.of(root).add(new FlatLogicalIds(root));
}
