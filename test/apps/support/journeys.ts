/**
 * One visitor's journey through each application — main page, a second page, search, log in,
 * create/edit, upload, view, log out — as a list of steps. A step returns its HTTP status and
 * the facts a person would check on the page; the suite runs the same steps against lamphp and
 * against php-fpm + nginx and compares both, and checks the facts hold.
 */
import { Visitor, type ClientResponse } from '../../support/http-client.ts';
import { ADMIN } from './apps.ts';

export interface StepResult {
  status: number;
  /** What must be true of the page (each compared across both sides and expected true). */
  facts: Record<string, boolean>;
  /** The page's text, for a failure message only. */
  detail?: string;
}

export interface Step {
  name: string;
  run(v: Visitor, ctx: JourneyContext): Promise<StepResult>;
}

export interface JourneyContext {
  /** Distinguishes the pages and files each side creates in the shared folder. */
  tag: string;
  state: Record<string, string>;
}

/** A 1×1 PNG. */
export const PNG = new Uint8Array([
  137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120,
  218, 99, 252, 207, 192, 80, 15, 0, 4, 133, 1, 128, 132, 169, 140, 33, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
]);

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&#43;/g, '+').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The first form whose opening tag or contents match `marker`: its action and hidden fields. */
export function form(html: string, marker: RegExp): { action: string; fields: Record<string, string> } {
  for (const m of html.matchAll(/<form\b[\s\S]*?<\/form>/gi)) {
    if (!marker.test(m[0])) continue;
    const fields: Record<string, string> = {};
    for (const input of m[0].matchAll(/<input\b[^>]*>/gi)) {
      const attr = (name: string) => new RegExp(`\\b${name}=(?:"([^"]*)"|'([^']*)')`, 'i').exec(input[0]);
      const type = attr('type');
      if ((type?.[1] ?? type?.[2])?.toLowerCase() !== 'hidden') continue;
      const name = attr('name');
      const value = attr('value');
      if (name) fields[decode(name[1] ?? name[2]!)] = decode(value?.[1] ?? value?.[2] ?? '');
    }
    const action = /\baction=(?:"([^"]*)"|'([^']*)')/i.exec(m[0]);
    return { action: decode(action?.[1] ?? action?.[2] ?? ''), fields };
  }
  throw new Error(`no form matching ${marker}`);
}

const local = (v: Visitor, url: string | null | undefined) => (url ?? '').replace(v.base, '') || '/';
const page = (r: ClientResponse, facts: Record<string, boolean>): StepResult => ({
  status: r.status,
  facts,
  detail: `${r.status} ${r.headers.get('location') ?? ''} ${r.text.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 800)}`,
});
function multipart(fields: Record<string, string>, file: { field: string; name: string; type: string; bytes: Uint8Array }): FormData {
  const fd = new FormData();
  for (const [k, val] of Object.entries(fields)) fd.append(k, val);
  fd.append(file.field, new Blob([file.bytes], { type: file.type }), file.name);
  return fd;
}
const samePng = (r: ClientResponse) => r.bytes.length === PNG.length && r.bytes.every((b, i) => b === PNG[i]);

