// A state file written by the one-engine imagewatch (schema 4, made by the landed code:
// test/fixtures/state/v4-one-engine.json) loads with every value under the one engine, and the
// next check announces nothing and refreshes nothing that was not due before.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RuntimeState } from '../../shared/dto.js';
import type { CoreEvent } from '../../shared/events.js';
import { STATE_SCHEMA_VERSION } from '../../shared/schemas.js';
import { SavedState } from '../../electron/core/state/saved-state.js';
import { JsonFileStateStore } from '../../electron/core/state/store.js';
import { Watcher } from '../../electron/core/watch/watcher.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/state/v4-one-engine.json');
const v4 = JSON.parse(readFileSync(fixture, 'utf8')) as { schemaVersion: number; runtimes: Record<string, RuntimeState>; rateLimits: Record<string, string> };

function copy(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'iw-migrate-')), 'state.json');
  copyFileSync(fixture, file);
  return file;
}

describe('a state file from the one-engine imagewatch', () => {
  it('is the schema 4 the landed code wrote', () => {
    expect(v4.schemaVersion).toBe(4);
    expect(Object.keys(v4.runtimes)).toEqual(['ok', 'failing', 'lookup', 'unknown']);
  });

  it.each([['local'], ['nas']])('loads with every runtime’s values under the one engine, named %s', async (engine) => {
    const state = new SavedState(new JsonFileStateStore(copy()), Date.now, () => engine);
    await state.load();
    for (const [name, before] of Object.entries(v4.runtimes)) expect(state.get(name, engine), name).toEqual(before);
    const snapshot = state.snapshot();
    expect(snapshot.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    expect(Object.keys(snapshot.runtimes.ok!.engines)).toEqual([engine]);
    // A lookup's failure is the runtime's; a refresh's is the engine's.
    expect(snapshot.runtimes.lookup!.lastError).toMatchObject({ phase: 'check' });
    expect(snapshot.runtimes.failing!.lastError).toBeNull();
    expect(snapshot.runtimes.failing!.engines[engine]!.lastError).toMatchObject({ phase: 'refresh' });
    expect(snapshot.rateLimits).toEqual(v4.rateLimits);
  });

  it('announces nothing and refreshes nothing at the next check, and saves it in the current schema', async () => {
    const file = copy();
    const events: CoreEvent[] = [];
    const refreshed: string[] = [];
    const digests: Record<string, string> = Object.fromEntries(Object.entries(v4.runtimes).map(([name, r]) => [name, r.seenDigest!]));
    const watcher = new Watcher({
      settings: () => ({
        runtimes: Object.keys(v4.runtimes).map((name) => ({ name, image: `registry.example/team/${name}:latest` })),
        intervalMs: 300_000,
        autoRefresh: true,
        concurrency: 4,
      }),
      lookupDigest: async (ref) => digests[ref.repository.split('/').pop()!]!,
      localView: async () => ({ present: true, hasDigest: true }),
      refresher: {
        refreshOne: async (r) => {
          refreshed.push(r.name);
          return { image: r.image, ok: true, containers: [] };
        },
        idle: async () => undefined,
      },
      store: new JsonFileStateStore(file),
      emit: (e) => events.push(e),
      // Before the failing runtime's retry is due.
      now: () => Date.parse('2026-11-30T10:10:30Z'),
    });
    const reports = await watcher.tick();
    expect(reports.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(refreshed).toEqual([]);
    expect(events.filter((e) => e.type === 'digest-moved' || e.type === 'update-found' || e.type === 'refresh-started')).toEqual([]);
    expect(watcher.stateOf('failing')).toMatchObject({ updateAvailable: true, retry: v4.runtimes.failing!.retry });
    // The engine answered for the runtime it never had: known now, and up to date.
    expect(watcher.stateOf('unknown').updateAvailable).toBe(false);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion: number; runtimes: Record<string, { engines: Record<string, unknown> }> };
    expect(saved.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    expect(Object.keys(saved.runtimes.ok!.engines)).toEqual(['local']);
  });
});

// A state file from the several-engine imagewatch before versions (schema 5, the v4 fixture as
// that code kept it, with a second engine): it loads unchanged, its next check reads each seen
// digest's labels once (nothing announced, nothing refreshed), and it is saved as schema 6.
const fixture5 = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/state/v5-two-engines.json');

describe('a state file from before versions', () => {
  it('loads as it was, reads each seen digest once at the next check, and saves as schema 6', async () => {
    const v5 = JSON.parse(readFileSync(fixture5, 'utf8')) as { schemaVersion: number; runtimes: Record<string, { seenDigest: string }> };
    expect(v5.schemaVersion).toBe(5);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'iw-migrate-')), 'state.json');
    copyFileSync(fixture5, file);
    const events: CoreEvent[] = [];
    const reads: string[] = [];
    const digests = Object.fromEntries(Object.entries(v5.runtimes).map(([name, r]) => [name, r.seenDigest]));
    const engine = (name: string) => ({
      name,
      refresher: { refreshOne: async () => Promise.reject(new Error('no refresh expected')), idle: async () => undefined },
      localView: async () => ({ present: true, hasDigest: true }),
    });
    const watcher = new Watcher({
      settings: () => ({
        runtimes: Object.keys(v5.runtimes).map((name) => ({ name, image: `registry.example/team/${name}:latest` })),
        intervalMs: 300_000,
        autoRefresh: true,
        concurrency: 4,
      }),
      engines: () => [engine('local'), engine('nas')],
      lookupDigest: async (ref) => digests[ref.repository.split('/').pop()!]!,
      readFacts: async (_ref, digest) => {
        reads.push(digest);
        return { version: '1.0.0', from: 'registry', readAt: '2026-11-30T10:10:30Z' };
      },
      store: new JsonFileStateStore(file),
      emit: (e) => events.push(e),
      now: () => Date.parse('2026-11-30T10:10:30Z'),
    });
    await watcher.init();
    for (const [name, r] of Object.entries(v5.runtimes)) expect(watcher.state.runtime(name), name).toEqual(r);
    const reports = await watcher.tick();
    expect(reports.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(events.filter((e) => e.type === 'digest-moved' || e.type === 'update-found' || e.type === 'refresh-started')).toEqual([]);
    expect(reads.sort()).toEqual([...new Set(Object.values(digests))].sort());
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion: number; images: Record<string, unknown> };
    expect(saved.schemaVersion).toBe(6);
    expect(Object.keys(saved.images).sort()).toEqual([...new Set(Object.values(digests))].sort());
    await watcher.tick();
    expect(reads).toHaveLength(new Set(Object.values(digests)).size);
  });
});
