/**
 * The sending side of a ramp: an undici pool with no connection limit (an open loop must
 * never wait for a free connection, that would be coordinated omission), one GET per
 * planned arrival, the body read to the end.
 */
import { Pool } from 'undici';
import type { SendOutcome } from './scheduler.ts';

export interface HttpSender {
  send(): Promise<SendOutcome>;
  close(): Promise<void>;
}

export function createHttpSender({ origin, path, timeoutMs = 30_000 }: { origin: string; path: string; timeoutMs?: number }): HttpSender {
  const pool = new Pool(origin, {
    connections: null,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
  });
  return {
    async send() {
      try {
        const { statusCode, body } = await pool.request({ method: 'GET', path });
        await body.arrayBuffer();
        return { status: statusCode };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return { status: 0, error: typeof code === 'string' ? code : 'SEND_FAILED' };
      }
    },
    close: () => pool.destroy(),
  };
}
