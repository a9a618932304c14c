/**
 * `fastcgi_finish_request()` inside a PHP worker: lamphp's prepend.php flushes PHP's output and
 * tells the worker (through `post_message_to_js`) the status and headers; the worker hands the
 * response collected so far to the main thread at once and drops what the script prints after.
 */

/** The message prepend.php sends; anything else goes to the host's own message hook. */
export interface FinishMessage {
  lamphp: 'finish';
  status: number;
  headers: string[];
}

export function finishMessage(json: string): FinishMessage | undefined {
  if (!json.startsWith('{"lamphp":"finish"')) return undefined;
  try {
    const msg = JSON.parse(json) as FinishMessage;
    return msg.lamphp === 'finish' && Number.isInteger(msg.status) && Array.isArray(msg.headers) ? msg : undefined;
  } catch {
    return undefined;
  }
}

/** Collects a streamed response's body; after `finish()` it keeps draining but keeps nothing. */
export class BodyCollector {
  #chunks: Uint8Array[] = [];
  #finished = false;
  readonly done: Promise<void>;

  constructor(stdout: ReadableStream<Uint8Array>) {
    const reader = stdout.getReader();
    this.done = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (!this.#finished && value) this.#chunks.push(value);
      }
    })();
    this.done.catch(() => {}); // a broken runtime is reported by the run itself
  }

  /** The bytes so far, once output flushed just now has arrived; later output is dropped. */
  async finish(): Promise<Uint8Array> {
    // Flushed chunks are queued synchronously; the reader takes them in microtasks.
    await new Promise((resolve) => setImmediate(resolve));
    const body = this.take();
    this.#finished = true;
    return body;
  }

  take(): Uint8Array {
    const total = this.#chunks.reduce((n, c) => n + c.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    this.#chunks = [];
    return out;
  }
}

