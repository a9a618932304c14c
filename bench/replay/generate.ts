/**
 * The generated day: readers in visits (a landing page, then a few more after a think time),
 * with posts chosen by Zipf popularity and the newest post moved to the top when it is
 * published; crawlers and hostile probes spread over the day; feed readers polling on their own
 * period; comments left on post pages; editors logging in to write and publish (with the block
 * editor's heartbeat and autosaves, and an image upload) and to moderate; WP-Cron on the
 * stack's schedule. Reader arrivals follow the `diurnal` weights. Deterministic for a seed.
 */
import { Random, Zipf } from './random.ts';
import { DAY_MS, type PlannedPost, type Trace, type TraceEvent } from './trace.ts';
import type { ReplaySettings } from './settings.ts';

const MIN = 60_000;

/** A time of day for one reader visit, following the hourly weights. */
function diurnalTime(random: Random, weights: readonly number[]): number {
  const hour = random.pickIndex(weights);
  return (hour + random.next()) * 3600_000;
}

/** Post popularity over the day: rank 1 is the most read; a new post takes rank 1. */
class Popularity {
  #order: number[];
  #changes: Array<{ t: number; order: number[] }> = [];

  constructor(postIds: number[], random: Random) {
    this.#order = [...postIds];
    for (let i = this.#order.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [this.#order[i], this.#order[j]] = [this.#order[j]!, this.#order[i]!];
    }
    this.#changes.push({ t: -1, order: [...this.#order] });
  }

  publish(t: number, id: number): void {
    this.#order = [id, ...this.#order.filter((p) => p !== id)];
    this.#changes.push({ t, order: [...this.#order] });
  }

