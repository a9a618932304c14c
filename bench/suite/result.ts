/** The JSON a run writes (bench/results/suite-<date>.json) and the report is rendered from. */
import type { Percentiles } from './stats.ts';
import type { Db } from './site.ts';
import type { ServerKind } from './servers.ts';
import type { Part, Profile } from './profile.ts';
import type { FsOpCounts } from '../fsops/counter.ts';

export type Page = 'hello' | 'wordpress';

export interface ThroughputRow {
  page: Page;
  db: Db;
  server: ServerKind;
  connections: number;
  durationS: number;
  requests: number;
  reqPerS: number | null;
  latencyMs: Percentiles;
  statusCodes: Record<string, number>;
  errors: number;
  /** lamphp / native at the same page, database and concurrency (absent on native rows). */
  ratio?: { p50: number | null; p99: number | null; reqPerS: number | null };
}

export interface OverheadResult {
  invocations: number;
  /** engine.handle() of hello.php in this process: the PHP work with no front door. */
  direct: Percentiles;
  /** The Lambda invocation handler called in this process on the same engine: event adapter, router, CGI, bridge, result. */
  handler: Percentiles;
  /** Runtime API emulator round trip: event → adapter → router → engine → result → POST. */
  lambda: Percentiles;
  /** HTTP round trip through `lamphp serve` (loopback socket, server, bridge). */
  serve: Percentiles;
  addedMs: { handler: { p50: number | null; p99: number | null }; lambda: { p50: number | null; p99: number | null }; serve: { p50: number | null; p99: number | null } };
  targetP50Ms: number;
}

export interface ColdRow {
  page: Page;
  server: Extract<ServerKind, 'serve' | 'lambda'>;
  runsMs: number[];
  medianMs: number | null;
  /** WordPress runs: an opcache snapshot was written first (primeSnapshot), so each run restored it. */
  snapshotPrimed?: boolean;
}

export interface FsopsRow {
  db: Db;
  requests: number;
  /** Per warm request. */
  perRequest: { total: number; documentRoot: number; outside: number };
  /** Document-root operations per request by kind. */
  byKind: Record<string, number>;
  /** Document-root operations per request by file class. */
  byClass: Record<string, number>;
  /** The same requests counted at the engine's mount hook instead (document root mount only). */
  mountHook?: { perRequest: { total: number; documentRoot: number; outside: number }; byKind: Record<string, number> };
  /** Raw counts of the mount-hook pass. */
  raw: FsOpCounts;
}

export interface MemoryRow {
  page: Page;
  db: Db;
  server: ServerKind;
  processes: number;
  warmupRequests: number;
  rssAfterWarmupMiB: number | null;
  requests: number;
  rssAfterMiB: number | null;
  statusCodes: Record<string, number>;
}

export interface TailResult {
  db: Db;
  /** Untimed requests first (the first one is a cold start). */
  warmup: number;
  requests: number;
  statusCodes: Record<string, number>;
  /** Runtime rotations the environment logged during the run. */
  rotations: number;
  latencyMs: Percentiles & { p90: number | null; max: number | null };
  p99OverP50: number | null;
  /** The slowest timed requests, 1-based positions. */
  slowest: { request: number; ms: number }[];
  rss: {
    every: number;
    firstMiB: number | null;
    medianMiB: number | null;
    maxMiB: number | null;
    lastMiB: number | null;
    /** VmHWM at the end: the highest RSS at any moment, boot included. */
    peakMiB: number | null;
    readings: { after: number; mib: number }[];
  };
}

export interface Machine {
  host: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  loadBefore: number[];
  loadAfter?: number[];
}

export interface SuiteResult {
  profile: Profile;
  parts: Part[];
  dbs: Db[];
  startedAt: string;
  finishedAt?: string;
  command: string;
  /** Short hash of the commit measured (plus `+changes` when the tree had uncommitted changes). */
  commit?: string;
  machine: Machine;
  versions: Record<string, string>;
  throughput?: ThroughputRow[];
  overhead?: OverheadResult;
  cold?: ColdRow[];
  fsops?: FsopsRow[];
  memory?: MemoryRow[];
  tail?: TailResult;
  failures: { part: Part; message: string }[];
}
