/**
 * The stack twin's deployment engine: a synthesized CloudFormation template run on this
 * machine. Like CloudFormation it creates resources in dependency order (Ref, Fn::GetAtt,
 * Fn::Sub, DependsOn; see deploymentOrder), evaluates intrinsic functions over the stand-ins'
 * values, updates what changed on a redeploy, and deletes in reverse order. Each resource type is run by the stand-in
 * module infra/twin/registry.ts names for it; the services the stand-ins share (S3, Lambda, …)
 * live in `services`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Assembly } from './assembly.ts';
import type { Clock } from './clock.ts';
import { DYNAMIC_REFERENCE, references, resolve, TemplateError, type Scope } from './intrinsics.ts';
import type { LogStore } from './logs.ts';
import type { Network } from './network.ts';
import { moduleFor } from './registry.ts';
import type { Properties, StandIn } from './resource.ts';
import type { Tls } from './tls.ts';
import { Credentials, Roles } from './iam.ts';

export interface TwinOptions {
  clock: Clock;
  logs: LogStore;
  network: Network;
  tls: Tls;
  /** Scratch space: buckets, EFS, unpacked code. */
  dataDir: string;
  account?: string;
  region?: string;
  /** Options stand-ins read (e.g. `keepAliveMs`), settable at run time through the control API. */
  settings?: Record<string, unknown>;
  /** Resource types the first deploy stops before (e.g. the install), until resume(): the stack as a visitor finds it mid-deploy. */
  pauseBefore?: string[];
  onPause?: (at: { logicalId: string; type: string }) => void;
}

interface Deployed {
  type: string;
  properties: Properties;
  standIn: StandIn;
  /** CloudFormation's DeletionPolicy: `Retain` keeps the stand-in's data when the resource leaves the stack. */
  retain: boolean;
}

export type DeployEvent = { logicalId: string; type: string; action: 'create' | 'update' | 'replace' | 'delete' | 'unchanged'; ms: number };

export class Twin {
  readonly clock: Clock;
  readonly logs: LogStore;
  readonly network: Network;
  readonly tls: Tls;
  readonly dataDir: string;
  readonly account: string;
  readonly region: string;
  readonly settings: Record<string, unknown>;
  stackName = '';
  stackId = '';
  assembly?: Assembly;
  readonly deployed = new Map<string, Deployed>();
  /** Identity policies of the template's roles, and the credentials handed to principals. */
  readonly roles = new Roles();
  readonly credentials = new Credentials();
  readonly history: DeployEvent[] = [];
  private readonly services = new Map<string, unknown>();
  private readonly closers: (() => Promise<void>)[] = [];
  private conditions: Record<string, unknown> = {};
  private pauseBefore: Set<string>;
  private readonly onPause?: (at: { logicalId: string; type: string }) => void;
  private release?: () => void;
  /** The deploy in progress, if any. */
  deploying?: Promise<DeployEvent[]>;
  private parameters: Record<string, unknown> = {};

  constructor(options: TwinOptions) {
    this.clock = options.clock;
    this.logs = options.logs;
    this.network = options.network;
    this.tls = options.tls;
    this.dataDir = options.dataDir;
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.settings = options.settings ?? {};
    this.pauseBefore = new Set(options.pauseBefore ?? []);
    this.onPause = options.onPause;
  }

  /** Lets a deploy paused by `pauseBefore` go on; resolves when it is done. */
  async resume(): Promise<DeployEvent[]> {
    this.pauseBefore.clear();
    this.release?.();
    return this.deploying ?? [];
  }

  randomId(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
  }

