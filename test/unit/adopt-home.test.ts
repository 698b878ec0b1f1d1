// The app's first start in the machine's one home brings its earlier state (copied, the old file
// kept) and its replacements in progress (moved, so they are recovered once) from Electron's
// userData, and never overwrites what the home already holds.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adoptEarlierHome } from '../../electron/core/state/adopt.js';

function dirs(): { from: string; home: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'iw-adopt-'));
  const from = path.join(root, 'userData');
  const home = path.join(root, 'home');
  mkdirSync(from);
  mkdirSync(home);
  return { from, home };
}

describe('adopting the earlier home', () => {
  it('copies the state and moves the journal into an empty home', async () => {
    const { from, home } = dirs();
    writeFileSync(path.join(from, 'state.json'), '{"schemaVersion":6,"runtimes":{}}');
    writeFileSync(path.join(from, 'replace-journal.json'), '{"entries":[]}');
    const notes = await adoptEarlierHome(from, home);
    expect(notes).toHaveLength(2);
    expect(readFileSync(path.join(home, 'state.json'), 'utf8')).toBe('{"schemaVersion":6,"runtimes":{}}');
    expect(existsSync(path.join(from, 'state.json'))).toBe(true);
    expect(readFileSync(path.join(home, 'replace-journal.json'), 'utf8')).toBe('{"entries":[]}');
    expect(existsSync(path.join(from, 'replace-journal.json'))).toBe(false);
    // A second start finds the home holding them: nothing more happens.
    expect(await adoptEarlierHome(from, home)).toEqual([]);
  });

  it("never overwrites the home's own files, and does nothing when both are one place", async () => {
    const { from, home } = dirs();
    writeFileSync(path.join(from, 'state.json'), 'old');
    writeFileSync(path.join(home, 'state.json'), 'the CLI wrote this');
    writeFileSync(path.join(from, 'replace-journal.json'), 'old journal');
    writeFileSync(path.join(home, 'replace-journal.json'), 'home journal');
    expect(await adoptEarlierHome(from, home)).toEqual([]);
    expect(readFileSync(path.join(home, 'state.json'), 'utf8')).toBe('the CLI wrote this');
    expect(readFileSync(path.join(home, 'replace-journal.json'), 'utf8')).toBe('home journal');
    expect(readFileSync(path.join(from, 'replace-journal.json'), 'utf8')).toBe('old journal');
    expect(await adoptEarlierHome(home, `${home}/`)).toEqual([]);
  });
});
