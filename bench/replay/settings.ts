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
    /** Idle gaps longer than realtimeBelowMs pass this many times faster on the wall clock. */
    compression: number;
    realtimeBelowMs: number;
    /** How long Lambda keeps an idle environment (undocumented): the replay reports each. */
    idleTimeoutsMinutes: number[];
  };
  /** Assumptions of the bill estimate (what the replay does not measure). */
  estimate: {
    volumesPerMonth: number[];
    /** Media library (S3, and its copy on EFS), WordPress code + database + opcache snapshots (EFS), Aurora storage. */
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
  if (!(s.replay.compression >= 1)) fail('"replay.compression" must be at least 1.');
  if (!(s.publishes.everyHours > 0)) fail('"publishes.everyHours" must be positive.');
  return s;
}
