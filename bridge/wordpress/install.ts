/**
 * Installs WordPress by driving its own installer (wp-admin/install.php) over HTTP through
 * the bridge, exactly as a browser would: no PHP of our own, and whatever WordPress version
 * is in the site installs the way it expects to.
 */
import { randomInt } from 'node:crypto';
import { LamphpError } from '../errors.ts';
import { bodyBytes, type HttpRequest, type HttpResponse } from '../http.ts';

export interface InstallOptions {
  /** Address the site is reached at, e.g. `http://127.0.0.1:8080`. */
  url: string;
  title: string;
  adminUser: string;
  adminPassword: string;
  adminEmail: string;
}

export type RequestHandler = (req: HttpRequest) => Promise<HttpResponse>;

const INSTALLER = '/wp-admin/install.php';

function siteAddress(url: string): { scheme: 'http' | 'https'; host: string; port: number; hostHeader: string; base: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LamphpError('EINVALIDCONFIG', `"${url}" is not a URL; give the site address, e.g. http://127.0.0.1:8080.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LamphpError('EINVALIDCONFIG', `The site address must be http or https, got "${url}".`);
  }
  const scheme = parsed.protocol === 'https:' ? 'https' : 'http';
  const port = parsed.port ? Number(parsed.port) : scheme === 'https' ? 443 : 80;
  return {
    scheme,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    hostHeader: parsed.host,
    base: parsed.pathname.replace(/\/+$/, ''),
  };
}

/** Visible text of an HTML page, shortened, for error messages. */
function pageText(html: string, max = 300): string {
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#0?39;|&#8217;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Installs WordPress unless it already is; `installed` tells which happened. */
export async function installWordPress(handle: RequestHandler, options: InstallOptions): Promise<{ installed: boolean }> {
  const site = siteAddress(options.url);
  let counter = 0;
  const send = async (method: string, query: string, form?: URLSearchParams) => {
    const body = form ? new TextEncoder().encode(form.toString()) : new Uint8Array();
    const headers: Record<string, string[]> = {
      host: [site.hostHeader],
      'user-agent': ['lamphp-installer'],
      accept: ['text/html'],
    };
    if (form) {
      headers['content-type'] = ['application/x-www-form-urlencoded'];
      headers['content-length'] = [String(body.byteLength)];
    }
    const req: HttpRequest = {
      method,
      path: `${site.base}${INSTALLER}`,
      query,
      headers,
      body,
      clientAddress: '127.0.0.1',
      clientPort: 0,
      scheme: site.scheme,
      host: site.host,
      port: site.port,
      protocol: 'HTTP/1.1',
      requestId: `install-${++counter}`,
      receivedAt: Date.now(),
    };
    const res = await handle(req);
    return { status: res.status, text: new TextDecoder().decode(await bodyBytes(res.body)), headers: res.headers };
  };
  const unexpected = (what: string, res: { status: number; text: string; headers: Record<string, string[]> }) => {
    const location = res.headers.location?.[0];
    return new LamphpError(
      'EWPINSTALL',
      `${what}: HTTP ${res.status}${location ? ` redirecting to ${location}` : ''}: "${pageText(res.text)}". ` +
        'Check wp-config.php and the database settings, then run the install again.',
    );
  };

  // Step 1 shows the form without asking wordpress.org for translations (step 0 would).
  const form = await send('GET', 'step=1');
  if (/<h1[^>]*>\s*Already Installed\s*<\/h1>/i.test(form.text)) return { installed: false };
  if (form.status !== 200 || !/<form[^>]+id="setup"/i.test(form.text)) {
    throw unexpected(`${INSTALLER} did not show the installer`, form);
  }

  const result = await send(
    'POST',
    'step=2',
    new URLSearchParams({
      weblog_title: options.title,
      user_name: options.adminUser,
      admin_password: options.adminPassword,
      admin_password2: options.adminPassword,
      pw_weak: '1', // our generated passwords are strong; a chosen weak one is the user's call
      admin_email: options.adminEmail,
      blog_public: '1',
      language: '',
    }),
  );
  if (result.status === 200 && /<h1[^>]*>\s*Success!\s*<\/h1>/i.test(result.text)) return { installed: true };
  const message = /<p class="message">([\s\S]*?)<\/p>/i.exec(result.text)?.[1];
  if (message !== undefined) {
    throw new LamphpError('EWPINSTALL', `WordPress refused the install: ${pageText(message)}`);
  }
  throw unexpected('WordPress did not confirm the install', result);
}

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!';

/** A random password (default 24 characters, ~140 bits), without look-alike characters. */
export function generatePassword(length = 24): string {
  // randomInt draws from the CSPRNG without modulo bias.
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}
