/** The generator's settings: bench/replay/settings.json, checked once when read. */
import fs from 'node:fs';
import path from 'node:path';

type Shares<K extends string> = Record<K, number>;

export interface ReplaySettings {
  description: string;
  seed: number;
  /** Human page views a day: readers' HTML pages plus editors' wp-admin screens. */
  pageViewsPerDay: number;
  /** Relative weight of each hour of the day (24 numbers), for readers. */
  diurnal: number[];
  site: { posts: number; pages: string[]; categories: string[]; zipfExponent: number; searchTerms: string[] };
  readers: {
    pagesPerVisit: number;
    thinkSeconds: number;
    /** Visitors whose browser already holds the site's static files. */
    returningShare: number;
    landing: Shares<'home' | 'post' | 'archive' | 'page' | 'search' | 'notFound'>;
    next: Shares<'home' | 'post' | 'archive' | 'page' | 'search'>;
  };
  bots: {
    crawlerRequestsPerPageView: number;
    crawlerTargets: Shares<'post' | 'home' | 'archive' | 'sitemap' | 'robots'>;
    probesPerDay: number;
    probes: string[];
  };
  feeds: { pollers: number; periodMinutes: [number, number] };
  comments: { perDay: number };
  editors: {
    count: number;
    /** Sessions beyond the ones that publish. */
    extraSessionsPerDay: number;
    sessionMinutes: number;
    thinkSeconds: number;
    heartbeatSeconds: number;
    screens: Shares<'dashboard' | 'posts' | 'edit' | 'comments' | 'media'>;
  };
  publishes: { everyHours: number; firstHour: number; jitterMinutes: number; uploadsPerPublish: number };
  replay: {
    /** How long Lambda keeps an idle environment (undocumented): the estimate reports each. */
    idleTimeoutsMinutes: number[];
  };
  /** The replay through the stack twin (`npm run bench:replay`). */
  twin: {
    /** Longest jump of the virtual clock while nothing is in flight: a schedule inside it starts up to this late. */
    stepMs: number;
    /** Wall interval at which virtual time follows the wall clock while something is in flight. */
    pollMs: number;
    /** Virtual time between seeding the site and the day (cron runs, environments settle). */
    settleMinutes: number;
    /** Publish-to-visible: an anonymous probe of the post and the home page through CloudFront this often, up to this long. */
    probe: { everySeconds: number; limitSeconds: number };
    /** The runs `npm run bench:replay` makes, in order; `--runs` picks some by name. */
    runs: TwinRun[];
    /** Runs whose bill the report lists line by line. */
    lineItems?: string[];
    /** Larger volumes billed, as a labelled estimate, with a replayed run's measured usage. */
    extrapolate?: Array<{ run: string; pageViewsPerMonth: number[] }>;
    /** Rows of the targets table: a label (before / after …) and the run it reads. */
    targets?: Array<{ label: string; run: string }>;
  };
  /** Assumptions of the bill estimate (what the replay does not measure). */
  estimate: {
    volumesPerMonth: number[];
    /** Media library (S3, and its copy on EFS: Infrequent Access when the template has a lifecycle policy), WordPress code + database + opcache snapshots (EFS Standard), Aurora storage. */
    storage: { mediaGb: number; codeAndDataGb: number; auroraGb: number };
    /** Lambda's START/END/REPORT lines per invocation (lamphp logs nothing per request at info). */
    logBytesPerInvocation: number;
    /** Objects an image upload puts in S3: the original and the sizes WordPress makes of it. */
    objectsPerUpload: number;
    /** Aurora Serverless v2 at 0 ACU pauses after this many minutes without a connection. */
    auroraPauseAfterMinutes: number;
    auroraAcuAwake: number;
  };
}

/** One replay through the twin: a database mode, a keep-alive, settings, a volume. */
export interface TwinRun {
  name: string;
  db: 'sqlite' | 'mysql';
  keepAliveMinutes: number;
  /** Page views a day (default: the settings' pageViewsPerDay). */
  pageViewsPerDay?: number;
  /** Replay only these hours of the day, [from, to). */
  hours?: [number, number];
  /**
   * Before the measured day, this many hours of another day's anonymous traffic (readers',
   * crawlers' and feed readers' GETs of seed + 1; no comments, no editors), unmeasured: the CDN
   * then holds what a site that ran the day before would, instead of nothing.
   */
  warmupHours?: number;
  /** Changes to the day's traffic for this run (one level deep, e.g. `{"feeds": {"pollers": 0}}`), stated with its results. */
  traffic?: Record<string, unknown>;
  /** CDK context beyond the database (e.g. cronRateMinutes, memorySize). */
  context?: Record<string, unknown>;
  /** Site function environment set for this run (e.g. LAMPHP_CACHE_PHP_PUBLIC), stated with its results. */
  environment?: Record<string, string>;
  /** What this run shows, for the report. */
  note?: string;
}

export const SETTINGS_FILE = path.join(import.meta.dirname, 'settings.json');

export function readSettings(file = SETTINGS_FILE): ReplaySettings {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as ReplaySettings;
  const fail = (what: string) => {
    throw new Error(`${file}: ${what}`);
  };
  if (!Number.isInteger(s.seed)) fail('"seed" must be a whole number.');
  if (!(s.pageViewsPerDay > 0)) fail('"pageViewsPerDay" must be positive.');
  if (s.diurnal?.length !== 24 || s.diurnal.some((w) => !(w >= 0))) fail('"diurnal" needs 24 weights ≥ 0.');
  if (!(s.site.posts >= 1)) fail('"site.posts" must be at least 1.');
  if (!(s.readers.pagesPerVisit >= 1)) fail('"readers.pagesPerVisit" must be at least 1.');
  if (!(s.publishes.everyHours > 0)) fail('"publishes.everyHours" must be positive.');
  if (!(s.twin?.stepMs > 0) || !(s.twin.pollMs > 0)) fail('"twin.stepMs" and "twin.pollMs" must be positive.');
  const names = new Set<string>();
  for (const r of s.twin.runs ?? []) {
    if (!/^[a-z0-9-]+$/.test(r.name) || names.has(r.name)) fail(`twin run names must be unique, lower-case words with hyphens; got "${r.name}".`);
    names.add(r.name);
    if (r.db !== 'sqlite' && r.db !== 'mysql') fail(`twin run ${r.name}: "db" is sqlite or mysql.`);
    if (!(r.keepAliveMinutes > 0)) fail(`twin run ${r.name}: "keepAliveMinutes" must be positive.`);
    if (r.hours && !(r.hours[0] >= 0 && r.hours[1] <= 24 && r.hours[0] < r.hours[1])) fail(`twin run ${r.name}: "hours" is [from, to) within 0–24.`);
  }
  return s;
}
