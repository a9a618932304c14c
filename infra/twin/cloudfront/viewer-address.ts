/**
 * The viewer's address across the host's forwarder. Viewers connect to a TCP port on the host;
 * the forwarder (infra/twin/index.ts) reaches the edge inside the network namespace through a
 * Unix socket, which has no peer address. So the forwarder first sends one PROXY protocol v1
 * line naming the viewer's address and port (the HAProxy PROXY protocol, as load balancers pass
 * a client's address on), and the edge reads it before the viewer's own bytes: the edge knows
 * each viewer's real address (what CloudFront gives its functions as `event.viewer.ip`).
 */
import net from 'node:net';
import { Duplex } from 'node:stream';

export interface ViewerAddress {
  ip: string;
  port: number;
}

/** `PROXY TCP4 <viewer> <edge> <viewer port> <edge port>\r\n` for a connection the host forwarder accepted. */
export function proxyLine(viewer: net.Socket): string {
  const family = net.isIPv6(viewer.remoteAddress ?? '') ? 'TCP6' : 'TCP4';
  return `PROXY ${family} ${viewer.remoteAddress} ${viewer.localAddress} ${viewer.remotePort} ${viewer.localPort}\r\n`;
}

/** A PROXY v1 line is at most 107 bytes with its CRLF. */
const MAX_LINE = 107;

/**
 * Reads the PROXY line off `raw`, then hands on a stream of the viewer's own bytes (a plain
 * Duplex, so a server or a TLS socket built on it reads exactly what followed the line).
 * A connection without a valid line is closed.
 */
export function acceptViewer(raw: net.Socket, onViewer: (stream: Duplex, viewer: ViewerAddress) => void): void {
  let head = Buffer.alloc(0);
  const onHead = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n');
    if (end < 0) {
      if (head.length > MAX_LINE) raw.destroy();
      return;
    }
    raw.off('data', onHead);
    raw.pause();
    const m = /^PROXY TCP[46] (\S+) \S+ (\d{1,5}) \d{1,5}$/.exec(head.subarray(0, end).toString('latin1'));
    if (!m || net.isIP(m[1]!) === 0) return void raw.destroy();
    const stream = new Duplex({
      read() {
        raw.resume();
      },
      write(chunk, encoding, callback) {
        raw.write(chunk, encoding, callback);
      },
      final(callback) {
        raw.end(callback);
      },
      destroy(err, callback) {
        raw.destroy();
        callback(err);
      },
    });
    raw.on('data', (c: Buffer) => {
      if (!stream.push(c)) raw.pause();
    });
    raw.on('end', () => stream.push(null));
    raw.on('error', (err) => stream.destroy(err));
    raw.on('close', () => stream.destroy());
    const rest = head.subarray(end + 2);
    if (rest.length) stream.push(rest);
    onViewer(stream, { ip: m[1]!, port: Number(m[2]) });
  };
  raw.on('data', onHead);
  raw.on('error', () => raw.destroy());
}
