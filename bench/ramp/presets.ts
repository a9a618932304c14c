/**
 * Ramp presets. `original` is the reference experiment as published; `default` keeps its
 * shape (4 instances, a 300 ms wait, a ramp to 3.75× the ceiling) scaled so a 2-core machine
 * finishes both topologies in a few minutes.
 */
import type { RampSpec } from './scheduler.ts';

export type Topology = 'direct' | 'nginx' | 'lambda';
export type Endpoint = 'io' | 'render';
export type AppKind = 'lamphp' | 'node';

export interface Preset extends RampSpec {
  name: string;
  instances: number;
  /** Workers per instance (lamphp `--workers`). */
  threads: number;
  /** Queue bound per instance in queue mode (the nginx topology); fail-fast uses 0. */
  queue: number;
  /** Lambda mode: execution environments (one request each) and the reserved concurrency. */
  lambdaCap: number;
  /** What `--topology` means when not given. */
  topologies: Topology[];
}

export const PRESETS: Record<string, Preset> = {
  original: {
    name: 'original',
    instances: 4,
    threads: 20,
    queue: 40,
    lambdaCap: 80,
    r0: 1,
    r1: 1000,
    durationS: 300,
    topologies: ['direct', 'nginx'],
  },
  default: {
    name: 'default',
    instances: 4,
    threads: 4,
    queue: 8,
    lambdaCap: 16,
    r0: 1,
    r1: 200,
    durationS: 100,
    topologies: ['direct', 'nginx'],
  },
};

/** Nominal time an endpoint holds a worker, ms; undefined when it must be measured. */
export const NOMINAL_SERVICE_MS: Record<Endpoint, number | undefined> = {
  io: 300,
  render: undefined,
};

export const ENDPOINT_PATH: Record<Endpoint, string> = {
  io: '/io.php',
  render: '/render.php',
};
