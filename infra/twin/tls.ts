/**
 * Certificates for the twin's HTTPS endpoints (the CloudFront viewer side, Function URLs,
 * CloudFormation's response URL): one certificate authority per twin, made with the openssl
 * command line, and leaf certificates for the names an endpoint answers to. Sandboxes and the
 * CloudFront stand-in trust that authority; nothing else does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Tls {
  /** PEM of the twin's certificate authority. */
  readonly caPem: string;
  readonly caFile: string;
  /** A key and certificate for `names` (DNS names; `*.` wildcards allowed). */
  leaf(names: string[]): { key: string; cert: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTls(dir: string): Tls {
  fs.mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '30', '-subj', '/CN=lamphp stack twin CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const caFile = path.join(dir, 'ca.pem');
  let n = 0;
  return {
    caPem: fs.readFileSync(caFile, 'utf8'),
    caFile,
    leaf(names) {
      const id = `leaf${++n}`;
      fs.writeFileSync(path.join(dir, `${id}.ext`), `subjectAltName=${names.map((x) => `DNS:${x}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${names[0]}`], dir);
      openssl(['x509', '-req', '-in', `${id}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-out', `${id}.pem`, '-extfile', `${id}.ext`], dir);
      return { key: fs.readFileSync(path.join(dir, `${id}.key`), 'utf8'), cert: fs.readFileSync(path.join(dir, `${id}.pem`), 'utf8') };
    },
  };
}
