// Update strategies: the first in the list whose plan applies runs, a refusal ends the choice,
// the reasons of strategies asked for but not possible reach the outcome, and a strategy that
// finds at run time it cannot go on (before touching anything) hands over to the next one.
// Journal entries name their strategy, whose recovery runs; entries an older imagewatch wrote
// (no strategy, data at the top level) go to the strategy that wrote them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContainerOutcome } from '../../shared/dto.js';
import type { ContainerInspect } from '../../electron/core/engines/client.js';
import { bringContainer, type ContainerStrategy, type ContainerTarget } from '../../electron/core/update/containers/target.js';
import { FileJournal, normalizeEntry, type JournalEntry } from '../../electron/core/update/journal.js';
import { recoverInterrupted } from '../../electron/core/update/recover.js';
import { StrategyPassed, type Decision } from '../../electron/core/update/strategy.js';
import type { ContainerPlan } from '../../electron/core/update/containers/target.js';

function target(): ContainerTarget {
  const info = {
    Id: 'old-id',
    Name: '/app',
    Image: 'sha256:old',
    State: { Running: true, Paused: false },
    Config: { Labels: {} },
    HostConfig: {},
  } as unknown as ContainerInspect;
  return {
    info,
    all: [],
    imageId: 'sha256:new',
    oldImage: async () => ({}),
    recreate: 'replace',
    overlap: false,
    warmStart: undefined,
    onStep: () => undefined,
  };
}

function strategy(id: string, decision: Decision<ContainerPlan> | null, run?: () => Promise<ContainerOutcome>, ran: string[] = []): ContainerStrategy {
  return {
    id,
    plan: async (t) => decision ?? { kind: 'plan', plan: { target: t } },
    run: async () => {
      ran.push(id);
      return run ? run() : { name: 'app', id: 'old-id', action: 'replaced' };
    },
    recover: async () => null,
  };
}

describe('choosing a container strategy', () => {
  it('runs the first that applies, and says why the ones asked for could not', async () => {
    const ran: string[] = [];
    const outcome = await bringContainer(
      [
        strategy('a', { kind: 'pass' }, undefined, ran),
        strategy('b', { kind: 'pass', why: 'b not possible' }, undefined, ran),
        strategy('c', null, undefined, ran),
        strategy('d', null, undefined, ran),
      ],
      target(),
    );
    expect(ran).toEqual(['c']);
    expect(outcome).toMatchObject({ action: 'replaced', reason: 'b not possible' });
  });

  it('stops at a refusal, touching nothing', async () => {
    const ran: string[] = [];
    const outcome = await bringContainer(
      [strategy('a', { kind: 'refuse', reason: 'not replaced: no' }, undefined, ran), strategy('b', null, undefined, ran)],
      target(),
    );
    expect(ran).toEqual([]);
    expect(outcome).toMatchObject({ action: 'failed', reason: 'not replaced: no' });
  });

  it('hands over to the next strategy when one finds at run time that it cannot go on', async () => {
    const ran: string[] = [];
    const warm = strategy('warm', null, () => Promise.reject(new StrategyPassed('warm start failed (exited); replaced the usual way')), ran);
    const outcome = await bringContainer(
      [strategy('overlap', { kind: 'pass', why: 'overlap not possible' }, undefined, ran), warm, strategy('usual', null, undefined, ran)],
      target(),
    );
    expect(ran).toEqual(['warm', 'usual']);
    expect(outcome.reason).toBe('overlap not possible; warm start failed (exited); replaced the usual way');
  });
});

describe('the journal and recovery', () => {
  const older = (extra: Record<string, unknown>): JournalEntry =>
    ({ name: 'app', oldId: 'old', wasRunning: true, startedAt: '2026-12-01T00:00:00Z', ...extra }) as JournalEntry;

  it("reads an older imagewatch's entries as the strategy that wrote them", async () => {
    expect(normalizeEntry(older({}))).toEqual(older({ strategy: 'usual-swap' }));
    expect(normalizeEntry(older({ isolation: 'imagewatch-warm-old' }))).toEqual(older({ strategy: 'warm-start', data: { isolation: 'imagewatch-warm-old' } }));
    const detached = [{ name: 'web', endpoint: { Aliases: ['app'] } }];
    expect(normalizeEntry(older({ detached }))).toEqual(older({ strategy: 'overlap', data: { detached } }));

    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'iw-journal-')), 'journal.json');
    writeFileSync(file, JSON.stringify([older({ isolation: 'imagewatch-warm-old' })]));
    expect(await new FileJournal(file).entries()).toEqual([older({ strategy: 'warm-start', data: { isolation: 'imagewatch-warm-old' } })]);
  });

  it("recovers each entry with its strategy's recovery, and keeps one whose strategy it does not know", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'iw-journal-')), 'journal.json');
    const journal = new FileJournal(file);
    await journal.record(older({ oldId: 'a', name: 'a', isolation: 'net-a' }));
    await journal.record(older({ oldId: 'b', name: 'b', strategy: 'service-update' }));
    const seen: string[] = [];
    const report = await recoverInterrupted(journal, {
      'warm-start': async (entry) => {
        seen.push(`${entry.name} ${entry.data?.isolation}`);
        return `restored ${entry.name}`;
      },
    });
    expect(seen).toEqual(['a net-a']);
    expect(report).toEqual({ notes: ['restored a', expect.stringMatching(/could not restore b .*strategy service-update is unknown/)], unresolved: 1 });
    expect((await journal.entries()).map((e) => e.oldId)).toEqual(['b']);
  });
});
