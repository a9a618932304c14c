/**
 * What S3 does and s3rver (3.7.1) does not, added in front of an s3rver instance:
 * - **Conditional writes** (s3rver honours conditional headers on GET only): a PutObject with
 *   `If-None-Match: *` succeeds only if the key has no object, one with `If-Match: <ETag>` only if
 *   the object's ETag is that one, else 412 PreconditionFailed — and `If-Match` on a missing key is
 *   404 NoSuchKey (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html,
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
 * - **Atomic replacement**: requests to one key run one after the other, each until its response
 *   is sent, so the check and the write are one step (of two concurrent conditional creates
 *   exactly one wins) and a read never sees a write half done — S3 replaces an object atomically,
 *   s3rver truncates the file and rewrites it in place.
 * - **Literal keys**: S3 keys are names, `a/../b` is a key of its own; s3rver joins the key into a
 *   file path, so `..` segments would reach other objects (even other buckets). A key with a `.` or
 *   `..` segment is therefore never stored: reading one is 404 NoSuchKey (it cannot exist),
 *   deleting one is S3's 204, writing one is refused with 400 naming this limit.
 * Installed as the first middleware before the instance runs; path-style requests
 * (`/<bucket>/<key>`), which is how the twin's S3 endpoint and the tests' clients reach s3rver.
 */

interface KoaContext {
  method: string;
  path: string;
  res: { writableFinished: boolean; once(event: 'finish' | 'close', listener: () => void): void };
  status: number;
  body: unknown;
  get(header: string): string;
  set(header: string, value: string): void;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

interface S3rverLike {
  middleware: Middleware[];
  store: { getMetadata(bucket: string, key: string): Promise<{ etag: string }> };
}

const PRECONDITION_FAILED = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>';
const NO_SUCH_KEY = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';

/** `"abc"` and `abc` name the same ETag. */
const bare = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

export function addS3Semantics(server: S3rverLike): void {
  const tails = new Map<string, Promise<void>>();
  /** Waits for every earlier request to `key` to be answered; resolves with the release of this one. */
  const acquire = async (key: string): Promise<() => void> => {
    const before = tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const tail = before.then(() => mine);
    tails.set(key, tail);
    await before;
    return () => {
      done();
      if (tails.get(key) === tail) tails.delete(key);
    };
  };
  const etagOf = async (bucket: string, key: string): Promise<string | undefined> => {
    try {
      return bare((await server.store.getMetadata(bucket, key)).etag);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw err;
    }
  };
  const middleware: Middleware = async (ctx, next) => {
    const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (!m || !['GET', 'HEAD', 'PUT', 'DELETE'].includes(ctx.method)) return next();
    const bucket = decodeURIComponent(m[1]!);
    const key = decodeURIComponent(m[2]!);
    if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
      ctx.set('content-type', 'application/xml');
      if (ctx.method === 'GET' || ctx.method === 'HEAD') {
        ctx.status = 404;
        ctx.body = NO_SUCH_KEY;
      } else if (ctx.method === 'DELETE') {
        ctx.status = 204;
      } else {
        ctx.status = 400;
        ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>This S3 stand-in (s3rver) cannot store keys with . or .. segments; S3 can.</Message></Error>';
      }
      return;
    }
    const release = await acquire(`${bucket}/${key}`);
    // Held until the response is sent: Koa writes a streamed body after the middleware returns.
    let released = false;
    const releaseOnce = () => {
      if (!released) (released = true), release();
    };
    ctx.res.once('finish', releaseOnce);
    ctx.res.once('close', releaseOnce);
    try {
      const ifNoneMatch = ctx.method === 'PUT' ? ctx.get('if-none-match') : '';
      const ifMatch = ctx.method === 'PUT' ? ctx.get('if-match') : '';
      if (ifNoneMatch || ifMatch) {
        const etag = await etagOf(bucket, key);
        const refuse = (status: number, body: string) => {
          ctx.status = status;
          ctx.set('content-type', 'application/xml');
          ctx.body = body;
        };
        if (ifNoneMatch && ifNoneMatch.trim() === '*' && etag !== undefined) return refuse(412, PRECONDITION_FAILED);
        if (ifMatch && etag === undefined) return refuse(404, NO_SUCH_KEY);
        if (ifMatch && ifMatch.trim() !== '*' && bare(ifMatch) !== etag) return refuse(412, PRECONDITION_FAILED.replace('If-None-Match', 'If-Match'));
      }
      await next();
    } catch (err) {
      releaseOnce();
      throw err;
    }
  };
  server.middleware.unshift(middleware);
}
