/**
 * EventBridge schedules (AWS::Events::Rule with a ScheduleExpression) on the twin's clock:
 * `rate(…)` fires every period after the rule is created; each Lambda target is invoked
 * asynchronously with its Input (or the scheduled event) if the function's resource policy lets
 * events.amazonaws.com invoke it for this rule, and Lambda's asynchronous retries then apply
 * (infra/twin/lambda/functions.ts). Rules matching event patterns do nothing locally yet.
 */
import { lambdaService } from './lambda/functions.ts';
import { physicalName, type ResourceModule, type StandIn } from './resource.ts';
import type { Twin } from './twin.ts';

const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

export function periodOf(expression: string): number {
  const m = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (!m) throw new Error(`The twin runs rate(…) schedules only, not "${expression}": add cron() to infra/twin/events.ts.`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

async function fire(twin: Twin, ruleArn: string, name: string, targets: { Arn: string; Input?: string }[]): Promise<void> {
  const svc = await lambdaService(twin);
  for (const t of targets) {
    const fn = svc.find(t.Arn);
    if (!fn) continue;
    const allowed = [...fn.permissions.values()].some((p) => p.principal === 'events.amazonaws.com' && (!p.sourceArn || p.sourceArn === ruleArn));
    if (!allowed) {
      twin.logs.append('/twin/events', name, `target ${fn.name} not invoked: its resource policy does not allow events.amazonaws.com for ${ruleArn}`);
      continue;
    }
    const event = t.Input !== undefined ? JSON.parse(t.Input) : {
      version: '0', id: crypto.randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: twin.account,
      time: new Date(twin.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'), region: twin.region, resources: [ruleArn], detail: {},
    };
    void svc.invokeAsync(fn, event, { invoker: 'cron', caller: name });
  }
}

export const schedules: ResourceModule = {
  types: ['AWS::Events::Rule'],
  async create({ twin, logicalId, properties: p }) {
    const name: string = p.Name ?? physicalName(twin, logicalId);
    const arn = `arn:aws:events:${twin.region}:${twin.account}:rule/${name}`;
    let cancel = () => {};
    const arm = (props: typeof p) => {
      cancel();
      if (!props.ScheduleExpression || props.State === 'DISABLED') return;
      const period = periodOf(props.ScheduleExpression);
      const tick = () => {
        cancel = twin.clock.setTimer(period, tick);
        void fire(twin, arn, name, props.Targets ?? []);
      };
      cancel = twin.clock.setTimer(period, tick);
    };
    arm(p);
    const standIn: StandIn & { stop(): Promise<void> } = {
      ref: name,
      attributes: { Arn: arn },
      update: async (next) => void arm(next),
      delete: async () => cancel(),
      stop: async () => cancel(),
    };
    return standIn;
  },
};
