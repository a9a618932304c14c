/**
 * A viewer of the twin's site without a browser: HTTPS to the host port the twin's edge listens
 * on, from a loopback address of its choosing, with the site's own host name (SNI and Host),
 * trusting only the twin's certificate authority, and a cookie jar like a browser's for one site.
 */
import https from 'node:https';

export interface ViewerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

export class Viewer {
  readonly cookies = new Map<string, string>();
  private readonly url: URL;
  private readonly port: number;
  private readonly ca: string;
  /** The viewer's own address (a loopback address of its own), as the edge will see it. */
  readonly localAddress: string;

  constructor(siteUrl: string, port: number, ca: string, options: { localAddress?: string } = {}) {
    this.url = new URL(siteUrl);
    this.port = port;
    this.ca = ca;
    this.localAddress = options.localAddress ?? '127.0.0.1';
  }

  get origin(): string {
    return this.url.origin;
  }

  request(method: string, path: string, options: { body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<ViewerResponse> {
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: this.port,
          localAddress: this.localAddress,
          method,
          path,
          servername: this.url.hostname,
          ca: this.ca,
          agent: false,
          headers: {
            host: this.url.host,
            'user-agent': 'lamphp-twin-viewer',
            'accept-encoding': 'identity',
            ...(cookie && { cookie }),
            ...(body && { 'content-length': String(body.length) }),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            for (const line of [res.headers['set-cookie'] ?? []].flat()) {
              const [pair, ...attrs] = line.split(';');
              const eq = pair!.indexOf('=');
              const name = pair!.slice(0, eq).trim();
              const value = pair!.slice(eq + 1).trim();
              const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()) || value === 'deleted';
              if (expired) this.cookies.delete(name);
              else this.cookies.set(name, value);
            }
            const buf = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text: buf.toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  postForm(path: string, fields: Record<string, string>) {
    return this.request('POST', path, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}
