/**
 * Every WordPress change that alters what anonymous visitors see invalidates the right paths in
 * CloudFront, each triggered the way a site owner does it (REST API, wp-admin, the Customizer)
 * on a real WordPress served by the bridge, against a CloudFront stand-in that checks
 * signatures. Page views and comments held for moderation invalidate nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudFrontStandin, type CloudFrontStandin } from '../infra/twin/standins/index.ts';
import { Visitor } from './support/http-client.ts';
import { eventually } from './support/s3.ts';
import { logIn, restNonce, saveInCustomizer, startWordPress, usePrettyPermalinks, type TestSite } from './support/wordpress.ts';

const DISTRIBUTION = 'E2EVENTSTEST';
const CREDENTIALS = { AKIDCDNEVENTS: 'cdn-events-secret' };

describe('CDN invalidation for each content change', () => {
  let cloudFront: CloudFrontStandin;
  let site: TestSite;
  let admin: Visitor;
  let nonce: string;
  let post: { id: number; path: string };

  const rest = async (method: string, route: string, body?: unknown) => {
    const res = await admin.request(`/wp-json${route}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    expect(res.status, `${method} ${route}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
    return JSON.parse(res.text) as Record<string, unknown>;
  };

  /**
   * Runs a change and returns the paths of the one invalidation it caused ([] for none). An edit
   * of a marker post follows it: the change's invalidation starts before the marker request is
   * even sent, so once the marker's invalidation is in, the change's are too — "exactly one" and
   * "none" are checked by a condition, not by waiting a while.
   */
  let marker: { id: number; path: string };
  const paths = async (change: () => Promise<unknown>): Promise<string[]> => {
    const before = cloudFront.invalidations.length;
    await change();
    await rest('POST', `/wp/v2/posts/${marker.id}`, { content: `edit ${Date.now()} ${Math.random()}` });
    const isMarker = (i: { paths: string[] }) => i.paths.includes(marker.path);
    await eventually(async () => cloudFront.invalidations.slice(before).some(isMarker), 'the marker invalidation').catch((err: Error) => {
      throw new Error(`${err.message}; invalidations since the change: ${JSON.stringify(cloudFront.invalidations.slice(before).map((i) => i.paths))}`);
    });
    const made = cloudFront.invalidations.slice(before).filter((i) => !isMarker(i));
    expect(made.length, 'invalidations for one change').toBeLessThanOrEqual(1);
    return made[0]?.paths ?? [];
  };

  beforeAll(async () => {
    cloudFront = await startCloudFrontStandin({ credentials: CREDENTIALS });
    site = await startWordPress({
      workers: 1,
      env: {
        LAMPHP_CLOUDFRONT_DISTRIBUTION_ID: DISTRIBUTION,
        AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.url,
        AWS_ACCESS_KEY_ID: 'AKIDCDNEVENTS',
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.AKIDCDNEVENTS,
      },
    });
    admin = new Visitor(site.url);
    expect((await logIn(admin, site.admin.user, site.admin.password)).status).toBe(302);
    await usePrettyPermalinks(admin);
    nonce = await restNonce(admin);
    const created = await rest('POST', '/wp/v2/posts', { title: 'Marker', content: 'marker', status: 'publish' });
    marker = { id: created.id as number, path: new URL(created.link as string).pathname };
  });
  afterAll(async () => {
    await site?.close();
    await cloudFront?.close();
  });

  it('publishing a post: the post, the front page, the feed, its category and author archives', async () => {
    let created: Record<string, unknown> = {};
    const got = await paths(async () => (created = await rest('POST', '/wp/v2/posts', { title: `News ${Date.now()}`, content: 'Words', status: 'publish' })));
    post = { id: created.id as number, path: new URL(created.link as string).pathname };
    expect(got.sort()).toEqual(['/', post.path, '/author/admin/', '/category/uncategorized/', '/feed/'].sort());
  });

  it('updating a post: its old and new address and the pages listing it', async () => {
    let updated: Record<string, unknown> = {};
    const got = await paths(async () => (updated = await rest('POST', `/wp/v2/posts/${post.id}`, { title: 'Renamed news', slug: `renamed-${post.id}` })));
    const newPath = new URL(updated.link as string).pathname;
    expect(got).toEqual(expect.arrayContaining([post.path, newPath, '/', '/feed/']));
    post.path = newPath;
  });

  it('publishing a page: the page and the front page', async () => {
    let created: Record<string, unknown> = {};
    const got = await paths(async () => (created = await rest('POST', '/wp/v2/pages', { title: `About ${Date.now()}`, content: 'Us', status: 'publish' })));
    expect(got).toEqual(expect.arrayContaining(['/', new URL(created.link as string).pathname]));
  });

  it('a post published in a category (terms assigned after the save, as the REST API does): that category; moved to another: both', async () => {
    const category = await rest('POST', '/wp/v2/categories', { name: `Filed ${Date.now()}` });
    const categoryPath = new URL(category.link as string).pathname;
    let created: Record<string, unknown> = {};
    const got = await paths(async () => (created = await rest('POST', '/wp/v2/posts', { title: `Filed post ${Date.now()}`, content: 'Words', status: 'publish', categories: [category.id] })));
    expect(got).toEqual(expect.arrayContaining(['/', new URL(created.link as string).pathname, categoryPath, '/feed/']));
    const moved = await paths(() => rest('POST', `/wp/v2/posts/${created.id}`, { categories: [1] }));
    expect(moved).toEqual(expect.arrayContaining([categoryPath, '/category/uncategorized/']));
  });

  it('a page view and a comment held for moderation invalidate nothing; approving it invalidates the post and comment feeds; deleting it too', async () => {
    const visitor = new Visitor(site.url);
    let commentId = 0;
    const none = await paths(async () => {
      for (const p of ['/', post.path, '/feed/']) expect((await visitor.get(p)).status).toBe(200);
      const res = await visitor.postForm('/wp-comments-post.php', {
        comment_post_ID: String(post.id),
        author: 'Visitor',
        email: 'visitor@example.org',
        comment: `Held for moderation ${Date.now()}`,
      });
      expect(res.status).toBe(302);
      const held = (await rest('GET', `/wp/v2/comments?post=${post.id}&status=hold`)) as unknown as { id: number }[];
      commentId = held[0]!.id;
    });
    expect(none).toEqual([]);
    const approved = await paths(() => rest('POST', `/wp/v2/comments/${commentId}`, { status: 'approved' }));
    expect(approved).toEqual(expect.arrayContaining([`${post.path}*`, `${post.path}feed/`, '/comments/feed/', '/']));
    const deleted = await paths(() => rest('DELETE', `/wp/v2/comments/${commentId}?force=true`));
    expect(deleted).toEqual(expect.arrayContaining([`${post.path}*`, '/comments/feed/']));
  });

  it('trashing a post: its address and the pages that listed it', async () => {
    const got = await paths(() => rest('DELETE', `/wp/v2/posts/${post.id}`));
    expect(got).toEqual(expect.arrayContaining([post.path, '/', '/feed/']));
  });

  it('menus: a new empty menu shows nowhere; an item added, a rename, a deletion change every page', async () => {
    let menu: Record<string, unknown> = {};
    expect(await paths(async () => (menu = await rest('POST', '/wp/v2/menus', { name: `Main ${Date.now()}` })))).toEqual([]);
    expect(await paths(() => rest('POST', '/wp/v2/menu-items', { title: 'Home', url: '/', menus: menu.id, status: 'publish' }))).toEqual(['/*']);
    expect(await paths(() => rest('POST', `/wp/v2/menus/${menu.id}`, { name: `Renamed ${Date.now()}` }))).toEqual(['/*']);
    expect(await paths(() => rest('DELETE', `/wp/v2/menus/${menu.id}?force=true`))).toEqual(['/*']);
  });

  it('a widget: everything', async () => {
    expect(
      await paths(() =>
        rest('POST', '/wp/v2/widgets', { id_base: 'block', sidebar: 'wp_inactive_widgets', instance: { raw: { content: '<!-- wp:paragraph --><p>Hi</p><!-- /wp:paragraph -->' } } }),
      ),
    ).toEqual(['/*']);
  });

  it('the site title and a renamed category: everything', async () => {
    expect(await paths(() => rest('POST', '/wp/v2/settings', { title: `Renamed site ${Date.now()}` }))).toEqual(['/*']);
    expect(await paths(() => rest('POST', '/wp/v2/categories/1', { name: `Renamed category ${Date.now()}` }))).toEqual(['/*']);
  });

  it("the site editor's global styles: everything", async () => {
    const themes = (await rest('GET', '/wp/v2/themes?status=active')) as unknown as { _links: Record<string, { href: string }[]> }[];
    const href = themes[0]!._links['wp:user-global-styles']![0]!.href;
    const id = /global-styles\/(\d+)/.exec(href)![1];
    expect(await paths(() => rest('POST', `/wp/v2/global-styles/${id}`, { styles: { color: { background: '#fafafa' } }, settings: {} }))).toEqual(['/*']);
  });

  it('a Customizer save: everything', async () => {
    const got = await paths(async () => {
      const res = await saveInCustomizer(admin, { blogdescription: `Saved in the Customizer ${Date.now()}` });
      expect(res.text).toContain('"success":true');
    });
    expect(got).toEqual(['/*']);
  });

  it('switching the theme: everything', async () => {
    const dir = path.join(site.siteDir, 'wp-content/themes/lamphp-child');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'style.css'), '/*\nTheme Name: lamphp child\nTemplate: twentytwentyfive\n*/\n');
    // Files changed outside PHP: tell the code cache now rather than within LAMPHP_CODE_REVALIDATE_MS.
    fs.writeFileSync(path.join(site.siteDir, '.lamphp-code-version'), String(Date.now()));
    const themes = await admin.get('/wp-admin/themes.php');
    const activate = /themes\.php\?action=activate&(?:amp;)?stylesheet=lamphp-child&(?:amp;)?_wpnonce=([0-9a-f]+)/.exec(themes.text);
    expect(activate, 'the activation link').not.toBeNull();
    const got = await paths(async () => {
      const switched = await admin.get(`/wp-admin/themes.php?action=activate&stylesheet=lamphp-child&_wpnonce=${activate![1]}`);
      expect(switched.status).toBe(302);
      // WordPress finishes a switch (menus, widgets) on the next request, here the page the link leads to.
      expect((await admin.get(new URL(switched.headers.get('location')!, site.url).pathname + '?activated=true')).status).toBe(200);
    });
    expect(got).toEqual(['/*']);
  });
});
