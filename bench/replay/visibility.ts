/**
 * `npm run bench:replay -- --visibility`: how long after each content change anonymous visitors
 * see it through CloudFront. One twin of the default stack (SQLite), seeded as the admin through
 * WordPress's own REST API and admin screens; for every change the CDN invalidation covers
 * (test/cdn-events.test.ts) the pages that must show it are cached first (x-cache Hit), the change
 * is made as the logged-in admin, and an anonymous visitor polls those pages through the twin's
 * CloudFront every second of virtual time until they show it. A control twin without
 * invalidation (same page lifetime) shows the probe failing. Writes
 * bench/results/replay-visibility.json and its section of BENCHMARKS.md (visibility-report.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Agent } from 'undici';
import { startTwin, type TwinHandle } from '../../infra/twin/index.ts';
import { adminPassword, documentRootOnEfs } from '../../infra/twin/journey.ts';
import { INVALIDATED_PAGES_CACHE } from '../../bridge/config.ts';
import { CODE_VERSION_FILE } from '../../bridge/engine/php-wasm/code-cache.ts';
import { Visitor, type ClientResponse } from '../../test/support/http-client.ts';
import { saveInCustomizer } from '../../test/support/wordpress.ts';
import { realClock } from '../ramp/clock.ts';
import type { TwinClockControl } from './driver.ts';
import { restNonce, type SiteMap } from './browser.ts';
import { seedSite } from './seed.ts';
import { benchLayer, replayStack } from './twin-stack.ts';
import { REPO } from '../suite/lambda-front.ts';
import { commit } from '../suite/cli.ts';
import { edgeAgent } from './through-twin.ts';
import type { Trace } from './trace.ts';
import { placeVisibility, renderVisibility, RESULT_FILE, shows, type ChangeResult, type PageCheck, type PageResult, type VisibilityResult } from './visibility-report.ts';

/** A page that must show the change; `fresh` when its address does not exist before the change (nothing to cache). */
type Check = PageCheck & { fresh?: boolean };

interface Change {
  kind: string;
  action: string;
  via: string;
  pages: Check[];
  /** Makes the change as the admin; returns a note when it learned something worth stating. */
  change: () => Promise<string | void>;
  /** What the change needs in place first, done as the site owner would and not measured. */
  prepare?: () => Promise<void>;
  note?: string;
}

/** Seconds of virtual time a page's origin copy may take to show a change before the check is judged not to fit the theme. */
const ORIGIN_LIMIT_S = 60;
const KEEP_ALIVE_MS = 15 * 60_000;
const CLASSIC_THEME = 'lamphp-visibility-classic';

const loadavg = () => os.loadavg().map((v) => Math.round(v * 100) / 100);
const tag = () => Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6).padEnd(6, 'x');
const withQuery = (p: string, q: string) => `${p}${p.includes('?') ? '&' : '?'}${q}`;
const pathOf = (link: string) => new URL(link).pathname;

/** The site seeded before the changes: a category with three posts (an image each) and a page. */
const SEED: Trace = {
  seed: 0,
  durationMs: 0,
  cronRateMinutes: null,
  categories: ['notes'],
  pages: ['about'],
  posts: [
    { id: 1, slug: 'first-note', title: 'First note', category: 'notes' },
    { id: 2, slug: 'second-note', title: 'Second note', category: 'notes' },
    { id: 3, slug: 'third-note', title: 'Third note', category: 'notes' },
  ],
  events: [],
};