  /** A directory of its own under the data dir. */
  dir(...parts: string[]): string {
    const d = path.join(this.dataDir, ...parts);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  /** One shared service (S3, Lambda, …), started on first use and closed with the twin. */
  async service<T extends { close?(): Promise<void> }>(name: string, start: () => Promise<T>): Promise<T> {
    let s = this.services.get(name) as Promise<T> | undefined;
    if (!s) {
      s = start();
      this.services.set(name, s);
      s.then((v) => v.close && this.closers.push(() => v.close!()));
    }
    return s;
  }

  /** Like `service`, for one that must already run. */
  peek<T>(name: string): Promise<T> | undefined {
    return this.services.get(name) as Promise<T> | undefined;
  }

  standIn(logicalId: string): StandIn {
    const d = this.deployed.get(logicalId);
    if (!d) throw new TemplateError(`${logicalId} is not deployed (yet): check the template's dependencies.`);
    return d.standIn;
  }

  /** Logical id of the deployed resource whose Ref or Arn is `value`. */
  findByRef(value: string): { logicalId: string; type: string; standIn: StandIn } | undefined {
    for (const [logicalId, d] of this.deployed) {
      if (d.standIn.ref === value || d.standIn.attributes?.Arn === value) return { logicalId, type: d.type, standIn: d.standIn };
    }
    return undefined;
  }

  private scope(): Scope {
    return {
      ref: (name) => {
        switch (name) {
          case 'AWS::AccountId': return this.account;
          case 'AWS::Region': return this.region;
          case 'AWS::Partition': return 'aws';
          case 'AWS::URLSuffix': return 'amazonaws.com';
          case 'AWS::StackName': return this.stackName;
          case 'AWS::StackId': return this.stackId;
          case 'AWS::NotificationARNs': return [];
        }
        if (name in this.parameters) return this.parameters[name];
        return this.standIn(name).ref;
      },
      getAtt: (id, attr) => {
        const attrs = this.standIn(id).attributes ?? {};
        if (!(attr in attrs)) throw new TemplateError(`The stand-in of ${id} has no attribute ${attr}: add it to its module.`);
        return attrs[attr];
      },
      condition: (name) => {
        if (!(name in this.conditions)) throw new TemplateError(`Unknown condition ${name}.`);
        return Boolean(resolve(this.conditions[name], this.scope()));
      },
      azs: (region) => ['a', 'b', 'c'].map((z) => `${region}${z}`),
    };
  }

  /** Resolves intrinsics, then dynamic references against the stand-ins (Secrets Manager, SSM). */
  async resolveProperties(value: unknown): Promise<Properties> {
    const resolved = resolve<Properties>(value ?? {}, this.scope());
    const dynamic = JSON.stringify(resolved);
    if (!dynamic.includes('{{resolve:')) return resolved;
    const replacements = new Map<string, string>();
    for (const m of dynamic.matchAll(DYNAMIC_REFERENCE)) {
      const resolver = this.dynamicResolvers.get(m[1]!);
      if (!resolver) throw new TemplateError(`No stand-in resolves {{resolve:${m[1]}:…}} dynamic references.`);
      replacements.set(m[0], await resolver(m[2]!));
    }
    return JSON.parse(dynamic.replace(DYNAMIC_REFERENCE, (whole) => JSON.stringify(replacements.get(whole)!).slice(1, -1)));
  }

  /** Stand-ins of Secrets Manager and SSM register how they resolve `{{resolve:…}}`. */
  readonly dynamicResolvers = new Map<string, (reference: string) => Promise<string>>();

  /** Creates or updates the stack to match the assembly's template. */
  deploy(assembly: Assembly): Promise<DeployEvent[]> {
    const run = (this.deploying ?? Promise.resolve([])).catch(() => []).then(() => this.deployNow(assembly));
    this.deploying = run;
    return run;
  }

  private async deployNow(assembly: Assembly): Promise<DeployEvent[]> {
    const template = assembly.template;
    if (!this.stackName) {
      this.stackName = assembly.stackName;
      this.stackId = `arn:aws:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/${randomUUID()}`;
    }
    this.assembly = assembly;
    this.conditions = template.Conditions ?? {};
    this.parameters = {};
    for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
      // CDK's bootstrap version parameter names an SSM parameter the twin does not need.
      this.parameters[name] = p.Default;
    }
    const resources = template.Resources ?? {};
    const events: DeployEvent[] = [];
    for (const logicalId of deploymentOrder(resources)) {
      const definition = resources[logicalId];
      if (definition.Condition && !this.scope().condition(definition.Condition)) continue;
      if (this.pauseBefore.has(definition.Type) && !this.deployed.has(logicalId)) {
        await new Promise<void>((resolve) => {
          this.release = resolve;
          this.onPause?.({ logicalId, type: definition.Type });
        });
      }
      const started = performance.now();
      const properties = await this.resolveProperties(definition.Properties);
      const existing = this.deployed.get(logicalId);
      let action: DeployEvent['action'];
      const module = moduleFor(definition.Type);
      const ctx = { twin: this, logicalId, type: definition.Type, properties, definition };
      const retain = /^Retain/.test(definition.DeletionPolicy ?? '');
      if (!existing) {
        this.deployed.set(logicalId, { type: definition.Type, properties, standIn: await module.create(ctx), retain });
        action = 'create';
      } else if (JSON.stringify(existing.properties) === JSON.stringify(properties)) {
        action = 'unchanged';
      } else if (existing.standIn.update && (await existing.standIn.update(properties, existing.properties)) !== false) {
        existing.properties = properties;
        action = 'update';
      } else {
        const standIn = await module.create(ctx);
        if (!existing.retain) await existing.standIn.delete?.();
        this.deployed.set(logicalId, { type: definition.Type, properties, standIn, retain });
        action = 'replace';
      }
      events.push({ logicalId, type: definition.Type, action, ms: Math.round(performance.now() - started) });
    }
    // Resources the new template no longer has go last, in reverse order of creation.
    events.push(...(await this.remove((id) => !(id in resources))));
    this.history.push(...events);
    return events;
  }

