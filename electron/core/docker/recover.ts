// Puts containers back after a replacement that imagewatch did not live to finish. Anything
// still noted in the journal is rolled back: the old container gets its name back and runs
// again if it was running; the half-made replacement goes. The refresh then counts as not
// done, so the watcher retries it.
import type Docker from 'dockerode';
import { engineMessage, statusOf } from './engine.js';
import type { ReplaceJournal } from './journal.js';
import { TEMP_SUFFIX_NEW } from './replace.js';

async function inspectOrNull(container: Docker.Container): Promise<Docker.ContainerInspectInfo | null> {
  try {
    return await container.inspect();
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

async function removeIfOther(docker: Docker, name: string, keepId: string): Promise<void> {
  const holder = await inspectOrNull(docker.getContainer(name));
  if (holder && holder.Id !== keepId) await docker.getContainer(holder.Id).remove({ force: true, v: false });
}

/** Returns one line per container it dealt with. */
export async function recoverInterrupted(docker: Docker, journal: ReplaceJournal): Promise<string[]> {
  const notes: string[] = [];
  for (const entry of await journal.entries()) {
    try {
      const old = docker.getContainer(entry.oldId);
      const oldInfo = await inspectOrNull(old);
      await removeIfOther(docker, `${entry.name}${TEMP_SUFFIX_NEW}`, entry.oldId);
      if (!oldInfo) {
        // The old container is gone: the replacement had finished.
        await journal.clear(entry.oldId);
        continue;
      }
      await removeIfOther(docker, entry.name, entry.oldId);
      if (oldInfo.Name.replace(/^\//, '') !== entry.name) await old.rename({ name: entry.name });
      if (entry.wasRunning && !oldInfo.State.Running) await old.start();
      await journal.clear(entry.oldId);
      notes.push(`restored ${entry.name} after a replacement interrupted at ${entry.startedAt}`);
    } catch (err) {
      notes.push(`could not restore ${entry.name} after an interrupted replacement: ${engineMessage(err)}`);
    }
  }
  return notes;
}
