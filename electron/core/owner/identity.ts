// Who an imagewatch process is, in a form another process can check: host, pid and the
// process's start time. The pid alone is not enough, since the OS reuses pids; the start
// time tells a reused pid from the process that wrote the note.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface OwnerIdentity {
  host: string;
  pid: number;
  /** Linux: the process start time in clock ticks since boot (/proc/PID/stat); elsewhere null. */
  start: number | null;
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/** /proc/PID/stat's state (3rd field) and start time (22nd); the name between may hold spaces and parens. */
function procStat(pid: number): { state: string; start: number | null } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return { state: fields[0] ?? '', start: Number.isFinite(ticks) ? ticks : null };
  } catch {
    return null;
  }
}

export function procStartTicks(pid: number): number | null {
  return procStat(pid)?.start ?? null;
}

let self: OwnerIdentity | null = null;

export function selfIdentity(): OwnerIdentity {
  self ??= { host: os.hostname(), pid: process.pid, start: procStartTicks(process.pid) };
  return self;
}

export function formatIdentity(id: OwnerIdentity): string {
  return `${id.host}/${id.pid}/${id.start ?? '-'}`;
}

export function parseIdentity(text: string | undefined): OwnerIdentity | null {
  if (!text) return null;
  const match = /^(.+)\/(\d+)\/(\d+|-)$/.exec(text);
  if (!match) return null;
  return { host: match[1]!, pid: Number(match[2]), start: match[3] === '-' ? null : Number(match[3]) };
}

export function sameIdentity(a: OwnerIdentity, b: OwnerIdentity): boolean {
  return a.host === b.host && a.pid === b.pid && a.start === b.start;
}

/** Whether the process named by `id` still runs. A process on another host cannot be asked. */
export function liveness(id: OwnerIdentity): Liveness {
  const me = selfIdentity();
  if (id.host !== me.host) return 'unknown';
  if (id.pid === me.pid) return id.start === me.start ? 'alive' : 'dead';
  try {
    process.kill(id.pid, 0);
  } catch (err) {
    // EPERM: a process with that pid exists but belongs to someone else, so it is not ours.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return 'dead';
    return 'unknown';
  }
  const stat = procStat(id.pid);
  // A killed process its parent has not reaped yet (a zombie) holds nothing and does nothing.
  if (stat?.state === 'Z' || stat?.state === 'X') return 'dead';
  if (id.start === null || stat === null || stat.start === null) return 'alive';
  return stat.start === id.start ? 'alive' : 'dead';
}
