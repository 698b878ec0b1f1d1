// The replace journal and recovery after a crash: an entry per container (the latest kept),
// only well-formed entries read back, an unreadable file said with what to do; each engine
// reading its own part; and recovery that touches only entries whose writer is gone, clears
// an entry only once its strategy put things right, and keeps the rest for the next run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineJournal, FileJournal, MemoryJournal, type JournalEntry, type ReplaceJournal } from '../../electron/core/update/journal.js';
import { recoverInterrupted } from '../../electron/core/update/recover.js';
import { formatIdentity, selfIdentity } from '../../electron/core/owner/identity.js';

const entry = (oldId: string, extra: Partial<JournalEntry> = {}): JournalEntry => ({
  strategy: 'usual-swap',
  name: `c-${oldId}`,
  oldId,
  wasRunning: true,
  startedAt: '2026-12-01T00:00:00Z',
  ...extra,
});
const file = (): string => path.join(mkdtempSync(path.join(os.tmpdir(), 'iw-journal-')), 'replace-journal.json');
/** A process that ran on this host and is gone: a pid far above any in use. */
const DEAD = `${os.hostname()}/4194000/-`;

describe.each([
  ['in memory', (): ReplaceJournal => new MemoryJournal()],
  ['on disk', (): ReplaceJournal => new FileJournal(file())],
])('the replace journal (%s)', (_name, make) => {
  it('keeps one entry per container, the latest, and clears only the one named', async () => {
    const journal = make();
    await journal.record(entry('a', { step: 'create' }));
    await journal.record(entry('b'));
    await journal.record(entry('a', { step: 'stop-old' }));
    expect((await journal.entries()).map((e) => [e.oldId, e.step])).toEqual([
      ['b', undefined],
      ['a', 'stop-old'],
    ]);
    await journal.clear('a');
    expect((await journal.entries()).map((e) => e.oldId)).toEqual(['b']);
    await journal.clear('nothing');
    expect((await journal.entries()).map((e) => e.oldId)).toEqual(['b']);
  });
});

describe('the journal file', () => {
  it('reads back only well-formed entries, and an absent or non-list file as none', async () => {
    const f = file();
    expect(await new FileJournal(f).entries()).toEqual([]);
    writeFileSync(f, JSON.stringify({ oldId: 'x' }));
    expect(await new FileJournal(f).entries()).toEqual([]);
    const good = entry('ok');
    writeFileSync(
      f,
      JSON.stringify([
        null,
        'text',
        7,
        { name: 'n', oldId: 'o' },
        { name: 1, oldId: 'o', wasRunning: true },
        { name: 'n', oldId: 2, wasRunning: true },
        { name: 'n', oldId: 'o', wasRunning: 'yes' },
        good,
      ]),
    );
    expect(await new FileJournal(f).entries()).toEqual([good]);
  });

  it('says what to do when it cannot be read, and writes nothing over it', async () => {
    const f = file();
    writeFileSync(f, '{ not json');
    const journal = new FileJournal(f);
    await expect(journal.entries()).rejects.toThrow(
      `replace journal ${f} is not valid JSON; inspect containers named *.imagewatch-old by hand, then delete it`,
    );
    await expect(journal.record(entry('a'))).rejects.toThrow(/not valid JSON/);
  });

  it("gives each engine its part; entries written before engines had names are the first engine's", async () => {
    const shared = new MemoryJournal();
    await shared.record(entry('old'));
    const laptop = new EngineJournal(shared, 'laptop', true);
    const nas = new EngineJournal(shared, 'nas', false);
    await nas.record(entry('n1'));
    await laptop.record(entry('l1'));
    expect((await laptop.entries()).map((e) => e.oldId)).toEqual(['old', 'l1']);
    expect((await nas.entries()).map((e) => [e.oldId, e.engine])).toEqual([['n1', 'nas']]);
    await nas.clear('n1');
    expect((await shared.entries()).map((e) => e.oldId)).toEqual(['old', 'l1']);
  });
});

describe('recovery after a crash', () => {
  it('restores entries whose writer is gone, leaves a live one alone, and keeps what it could not finish', async () => {
    const journal = new MemoryJournal();
    await journal.record(entry('live', { owner: formatIdentity(selfIdentity()) }));
    await journal.record(entry('dead', { owner: DEAD }));
    await journal.record(entry('noted-before-owners'));
    await journal.record(entry('fails', { owner: DEAD }));
    await journal.record(entry('quiet', { owner: DEAD, strategy: 'overlap' }));
    const recovered: string[] = [];
    const report = await recoverInterrupted(journal, {
      'usual-swap': async (e) => {
        recovered.push(e.oldId);
        if (e.oldId === 'fails') throw new Error('engine said no');
        return `restored ${e.name}`;
      },
      overlap: async (e) => {
        recovered.push(e.oldId);
        return null;
      },
    });
    expect(recovered).toEqual(['dead', 'noted-before-owners', 'fails', 'quiet']);
    expect(report).toEqual({
      notes: [
        `left c-live alone: the imagewatch replacing it (${formatIdentity(selfIdentity())}) still runs`,
        'restored c-dead',
        'restored c-noted-before-owners',
        'could not restore c-fails after an interrupted replacement: engine said no',
      ],
      unresolved: 2,
    });
    expect((await journal.entries()).map((e) => e.oldId)).toEqual(['live', 'fails']);
  });

  it('says an unreadable journal on every run, touching nothing', async () => {
    const f = file();
    writeFileSync(f, 'garbage');
    const report = await recoverInterrupted(new FileJournal(f), {});
    expect(report.unresolved).toBe(1);
    expect(report.notes).toEqual([expect.stringContaining('is not valid JSON')]);
  });

  it("leaves an entry of another host's imagewatch, which it cannot ask", async () => {
    const journal = new MemoryJournal();
    await journal.record(entry('remote', { owner: 'another-host/12/34' }));
    const report = await recoverInterrupted(journal, { 'usual-swap': async () => 'restored' });
    expect(report).toEqual({ notes: ['left c-remote alone: the imagewatch replacing it (another-host/12/34) still runs'], unresolved: 1 });
    expect(await journal.entries()).toHaveLength(1);
  });
});
