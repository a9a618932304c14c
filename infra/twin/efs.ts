/**
 * EFS: a file system is a directory of the twin; an access point is a directory inside it,
 * created on first use with the access point's CreationInfo (owner and mode), as EFS does
 * (https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html). Lambda mounts it at the
 * function's LocalMountPath and runs as its POSIX user (infra/twin/lambda/sandbox.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ResourceModule, StandIn } from './resource.ts';
import type { Twin } from './twin.ts';

export interface AccessPoint {
  id: string;
  /** Host directory that is the access point's root. */
  directory: string;
  uid: number;
  gid: number;
}

const fileSystems = new WeakMap<Twin, Map<string, string>>();
const accessPoints = new WeakMap<Twin, Map<string, AccessPoint>>();

/** Writes a file into an access point's tree as its POSIX user would (an operator copying files onto EFS). */
export function writeIntoAccessPoint(twin: Twin, relativePath: string, content: Buffer, accessPointId?: string): string {
  const all = [...(accessPoints.get(twin)?.values() ?? [])];
  const ap = accessPointId ? all.find((a) => a.id === accessPointId) : all[0];
  if (!ap) throw new Error('The stack has no EFS access point to write into.');
  const target = path.resolve(ap.directory, relativePath);
  if (!target.startsWith(`${ap.directory}${path.sep}`)) throw new Error(`${relativePath} is outside the access point.`);
  let dir = path.dirname(target);
  const created: string[] = [];
  while (!fs.existsSync(dir)) {
    created.unshift(dir);
    dir = path.dirname(dir);
  }
  for (const d of created) {
    fs.mkdirSync(d);
    fs.chownSync(d, ap.uid, ap.gid);
  }
  fs.writeFileSync(target, content, { mode: 0o644 });
  fs.chownSync(target, ap.uid, ap.gid);
  return target;
}

/** The access point an ARN (`…:access-point/fsap-…`) names. */
export function accessPointByArn(twin: Twin, arn: string): AccessPoint {
  const id = arn.split('/').at(-1)!;
  const ap = accessPoints.get(twin)?.get(id);
  if (!ap) throw new Error(`No EFS access point ${id} in the twin (FileSystemConfigs names ${arn}).`);
  return ap;
}

export const efs: ResourceModule = {
  types: ['AWS::EFS::FileSystem', 'AWS::EFS::MountTarget', 'AWS::EFS::AccessPoint'],
  async create({ twin, type, properties: p }): Promise<StandIn> {
    if (type === 'AWS::EFS::FileSystem') {
      const id = `fs-${twin.randomId(17).toLowerCase()}`;
      const dir = twin.dir('efs', id);
      if (!fileSystems.has(twin)) fileSystems.set(twin, new Map());
      fileSystems.get(twin)!.set(id, dir);
      return { ref: id, attributes: { FileSystemId: id, Arn: `arn:aws:elasticfilesystem:${twin.region}:${twin.account}:file-system/${id}` } };
    }
    if (type === 'AWS::EFS::MountTarget') {
      const id = `fsmt-${twin.randomId(17).toLowerCase()}`;
      return { ref: id, attributes: { Id: id, IpAddress: '10.0.0.10' } };
    }
    const id = `fsap-${twin.randomId(17).toLowerCase()}`;
    const fsDir = fileSystems.get(twin)?.get(p.FileSystemId);
    if (!fsDir) throw new Error(`Access point on unknown file system ${p.FileSystemId}.`);
    const root = String(p.RootDirectory?.Path ?? '/');
    const directory = path.join(fsDir, root);
    if (!fs.existsSync(directory)) {
      const info = p.RootDirectory?.CreationInfo;
      fs.mkdirSync(directory, { recursive: true, mode: info ? parseInt(info.Permissions, 8) : 0o755 });
      if (info) {
        fs.chownSync(directory, Number(info.OwnerUid), Number(info.OwnerGid));
        fs.chmodSync(directory, parseInt(info.Permissions, 8));
      }
    }
    if (!accessPoints.has(twin)) accessPoints.set(twin, new Map());
    accessPoints.get(twin)!.set(id, { id, directory, uid: Number(p.PosixUser?.Uid ?? 0), gid: Number(p.PosixUser?.Gid ?? 0) });
    return { ref: id, attributes: { AccessPointId: id, Arn: `arn:aws:elasticfilesystem:${twin.region}:${twin.account}:access-point/${id}` } };
  },
};
