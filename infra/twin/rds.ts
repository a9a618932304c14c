/**
 * RDS in the twin is the machine's MariaDB: an instance, cluster or proxy gets an address of
 * its own inside the template's VPC, where a forwarder passes MySQL connections to MariaDB's
 * Unix socket (the namespace has no other way out). Creating the resource creates its database
 * and master user with the template's values — the password resolved from Secrets Manager — and
 * deleting it drops them. One twin at a time may hold those names on this machine (a lock file).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { physicalName, type ResourceModule } from './resource.ts';

/** Where Debian's MariaDB listens (the server .ci/run starts). */
export const MARIADB_SOCKET = '/run/mysqld/mysqld.sock';
const LOCK = '/tmp/lamphp-twin-mariadb.lock';

function sql(statement: string): void {
  execFileSync('mariadb', [`--socket=${MARIADB_SOCKET}`, '--user=root', '--batch', '-e', statement], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const ident = (s: string) => `\`${s.replace(/`/g, '``')}\``;

/**
 * Waits for the machine-wide lock on the database names the template uses. Process ids mean
 * nothing across the twins' PID namespaces, so the holder keeps the lock file's time fresh and a
 * lock left untouched for LOCK_STALE_MS is taken over.
 */
const LOCK_STALE_MS = 15_000;
async function lock(): Promise<() => void> {
  const token = crypto.randomUUID();
  for (let i = 0; ; i++) {
    try {
      fs.writeFileSync(LOCK, token, { flag: 'wx' });
      const beat = setInterval(() => {
        const now = new Date();
        try { fs.utimesSync(LOCK, now, now); } catch { /* released */ }
      }, 2_000);
      beat.unref();
      return () => {
        clearInterval(beat);
        if (fs.existsSync(LOCK) && fs.readFileSync(LOCK, 'utf8') === token) fs.rmSync(LOCK, { force: true });
      };
    } catch {
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > LOCK_STALE_MS) fs.rmSync(LOCK, { force: true });
      else if (i > 1200) throw new Error('Another stack twin holds the MariaDB database and user names the template uses; try again when it stops.');
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function forward(address: string, port: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(MARIADB_SOCKET);
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, address, () => resolve()));
  return server;
}

export const databases: ResourceModule = {
  types: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::RDS::DBProxy', 'AWS::RDS::DBProxyTargetGroup', 'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBClusterParameterGroup', 'AWS::RDS::DBParameterGroup'],
  async create({ twin, logicalId, type, properties: p }) {
    if (type === 'AWS::RDS::DBSubnetGroup' || type.endsWith('ParameterGroup') || type === 'AWS::RDS::DBProxyTargetGroup') {
      const name = (p.DBSubnetGroupName ?? physicalName(twin, logicalId)).toLowerCase();
      return { ref: name, attributes: { TargetGroupArn: `arn:aws:rds:${twin.region}:${twin.account}:target-group:${name}` } };
    }
    const vpc = (() => {
      const subnet = [...twin.network.subnets.keys()][0];
      return subnet ? twin.network.subnets.get(subnet)!.vpc : 'none';
    })();
    const id = (p.DBInstanceIdentifier ?? p.DBClusterIdentifier ?? p.DBProxyName ?? physicalName(twin, logicalId)).toLowerCase();
    const kind = type === 'AWS::RDS::DBProxy' ? 'proxy' : type === 'AWS::RDS::DBCluster' ? 'cluster' : 'instance';
    const hostname = `${id}.${kind === 'proxy' ? 'proxy-' : kind === 'cluster' ? 'cluster-' : ''}${twin.randomId(12).toLowerCase()}.${twin.region}.rds.amazonaws.com`;
    const address = twin.network.address(`rds-${logicalId}`);
    const port = Number(p.Port ?? 3306);
    const server = await forward(address, port);
    twin.network.register(hostname, address, `vpc:${vpc}`);
    let release = () => {};
    let created: { db?: string; user?: string } = {};
    if (kind !== 'proxy' && p.MasterUsername) {
      release = await lock();
      const user = String(p.MasterUsername);
      sql(`CREATE OR REPLACE USER ${quote(user)}@'localhost' IDENTIFIED BY ${quote(String(p.MasterUserPassword ?? ''))}`);
      const db = p.DBName ?? p.DatabaseName;
      if (db) {
        sql(`DROP DATABASE IF EXISTS ${ident(db)}; CREATE DATABASE ${ident(db)}`);
        sql(`GRANT ALL PRIVILEGES ON ${ident(db)}.* TO ${quote(user)}@'localhost'`);
      }
      created = { db, user };
    }
    const arn = `arn:aws:rds:${twin.region}:${twin.account}:${kind === 'proxy' ? 'db-proxy' : kind === 'cluster' ? 'cluster' : 'db'}:${id}`;
    const drop = async () => {
      if (created.db) sql(`DROP DATABASE IF EXISTS ${ident(created.db)}`);
      if (created.user) sql(`DROP USER IF EXISTS ${quote(created.user)}@'localhost'`);
      release();
    };
    return {
      ref: id,
      attributes: {
        'Endpoint.Address': hostname, 'Endpoint.Port': String(port), Endpoint: hostname, DBProxyArn: arn, DBInstanceArn: arn, DBClusterArn: arn,
        'ReadEndpoint.Address': hostname, DbiResourceId: `db-${twin.randomId(26)}`, DBClusterResourceId: `cluster-${twin.randomId(26)}`,
      },
      update: async () => true,
      async delete() {
        server.close();
        await drop();
      },
      // Switching the twin off releases the names too: its databases do not outlive it.
      async stop() {
        server.close();
        await drop();
      },
    } as never;
  },
};
