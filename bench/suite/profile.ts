/** How long each part runs: `full` (the default) and `quick` (a few minutes in all). */

export const PARTS = ['throughput', 'overhead', 'cold', 'fsops', 'memory', 'tail', 'replay'] as const;
export type Part = (typeof PARTS)[number];

export interface Profile {
  name: 'full' | 'quick';
  /** Closed-loop time per (page, server, concurrency), s, split into `rounds` slices. */
  durationS: number;
  /**
   * Slices per measurement, taken in turns across the servers (all running), so load from
   * elsewhere on the machine falls on every server alike.
   */
  rounds: number;
  /** Untimed closed-loop run at the highest concurrency before measuring a page, s. */
  warmupS: number;
  concurrency: number[];
  /** PHP workers / Lambda environments / fpm children in the throughput runs. */
  parallel: number;
  /** Invocations timed for the bridge overhead (the Lambda issue asks for ≥ 2,000). */
  overheadInvocations: number;
  overheadWarmup: number;
  /** Cold starts per case (median of ≥ 5). */
  coldRuns: number;
  /** Warm requests counted for filesystem operations, after `fsopsWarmup`. */
  fsopsRequests: number;
  fsopsWarmup: number;
  /** Requests after warm-up before the second memory reading, per page. */
  memoryRequests: { hello: number; wordpress: number };
  memoryWarmup: { hello: number; wordpress: number };
  /**
   * WordPress requests sent back to back to one Lambda-shaped environment (tail latency, and RSS
   * read along the way), after `tailWarmup` untimed ones. Runtimes rotate every 1,000.
   */
  tailRequests: number;
  tailWarmup: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    durationS: 30,
    rounds: 5,
    warmupS: 10,
    concurrency: [1, 2],
    parallel: 2,
    overheadInvocations: 5000,
    overheadWarmup: 300,
    coldRuns: 9,
    fsopsRequests: 50,
    fsopsWarmup: 30,
    memoryRequests: { hello: 5000, wordpress: 5000 },
    memoryWarmup: { hello: 300, wordpress: 50 },
    tailRequests: 10000,
    tailWarmup: 20,
  },
  quick: {
    name: 'quick',
    durationS: 6,
    rounds: 3,
    warmupS: 3,
    concurrency: [1, 2],
    parallel: 2,
    overheadInvocations: 2000,
    overheadWarmup: 200,
    coldRuns: 5,
    fsopsRequests: 10,
    fsopsWarmup: 10,
    memoryRequests: { hello: 5000, wordpress: 300 },
    memoryWarmup: { hello: 200, wordpress: 30 },
    tailRequests: 1500,
    tailWarmup: 20,
  },
};
