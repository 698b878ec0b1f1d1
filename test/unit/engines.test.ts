// The engine as a first-class thing: its name, its health over time with its own backoff, its
// part of the shared journal, and the set that holds the engines by name.
import { describe, expect, it } from 'vitest';
import type { EngineHealth } from '../../shared/dto.js';
import { EngineJournal, MemoryJournal, type JournalEntry } from '../../electron/core/update/journal.js';
import { HEALTH_BACKOFF, HealthWatch } from '../../electron/core/engines/health-watch.js';
import { defaultEngineName, engineNameProblem } from '../../electron/core/engines/names.js';
import { EngineSet, type EngineMember } from '../../electron/core/engines/engine-set.js';
import { Engine } from '../../electron/core/engines/engine.js';
import type { EngineClient } from '../../electron/core/engines/client.js';
import { UnknownEngineError } from '../../electron/core/errors.js';

const down = (error: string): EngineHealth => ({ reachable: false, error, found: [] });

describe('engine names', () => {
  it('names the one engine after its docker context, made safe, or local', () => {
    expect(defaultEngineName({ source: 'setting' })).toBe('local');
    expect(defaultEngineName({ source: 'probe' })).toBe('local');
    expect(defaultEngineName({ source: 'context', context: 'colima' })).toBe('colima');
    expect(defaultEngineName({ source: 'context', context: 'My NAS.home' })).toBe('my-nas-home');
    expect(defaultEngineName({ source: 'context', context: '...' })).toBe('local');
    expect(defaultEngineName({ source: 'context', context: 'x'.repeat(80) })).toHaveLength(32);
  });

  it('refuses names unsafe for metric labels and MQTT topics', () => {
    expect(engineNameProblem('nas')).toBeNull();
    expect(engineNameProblem('vps-2_b')).toBeNull();
    for (const bad of ['', 'NAS', 'a/b', 'a+b', '#', '-x', 'x'.repeat(33), 'nas ']) expect(engineNameProblem(bad), bad).toMatch(/engine name/);
  });
});

describe('an engine health over time', () => {
  it('tells going down and coming back once each, and backs off while down', async () => {
    const answers: EngineHealth[] = [{ reachable: true }, down('refused'), down('refused'), down('refused'), { reachable: true }];
    const watch = new HealthWatch(async () => answers.shift()!);
    expect(watch.health).toBeUndefined();
    expect(await watch.check()).toEqual({ health: { reachable: true }, changed: true, transition: null });
    expect(watch.retryInMs()).toBeNull();
    expect(await watch.check()).toMatchObject({ changed: true, transition: 'down' });
    expect(watch.retryInMs()).toBe(HEALTH_BACKOFF.firstMs);
    expect(await watch.check()).toMatchObject({ changed: false, transition: null });
    expect(watch.retryInMs()).toBe(HEALTH_BACKOFF.firstMs * 2);
    expect(await watch.check()).toMatchObject({ changed: false, transition: null });
    expect(watch.retryInMs()).toBe(HEALTH_BACKOFF.firstMs * 4);
    expect(await watch.check()).toMatchObject({ changed: true, transition: 'back' });
    expect(watch.retryInMs()).toBeNull();
  });

  it('caps the backoff, and shares one ask between callers', async () => {
    let asked = 0;
    const watch = new HealthWatch(async () => {
      asked++;
      return down('gone');
    });
    await Promise.all([watch.check(), watch.check(), watch.check()]);
    expect(asked).toBe(1);
    for (let i = 0; i < 20; i++) await watch.check();
    expect(watch.retryInMs()).toBe(HEALTH_BACKOFF.maxMs);
  });
});

describe("an engine's part of the shared journal", () => {
  const entry = (oldId: string, engine?: string): JournalEntry => ({
    name: oldId,
    oldId,
    wasRunning: true,
    startedAt: '2026-12-01T00:00:00Z',
    ...(engine ? { engine } : {}),
  });

  it('records with its name, sees only its own, and gives older unnamed entries to the first engine', async () => {
    const shared = new MemoryJournal();
    await shared.record(entry('old-unnamed'));
    const local = new EngineJournal(shared, 'local', true);
    const nas = new EngineJournal(shared, 'nas', false);
    await local.record(entry('a'));
    await nas.record(entry('b'));
    expect((await local.entries()).map((e) => e.oldId).sort()).toEqual(['a', 'old-unnamed']);
    expect(await nas.entries()).toEqual([expect.objectContaining({ oldId: 'b', engine: 'nas' })]);
    await nas.clear('b');
    expect(await nas.entries()).toEqual([]);
    expect(await shared.entries()).toHaveLength(2);
  });
});

describe('the engine set', () => {
  const client = {} as EngineClient;
  const member = (name: string, host: string, closed: string[]): EngineMember & { host: string } => ({
    engine: new Engine({ name, endpoint: { host, source: 'setting', tried: [] }, client, journal: new MemoryJournal() }),
    host,
    close: async () => void closed.push(host),
  });

  it('holds engines by name, names the known ones for an unknown name, and replaces one after its work', async () => {
    const closed: string[] = [];
    const set = new EngineSet([member('local', 'unix:///a.sock', closed), member('nas', 'ssh://me@nas', closed)]);
    expect(set.names()).toEqual(['local', 'nas']);
    expect(set.first.engine.name).toBe('local');
    expect(set.get('nas').engine.inUse).toMatchObject({ name: 'nas', host: 'ssh://me@nas', source: 'setting' });
    expect(() => set.get('vps')).toThrow(UnknownEngineError);
    expect(() => set.get('vps')).toThrow(/unknown engine: vps \(engines: local, nas\)/);
    await set.replace(member('nas', 'tcp://nas:2376', closed));
    expect(closed).toEqual(['ssh://me@nas']);
    expect(set.get('nas').host).toBe('tcp://nas:2376');
    expect(set.names()).toEqual(['local', 'nas']);
    expect(() => new EngineSet([member('a', 'x', closed), member('a', 'y', closed)])).toThrow(/two engines named a/);
  });

  it('asks the engine its platform until it answers once, then keeps it', async () => {
    let asked = 0;
    const versions = [() => Promise.reject(new Error('down')), () => Promise.resolve({ Os: 'linux', Arch: 'arm64' })];
    const engine = new Engine({
      name: 'local',
      endpoint: { host: 'unix:///a.sock', source: 'setting', tried: [] },
      client: { version: () => (asked++, versions.shift()!()) } as unknown as EngineClient,
      journal: new MemoryJournal(),
    });
    await expect(engine.platform()).rejects.toThrow('down');
    expect(await engine.platform()).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(await engine.platform()).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(asked).toBe(2);
  });
});
