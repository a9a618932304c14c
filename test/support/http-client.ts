/**
 * A small HTTP client for tests and the traffic replay: keeps one visitor's cookies, never
 * follows redirects, returns every Set-Cookie separately and times each exchange.
 */
import type { Dispatcher } from 'undici';

export interface ClientResponse {
  status: number;
  headers: Headers;
  setCookies: string[];
  text: string;
  bytes: Uint8Array;
  /** Send → response headers, ms. */
  ttfbMs: number;
  /** Send → last body byte, ms. */
  totalMs: number;
}

export class Visitor {
  readonly base: string;
  readonly cookies = new Map<string, string>();
  readonly #dispatcher: Dispatcher | undefined;
  constructor(base: string, { dispatcher }: { dispatcher?: Dispatcher } = {}) {
    this.base = base;
    this.#dispatcher = dispatcher;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array | FormData | URLSearchParams } = {},
  ): Promise<ClientResponse> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [headers.cookie, this.cookieHeader()].filter(Boolean).join('; ');
    const t0 = performance.now();
    const res = await fetch(this.base + path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body as RequestInit['body'],
      redirect: 'manual',
      ...(this.#dispatcher && { dispatcher: this.#dispatcher }),
    } as RequestInit);
    const ttfbMs = performance.now() - t0;
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01[- ]Jan[- ]1970/i.test(line) || /max-age=0/i.test(line) || value === 'deleted') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, setCookies, text: new TextDecoder().decode(bytes), bytes, ttfbMs, totalMs: performance.now() - t0 };
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }
}