/** A classic theme an operator uploads to EFS: one menu location (its name as the nav's label) and one sidebar. */
const CLASSIC_FILES: Record<string, string> = {
  'style.css': `/*\nTheme Name: lamphp visibility classic\nDescription: A classic theme with a menu location and a sidebar.\n*/\n`,
  'functions.php': `<?php
add_action( 'after_setup_theme', function () {
	register_nav_menus( array( 'primary' => 'Primary' ) );
	add_theme_support( 'title-tag' );
	add_theme_support( 'automatic-feed-links' );
} );
add_action( 'widgets_init', function () {
	register_sidebar( array( 'id' => 'sidebar-1', 'name' => 'Sidebar' ) );
} );
`,
  'index.php': `<!doctype html>
<html <?php language_attributes(); ?>><head><meta charset="utf-8"><?php wp_head(); ?></head>
<body <?php body_class( '${CLASSIC_THEME}' ); ?>>
<header><a href="<?php echo esc_url( home_url( '/' ) ); ?>"><?php bloginfo( 'name' ); ?></a></header>
<nav aria-label="<?php echo esc_attr( wp_get_nav_menu_name( 'primary' ) ); ?>"><?php wp_nav_menu( array( 'theme_location' => 'primary', 'fallback_cb' => false ) ); ?></nav>
<main>
<?php if ( have_posts() ) : while ( have_posts() ) : the_post(); ?>
<article><h2><a href="<?php the_permalink(); ?>"><?php the_title(); ?></a></h2><?php if ( is_singular() ) { the_content(); } ?></article>
<?php endwhile; else : ?><p>Nothing found.</p><?php endif; ?>
</main>
<aside><?php dynamic_sidebar( 'sidebar-1' ); ?></aside>
<?php wp_footer(); ?>
</body></html>
`,
};

interface Session {
  twin: TwinHandle;
  dispatcher: Agent;
  clock: TwinClockControl;
  site: SiteMap;
  admin: Visitor;
  nonce: string;
  rest: <T = any>(method: string, route: string, body?: unknown) => Promise<T>;
  close: () => Promise<void>;
  added: Record<string, string>;
  context: Record<string, unknown>;
}

