/**
 * A Lambda execution environment on this machine: a process in a mount namespace of its own
 * whose root is a read-only tmpfs holding only what Lambda gives a function
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html): the system's binaries and
 * libraries, the runtime's Node at /var/lang/bin/node, the managed runtime at /var/runtime, the
 * function's code at /var/task, its layers merged at /opt, a writable /tmp, the EFS access point
 * at the function's mount path, and an /etc/hosts naming only what its network reaches. Nothing
 * of the repository or of the machine's /usr/share (e.g. a system WordPress) is visible. The
 * process runs as the access point's POSIX user, with exactly the environment it is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface SandboxSpec {
  /** Host directory for this sandbox's files and mount point. */
  dir: string;
  /** Host directories bound read-only at these paths. */
  opt: string;
  task: string;
  runtime: string;
  /** Host path of the runtime's node binary (bound at /var/lang/bin/node). */
  node: string;
  /** EFS access points: host directory → mount path (read-write). */
  mounts: { source: string; target: string }[];
  hosts: string;
  uid: number;
  gid: number;
  /** Ephemeral storage in MB (/tmp). */
  tmpMb: number;
  env: Record<string, string>;
  /** Command inside the sandbox. */
  command: string[];
}

/** System directories a Lambda image has; /usr/share is left out (it holds no code Lambda runs). */
const SYSTEM_DIRS = ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'usr/libexec'];

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function spawnSandbox(spec: SandboxSpec): ChildProcess {
  const root = path.join(spec.dir, 'root');
  const etc = path.join(spec.dir, 'etc');
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(etc, { recursive: true });
  fs.writeFileSync(path.join(etc, 'hosts'), spec.hosts);
  fs.writeFileSync(path.join(etc, 'resolv.conf'), '# no DNS server: names come from /etc/hosts only\n');
  fs.writeFileSync(path.join(etc, 'nsswitch.conf'), 'hosts: files\npasswd: files\ngroup: files\n');
  fs.writeFileSync(path.join(etc, 'passwd'), `root:x:0:0:root:/root:/sbin/nologin\nsbx_user:x:${spec.uid}:${spec.gid}::/tmp:/sbin/nologin\n`);
  fs.writeFileSync(path.join(etc, 'group'), `root:x:0:\nsbx_user:x:${spec.gid}:\n`);

  const ro = (source: string, target: string, file = false) => [
    file ? `touch "$R${target}"` : `mkdir -p "$R${target}"`,
    `mount --bind ${q(source)} "$R${target}"`,
    `mount -o remount,bind,ro "$R${target}"`,
  ];
  const script = [
    'set -eu',
    `R=${q(root)}`,
    'mount -t tmpfs -o mode=755 tmpfs "$R"',
    ...SYSTEM_DIRS.filter((d) => fs.existsSync(`/${d}`)).flatMap((d) => ro(`/${d}`, `/${d}`)),
    // Debian and Amazon Linux both merge /bin, /lib… into /usr.
    ...['bin', 'sbin', 'lib', 'lib64'].map((d) => `ln -s usr/${d} "$R/${d}"`),
    ...ro(etc, '/etc'),
    ...ro(spec.opt, '/opt'),
    ...ro(spec.task, '/var/task'),
    ...ro(spec.runtime, '/var/runtime'),
    'mkdir -p "$R/var/lang/bin"',
    ...ro(spec.node, '/var/lang/bin/node', true),
    'mkdir -p "$R/proc" "$R/dev" "$R/tmp"',
    'mount -t proc proc "$R/proc"',
    'mount --rbind /dev "$R/dev"',
    `mount -t tmpfs -o mode=1777,size=${spec.tmpMb}m tmpfs "$R/tmp"`,
    ...spec.mounts.flatMap((m) => [`mkdir -p "$R${m.target}"`, `mount --bind ${q(m.source)} "$R${m.target}"`]),
    // Lambda's file system is read-only except /tmp and the EFS mounts.
    'mount -o remount,ro,bind "$R"',
    `exec /usr/sbin/chroot "$R" /usr/bin/setpriv --reuid=${spec.uid} --regid=${spec.gid} --clear-groups /usr/bin/env -C /var/task "$@"`,
  ].join('\n');
  return spawn('/usr/bin/unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'sandbox', ...spec.command], {
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}
