/**
 * CloudFormation's intrinsic functions, evaluated the way CloudFormation evaluates them
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html),
 * over the values the twin's stand-ins give their resources. Anything the twin cannot evaluate
 * fails with the function's name instead of passing a wrong value on.
 */
export class TemplateError extends Error {
  readonly code = 'ETWINTEMPLATE';
}

export interface Scope {
  /** Value of `Ref` for a resource, parameter or pseudo parameter. */
  ref(name: string): unknown;
  /** Value of `Fn::GetAtt` (`attribute` may contain dots, e.g. `Endpoint.Address`). */
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
  /** Availability zones of a region (`Fn::GetAZs`). */
  azs(region: string): string[];
}

/** Marks a property removed by `Fn::If` with `AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue');

function fnName(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys;
  return key === 'Ref' || key === 'Condition' || key!.startsWith('Fn::') ? key : undefined;
}

function text(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${what} expects a string, got ${JSON.stringify(value)}.`);
}

function substitute(template: string, vars: Record<string, unknown>, scope: Scope): string {
  return template.replace(/\$\{(!?)([^}]*)\}/g, (whole, bang: string, name: string) => {
    if (bang) return `\${${name}}`;
    if (name in vars) return text(vars[name], `Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return text(scope.getAtt(name.slice(0, dot), name.slice(dot + 1)), `Fn::Sub \${${name}}`);
    return text(scope.ref(name), `Fn::Sub \${${name}}`);
  });
}

function evaluate(value: unknown, scope: Scope): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const fn = fnName(value);
  if (fn === undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = evaluate(v, scope);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }
  const arg = (value as Record<string, unknown>)[fn];
  switch (fn) {
    case 'Ref':
      return arg === 'AWS::NoValue' ? NO_VALUE : scope.ref(text(arg, 'Ref'));
    case 'Condition':
      return scope.condition(text(arg, 'Condition'));
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg : text(arg, 'Fn::GetAtt').split(/\.(.*)/s);
      return scope.getAtt(text(id, 'Fn::GetAtt'), text(evaluate(attr, scope), 'Fn::GetAtt'));
    }
    case 'Fn::Join': {
      const [sep, list] = arg as [string, unknown];
      return (evaluate(list, scope) as unknown[]).map((v) => text(v, 'Fn::Join')).join(sep);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = evaluate(list, scope) as unknown[];
      const i = Number(evaluate(index, scope));
      if (!Array.isArray(items) || !(i >= 0 && i < items.length)) throw new TemplateError(`Fn::Select index ${i} is out of range.`);
      return items[i];
    }
    case 'Fn::Split': {
      const [sep, source] = arg as [string, unknown];
      return text(evaluate(source, scope), 'Fn::Split').split(sep);
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, scope);
      const [template, vars] = arg as [string, Record<string, unknown>];
      return substitute(template, evaluate(vars ?? {}, scope) as Record<string, unknown>, scope);
    }
    case 'Fn::Base64':
      return Buffer.from(text(evaluate(arg, scope), 'Fn::Base64')).toString('base64');
    case 'Fn::GetAZs':
      return scope.azs(text(evaluate(arg, scope), 'Fn::GetAZs') || String(scope.ref('AWS::Region')));
    case 'Fn::If': {
      const [cond, yes, no] = arg as [string, unknown, unknown];
      return evaluate(scope.condition(cond) ? yes : no, scope);
    }
    case 'Fn::Equals': {
      const [a, b] = (arg as unknown[]).map((v) => evaluate(v, scope));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !evaluate((arg as unknown[])[0], scope);
    case 'Fn::And':
      return (arg as unknown[]).every((v) => evaluate(v, scope));
    case 'Fn::Or':
      return (arg as unknown[]).some((v) => evaluate(v, scope));
    default:
      throw new TemplateError(`The twin does not evaluate ${fn}: add it to infra/twin/intrinsics.ts.`);
  }
}

/** `value` with every intrinsic function evaluated in `scope`. */
export function resolve<T = unknown>(value: unknown, scope: Scope): T {
  const out = evaluate(value, scope);
  return (out === NO_VALUE ? undefined : out) as T;
}

/** Logical ids a value refers to (Ref, Fn::GetAtt, Fn::Sub), pseudo parameters excluded. */
export function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, into);
    return into;
  }
  if (value === null || typeof value !== 'object') return into;
  const fn = fnName(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Ref' && typeof arg === 'string' && !arg.startsWith('AWS::')) into.add(arg);
  else if (fn === 'Fn::GetAtt') into.add(Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0]!);
  else if (fn === 'Fn::Sub') {
    const template = typeof arg === 'string' ? arg : (arg as [string])[0];
    const vars = typeof arg === 'string' ? {} : ((arg as [string, Record<string, unknown>])[1] ?? {});
    for (const m of template.matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const name = m[1]!.split('.')[0]!;
      if (!name.startsWith('AWS::') && !(name in vars)) into.add(name);
    }
    references(vars, into);
  } else for (const v of Object.values(value)) references(v, into);
  return into;
}

/** `{{resolve:service:reference}}` dynamic references inside a resolved string. */
export const DYNAMIC_REFERENCE = /\{\{resolve:(secretsmanager|ssm|ssm-secure):([^}]+)\}\}/g;