async function boot({ layerZip, environment, posts, log }: { layerZip: string; environment?: Record<string, string>; posts: number; log: (line: string) => void }): Promise<Session> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-visibility-'));
  const context = { database: 'sqlite' };
  const stack = await replayStack({ dir: path.join(dir, 'assembly'), layerZip, context, environment, log: () => {} });
  log(`  starting the twin (sqlite${environment ? `, ${JSON.stringify(environment)}` : ''})`);
  const twin = await startTwin({ assembly: stack.assembly, clock: 'manual', keepAliveMs: KEEP_ALIVE_MS, log: () => {} });
  const dispatcher = edgeAgent(twin);
  const close = async () => {
    await dispatcher.close().catch(() => {});
    await twin.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const credentials = await adminPassword(twin);
    if (!credentials) throw new Error('The twin gave no admin password (AdminPasswordParameter output).');
    let now = await twin.advanceClock(0);
    const instances = async () => Object.values(await twin.instances()).flat();
    const clock: TwinClockControl = {
      now: () => now,
      advance: async (ms) => {
        now = await twin.advanceClock(ms);
      },
      busy: async () => (await instances()).some((i) => i.state !== 'idle'),
    };
    const started = performance.now();
    const site = await seedSite({ baseUrl: twin.siteUrl, admin: credentials, trace: { ...SEED, posts: SEED.posts.slice(0, posts) }, dispatcher, log });
    log(`  seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const admin = new Visitor(twin.siteUrl, { dispatcher });
    admin.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
    const login = await admin.postForm('/wp-login.php', { log: credentials.user, pwd: credentials.password, 'wp-submit': 'Log In', redirect_to: `${twin.siteUrl}/wp-admin/`, testcookie: '1' });
    if (login.status !== 302) throw new Error(`Logging in as ${credentials.user} answered ${login.status}.`);
    const nonce = await restNonce(admin);
    const rest = async <T = any>(method: string, route: string, body?: unknown): Promise<T> => {
      const r = await admin.request(`/wp-json${route}`, { method, headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      if (r.status >= 300) throw new Error(`${method} ${route} answered ${r.status}: ${r.text.slice(0, 300)}`);
      return JSON.parse(r.text) as T;
    };
    return { twin, dispatcher, clock, site, admin, nonce, rest, close, added: stack.added, context: stack.context };
  } catch (err) {
    await close();
    throw err;
  }
}

const POLL_MS = 25;
/** A change still probing after this much wall time is given up (the run has a budget). */
const WALL_LIMIT_MS = 10 * 60_000;

/**
 * The twin's manual clock as the probes move it: while a request or a function is in flight it
 * follows the wall clock (polled every 25 ms); while nothing is, a wait jumps to its end, so the
 * second between probes costs no wall time.
 */
function virtualTime(clock: TwinClockControl) {
  /** Moves the clock as the wall clock moves, until `done` says so. */
  const follow = async (done: () => boolean | Promise<boolean>) => {
    let last = realClock.now();
    while (!(await done())) {
      await realClock.sleepUntil(realClock.now() + POLL_MS);
      const now = realClock.now();
      // Whole milliseconds, at least one: smaller steps vanish in the clock's float.
      await clock.advance(Math.max(1, Math.ceil(now - last)));
      last = now;
    }
  };
  return {
    now: () => clock.now(),
    /** Runs the work with the clock following the wall clock until it settles. */
    working: async <T>(work: Promise<T>): Promise<T> => {
      let done = false;
      const settled = work.finally(() => {
        done = true;
      });
      settled.catch(() => {});
      await follow(() => done);
      return settled;
    },
    /** Lets `ms` of virtual time pass: at wall speed while the twin works, in one jump while it idles. */
    sleep: async (ms: number) => {
      const target = clock.now() + ms;
      while (clock.now() + 0.5 < target) {
        if (await clock.busy()) {
          const from = realClock.now();
          await realClock.sleepUntil(from + POLL_MS);
          await clock.advance(Math.max(1, Math.ceil(Math.min(realClock.now() - from, target - clock.now()))));
        } else {
          await clock.advance(Math.max(1, Math.ceil(target - clock.now())));
        }
      }
    },
    /** Follows the wall clock until no function of the twin is working. */
    settle: () => follow(async () => !(await clock.busy())),
  };
}

/** An anonymous visitor's fetch through CloudFront: no cookies kept from one page to the next. */
async function anonymous(s: Session, p: string): Promise<ClientResponse> {
  const v = new Visitor(s.twin.siteUrl, { dispatcher: s.dispatcher });
  return v.get(p);
}

/** Fetches a page until CloudFront answers it from its cache (at most four times). */
async function warm(s: Session, p: string): Promise<ClientResponse> {
  let r!: ClientResponse;
  for (let i = 0; i < 4; i++) {
    r = await anonymous(s, p);
    if (/Hit/i.test(r.headers.get('x-cache') ?? '')) break;
  }
  return r;
}

/** Waits (wall clock, twin clock still) until the stack made an invalidation after the first `count`. */
async function invalidationAfter(s: Session, count: number, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await s.twin.invalidations()).length <= count) {
    if (Date.now() > end) throw new Error(`no invalidation within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Caches the pages, makes the change, then polls the pages as an anonymous visitor through
 * CloudFront every `everyS` of virtual time until each shows it (or `limitS` passed).
 */
async function measure(s: Session, c: Change, { everyS, limitS, log }: { everyS: number; limitS: number; log: (line: string) => void }): Promise<ChangeResult> {
  const pages: Array<PageResult & { dropped?: boolean; shownAt?: number; originAt?: number }> = [];
  for (const check of c.pages) {
    let before: PageResult['before'] = null;
    if (!check.fresh) {
      const r = await warm(s, check.path);
      before = { status: r.status, cache: r.headers.get('x-cache'), shown: shows(check.expect, r) };
    }
    pages.push({ path: check.path, expect: check.expect, before, visibleAfterS: null, originAfterS: null, cacheWhenVisible: null, last: null });
  }
  const invalidatedBefore = (await s.twin.invalidations()).length;
  const time = virtualTime(s.clock);
  const wallStart = realClock.now();
  log(`  ${c.kind}: pages cached (${pages.map((p) => (p.before ? p.before.cache : 'new')).join(', ')}); changing`);
  let probes = 0;
  let answeredAt = 0;
  let changeS = 0;
  let note = c.note;
  let seq = 0;
  const task = (async () => {
    const t0 = time.now();
    const learned = await time.working(c.change());
    if (learned) note = note ? `${note}; ${learned}` : learned;
    answeredAt = time.now();
    changeS = (answeredAt - t0) / 1000;
    for (;;) {
      const sentAt = time.now();
      const since = (sentAt - answeredAt) / 1000;
      await time.working(
        (async () => {
          for (const p of pages) {
            if (p.dropped) continue;
            const r = await anonymous(s, p.path);
            p.last = { status: r.status, cache: r.headers.get('x-cache'), location: r.headers.get('location') };
            if (p.shownAt === undefined && shows(p.expect, r)) {
              p.shownAt = sentAt;
              p.visibleAfterS = since;
              p.cacheWhenVisible = r.headers.get('x-cache');
            }
            if (p.originAt === undefined) {
              const o = await anonymous(s, withQuery(p.path, `lamphp-visibility=${++seq}`));
              if (shows(p.expect, o)) {
                p.originAt = sentAt;
                p.originAfterS = since;
              }
            }
          }
        })(),
      );
      probes++;
      if (since >= ORIGIN_LIMIT_S) {
        for (const p of pages) if (!p.dropped && p.originAt === undefined && p.shownAt === undefined) p.dropped = true;
      }
      const live = pages.filter((p) => !p.dropped);
      if (!live.length || live.every((p) => p.shownAt !== undefined)) return;
      if (since >= limitS) return;
      if (realClock.now() - wallStart > WALL_LIMIT_MS) throw new Error(`still probing after ${WALL_LIMIT_MS / 60_000} min of wall time`);
      await time.sleep(everyS * 1000);
    }
  })().then(
    () => undefined,
    (err: Error) => err,
  );
  const failed = await task;
  // Whatever the change set going (the relay, a late invalidation) finishes before the next one.
  await time.settle();
  const dropped = pages.filter((p) => p.dropped);
  if (dropped.length) {
    const words = `the origin never showed it on ${dropped.map((p) => `\`${p.path}\``).join(', ')} within ${ORIGIN_LIMIT_S} s (the page does not display it), left out of the verdict`;
    note = note ? `${note}; ${words}` : words;
  }
  const live = pages.filter((p) => !p.dropped);
  const visibleAfterS = failed || !live.length || live.some((p) => p.visibleAfterS === null) ? null : Math.max(...live.map((p) => p.visibleAfterS!));
  const made = (await s.twin.invalidations()).slice(invalidatedBefore);
  const result: ChangeResult = {
    kind: c.kind,
    action: c.action,
    via: c.via,
    changeS: Math.round(changeS * 100) / 100,
    pages: pages.map(({ path: p, expect, before, visibleAfterS: v, originAfterS, cacheWhenVisible, last }) => ({ path: p, expect, before, visibleAfterS: v === null ? null : Math.round(v * 100) / 100, originAfterS: originAfterS === null ? null : Math.round(originAfterS * 100) / 100, cacheWhenVisible, last })),
    visibleAfterS: visibleAfterS === null ? null : Math.round(visibleAfterS * 100) / 100,
    limitS,
    probes,
    invalidations: made.map((i) => ({ paths: i.paths, afterS: Math.round(((i.createdAt - answeredAt) / 1000) * 100) / 100 })),
    hitBefore: pages.filter((p) => p.before && p.before.status !== 404).every((p) => /Hit/i.test(p.before!.cache ?? '')),
    ...(note && { note }),
    ...(failed && { error: failed.message }),
  };
  log(`  ${c.kind}: ${failed ? `error: ${failed.message}` : visibleAfterS === null ? `not visible within ${limitS} s` : `visible after ${result.visibleAfterS} s`}; before: ${pages.map((p) => (p.before ? `${p.before.cache}${p.before.shown ? ' (already shown)' : ''}` : 'new')).join(', ')}; invalidated ${made.map((i) => i.paths.join(' ')).join('; ') || 'nothing'}`);
  return result;
}

/** The changes of test/cdn-events.test.ts, in an order where each leaves the site ready for the next. */
function changes(s: Session): Change[] {
  const t = tag();
  const post = (id: number) => s.site.posts.get(id)!;
  const category = s.site.categories.get('notes')!;
  const a = { ...post(1), title: 'First note' };
  const b = post(2);
  const c = { ...post(3), title: 'Third note' };
  const fresh = { title: `Fresh post ${t}`, slug: `fresh-post-${t}` };
  const renamed = { title: `Renamed post ${t}`, slug: `renamed-post-${t}` };
  const page = { title: `Fresh page ${t}`, slug: `fresh-page-${t}` };
  const comment = `A comment ${t}`;
  let commentId = 0;
  let menuId = 0;
  const item = `Menu item ${t}`;
  const menuRenamed = `Menu renamed ${t}`;
  const widget = `Widget text ${t}`;
  const oldPath = a.path;
  const expectLink = (link: unknown, expected: string) => {
    if (pathOf(String(link)) !== expected) throw new Error(`WordPress put it at ${String(link)}, not ${expected}`);
  };
  const list: Change[] = [
    {
      kind: 'publish a post',
      action: 'a new post published in a category',
      via: 'REST POST /wp/v2/posts',
      pages: [
        { path: '/', expect: { contains: [fresh.title, `/${fresh.slug}/"`] } },
        { path: '/feed/', expect: { contains: [fresh.title] } },
        { path: category.path, expect: { contains: [fresh.title] } },
        { path: `/${fresh.slug}/`, expect: { contains: [fresh.title] }, fresh: true },
      ],
      change: async () => {
        const r = await s.rest('POST', '/wp/v2/posts', { title: fresh.title, slug: fresh.slug, status: 'publish', categories: [category.wpId], content: '<!-- wp:paragraph --><p>Just published.</p><!-- /wp:paragraph -->' });
        expectLink(r.link, `/${fresh.slug}/`);
      },
    },
    {
      kind: 'update a post (new address)',
      action: 'a published post retitled and given a new slug',
      via: 'REST POST /wp/v2/posts/<id>',
      pages: [
        { path: '/', expect: { contains: [renamed.title] } },
        { path: oldPath, expect: { notStatus: 200 } },
        { path: `/${renamed.slug}/`, expect: { contains: [renamed.title] }, fresh: true },
      ],
      change: async () => {
        const r = await s.rest('POST', `/wp/v2/posts/${a.wpId}`, { title: renamed.title, slug: renamed.slug });
        expectLink(r.link, `/${renamed.slug}/`);
        a.path = `/${renamed.slug}/`;
      },
    },
    {
      kind: 'publish a page',
      action: 'a new page published',
      via: 'REST POST /wp/v2/pages',
      pages: [
        { path: '/', expect: { contains: [page.title] } },
        { path: `/${page.slug}/`, expect: { contains: [page.title] }, fresh: true },
      ],
      change: async () => {
        const r = await s.rest('POST', '/wp/v2/pages', { title: page.title, slug: page.slug, status: 'publish', content: '<!-- wp:paragraph --><p>A new page.</p><!-- /wp:paragraph -->' });
        expectLink(r.link, `/${page.slug}/`);
      },
    },
    {
      kind: 'approve a comment',
      action: "a visitor's comment (held for moderation) approved",
      via: 'REST POST /wp/v2/comments/<id> status=approved',
      pages: [
        { path: b.path, expect: { contains: [comment] } },
        { path: '/comments/feed/', expect: { contains: [comment] } },
      ],
      change: async () => {
        await s.rest('POST', `/wp/v2/comments/${commentId}`, { status: 'approved' });
      },
    },
    {
      kind: 'delete a comment',
      action: 'the approved comment deleted',
      via: 'REST DELETE /wp/v2/comments/<id>?force=true',
      pages: [
        { path: b.path, expect: { lacks: [comment] } },
        { path: '/comments/feed/', expect: { lacks: [comment] } },
      ],
      change: async () => {
        await s.rest('DELETE', `/wp/v2/comments/${commentId}?force=true`);
      },
    },
    {
      kind: 'trash a post',
      action: 'a published post moved to the trash',
      via: 'REST DELETE /wp/v2/posts/<id>',
      pages: [
        // No longer served: WordPress answers 404, or redirects to an attachment of the same name (here the post's image).
        { path: c.path, expect: { notStatus: 200 } },
        { path: '/', expect: { lacks: [`${c.path}"`] } },
        { path: '/feed/', expect: { lacks: [c.title] } },
      ],
      change: async () => {
        await s.rest('DELETE', `/wp/v2/posts/${c.wpId}`);
      },
    },
    {
      kind: 'site title',
      action: 'the site title changed',
      via: 'REST POST /wp/v2/settings',
      pages: [
        { path: '/', expect: { title: `Site ${t}` } },
        { path: `/${renamed.slug}/`, expect: { contains: [`Site ${t}`] } },
      ],
      change: async () => {
        await s.rest('POST', '/wp/v2/settings', { title: `Site ${t}` });
      },
    },
    {
      kind: 'rename a category',
      action: 'the category of the posts renamed',
      via: 'REST POST /wp/v2/categories/<id>',
      pages: [
        { path: category.path, expect: { contains: [`Topic ${t}`] } },
        { path: `/${renamed.slug}/`, expect: { contains: [`Topic ${t}`] } },
      ],
      change: async () => {
        await s.rest('POST', `/wp/v2/categories/${category.wpId}`, { name: `Topic ${t}` });
      },
    },
    {
      kind: 'global styles',
      action: "the site editor's background colour saved",
      via: 'REST POST /wp/v2/global-styles/<id>',
      pages: [
        { path: '/', expect: { contains: [`#${colour(t)}`] } },
        { path: `/${renamed.slug}/`, expect: { contains: [`#${colour(t)}`] } },
      ],
      change: async () => {
        const themes = await s.rest<{ _links: Record<string, { href: string }[]> }[]>('GET', '/wp/v2/themes?status=active');
        const id = /global-styles\/(\d+)/.exec(themes[0]!._links['wp:user-global-styles']![0]!.href)![1];
        await s.rest('POST', `/wp/v2/global-styles/${id}`, { styles: { color: { background: `#${colour(t)}` } }, settings: {} });
      },
    },
    {
      kind: 'Customizer save',
      action: 'the tagline saved in the Customizer',
      via: 'wp-admin/customize.php, then admin-ajax.php customize_save',
      pages: [
        { path: '/', expect: { title: `Tagline ${t}` } },
        { path: '/feed/', expect: { contains: [`Tagline ${t}`] } },
      ],
      change: async () => {
        const r = await saveInCustomizer(s.admin, { blogdescription: `Tagline ${t}` });
        if (!r.text.includes('"success":true')) throw new Error(`customize_save answered ${r.status}: ${r.text.slice(0, 200)}`);
      },
    },
    {
      kind: 'switch the theme',
      action: 'a classic theme (uploaded to EFS by the operator) activated',
      via: 'wp-admin/themes.php activate link',
      pages: [
        { path: '/', expect: { contains: [CLASSIC_THEME] } },
        { path: `/${renamed.slug}/`, expect: { contains: [CLASSIC_THEME] } },
      ],
      change: async () => {
        const themes = await s.admin.get('/wp-admin/themes.php');
        const link = new RegExp(`themes\\.php\\?action=activate&(?:amp;)?stylesheet=${CLASSIC_THEME}&(?:amp;)?_wpnonce=([0-9a-f]+)`).exec(themes.text);
        if (!link) throw new Error(`no activation link for ${CLASSIC_THEME} on themes.php (${themes.status})`);
        const switched = await s.admin.get(`/wp-admin/themes.php?action=activate&stylesheet=${CLASSIC_THEME}&_wpnonce=${link[1]}`);
        if (switched.status !== 302) throw new Error(`activating answered ${switched.status}`);
        // WordPress finishes a switch (menus, widgets) on the next request: the screen the link leads to.
        const after = await s.admin.get(`${new URL(switched.headers.get('location')!, s.twin.siteUrl).pathname}?activated=true`);
        if (after.status !== 200) throw new Error(`themes.php after activating answered ${after.status}`);
      },
    },
    {
      kind: 'menu: item added',
      action: 'an item added to the menu at the theme\'s location',
      via: 'REST POST /wp/v2/menu-items',
      pages: [
        { path: '/', expect: { contains: [item] } },
        { path: `/${renamed.slug}/`, expect: { contains: [item] } },
      ],
      change: async () => {
        await s.rest('POST', '/wp/v2/menu-items', { title: item, url: `${s.twin.siteUrl}/${page.slug}/`, menus: menuId, status: 'publish' });
      },
    },
    {
      kind: 'menu: renamed',
      action: 'the menu renamed (the theme labels its nav with the name)',
      via: 'REST POST /wp/v2/menus/<id>',
      pages: [{ path: '/', expect: { contains: [`aria-label="${menuRenamed}"`] } }],
      change: async () => {
        await s.rest('POST', `/wp/v2/menus/${menuId}`, { name: menuRenamed });
      },
    },
    {
      kind: 'menu: deleted',
      action: 'the menu deleted',
      via: 'REST DELETE /wp/v2/menus/<id>?force=true',
      pages: [
        { path: '/', expect: { lacks: [item] } },
        { path: `/${renamed.slug}/`, expect: { lacks: [item] } },
      ],
      change: async () => {
        await s.rest('DELETE', `/wp/v2/menus/${menuId}?force=true`);
      },
    },
    {
      kind: 'a widget',
      action: "a paragraph block widget added to the theme's sidebar",
      via: 'REST POST /wp/v2/widgets, then POST /wp/v2/sidebars/sidebar-1',
      pages: [
        { path: '/', expect: { contains: [widget] } },
        { path: `/${renamed.slug}/`, expect: { contains: [widget] } },
      ],
      change: async () => {
        // What the block widgets screen sends: the new widget, then the sidebar's list with it
        // (the widget's own `sidebar` does not keep it there once the theme switch remapped the sidebars).
        const sidebar = await s.rest<{ widgets: string[] }>('GET', '/wp/v2/sidebars/sidebar-1');
        const created = await s.rest<{ id: string }>('POST', '/wp/v2/widgets', { id_base: 'block', sidebar: 'sidebar-1', instance: { raw: { content: `<!-- wp:paragraph --><p>${widget}</p><!-- /wp:paragraph -->` } } });
        await s.rest('POST', '/wp/v2/sidebars/sidebar-1', { widgets: [...sidebar.widgets, created.id] });
      },
    },
  ];
  return list.map((change) => ({
    ...change,
    prepare:
      change.kind === 'approve a comment'
        ? async () => {
            const visitor = new Visitor(s.twin.siteUrl, { dispatcher: s.dispatcher });
            const r = await visitor.postForm('/wp-comments-post.php', { comment_post_ID: String(b.wpId), author: 'A visitor', email: `visitor-${t}@example.org`, comment });
            if (r.status !== 302) throw new Error(`posting a comment answered ${r.status}: ${r.text.slice(0, 200)}`);
            const held = await s.rest<{ id: number }[]>('GET', `/wp/v2/comments?post=${b.wpId}&status=hold`);
            if (!held[0]) throw new Error('the comment was not held for moderation');
            commentId = held[0].id;
          }
        : change.kind === 'switch the theme'
          ? async () => {
              const root = await documentRootOnEfs(s.twin);
              for (const [name, text] of Object.entries(CLASSIC_FILES)) await s.twin.writeEfs(`${root}/wp-content/themes/${CLASSIC_THEME}/${name}`, text);
              // Files changed outside PHP: tell every worker's code cache now.
              await s.twin.writeEfs(`${root}/${CODE_VERSION_FILE}`, `visibility-${Date.now()}`);
            }
          : change.kind === 'menu: item added'
            ? async () => {
                // An empty menu at the location: the owner's first step, its own invalidation awaited before the pages are cached.
                const before = (await s.twin.invalidations()).length;
                const menu = await s.rest<{ id: number }>('POST', '/wp/v2/menus', { name: `Menu ${t}`, locations: ['primary'] });
                menuId = menu.id;
                await invalidationAfter(s, before, 30_000).catch(() => {});
              }
            : undefined,
  }));
}

