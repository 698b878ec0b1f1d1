// The desktop app once kept its state in Electron's userData while the CLI and `serve` kept
// theirs in the machine's one home (config/paths.ts). Now the app lives in that home too, so a
// script's `check` finds it there and hands it the work. The first start after the move brings
// the app's earlier state along, losing nothing.
import { constants } from 'node:fs';
import { copyFile, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

const STATE = 'state.json';
const JOURNAL = 'replace-journal.json';

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

/**
 * Brings `from`'s state and replace journal into `home` where home has none; what it did, in
 * words, for the log. The state is copied (the earlier file stays, as a backup); the journal is
 * moved, so the replacements it notes are recovered once, from the home. Call as `home`'s owner.
 */
export async function adoptEarlierHome(from: string, home: string): Promise<string[]> {
  if (path.resolve(from) === path.resolve(home)) return [];
  const notes: string[] = [];
  const earlierState = path.join(from, STATE);
  if ((await exists(earlierState)) && !(await exists(path.join(home, STATE)))) {
    // COPYFILE_EXCL: a state another imagewatch wrote meanwhile is never overwritten.
    await copyFile(earlierState, path.join(home, STATE), constants.COPYFILE_EXCL);
    notes.push(`state brought over from ${earlierState} to ${home} (the earlier file is kept)`);
  }
  const earlierJournal = path.join(from, JOURNAL);
  if ((await exists(earlierJournal)) && !(await exists(path.join(home, JOURNAL)))) {
    await rename(earlierJournal, path.join(home, JOURNAL));
    notes.push(`replacements in progress moved from ${earlierJournal} to ${home}`);
  }
  return notes;
}
