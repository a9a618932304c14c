/**
 * What each intent of the day does over HTTP against a real WordPress: readers' browsers load a
 * page and then the same-origin styles, scripts and images it references that they do not hold
 * yet; commenters post the comment form; editors log in, open wp-admin screens, write in the
 * block editor (heartbeat, autosaves through the REST API), upload an image and publish;
 * crawlers, probes and feed readers fetch what they ask for. Cron is not HTTP: `cron` is called.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { Visitor, type ClientResponse } from '../../test/support/http-client.ts';
import type { Exchange, Perform } from './driver.ts';
import type { Trace, TraceEvent } from './trace.ts';

export const PHOTO = path.resolve(import.meta.dirname, '../../test/fixtures/uploads/photo-1600x1200.jpg');

/** Where the seeded site put each planned post, page and category. */
export interface SiteMap {
  /** Planned post id → WordPress id and path. */
  posts: Map<number, { wpId: number; path: string }>;
  pages: Map<string, string>;
  categories: Map<string, { wpId: number; path: string }>;
}

/** `&amp;` and `&#038;` (WordPress's esc_url) in an attribute, as a browser reads them. */
const decodeAmpersands = (raw: string) => raw.replace(/&(amp|#0?38);/g, '&');

/** Same-origin static files and images a browser fetches for an HTML page. */
export function pageResources(html: string, origin: string): string[] {
  const found = new Set<string>();
  const add = (raw: string) => {
    try {
      const url = new URL(decodeAmpersands(raw), origin + '/');
      if (url.origin === origin) found.add(url.pathname + url.search);
    } catch {
      // Not a URL: nothing a browser would fetch.
    }
  };
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    if (/\brel=["']?(stylesheet|icon|preload|modulepreload)\b/i.test(tag)) {
      const href = /\bhref=["']([^"']+)["']/i.exec(tag)?.[1];
      if (href) add(href);
    }
  }
  for (const m of html.matchAll(/<(script|img)\b[^>]*\bsrc=["']([^"']+)["']/gi)) add(m[2]!);
  return [...found];
}

/** The REST nonce wp-admin screens print for the block editor's requests. */
function editorNonce(html: string): string | undefined {
  return /createNonceMiddleware\(\s*"([0-9a-f]+)"/.exec(html)?.[1];
}

/** The REST nonce of a logged-in session, asked for when no screen printed one yet. */
export async function restNonce(editor: Visitor): Promise<string> {
  return (await editor.get('/wp-admin/admin-ajax.php?action=rest-nonce')).text.trim();
}

interface ActorState {
  visitor: Visitor;
  cached: Set<string>;
  nonce?: string;
  draftId?: number;
  uploaded?: number;
}

export interface BrowserOptions {
  baseUrl: string;
  trace: Trace;
  site: SiteMap;
  admin: { user: string; password: string };
  dispatcher?: Dispatcher;
  /** Each actor's own connections (e.g. from an address of its own); `dispatcher` when absent. */
  dispatcherFor?: (actorId: string) => Dispatcher;
  /** Virtual time now (the exchanges are stamped with it). */
  now: () => number;
  /** Runs a WP-Cron invocation (the twin's schedule, or wp-cron.php against a plain server). */
  cron: () => Promise<Exchange[]>;
  /** Called when a post is published, with its path (publish-to-visible timing). */
  onPublish?: (postPath: string, at: number) => void;
}

export function browserPerform(o: BrowserOptions): Perform {
  const origin = new URL(o.baseUrl).origin;
  const actors = new Map<string, ActorState>();
  const photo = fs.readFileSync(PHOTO);
  const state = (id: string): ActorState => {
    let s = actors.get(id);
    if (!s) {
      s = { visitor: new Visitor(o.baseUrl, { dispatcher: o.dispatcherFor?.(id) ?? o.dispatcher }), cached: new Set() };
      actors.set(id, s);
    }
    return s;
  };
  const postPath = (id: number) => o.site.posts.get(id)?.path;

  /** A symbolic target as a request path. */
  const resolve = (target: string): string => {
    const [kind, arg] = target.split(':');
    if (kind === 'post') return postPath(Number(arg)) ?? `/?p=missing-${arg}`;
    if (kind === 'category') return o.site.categories.get(arg!)?.path ?? `/category/${arg}/`;
    if (kind === 'page') return o.site.pages.get(arg!) ?? `/${arg}/`;
    if (kind === 'admin') return ADMIN_SCREENS[arg!] ?? '/wp-admin/';
    return target;
  };

  return async (event, index) => {
    const exchanges: Exchange[] = [];
    const s = state(event.actorId);
    // The cookies the intent's requests carry (set before it: a login's own answer does not count).
    const cookies = [...s.visitor.cookies.keys()].some((name) => WORDPRESS_COOKIES.test(name));
    const record = (kind: Exchange['kind'], method: string, p: string, r: ClientResponse, requestBytes = 0, pageView = false) => {
      exchanges.push({ event: index, actor: event.actor, kind, method, path: p, status: r.status, ttfbMs: r.ttfbMs, totalMs: r.totalMs, bytes: r.bytes.length, wireBytes: Number(r.headers.get('content-length') ?? r.bytes.length), requestBytes, cookies, cache: r.headers.get('x-cache') ?? undefined, cacheControl: r.headers.get('cache-control') ?? undefined, at: o.now() - r.totalMs, pageView });
      return r;
    };
    const get = async (p: string, kind: Exchange['kind'] = event.kind, pageView = event.pageView) => record(kind, 'GET', p, await s.visitor.get(p), 0, pageView);
    const loadResources = async (html: string) => {
      for (const resource of pageResources(html, origin)) {
        if (s.cached.has(resource)) continue;
        s.cached.add(resource);
        const returning = event.actorId.endsWith(':returning') && !resource.includes('/wp-content/uploads/');
        if (returning) continue; // this browser already holds the site's static files
        await get(resource, resource.includes('/wp-content/uploads/') ? 'image' : 'asset', false);
      }
    };
    const rest = async (method: string, p: string, body: unknown, kind: Exchange['kind']) => {
      s.nonce ??= await restNonce(s.visitor);
      const json = JSON.stringify(body);
      return record(kind, method, p, await s.visitor.request(p, { method, headers: { 'content-type': 'application/json', 'x-wp-nonce': s.nonce }, body: json }), json.length);
    };

    switch (event.kind) {
      case 'cron':
        return o.cron();
      case 'page':
      case 'crawl':
      case 'feed':
      case 'probe': {
        const p = resolve(event.target);
        if (event.method === 'POST') {
          const body = p.endsWith('xmlrpc.php') ? '<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName></methodCall>' : 'log=admin&pwd=123456';
          record(event.kind, 'POST', p, await s.visitor.request(p, { method: 'POST', headers: { 'content-type': p.endsWith('xmlrpc.php') ? 'text/xml' : 'application/x-www-form-urlencoded' }, body }), body.length);
          return exchanges;
        }
        const r = await get(p);
        if (event.browser && r.status === 200) await loadResources(r.text);
        return exchanges;
      }
      case 'comment': {
        const id = Number(event.target.split(':')[2]);
        const wpId = o.site.posts.get(id)?.wpId;
        if (!wpId) return exchanges;
        const fields = { comment: `A comment at ${event.t}.`, author: `Reader ${event.actorId}`, email: `${event.actorId.replace(/[^a-z0-9-]/gi, '')}@example.com`, url: '', comment_post_ID: String(wpId), comment_parent: '0' };
        const body = new URLSearchParams(fields).toString();
        record('comment', 'POST', '/wp-comments-post.php', await s.visitor.postForm('/wp-comments-post.php', fields), body.length);
        return exchanges;
      }
      case 'login': {
        if (event.method === 'GET') {
          s.visitor.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
          await get('/wp-login.php');
          return exchanges;
        }
        const fields = { log: o.admin.user, pwd: o.admin.password, 'wp-submit': 'Log In', redirect_to: `${o.baseUrl}/wp-admin/`, testcookie: '1' };
        record('login', 'POST', '/wp-login.php', await s.visitor.postForm('/wp-login.php', fields), new URLSearchParams(fields).toString().length);
        s.nonce = undefined;
        return exchanges;
      }
      case 'admin': {
        if (event.target === 'admin:post-new') {
          const r = await get('/wp-admin/post-new.php');
          s.nonce = editorNonce(r.text) ?? s.nonce;
          // The block editor's auto-draft: the id the editor saves and publishes to.
          s.draftId = Number(/[?&]post=(\d+)|"postId":(\d+)|name=['"]post_ID['"][^>]*value=['"](\d+)|\bpost_ID['"]?\s*value=['"](\d+)/.exec(r.text)?.slice(1).find(Boolean) ?? NaN) || undefined;
          return exchanges;
        }
        const r = await get(resolve(event.target));
        s.nonce = editorNonce(r.text) ?? s.nonce;
        if (event.target.startsWith('post:') && r.status === 200) await loadResources(r.text);
        return exchanges;
      }
      case 'heartbeat': {
        s.nonce ??= await restNonce(s.visitor);
        const fields = { action: 'heartbeat', _nonce: s.nonce, screen_id: 'post', has_focus: 'true', interval: '60' };
        record('heartbeat', 'POST', '/wp-admin/admin-ajax.php', await s.visitor.postForm('/wp-admin/admin-ajax.php', fields), new URLSearchParams(fields).toString().length);
        return exchanges;
      }
      case 'autosave': {
        if (!s.draftId) s.draftId = Number(/"id":(\d+)/.exec((await rest('POST', '/wp-json/wp/v2/posts', { title: 'Draft', status: 'draft' }, 'autosave')).text)?.[1]) || undefined;
        if (s.draftId) await rest('POST', `/wp-json/wp/v2/posts/${s.draftId}/autosaves`, { title: `Draft ${event.t}`, content: `<!-- wp:paragraph --><p>Writing at ${event.t}.</p><!-- /wp:paragraph -->` }, 'autosave');
        return exchanges;
      }
      case 'upload': {
        s.nonce ??= await restNonce(s.visitor);
        const name = `photo-${index}.jpg`;
        const r = record(
          'upload',
          'POST',
          '/wp-json/wp/v2/media',
          await s.visitor.request('/wp-json/wp/v2/media', { method: 'POST', headers: { 'content-type': 'image/jpeg', 'content-disposition': `attachment; filename="${name}"`, 'x-wp-nonce': s.nonce }, body: photo }),
          photo.length,
        );
        s.uploaded = Number(/"id":(\d+)/.exec(r.text)?.[1]) || undefined;
        return exchanges;
      }
      case 'publish': {
        const id = Number(event.target.split(':')[1]);
        const planned = o.trace.posts.find((p) => p.id === id)!;
        const body = { title: planned.title, slug: planned.slug, status: 'publish', content: `<!-- wp:paragraph --><p>${planned.title}, published during the replay.</p><!-- /wp:paragraph -->`, ...(s.uploaded && { featured_media: s.uploaded }) };
        const r = await rest('POST', s.draftId ? `/wp-json/wp/v2/posts/${s.draftId}` : '/wp-json/wp/v2/posts', body, 'publish');
        const wpId = Number(/"id":(\d+)/.exec(r.text)?.[1]);
        const link = /"link":"([^"]+)"/.exec(r.text)?.[1]?.replace(/\\\//g, '/');
        if (wpId && link) {
          const p = new URL(link).pathname + new URL(link).search;
          o.site.posts.set(id, { wpId, path: p });
          o.onPublish?.(p, o.now());
        }
        s.draftId = undefined;
        s.uploaded = undefined;
        return exchanges;
      }
      case 'moderate': {
        const list = await get('/wp-admin/edit-comments.php?comment_status=moderated', 'moderate', false);
        const approve = /href=["']([^"']*comment\.php\?[^"']*action=approvecomment[^"']*)["']/.exec(list.text)?.[1];
        if (approve) {
          const url = new URL(decodeAmpersands(approve), o.baseUrl + '/wp-admin/');
          await get(url.pathname + url.search, 'moderate', false);
        }
        return exchanges;
      }
    }
    return exchanges;
  };
}

/** Cookies in the template's page cache key: a request carrying one is answered for that visitor alone. */
export const WORDPRESS_COOKIES = /^(wordpress_logged_in|wp-postpass|comment_author)/;

export const ADMIN_SCREENS: Record<string, string> = {
  dashboard: '/wp-admin/',
  posts: '/wp-admin/edit.php',
  edit: '/wp-admin/edit.php?post_status=draft',
  comments: '/wp-admin/edit-comments.php',
  media: '/wp-admin/upload.php',
};

/** The event types an exchange list should hold for each intent: used to report intents that made none. */
export function silent(events: readonly TraceEvent[], exchanges: readonly Exchange[]): TraceEvent[] {
  const seen = new Set(exchanges.map((x) => x.event));
  return events.filter((e, i) => e.kind !== 'cron' && !seen.has(i));
}