/** A colour of the run's own (hex digits from its tag). */
function colour(t: string): string {
  return [...t].map((ch) => (ch.charCodeAt(0) % 16).toString(16)).join('').slice(0, 6);
}

export async function runVisibility({ layerZip, command, commit, log, everyS = 1, limitS = 900, controlLimitS = 120, control = true }: { layerZip: string; command: string; commit: string | null; log: (line: string) => void; everyS?: number; limitS?: number; controlLimitS?: number; control?: boolean }): Promise<VisibilityResult> {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const results: ChangeResult[] = [];
  let pageCache: string | null = null;
  let stack: VisibilityResult['stack'];
  const s = await boot({ layerZip, posts: 3, log });
  try {
    stack = { context: s.context, added: s.added, pageCache: null };
    pageCache = (await warm(s, '/')).headers.get('cache-control');
    stack.pageCache = pageCache;
    for (const c of changes(s)) {
      try {
        await c.prepare?.();
      } catch (err) {
        results.push({ kind: c.kind, action: c.action, via: c.via, changeS: 0, pages: [], visibleAfterS: null, limitS, probes: 0, invalidations: [], hitBefore: false, error: `preparing: ${(err as Error).message}` });
        log(`  ${c.kind}: preparing failed: ${(err as Error).message}`);
        continue;
      }
      results.push(await measure(s, c, { everyS, limitS, log }));
    }
  } finally {
    await s.close();
  }
  let controlResult: VisibilityResult['control'] = null;
  if (control) {
    const environment = { LAMPHP_CDN_INVALIDATION: 'false', LAMPHP_CACHE_PHP_PUBLIC: INVALIDATED_PAGES_CACHE };
    const cs = await boot({ layerZip, environment, posts: 1, log });
    try {
      const controlCache = (await warm(cs, '/')).headers.get('cache-control');
      const title = `Control post ${tag()}`;
      const slug = title.toLowerCase().replaceAll(' ', '-');
      const measured = await measure(
        cs,
        {
          kind: 'publish a post (control)',
          action: 'a new post published',
          via: 'REST POST /wp/v2/posts',
          pages: [
            { path: '/', expect: { contains: [title] } },
            { path: '/feed/', expect: { contains: [title] } },
          ],
          change: async () => {
            await cs.rest('POST', '/wp/v2/posts', { title, slug, status: 'publish', content: '<!-- wp:paragraph --><p>Published.</p><!-- /wp:paragraph -->' });
          },
        },
        { everyS, limitS: controlLimitS, log },
      );
      controlResult = { ...measured, environment, pageCache: controlCache };
    } finally {
      await cs.close();
    }
  }
  return {
    kind: 'replay-visibility',
    command,
    commit,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown CPU', memGiB: Math.round(os.totalmem() / 1024 ** 3), node: process.versions.node },
    load: { before: loadBefore, after: loadavg() },
    time: 'Time is the twin\'s manual clock as the replay drives it: while a request, a function or the relay is in flight it follows the wall clock, while nothing is it jumps to the next probe, so the second between probes costs no wall time and cache ages and keep-alive see the time pass.',
    everyS,
    limitS,
    stack: stack!,
    changes: results,
    control: controlResult,
  };
}

