/** Resident memory of processes, from /proc (Linux). */
import fs from 'node:fs';

function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** VmRSS of one process in bytes; null when it is gone or /proc is unavailable. */
export function rssBytes(pid: number): number | null {
  return statusBytes(pid, 'VmRSS');
}

/** VmHWM (peak resident memory since the process started) in bytes; null when unavailable. */
export function hwmBytes(pid: number): number | null {
  return statusBytes(pid, 'VmHWM');
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const child of parents.get(p) ?? []) walk(child);
  };
  walk(pid);
  return out;
}

/** Sum of VmRSS over the trees of `pids` (shared pages count once per process). */
export function treeRssBytes(pids: readonly number[]): number | null {
  let total = 0;
  let seen = false;
  for (const pid of pids.flatMap(processTree)) {
    const rss = rssBytes(pid);
    if (rss !== null) {
      total += rss;
      seen = true;
    }
  }
  return seen ? total : null;
}

/** CPU time (user + system) of the trees of `pids` so far, ms; processes that ended are not counted. */
export function treeCpuMs(pids: readonly number[]): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of pids.flatMap(processTree)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields 14 and 15 (utime, stime) counted from the state field, which follows the command.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // Gone.
    }
  }
  return total;
}