  /** Deletes every resource in reverse order (`cdk destroy`). */
  async destroy(): Promise<DeployEvent[]> {
    const events = await this.remove(() => true);
    this.history.push(...events);
    return events;
  }

  /** Deletes the chosen resources, newest first; a `Retain` deletion policy keeps the stand-in's data. */
  private async remove(chosen: (logicalId: string) => boolean): Promise<DeployEvent[]> {
    const events: DeployEvent[] = [];
    for (const logicalId of [...this.deployed.keys()].reverse()) {
      if (!chosen(logicalId)) continue;
      const started = performance.now();
      const d = this.deployed.get(logicalId)!;
      if (!d.retain) await d.standIn.delete?.();
      this.deployed.delete(logicalId);
      events.push({ logicalId, type: d.type, action: 'delete', ms: Math.round(performance.now() - started) });
    }
    return events;
  }

  /** The template's outputs, evaluated (those whose resources do not exist yet are left out). */
  outputs(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, o] of Object.entries<any>(this.assembly?.template.Outputs ?? {})) {
      try {
        out[name] = resolve(o.Value, this.scope());
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
      }
    }
    return out;
  }

  /** Stops every stand-in and service (nothing is deleted: like a machine switched off). */
  async close(): Promise<void> {
    for (const d of [...this.deployed.values()].reverse()) await (d.standIn as { stop?(): Promise<void> }).stop?.();
    for (const close of this.closers.reverse()) await close().catch(() => {});
  }
}

/**
 * Resource ids in an order CloudFormation may create them. CloudFormation starts a resource once
 * everything it refers to (Ref, Fn::GetAtt, Fn::Sub) or depends on (DependsOn) exists, many at
 * once, and promises nothing else: a resource that relies on another without saying so may find
 * it missing. The twin takes the order least kind to such a resource among those that run code
 * while the stack deploys — the custom resources: each is created as soon as its own
 * dependencies allow, before anything it does not depend on; everything else follows in
 * template order, each after its dependencies.
 */
export function deploymentOrder(resources: Record<string, { Type?: string; DependsOn?: string | string[]; Properties?: unknown }>): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (id: string, from: string[]): void => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new TemplateError(`Circular dependency: ${[...from, id].join(' → ')}.`);
    const r = resources[id];
    if (!r) throw new TemplateError(`${from.at(-1)} refers to ${id}, which the template does not define.`);
    visiting.add(id);
    const deps = references(r.Properties);
    for (const d of [r.DependsOn ?? []].flat()) {
      if (!(d in resources)) throw new TemplateError(`${id} depends on ${d}, which the template does not define.`);
      deps.add(d);
    }
    for (const dep of deps) if (dep in resources) visit(dep, [...from, id]);
    visiting.delete(id);
    done.add(id);
    order.push(id);
  };
  const ids = Object.keys(resources);
  const runsCode = (id: string) => /^Custom::|^AWS::CloudFormation::CustomResource$/.test(resources[id]!.Type ?? '');
  for (const id of ids.filter(runsCode)) visit(id, []);
  for (const id of ids) visit(id, []);
  return order;
}
