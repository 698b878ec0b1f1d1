// The state directory's lock. proper-lockfile takes it with an atomic mkdir and keeps its
// mtime fresh while we live; a lock whose holder died (SIGKILL, power loss) goes stale
// after STALE_MS and the next process takes it over. Beside the lock, owner.json names the
// holder (identity, kind, channel address, channel token) for the processes that find it taken.
import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { writeFileAtomic } from '../util/files.js';
import { formatIdentity, parseIdentity, selfIdentity, type OwnerIdentity } from './identity.js';
import { LockHeldError } from '../errors.js';

/** A dead holder's lock is taken over after this long; a live holder refreshes it 5 times as often. */
export const STALE_MS = 5_000;
const UPDATE_MS = 1_000;

export type OwnerKind = 'watch' | 'serve' | 'app' | 'check' | 'refresh';

/** Long-running front ends own a state directory for their lifetime; the CLI only for one run. */
export const LONG_RUNNING: readonly OwnerKind[] = ['watch', 'serve', 'app'];

export interface OwnerInfo {
  identity: OwnerIdentity;
  kind: OwnerKind;
  since: string;
  /** Unix socket path or Windows named pipe where the owner takes handed-over work. */
  channel: string;
  /** Every request on the channel carries it; the file is 0600, so only this user can read it. */
  token: string;
}

export function ownerFile(dir: string): string {
  return path.join(dir, 'owner.json');
}

function lockOptions(dir: string) {
  return { lockfilePath: path.join(dir, 'owner.lock'), realpath: false } as const;
}

export async function readOwnerInfo(dir: string): Promise<OwnerInfo | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(ownerFile(dir), 'utf8'));
  } catch {
    // Missing, or half of a file being written by an owner that is starting: ask again later.
    return null;
  }
  const v = raw as Record<string, unknown>;
  const identity = parseIdentity(typeof v.identity === 'string' ? v.identity : undefined);
  if (!identity || typeof v.kind !== 'string' || typeof v.channel !== 'string' || typeof v.token !== 'string') return null;
  return { identity, kind: v.kind as OwnerKind, since: String(v.since ?? ''), channel: v.channel, token: v.token };
}

export interface HeldLock {
  info: OwnerInfo;
  /** Aborts when the lock was lost (its holder stalled past STALE_MS and another took it). */
  lost: AbortSignal;
  release(): Promise<void>;
}

/** Takes the lock at once or throws LockHeldError; never waits. */
export async function takeLock(dir: string, kind: OwnerKind, channel: string, token: string): Promise<HeldLock> {
  const lost = new AbortController();
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      ...lockOptions(dir),
      stale: STALE_MS,
      update: UPDATE_MS,
      retries: 0,
      onCompromised: (err) => lost.abort(new Error(`lost the lock on ${dir}: ${err.message}`)),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw new LockHeldError(dir);
    throw err;
  }
  const info: OwnerInfo = { identity: selfIdentity(), kind, since: new Date().toISOString(), channel, token };
  try {
    await writeFileAtomic(ownerFile(dir), JSON.stringify({ ...info, identity: formatIdentity(info.identity) }, null, 2));
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  let released = false;
  return {
    info,
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      await unlink(ownerFile(dir)).catch(() => undefined);
      // Compromised: the lock is someone else's now, and theirs to remove.
      if (!lost.signal.aborted) await release().catch(() => undefined);
    },
  };
}
