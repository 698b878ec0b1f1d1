// Putting a container back after a replacement that imagewatch did not live to finish: what
// every replacing strategy's `recover` does, each adding its own undo. It waits out a stop the
// engine may still be doing for the dead process, and checks the end state rather than assuming
// it; a failure throws, and the journal entry stays for the next try.
import { statusOf } from '../../engines/connect.js';
import type { ContainerHandle, ContainerInspect, EngineClient } from '../../engines/client.js';
import { abortableSleep } from '../../util/time.js';
import type { JournalEntry } from '../journal.js';
import { TEMP_SUFFIX_NEW } from '../../labels.js';
import { DEFAULT_STOP_TIMEOUT_SECONDS } from './frame.js';

export interface RestoreOptions {
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** A strategy's own undo, once the old container has its name back and before it starts. */
  beforeStart?: (old: ContainerInspect) => Promise<void>;
}

/** Beyond the stop timeout: the engine's kill and its bookkeeping. */
const STOP_MARGIN_MS = 5_000;

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

/** A crash during the old container's stop: the engine finishes that stop on its own. */
async function waitOutStop(old: ContainerHandle, entry: JournalEntry, options: RestoreOptions): Promise<ContainerInspect | null> {
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

/**
 * Puts the old container of an interrupted replacement back: it gets its name back and, if it
 * was running, runs again; the half-made replacement goes. `beforeStart` is a strategy's own
 * undo (overlap puts the old container back on its networks). A note, or null when the
 * replacement had in fact finished.
 */
export async function restoreContainer(docker: EngineClient, entry: JournalEntry, options: RestoreOptions = {}): Promise<string | null> {
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
  await options.beforeStart?.(oldInfo);
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
