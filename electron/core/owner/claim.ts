// Becoming the one owner of a state directory, or finding the owner and handing it the work.
// Every process that holds the lock also serves the channel, so a second `refresh` joins the
// first one's work instead of racing it, and only the owner ever writes state or recovers.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import {
  channelAddress,
  connectChannel,
  exchange,
  startChannel,
  type ChannelServer,
  type HandoffHandler,
  type HandoffRequest,
  type HandoffResponse,
  type HandoffWork,
} from './channel.js';
import { abortableSleep } from '../util/time.js';
import { liveness } from './identity.js';
import { LONG_RUNNING, readOwnerInfo, takeLock, type HeldLock, type OwnerInfo, type OwnerKind } from './lock.js';
import { LockHeldError, OwnerBusyError } from '../errors.js';

export interface OwnerClaim {
  role: 'owner';
  lock: HeldLock;
  /** Starts taking handed-over work; call once the engine is ready. */
  serve(handler: HandoffHandler): Promise<void>;
  /** Stops taking handed-over work and waits for the work already taken. */
  stopServing(): Promise<void>;
  /** Stops serving and releases the lock. */
  release(): Promise<void>;
}

export interface ClientClaim {
  role: 'client';
  owner: OwnerInfo;
  send(work: HandoffWork): Promise<HandoffResponse>;
}

export interface ClaimOptions {
  kind: OwnerKind;
  /** How long to wait for a lock held by a process that is starting, ending or died. */
  waitMs: number;
  /** Told once when the claim has to wait, with who holds the lock when known. */
  onWait?: (owner: OwnerInfo | null) => void;
}

function ownerClaim(lock: HeldLock): OwnerClaim {
  let channel: ChannelServer | null = null;
  const stopServing = async (): Promise<void> => {
    const open = channel;
    channel = null;
    await open?.close();
  };
  return {
    role: 'owner',
    lock,
    async serve(handler) {
      channel ??= await startChannel(lock.info.channel, lock.info.token, handler);
    },
    stopServing,
    async release() {
      await stopServing();
      await lock.release();
    },
  };
}

/**
 * `check` and `refresh` become clients of a live owner; `watch`, `serve` and the app must own
 * the directory and fail at once when another long-running front end does.
 */
export async function claimStateDir(dir: string, options: ClaimOptions): Promise<OwnerClaim | ClientClaim> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  const channel = channelAddress(dir);
  const mayHandOff = !LONG_RUNNING.includes(options.kind);
  const deadline = Date.now() + options.waitMs;
  let told = false;
  for (;;) {
    try {
      return ownerClaim(await takeLock(dir, options.kind, channel, token));
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
    }
    const owner = await readOwnerInfo(dir);
    if (owner) {
      if (mayHandOff) {
        try {
          const socket = await connectChannel(owner.channel);
          const found = owner;
          return { role: 'client', owner: found, send: (work) => exchange(socket, { token: found.token, ...work } as HandoffRequest) };
        } catch {
          // connectChannel throws only ChannelUnreachableError: the owner is starting or ending, so wait.
        }
      } else if (LONG_RUNNING.includes(owner.kind) && liveness(owner.identity) !== 'dead') {
        throw new OwnerBusyError(dir, owner, 'stop it first, or give this one its own --state');
      }
    }
    if (Date.now() >= deadline) throw new OwnerBusyError(dir, owner, `it did not answer or let go within ${Math.round(options.waitMs / 1000)}s`);
    if (!told) {
      told = true;
      options.onWait?.(owner);
    }
    await abortableSleep(200);
  }
}