/** The `--visibility` command: builds the layer, runs, writes the result and the section of BENCHMARKS.md. */
export async function runVisibilityCommand({ command, write, report = false, log }: { command: string; write: boolean; report?: boolean; log: (line: string) => void }): Promise<number> {
  const md = path.join(REPO, 'BENCHMARKS.md');
  if (report) {
    // The section again from the result already written (its command, commit and numbers as run).
    const file = path.join(REPO, RESULT_FILE);
    if (!fs.existsSync(file)) {
      log(`No ${RESULT_FILE} yet: run npm run bench:replay -- --visibility.`);
      return 2;
    }
    const markdown = renderVisibility(JSON.parse(fs.readFileSync(file, 'utf8')) as VisibilityResult);
    if (write) fs.writeFileSync(md, placeVisibility(fs.readFileSync(md, 'utf8'), markdown));
    else log(markdown);
    return 0;
  }
  const layerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-visibility-layer-'));
  try {
    log('building the layer');
    const layerZip = await benchLayer(layerDir, log);
    const result = await runVisibility({ layerZip, command, commit: commit() ?? null, log });
    const markdown = renderVisibility(result);
    if (!write) {
      log(markdown);
      return 0;
    }
    fs.writeFileSync(path.join(REPO, RESULT_FILE), JSON.stringify(result, null, 2) + '\n');
    fs.writeFileSync(md, placeVisibility(fs.readFileSync(md, 'utf8'), markdown));
    log(`wrote ${RESULT_FILE} and BENCHMARKS.md (bench:visibility)`);
    return 0;
  } finally {
    fs.rmSync(layerDir, { recursive: true, force: true });
  }
}
