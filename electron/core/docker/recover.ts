// Puts containers back after a replacement that imagewatch did not live to finish. Only the
// owner of the state directory runs this, and only on entries whose writer is provably gone.
// The old container gets its name back and, if it was running, runs again; the half-made
// replacement goes. It waits out a stop the engine may still be doing for the dead process,
// and checks the end state rather than assuming it. An entry stays until that check passes,
// so the next run (and the next refresh) tries again. The refresh then counts as not done,
// so the watcher retries it.
import { liveness, parseIdentity, selfIdentity, sameIdentity } from '../owner/identity.js';
import { engineMessage, statusOf } from '../engines/connect.js';
import type { JournalEntry, ReplaceJournal } from './journal.js';
import { DEFAULT_STOP_TIMEOUT_SECONDS, TEMP_SUFFIX_NEW } from './replace.js';
import { abortableSleep } from '../util/time.js';
import type { ContainerHandle, ContainerInspect, EngineClient } from '../engines/client.js';

/** Beyond the stop timeout: the engine's kill and its bookkeeping. */
const STOP_MARGIN_MS = 5_000;

export interface RecoveryOptions {
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RecoveryReport {
  notes: string[];
  /** Entries left for the next try. */
  unresolved: number;
}

async function inspectOrNull(container: ContainerHandle): Promise<ContainerInspect | null> {
  try {
    return await container.inspect();
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

async function removeIfOther(docker: EngineClient, name: string, keepId: string): Promise<void> {
  const holder = await inspectOrNull(docker.getContainer(name));
  if (holder && holder.Id !== keepId) await docker.getContainer(holder.Id).remove({ force: true, v: false });
}

function orphaned(entry: JournalEntry): boolean {
  const owner = parseIdentity(entry.owner);
  if (!owner) return true; // written before owners were noted, by a process long gone
  if (sameIdentity(owner, selfIdentity())) return false;
  return liveness(owner) === 'dead';
}

/** A crash during the old container's stop: the engine finishes that stop on its own. */
async function waitOutStop(old: ContainerHandle, entry: JournalEntry, options: RecoveryOptions): Promise<ContainerInspect | null> {
  const sleep = options.sleep ?? abortableSleep;
  const timeout = (entry.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS) * 1000;
  const deadline = Date.parse(entry.stepAt ?? entry.startedAt) + timeout + STOP_MARGIN_MS;
  let info = await inspectOrNull(old);
  while (info?.State.Running && Date.now() < deadline) {
    await sleep(options.pollMs ?? 250);
    info = await inspectOrNull(old);
  }
  return info;
}

async function restore(docker: EngineClient, entry: JournalEntry, options: RecoveryOptions): Promise<string | null> {
  const note = await restoreContainers(docker, entry, options);
  // A warm start's private network: nothing is on it once the half-made replacement is gone.
  if (entry.isolation) {
    try {
      await docker.getNetwork(entry.isolation).remove();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
  return note;
}

async function restoreContainers(docker: EngineClient, entry: JournalEntry, options: RecoveryOptions): Promise<string | null> {
  const old = docker.getContainer(entry.oldId);
  let oldInfo = entry.step === 'stop-old' ? await waitOutStop(old, entry, options) : await inspectOrNull(old);
  await removeIfOther(docker, `${entry.name}${TEMP_SUFFIX_NEW}`, entry.oldId);
  if (!oldInfo) {
    // The old container is gone: the replacement had finished; what holds the name must run as recorded.
    const current = await inspectOrNull(docker.getContainer(entry.name));
    if (current && entry.wasRunning && !current.State.Running) await docker.getContainer(current.Id).start();
    return null;
  }
  await removeIfOther(docker, entry.name, entry.oldId);
  if (oldInfo.Name.replace(/^\//, '') !== entry.name) await old.rename({ name: entry.name });
  // An overlapping replacement takes the old container off its networks before the stop.
  const attached = new Set(Object.keys(oldInfo.NetworkSettings?.Networks ?? {}));
  for (const network of entry.detached ?? []) {
    if (!attached.has(network.name)) await docker.getNetwork(network.name).connect({ Container: entry.oldId, EndpointConfig: network.endpoint });
  }
  if (entry.wasRunning && !oldInfo.State.Running) {
    try {
      await old.start();
    } catch (err) {
      if (statusOf(err) !== 304) throw err;
    }
  }
  oldInfo = await inspectOrNull(docker.getContainer(entry.name));
  if (!oldInfo || oldInfo.Id !== entry.oldId) throw new Error(`${entry.name} is not the old container after restoring it`);
  if (entry.wasRunning && !oldInfo.State.Running) throw new Error(`${entry.name} is ${oldInfo.State.Status}, not running, after restoring it`);
  return `restored ${entry.name} after a replacement interrupted at ${entry.startedAt}`;
}

export async function recoverInterrupted(docker: EngineClient, journal: ReplaceJournal, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const notes: string[] = [];
  let unresolved = 0;
  let entries: JournalEntry[];
  try {
    entries = await journal.entries();
  } catch (err) {
    // Unreadable: said on every run (check included) until the user deals with it.
    return { notes: [(err as Error).message], unresolved: 1 };
  }
  for (const entry of entries) {
    if (!orphaned(entry)) {
      notes.push(`left ${entry.name} alone: the imagewatch replacing it (${entry.owner}) still runs`);
      unresolved++;
      continue;
    }
    try {
      const note = await restore(docker, entry, options);
      await journal.clear(entry.oldId);
      if (note) notes.push(note);
    } catch (err) {
      unresolved++;
      notes.push(`could not restore ${entry.name} after an interrupted replacement: ${engineMessage(err)}`);
    }
  }
  return { notes, unresolved };
}
