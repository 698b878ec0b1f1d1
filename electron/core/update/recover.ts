// Puts right what replacements that imagewatch did not live to finish left behind. Only the
// owner of the state directory runs this, and only on entries whose writer is provably gone.
// Each entry names its strategy, whose `recover` does the work (see containers/restore.ts). An
// entry stays until that succeeds, so the next run (and the next refresh) tries again. The
// refresh then counts as not done, so the watcher retries it.
import { liveness, parseIdentity, selfIdentity, sameIdentity } from '../owner/identity.js';
import { engineMessage } from '../engines/connect.js';
import type { JournalEntry, ReplaceJournal } from './journal.js';

export interface RecoveryReport {
  notes: string[];
  /** Entries left for the next try. */
  unresolved: number;
}

/** How an entry's strategy recovers it; by strategy id. */
export type Recoverers = Record<string, ((entry: JournalEntry) => Promise<string | null>) | undefined>;

function orphaned(entry: JournalEntry): boolean {
  const owner = parseIdentity(entry.owner);
  if (!owner) return true; // written before owners were noted, by a process long gone
  if (sameIdentity(owner, selfIdentity())) return false;
  return liveness(owner) === 'dead';
}

export async function recoverInterrupted(journal: ReplaceJournal, recoverers: Recoverers): Promise<RecoveryReport> {
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
    const recover = recoverers[entry.strategy ?? 'usual-swap'];
    if (!recover) {
      unresolved++;
      notes.push(`could not restore ${entry.name} after an interrupted replacement: its strategy ${entry.strategy} is unknown to this imagewatch`);
      continue;
    }
    try {
      const note = await recover(entry);
      await journal.clear(entry.oldId);
      if (note) notes.push(note);
    } catch (err) {
      unresolved++;
      notes.push(`could not restore ${entry.name} after an interrupted replacement: ${engineMessage(err)}`);
    }
  }
  return { notes, unresolved };
}
