/**
 * CloudWatch Logs as the twin sees it: every line a function instance writes (stdout and
 * stderr, as Lambda captures them) lands in its log group, plus the lines stand-ins write about
 * their own work. Tests read it whole, e.g. to prove a secret was never logged.
 */
export interface LogEvent {
  group: string;
  stream: string;
  /** Twin clock time. */
  timestamp: number;
  message: string;
}

export interface LogStore {
  append(group: string, stream: string, message: string): void;
  events(filter?: { group?: string; since?: number }): LogEvent[];
  /** Every group that received a line. */
  groups(): string[];
}

export function createLogStore(now: () => number, options: { echo?: (e: LogEvent) => void; limit?: number } = {}): LogStore {
  const all: LogEvent[] = [];
  const limit = options.limit ?? 200_000;
  return {
    append(group, stream, message) {
      const event = { group, stream, timestamp: now(), message };
      all.push(event);
      if (all.length > limit) all.splice(0, all.length - limit);
      options.echo?.(event);
    },
    events(filter = {}) {
      return all.filter((e) => (filter.group === undefined || e.group === filter.group) && (filter.since === undefined || e.timestamp >= filter.since));
    },
    groups: () => [...new Set(all.map((e) => e.group))],
  };
}
