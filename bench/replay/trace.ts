/**
 * A generated day as a list of intents. Targets are symbolic where the site decides the URL
 * (`post:12`, `image:post:12`): the driver resolves them against the site it seeded. A `page`
 * intent stands for what a browser does — the HTML, then the static files and images it
 * references that this visitor's browser does not hold yet.
 */

export type Actor = 'reader' | 'crawler' | 'probe' | 'feed' | 'editor' | 'cron';

export type Kind =
  /** An HTML page for a reader (home, post, archive, page, search results, a missing page). */
  | 'page'
  | 'comment'
  | 'crawl'
  | 'probe'
  | 'feed'
  | 'login'
  /** An HTML wp-admin screen. */
  | 'admin'
  | 'heartbeat'
  | 'autosave'
  | 'upload'
  | 'publish'
  | 'moderate'
  | 'cron';

export interface TraceEvent {
  /** Virtual milliseconds since the day began. */
  t: number;
  actor: Actor;
  /** One cookie jar and browser cache per actor id. */
  actorId: string;
  kind: Kind;
  method: 'GET' | 'POST';
  /** A path, or a symbolic target the driver resolves (post:N, image:post:N, category:x, page:x, admin:screen). */
  target: string;
  /** Counts as a page view (a human's HTML page). */
  pageView: boolean;
  /** What the page is, for the mix: home, post, archive, page, search, notFound, sitemap… */
  page?: string;
  /** Popularity rank of the post at the time of the request (Zipf checks). */
  rank?: number;
  /** The browser loads the page's static files and images (a reader's browser, not a bot). */
  browser?: boolean;
}

export interface PlannedPost {
  id: number;
  slug: string;
  title: string;
  category: string;
  /** Published during the day at this virtual time; absent for posts that exist before it. */
  publishedAt?: number;
}

export interface Trace {
  seed: number;
  /** Virtual length of the day, ms. */
  durationMs: number;
  cronRateMinutes: number | null;
  posts: PlannedPost[];
  pages: string[];
  categories: string[];
  events: TraceEvent[];
}

export const DAY_MS = 24 * 3600 * 1000;

/** Counts by kind and by actor, page views, and the share of each landing/next page type. */
export function summarizeTrace(trace: Trace): { events: number; pageViews: number; byKind: Record<string, number>; byActor: Record<string, number>; byPage: Record<string, number> } {
  const byKind: Record<string, number> = {};
  const byActor: Record<string, number> = {};
  const byPage: Record<string, number> = {};
  let pageViews = 0;
  for (const e of trace.events) {
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    byActor[e.actor] = (byActor[e.actor] ?? 0) + 1;
    if (e.page) byPage[e.page] = (byPage[e.page] ?? 0) + 1;
    if (e.pageView) pageViews++;
  }
  return { events: trace.events.length, pageViews, byKind, byActor, byPage };
}
