/**
 * Puts the generated day's site into a fresh WordPress through its own admin screens and REST
 * API, as an editor would: pretty permalinks, the categories, the pages, and the posts that
 * exist before the day (each with an image, dated back from today). Returns where each landed.
 */
import fs from 'node:fs';
import type { Dispatcher } from 'undici';
import { Visitor } from '../../test/support/http-client.ts';
import { PHOTO, restNonce, type SiteMap } from './browser.ts';
import type { Trace } from './trace.ts';

const pathOf = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

function json<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what}: WordPress answered ${text.slice(0, 300)}`);
  }
}

export async function seedSite({
  baseUrl,
  admin,
  trace,
  dispatcher,
  log = () => {},
}: {
  baseUrl: string;
  admin: { user: string; password: string };
  trace: Trace;
  dispatcher?: Dispatcher;
  log?: (line: string) => void;
}): Promise<SiteMap> {
  const editor = new Visitor(baseUrl, { dispatcher });
  editor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
  const login = await editor.postForm('/wp-login.php', { log: admin.user, pwd: admin.password, 'wp-submit': 'Log In', redirect_to: `${baseUrl}/wp-admin/`, testcookie: '1' });
  if (login.status !== 302) throw new Error(`Seeding: logging in as ${admin.user} answered ${login.status}.`);

  // Pretty permalinks, through the settings screen's own form.
  const form = await editor.get('/wp-admin/options-permalink.php');
  const formNonce = /name="_wpnonce" value="([0-9a-f]+)"/.exec(form.text)?.[1];
  if (!formNonce) throw new Error(`Seeding: no form nonce on the permalink screen (status ${form.status}).`);
  await editor.postForm('/wp-admin/options-permalink.php', {
    _wpnonce: formNonce,
    _wp_http_referer: '/wp-admin/options-permalink.php',
    selection: '/%postname%/',
    permalink_structure: '/%postname%/',
    category_base: '',
    tag_base: '',
    submit: 'Save Changes',
  });
  // WordPress rebuilds its rewrite rules when the settings screen loads after the save, which is
  // where a browser follows the redirect: without it the rules stay those of the old structure.
  const saved = await editor.get('/wp-admin/options-permalink.php?settings-updated=true');
  if (saved.status !== 200) throw new Error(`Seeding: the permalink screen after saving answered ${saved.status}.`);

  const nonce = await restNonce(editor);
  const rest = async <T>(path: string, body: unknown): Promise<T> => {
    const r = await editor.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`Seeding: POST ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    return json<T>(r.text, `POST ${path}`);
  };

  const site: SiteMap = { posts: new Map(), pages: new Map(), categories: new Map() };
  for (const slug of trace.categories) {
    const c = await rest<{ id: number; link: string }>('/wp-json/wp/v2/categories', { name: slug[0]!.toUpperCase() + slug.slice(1), slug });
    site.categories.set(slug, { wpId: c.id, path: pathOf(c.link) });
  }
  for (const slug of trace.pages) {
    const p = await rest<{ link: string }>('/wp-json/wp/v2/pages', { title: slug[0]!.toUpperCase() + slug.slice(1), slug, status: 'publish', content: `<!-- wp:paragraph --><p>The ${slug} page.</p><!-- /wp:paragraph -->` });
    site.pages.set(slug, pathOf(p.link));
  }
  const photo = fs.readFileSync(PHOTO);
  const before = trace.posts.filter((p) => p.publishedAt === undefined);
  const day = 24 * 3600 * 1000;
  for (const [i, post] of before.entries()) {
    const upload = await editor.request('/wp-json/wp/v2/media', {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'content-disposition': `attachment; filename="${post.slug}.jpg"`, 'x-wp-nonce': nonce },
      body: photo,
    });
    if (upload.status !== 201) throw new Error(`Seeding: uploading the image of ${post.slug} answered ${upload.status}: ${upload.text.slice(0, 300)}`);
    const media = json<{ id: number; source_url: string; media_details?: { sizes?: Record<string, { source_url: string }> } }>(upload.text, 'media');
    const large = media.media_details?.sizes?.large?.source_url ?? media.source_url;
    const created = await rest<{ id: number; link: string }>('/wp-json/wp/v2/posts', {
      title: post.title,
      slug: post.slug,
      status: 'publish',
      date: new Date(Date.now() - (before.length - i) * 3 * day).toISOString().slice(0, 19),
      categories: [site.categories.get(post.category)!.wpId],
      featured_media: media.id,
      content: [
        `<!-- wp:paragraph --><p>${post.title}: a few paragraphs a small site would publish.</p><!-- /wp:paragraph -->`,
        `<!-- wp:image {"id":${media.id},"sizeSlug":"large"} --><figure class="wp-block-image size-large"><img src="${large}" alt="" class="wp-image-${media.id}"/></figure><!-- /wp:image -->`,
        '<!-- wp:paragraph --><p>More words, then the end.</p><!-- /wp:paragraph -->',
      ].join('\n'),
    });
    site.posts.set(post.id, { wpId: created.id, path: pathOf(created.link) });
    if ((i + 1) % 10 === 0) log(`  seeded ${i + 1} of ${before.length} posts`);
  }
  return site;
}
