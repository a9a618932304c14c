/**
 * IAM policy evaluation for the requests the twin authorizes (S3 today): explicit deny wins,
 * then any allow, else implicit deny, over Effect, Principal, (Not)Action, (Not)Resource and
 * Condition (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * A condition operator it does not know fails the evaluation loudly rather than allowing.
 * Roles' identity policies are collected from the template (AWS::IAM::Role, AWS::IAM::Policy).
 */
export interface Principal {
  /** `service` for an AWS service principal (CloudFront with OAC), `role` for a function's role. */
  kind: 'service' | 'role' | 'anonymous';
  /** Service name (`cloudfront.amazonaws.com`) or role ARN. */
  id: string;
}

export interface RequestContext {
  principal: Principal;
  action: string;
  resource: string;
  /** Condition keys (`aws:SecureTransport`, `AWS:SourceArn`, …); keys compare case-insensitively. */
  keys: Record<string, string>;
}

type Statement = Record<string, any>;
export interface PolicyDocument {
  Statement: Statement | Statement[];
}

export class PolicyError extends Error {
  readonly code = 'ETWINPOLICY';
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM wildcards: `*` any run of characters, `?` one character; case-insensitive for actions. */
function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'is' : 's');
  return re.test(value);
}

function principalMatches(spec: unknown, p: Principal): boolean {
  if (spec === '*') return true;
  if (spec === undefined || spec === null || typeof spec !== 'object') return false;
  const s = spec as Record<string, unknown>;
  // {"AWS": "*"} is every principal, services and anonymous callers included, like "*".
  if (list(s.AWS as string[]).includes('*')) return true;
  if (p.kind === 'service') return list(s.Service as string[]).includes(p.id);
  if (p.kind === 'role') return list(s.AWS as string[]).some((a) => a === '*' || a === p.id || p.id.startsWith(`${a}:`) || (a.endsWith(':root') && p.id.split(':')[4] === a.split(':')[4]));
  return list(s.AWS as string[]).includes('*');
}

const OPERATORS: Record<string, (value: string, expected: string) => boolean> = {
  StringEquals: (v, e) => v === e,
  StringNotEquals: (v, e) => v !== e,
  StringEqualsIgnoreCase: (v, e) => v.toLowerCase() === e.toLowerCase(),
  StringLike: (v, e) => wildcard(e, v),
  StringNotLike: (v, e) => !wildcard(e, v),
  ArnEquals: (v, e) => v === e,
  ArnLike: (v, e) => wildcard(e, v),
  ArnNotLike: (v, e) => !wildcard(e, v),
  Bool: (v, e) => v.toLowerCase() === e.toLowerCase(),
};

function conditionsHold(condition: Record<string, Record<string, unknown>> | undefined, keys: Record<string, string>): boolean {
  if (!condition) return true;
  const lower = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [operator, tests] of Object.entries(condition)) {
    const ifExists = operator.endsWith('IfExists');
    const op = OPERATORS[ifExists ? operator.slice(0, -'IfExists'.length) : operator];
    if (!op) throw new PolicyError(`The twin does not evaluate the IAM condition operator ${operator}: add it to infra/twin/iam.ts.`);
    for (const [key, expected] of Object.entries(tests)) {
      const value = lower[key.toLowerCase()];
      if (value === undefined) {
        if (ifExists || operator.startsWith('StringNot') || operator.startsWith('ArnNot')) continue;
        return false;
      }
      // Several expected values: any of them matches (negated operators: none of them).
      const negated = /Not/.test(operator);
      const results = list(expected as string[]).map((e) => op(value, String(e)));
      if (negated ? !results.every(Boolean) : !results.some(Boolean)) return false;
    }
  }
  return true;
}

function statementMatches(s: Statement, ctx: RequestContext, checkPrincipal: boolean): boolean {
  if (checkPrincipal && !principalMatches(s.Principal, ctx.principal)) return false;
  if (s.Action !== undefined && !list<string>(s.Action).some((a) => wildcard(a, ctx.action, true))) return false;
  if (s.NotAction !== undefined && list<string>(s.NotAction).some((a) => wildcard(a, ctx.action, true))) return false;
  if (s.Resource !== undefined && !list<string>(s.Resource).some((r) => wildcard(r, ctx.resource))) return false;
  if (s.NotResource !== undefined && list<string>(s.NotResource).some((r) => wildcard(r, ctx.resource))) return false;
  return conditionsHold(s.Condition, ctx.keys);
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

/**
 * Evaluates a resource policy (principal checked) together with identity policies (principal
 * implied) for one request, within one account.
 */
export function evaluate(ctx: RequestContext, resourcePolicy: PolicyDocument | undefined, identityPolicies: PolicyDocument[] = []): Decision {
  const statements: [Statement, boolean][] = [
    ...list(resourcePolicy?.Statement).map((s): [Statement, boolean] => [s, true]),
    ...identityPolicies.flatMap((p) => list(p.Statement).map((s): [Statement, boolean] => [s, false])),
  ];
  let allowed = false;
  for (const [s, isResource] of statements) {
    if (!statementMatches(s, ctx, isResource)) continue;
    if (s.Effect === 'Deny') return 'deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** Identity policies per role ARN, gathered from the deployed template. */
export class Roles {
  private readonly byName = new Map<string, { arn: string; inline: PolicyDocument[]; attached: Map<string, PolicyDocument> }>();

  addRole(name: string, arn: string, inline: PolicyDocument[]): void {
    this.byName.set(name, { arn, inline, attached: new Map() });
  }

  attach(policyId: string, roleNames: string[], doc: PolicyDocument): void {
    for (const r of roleNames) this.byName.get(r)?.attached.set(policyId, doc);
  }

  detach(policyId: string): void {
    for (const r of this.byName.values()) r.attached.delete(policyId);
  }

  policiesOf(roleArn: string): PolicyDocument[] {
    for (const r of this.byName.values()) if (r.arn === roleArn) return [...r.inline, ...r.attached.values()];
    return [];
  }
}

/** Credentials the twin hands out (to a function's role, to CloudFront's OAC), keyed by access key id. */
export class Credentials {
  private readonly byKey = new Map<string, Principal & { sourceArn?: string; account: string }>();
  private readonly secrets = new Map<string, string>();

  issue(principal: Principal & { sourceArn?: string; account: string }): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const rand = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    const accessKeyId = `ASIA${rand(16)}`;
    const secretAccessKey = rand(40);
    this.byKey.set(accessKeyId, principal);
    this.secrets.set(accessKeyId, secretAccessKey);
    return { accessKeyId, secretAccessKey, sessionToken: rand(300) };
  }

  /** The secret of an issued access key: what a SigV4-verifying stand-in signs again with. */
  secretOf(accessKeyId: string): string | undefined {
    return this.secrets.get(accessKeyId);
  }

  /** The principal an issued access key belongs to. */
  principalOfKey(accessKeyId: string): (Principal & { sourceArn?: string; account: string }) | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** Who signed a request: the access key id from a SigV4 Authorization header or presigned query. */
  principalOf(authorization: string | undefined, query?: URLSearchParams): (Principal & { sourceArn?: string; account: string }) | undefined {
    const credential = /Credential=([^/,\s]+)/.exec(authorization ?? '')?.[1] ?? query?.get('X-Amz-Credential')?.split('/')[0];
    return credential ? this.byKey.get(credential) : undefined;
  }
}