  /** The post at `rank` (1-based) at time t; ranks beyond the posts published so far wrap. */
  at(t: number, rank: number): number {
    let order = this.#changes[0]!.order;
    for (const c of this.#changes) if (c.t <= t) order = c.order;
    return order[(rank - 1) % order.length]!;
  }
}

export function generateDay(settings: ReplaySettings, { cronRateMinutes }: { cronRateMinutes: number | null }): Trace {
  const root = new Random(settings.seed);
  const events: TraceEvent[] = [];
  const { site, readers, bots, feeds, editors, publishes } = settings;

  // The site before the day: posts with a category each; new ones are published during it.
  const posts: PlannedPost[] = [];
  const contentRandom = root.fork('content');
  for (let i = 1; i <= site.posts; i++) {
    posts.push({ id: i, slug: `post-${i}`, title: `Post ${i}`, category: site.categories[contentRandom.int(site.categories.length)]! });
  }

  // Publishes: every few hours from firstHour, jittered; each in an editor session.
  const publishRandom = root.fork('publishes');
  const publishTimes: number[] = [];
  for (let h = publishes.firstHour; h < 24; h += publishes.everyHours) {
    const t = h * 3600_000 + publishRandom.between(-1, 1) * publishes.jitterMinutes * MIN;
    if (t > 0 && t < DAY_MS) publishTimes.push(t);
  }
  const popularity = new Popularity(posts.map((p) => p.id), root.fork('popularity'));

  // Editors: a publishing session ends with each publish; extra sessions browse and moderate.
  const editorRandom = root.fork('editors');
  let editorPageViews = 0;
  const editorEvent = (t: number, editor: string, kind: TraceEvent['kind'], method: 'GET' | 'POST', target: string, pageView = false): void => {
    events.push({ t, actor: 'editor', actorId: editor, kind, method, target, pageView });
    if (pageView) editorPageViews++;
  };
  const logIn = (t: number, editor: string): number => {
    editorEvent(t, editor, 'login', 'GET', '/wp-login.php', true);
    editorEvent(t + editorRandom.between(5, 20) * 1000, editor, 'login', 'POST', '/wp-login.php');
    editorEvent(t + editorRandom.between(21, 25) * 1000, editor, 'admin', 'GET', 'admin:dashboard', true);
    return t + 25_000;
  };
  publishTimes.forEach((publishAt, i) => {
    const editor = `editor-${(i % editors.count) + 1}`;
    const writingMs = editors.sessionMinutes * MIN;
    let t = logIn(Math.max(0, publishAt - writingMs - 60_000), editor);
    const post: PlannedPost = { id: site.posts + i + 1, slug: `new-post-${i + 1}`, title: `New post ${i + 1}`, category: site.categories[editorRandom.int(site.categories.length)]!, publishedAt: publishAt };
    posts.push(post);
    t += editorRandom.between(5, 30) * 1000;
    editorEvent(t, editor, 'admin', 'GET', 'admin:post-new', true);
    // The block editor: heartbeat and autosave while writing; the image goes up half way.
    for (let at = t + editors.heartbeatSeconds * 1000; at < publishAt; at += editors.heartbeatSeconds * 1000) {
      editorEvent(at, editor, 'heartbeat', 'POST', '/wp-admin/admin-ajax.php');
      editorEvent(at + 500, editor, 'autosave', 'POST', `autosave:post:${post.id}`);
    }
    for (let u = 0; u < publishes.uploadsPerPublish; u++) editorEvent(t + (publishAt - t) * (0.4 + 0.2 * u), editor, 'upload', 'POST', `image:post:${post.id}`);
    editorEvent(publishAt, editor, 'publish', 'POST', `post:${post.id}`);
    popularity.publish(publishAt, post.id);
    editorEvent(publishAt + editorRandom.between(3, 10) * 1000, editor, 'admin', 'GET', `post:${post.id}`, true);
  });
  for (let s = 0; s < editors.extraSessionsPerDay; s++) {
    const editor = `editor-${(s % editors.count) + 1}`;
    let t = logIn(diurnalTime(editorRandom, settings.diurnal), editor);
    const screens = 2 + editorRandom.geometric(3);
    for (let k = 0; k < screens && t < DAY_MS; k++) {
      t += editorRandom.exponential(editors.thinkSeconds * 1000);
      const screen = editorRandom.pick(editors.screens);
      editorEvent(t, editor, 'admin', 'GET', `admin:${screen}`, true);
      if (screen === 'comments') editorEvent(t + editorRandom.between(10, 40) * 1000, editor, 'moderate', 'POST', 'moderate:pending');
    }
  }

  // Readers: visits until the day's page views are reached.
  const readerRandom = root.fork('readers');
  const zipf = new Zipf(site.posts, site.zipfExponent);
  const searchZipf = new Zipf(site.searchTerms.length, 1);
  const readerPageViews = Math.max(0, settings.pageViewsPerDay - editorPageViews);
  const published = (t: number) => posts.filter((p) => p.publishedAt === undefined || p.publishedAt <= t);
  const readerPage = (t: number, visitor: string, type: string, returning: boolean, first: boolean): TraceEvent => {
    const base = { t, actor: 'reader' as const, actorId: visitor, kind: 'page' as const, method: 'GET' as const, pageView: true, page: type, browser: true };
    switch (type) {
      case 'post': {
        const rank = zipf.sample(readerRandom);
        const id = popularity.at(t, rank);
        return { ...base, target: `post:${id}`, rank };
      }
      case 'archive':
        return { ...base, target: readerRandom.chance(0.7) ? `category:${site.categories[readerRandom.int(site.categories.length)]}` : '/page/2/' };
      case 'page':
        return { ...base, target: `page:${site.pages[readerRandom.int(site.pages.length)]}` };
      case 'search':
        return { ...base, target: `/?s=${encodeURIComponent(site.searchTerms[searchZipf.sample(readerRandom) - 1]!)}` };
      case 'notFound':
        return { ...base, target: `/${first && returning ? 'old' : 'missing'}-${readerRandom.int(100_000).toString(36)}/` };
      default:
        return { ...base, target: '/' };
    }
  };
  let visitCount = 0;
  let readerViews = 0;
  const visitPages: TraceEvent[][] = [];
  while (readerViews < readerPageViews) {
    const visitor = `reader-${++visitCount}`;
    const returning = readerRandom.chance(readers.returningShare);
    let t = diurnalTime(readerRandom, settings.diurnal);
    const pages = Math.min(1 + readerRandom.geometric(readers.pagesPerVisit - 1), readerPageViews - readerViews);
    const visit: TraceEvent[] = [];
    for (let k = 0; k < pages && t < DAY_MS; k++) {
      const type = k === 0 ? readerRandom.pick(readers.landing) : readerRandom.pick(readers.next);
      const event = readerPage(t, visitor, type, returning, k === 0);
      if (returning) event.actorId = `${visitor}:returning`;
      visit.push(event);
      readerViews++;
      t += Math.min(10 * MIN, readerRandom.exponential(readers.thinkSeconds * 1000));
    }
    events.push(...visit);
    visitPages.push(visit);
  }
  // Comments: left from a post page of some visits, a minute or two after reading it.
  const commentRandom = root.fork('comments');
  const postViews = visitPages.flat().filter((e) => e.page === 'post');
  for (let c = 0; c < settings.comments.perDay && postViews.length; c++) {
    const read = postViews[commentRandom.int(postViews.length)]!;
    events.push({ t: Math.min(DAY_MS - 1, read.t + commentRandom.between(60, 180) * 1000), actor: 'reader', actorId: read.actorId, kind: 'comment', method: 'POST', target: `comment:${read.target}`, pageView: false });
  }

  // Crawlers follow links evenly, at any hour; probes look for known weaknesses.
  const botRandom = root.fork('bots');
  const crawls = Math.round(settings.pageViewsPerDay * bots.crawlerRequestsPerPageView);
  for (let c = 0; c < crawls; c++) {
    const t = botRandom.next() * DAY_MS;
    const type = botRandom.pick(bots.crawlerTargets);
    const live = published(t);
    const target =
      type === 'post' ? `post:${live[botRandom.int(live.length)]!.id}` : type === 'archive' ? `category:${site.categories[botRandom.int(site.categories.length)]}` : type === 'sitemap' ? '/wp-sitemap.xml' : type === 'robots' ? '/robots.txt' : '/';
    events.push({ t, actor: 'crawler', actorId: `crawler-${botRandom.int(3) + 1}`, kind: 'crawl', method: 'GET', target, pageView: false, page: type });
  }
  for (let p = 0; p < bots.probesPerDay; p++) {
    const path = bots.probes[botRandom.int(bots.probes.length)]!;
    events.push({ t: botRandom.next() * DAY_MS, actor: 'probe', actorId: `probe-${botRandom.int(20)}`, kind: 'probe', method: path.endsWith('.php') && botRandom.chance(0.5) ? 'POST' : 'GET', target: path, pageView: false });
  }

  // Feed readers: each polls on its own period from a random phase.
  const feedRandom = root.fork('feeds');
  for (let f = 0; f < feeds.pollers; f++) {
    const period = feedRandom.between(feeds.periodMinutes[0], feeds.periodMinutes[1]) * MIN;
    for (let t = feedRandom.next() * period; t < DAY_MS; t += period) {
      events.push({ t, actor: 'feed', actorId: `feed-${f + 1}`, kind: 'feed', method: 'GET', target: f % 4 === 0 ? '/comments/feed/' : '/feed/', pageView: false, page: 'feed' });
    }
  }

  // WP-Cron: the stack's EventBridge schedule, from the template.
  if (cronRateMinutes) {
    for (let t = cronRateMinutes * MIN; t < DAY_MS; t += cronRateMinutes * MIN) {
      events.push({ t, actor: 'cron', actorId: 'eventbridge', kind: 'cron', method: 'POST', target: 'cron', pageView: false });
    }
  }

  events.sort((a, b) => a.t - b.t || a.actorId.localeCompare(b.actorId));
  return { seed: settings.seed, durationMs: DAY_MS, cronRateMinutes, posts, pages: site.pages, categories: site.categories, events };
}