export const DOKUWIKI: Step[] = [
  { name: 'main page', run: async (v) => { const r = await v.get('/'); const start = await v.get(local(v, r.headers.get('location'))); return page(start, { redirectsToStart: r.status === 302 && /\/doku\.php\/start$/.test(r.headers.get('location') ?? ''), titled: start.text.includes('<title>start [Lamphp Compat Wiki]') }); } },
  { name: 'second page (PATH_INFO)', run: async (v) => { const r = await v.get('/doku.php/wiki:dokuwiki'); return page(r, { aboutPage: r.text.includes('simple to use') }); } },
  { name: 'search', run: async (v) => { await v.get('/lib/exe/taskrunner.php?id=wiki%3Asyntax'); const r = await v.get('/doku.php?do=search&q=syntax&id=start'); return page(r, { found: /href="\/doku\.php\/wiki:syntax/.test(r.text) }); } },
  { name: 'log in', run: async (v) => {
    const f = form((await v.get('/doku.php/start?do=login')).text, /id="dw__login"/);
    const r = await v.postForm('/doku.php/start', { ...f.fields, u: ADMIN.user, p: ADMIN.password });
    const after = await v.get('/doku.php/start');
    return page(r, { loggedIn: after.text.includes('Log Out') });
  } },
  { name: 'create and edit', run: async (v, c) => {
    const id = `lamphp:note-${c.tag}`;
    const f = form((await v.get(`/doku.php/${id}?do=edit`)).text, /id="dw__editform"/);
    const r = await v.postForm(`/doku.php/${id}`, { ...f.fields, wikitext: `Hello from the ${c.tag} journey`, summary: 'compat suite', 'do[save]': '1' });
    return page(r, { savedThenRedirected: r.headers.get('location')?.endsWith(`/doku.php/${id}`) === true });
  } },
  { name: 'upload', run: async (v, c) => {
    const f = form((await v.get('/doku.php/start?do=media&ns=lamphp&tab_files=upload')).text, /id="dw__upload"/);
    const r = await v.request(f.action, { method: 'POST', body: multipart({ ...f.fields, mediaid: `pic-${c.tag}.png` }, { field: 'upload', name: `pic-${c.tag}.png`, type: 'image/png', bytes: PNG }) });
    const file = await v.get(`/lib/exe/fetch.php?media=lamphp:pic-${c.tag}.png`);
    return page(r, { uploaded: r.text.includes('Upload successful'), servedBack: file.status === 200 && samePng(file) });
  } },
  { name: 'view', run: async (v, c) => { const r = await v.get(`/doku.php/lamphp:note-${c.tag}`); return page(r, { content: r.text.includes(`Hello from the ${c.tag} journey`) }); } },
  { name: 'log out', run: async (v) => {
    const token = /do=logout&amp;sectok=([0-9a-f]+)/.exec((await v.get('/doku.php/start')).text)?.[1] ?? '';
    const r = await v.get(`/doku.php/start?do=logout&sectok=${token}`);
    const after = await v.get('/doku.php/start');
    return page(r, { loggedOut: after.text.includes('Log In') && !after.text.includes('Log Out') });
  } },
];

export const MEDIAWIKI: Step[] = [
  { name: 'main page', run: async (v) => { const r = await v.get('/'); const main = await v.get(local(v, r.headers.get('location'))); return page(main, { redirected: r.status === 301, installed: main.text.includes('MediaWiki has been installed') }); } },
  { name: 'second page (PATH_INFO, encoded slash)', run: async (v) => { const r = await v.get('/index.php/Special:Version'); const sub = await v.get('/index.php/Talk:Lamphp%2FSubpage'); return page(r, { version: r.text.includes('Installed software'), encodedSlashTitle: sub.status === 404 && sub.text.includes('Talk:Lamphp/Subpage') }); } },
  { name: 'log in', run: async (v) => {
    const f = form((await v.get('/index.php?title=Special:UserLogin')).text, /name="userlogin"|wpLoginToken/);
    const r = await v.postForm(f.action, { ...f.fields, wpName: 'Admin', wpPassword: ADMIN.password, wploginattempt: 'Log in' });
    return page(r, { loggedIn: (await v.get('/index.php/Main_Page')).text.includes('Special:UserLogout') });
  } },
  { name: 'create and edit', run: async (v, c) => {
    const f = form((await v.get(`/index.php?title=Lamphp_note_${c.tag}&action=edit`)).text, /id="editform"/);
    const r = await v.postForm(f.action, { ...f.fields, wpTextbox1: `Hello from the ${c.tag} journey`, wpSummary: 'compat suite', wpSave: 'Save page' });
    return page(r, { savedThenRedirected: r.headers.get('location')?.endsWith(`/index.php/Lamphp_note_${c.tag}`) === true });
  } },
  { name: 'upload', run: async (v, c) => {
    const f = form((await v.get('/index.php/Special:Upload')).text, /id="mw-upload-form"/);
    const r = await v.request(f.action, {
      method: 'POST',
      body: multipart({ ...f.fields, wpSourceType: 'file', wpDestFile: `Pic-${c.tag}.png`, wpIgnoreWarning: '1', wpUpload: 'Upload file', wpUploadDescription: 'compat suite' }, { field: 'wpUploadFile', name: `Pic-${c.tag}.png`, type: 'image/png', bytes: PNG }),
    });
    const filePage = await v.get(`/index.php/File:Pic-${c.tag}.png`);
    const src = /href="(\/images\/[^"]*\.png)"/.exec(filePage.text)?.[1] ?? '/missing';
    const file = await v.get(src);
    return page(r, { redirectedToFile: r.status === 302, servedBack: file.status === 200 && samePng(file) });
  } },
  { name: 'view', run: async (v, c) => {
    const r = await v.get(`/index.php/Lamphp_note_${c.tag}`);
    return page(r, { content: r.text.includes(`Hello from the ${c.tag} journey`) });
  } },
  { name: 'log out', run: async (v) => {
    const f = form((await v.get('/index.php?title=Special:UserLogout')).text, /UserLogout/);
    const r = await v.postForm(f.action, f.fields);
    const after = await v.get('/index.php/Main_Page');
    return page(r, { loggedOut: !after.text.includes('Special:UserLogout') && after.text.includes('Special:UserLogin') });
  } },
];

/** MediaWiki's search, apart: it needs SQLite's FTS3, which php-wasm's SQLite lacks (README). */
export async function mediawikiSearch(v: Visitor): Promise<ClientResponse> {
  return v.get('/index.php?title=Special:Search&search=installed&fulltext=1');
}

export interface Database {
  name: string;
  user: string;
  password: string;
}

/** Adminer against MariaDB; each side works in its own table of one database. */
export function adminerJourney(db: Database): Step[] {
  const at = (extra = '') => `/?server=127.0.0.1&username=${db.user}&db=${db.name}${extra}`;
  const token = (html: string) => form(html, /name=.token./).fields.token ?? '';
  const sql = async (v: Visitor, query: string) => {
    const t = token((await v.get(at('&sql='))).text);
    return v.postForm(at('&sql='), { query, limit: '', token: t });
  };
  return [
    { name: 'main page', run: async (v) => { const r = await v.get('/'); return page(r, { loginForm: r.text.includes('auth[username]') }); } },
    { name: 'log in', run: async (v) => {
      const t = token((await v.get('/')).text);
      const r = await v.postForm('/', { 'auth[driver]': 'server', 'auth[server]': '127.0.0.1', 'auth[username]': db.user, 'auth[password]': db.password, 'auth[db]': db.name, token: t });
      const after = await v.get(at());
      return page(r, { redirected: r.status === 302, database: after.text.includes(`Database: ${db.name}`) || after.text.includes(db.name) && after.text.includes('Logout') });
    } },
    { name: 'second page (PATH_INFO)', run: async (v) => { const r = await v.get(`/index.php/adminer${at('&sql=')}`.replace('/?', '?')); return page(r, { sqlCommand: r.text.includes('SQL command') }); } },
    { name: 'create and edit', run: async (v, c) => {
      const r = await sql(v, `CREATE TABLE notes_${c.tag} (id INT PRIMARY KEY, body VARCHAR(200)); INSERT INTO notes_${c.tag} VALUES (1, 'Hello from the ${c.tag} journey'); UPDATE notes_${c.tag} SET body = CONCAT(body, ', edited') WHERE id = 1;`);
      return page(r, { executed: (r.text.match(/Query executed OK/g) ?? []).length === 3 });
    } },
    { name: 'upload', run: async (v, c) => {
      const t = token((await v.get(at('&import='))).text);
      const body = new TextEncoder().encode(`INSERT INTO notes_${c.tag} VALUES (2, 'uploaded by the ${c.tag} journey');\n`);
      const r = await v.request(at('&import='), { method: 'POST', body: multipart({ token: t, error_stops: '1', only_errors: '' }, { field: 'sql_file[]', name: 'notes.sql', type: 'application/sql', bytes: body }) });
      return page(r, { imported: /1 quer(y|ies) executed OK|Query executed OK/.test(r.text) });
    } },
    { name: 'search', run: async (v, c) => {
      const r = await v.get(at(`&select=notes_${c.tag}&where%5B0%5D%5Bcol%5D=&where%5B0%5D%5Bop%5D=LIKE+%25%25&where%5B0%5D%5Bval%5D=uploaded`));
      return page(r, { found: r.text.includes(`uploaded by the ${c.tag} journey`) && !r.text.includes(`Hello from the ${c.tag} journey`) });
    } },
    { name: 'view', run: async (v, c) => { const r = await v.get(at(`&select=notes_${c.tag}`)); return page(r, { rows: r.text.includes(`Hello from the ${c.tag} journey, edited`) && r.text.includes(`uploaded by the ${c.tag} journey`) }); } },
    { name: 'log out', run: async (v) => {
      const t = token((await v.get(at())).text);
      const r = await v.postForm(at(), { logout: 'Logout', token: t });
      const after = await v.get(at());
      return page(r, { loggedOut: after.text.includes('auth[username]') });
    } },
  ];
}

/** phpMyAdmin's cookie login (its cookie is encrypted with sodium) and its SQL, import and search pages. */
export function phpmyadminJourney(db: Database): Step[] {
  const token = async (v: Visitor, path = '/index.php?route=/') => form((await v.get(path)).text, /name="token"/).fields.token ?? '';
  const run = async (v: Visitor, query: string, ajax = true) =>
    v.postForm('/index.php?route=/import', { server: '1', db: db.name, sql_query: query, token: await token(v), ...(ajax && { ajax_request: 'true' }) });
  return [
    { name: 'main page', run: async (v) => { const r = await v.get('/'); return page(r, { loginForm: r.text.includes('id="login_form"') }); } },
    { name: 'log in (cookie)', run: async (v) => {
      const f = form((await v.get('/')).text, /id="login_form"/);
      const r = await v.postForm('/index.php?route=/', { ...f.fields, pma_username: db.user, pma_password: db.password });
      const after = await v.get('/index.php?route=/');
      return page(r, { redirected: r.status === 302, loggedIn: after.text.includes('logout') && !after.text.includes('id="login_form"') });
    } },
    { name: 'second page', run: async (v) => { const r = await v.get('/index.php?route=/server/databases'); return page(r, { lists: r.text.includes(db.name) }); } },
    { name: 'create and edit', run: async (v, c) => {
      const r = await run(v, `CREATE TABLE notes_${c.tag} (id INT PRIMARY KEY, body VARCHAR(200)); INSERT INTO notes_${c.tag} VALUES (1, 'Hello from the ${c.tag} journey'); UPDATE notes_${c.tag} SET body = CONCAT(body, ', edited') WHERE id = 1;`);
      return page(r, { success: /"success":true/.test(r.text) });
    } },
    { name: 'upload', run: async (v, c) => {
      const fields = { server: '1', db: db.name, token: await token(v), import_type: 'database', format: 'sql', charset_of_file: 'utf-8', allow_interrupt: 'yes', skip_queries: '0', sql_compatibility: 'NONE', noplugin: '' };
      const sql = new TextEncoder().encode(`INSERT INTO notes_${c.tag} VALUES (2, 'uploaded by the ${c.tag} journey');\n`);
      const r = await v.request('/index.php?route=/import', { method: 'POST', body: multipart(fields, { field: 'import_file', name: 'notes.sql', type: 'application/sql', bytes: sql }) });
      return page(r, { imported: /Import has been successfully finished, 1 quer/.test(r.text) });
    } },
    { name: 'search', run: async (v, c) => {
      const r = await v.postForm('/index.php?route=/database/search', { server: '1', db: db.name, token: await token(v), criteriaSearchString: 'uploaded', criteriaSearchType: '1', 'criteriaTables[]': `notes_${c.tag}`, submit_search: 'Go', ajax_request: 'true' });
      return page(r, { found: /1 match|Total: <strong>1<\/strong>|<strong>1<\/strong> match/.test(r.text) });
    } },
    { name: 'view', run: async (v, c) => {
      const r = await v.postForm('/index.php?route=/sql', { server: '1', db: db.name, table: `notes_${c.tag}`, sql_query: `SELECT * FROM notes_${c.tag}`, token: await token(v) });
      return page(r, { rows: r.text.includes(`Hello from the ${c.tag} journey, edited`) && r.text.includes(`uploaded by the ${c.tag} journey`) });
    } },
    { name: 'log out', run: async (v) => {
      const r = await v.postForm('/index.php?route=/logout', { server: '1', token: await token(v) });
      const after = await v.get('/index.php?route=/');
      return page(r, { loggedOut: after.text.includes('id="login_form"') });
    } },
  ];
}
