// Beds whose runner died (a killed test run, a CI timeout) leave their servers running and
// their directory behind, with dockerd's mounts (network namespaces) inside it. A new bed
// clears them: a bed whose owner process is gone has its processes stopped, its mounts
// unmounted and its directory removed. A bed whose owner lives (another run on this machine)
// is left alone.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatIdentity, liveness, parseIdentity, selfIdentity } from '../../electron/core/owner/identity.js';

const OWNER_FILE = 'owner';

/** Notes this process as the owner of the bed in `dir`: host, pid and start time, as imagewatch's own owners are noted. */
export function claimBed(dir: string): void {
  writeFileSync(path.join(dir, OWNER_FILE), formatIdentity(selfIdentity()));
}

function ownerAlive(dir: string): boolean {
  let text: string;
  try {
    text = readFileSync(path.join(dir, OWNER_FILE), 'utf8');
  } catch {
    // No owner note: a bed being set up this instant, or one from before notes; kept unless old.
    try {
      return Date.now() - statSync(dir).mtimeMs < 24 * 3600_000;
    } catch {
      return false;
    }
  }
  const owner = parseIdentity(text.trim());
  return owner !== null && liveness(owner) !== 'dead';
}

/** The processes whose command line names `dir` (the bed's dockerd, registries, sshd, …). */
function processesOf(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

/** Exited, or a zombie its parent has not reaped yet. */
function gone(pid: number): boolean {
  return liveness({ ...selfIdentity(), pid, start: null }) === 'dead';
}

/** TERM first (dockerd then stops its containers), KILL what is left after 15 s. */
function stop(pids: number[]): void {
  signal(pids, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  let left = pids;
  while (left.length && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    left = left.filter((pid) => !gone(pid));
  }
  signal(left, 'SIGKILL');
}

function mountsUnder(dir: string): string[] {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((target): target is string => target !== undefined && (target === dir || target.startsWith(`${dir}/`)));
  // Deepest first.
  return mounts.sort((a, b) => b.length - a.length);
}

/** Clears every dead bed under the temp dir but `keep`; returns the directories removed. */
export function sweepDeadBeds(keep: string, tmp = os.tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(tmp)) {
    const dir = path.join(tmp, name);
    if (!name.startsWith('iw-bed-') || dir === keep || ownerAlive(dir)) continue;
    stop(processesOf(dir));
    for (const target of mountsUnder(dir)) {
      try {
        execFileSync('umount', ['-l', target], { stdio: 'ignore' });
      } catch {
        // not ours to unmount, or already gone; rm below reports nothing either way
      }
    }
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      removed.push(dir);
    } catch {
      // left for the next bed
    }
  }
  return removed;
}
