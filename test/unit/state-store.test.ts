import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/v3';
import type { PersistedState } from '../../shared/schemas.js';
import { emptyRuntimeState, JsonFileStateStore, migrateState, UNNAMED_ENGINE } from '../../electron/core/state/store.js';
import { STATE_SCHEMA_VERSION } from '../../shared/schemas.js';
import { savedRuntime } from '../fixtures/runtime-state.js';
import { StateVersionError } from '../../electron/core/errors.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'iw-state-'));
const D = `sha256:${'d'.repeat(64)}`;

describe('JSON state file', () => {
  it('round-trips state with its schema version, written atomically and private', async () => {
    const dir = tmp();
    const file = path.join(dir, 'nested', 'state.json');
    const store = new JsonFileStateStore(file);
    const state = await store.load();
    expect(state).toEqual({ schemaVersion: STATE_SCHEMA_VERSION, runtimes: {} });
    state.runtimes.app = savedRuntime({
      ...emptyRuntimeState(),
      seenDigest: D,
      appliedDigest: D,
      history: [{ at: '2026-01-01T00:00:00.000Z', kind: 'seeded', digest: D }],
    });
    await store.save(state);
    expect(await new JsonFileStateStore(file).load()).toEqual(state);
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not json', '{"schemaVersion":1,'],
    ['wrong shape', '{"schemaVersion":1,"runtimes":{"a":{"seenDigest":"nope"}}}'],
    ['no version', '{"runtimes":{}}'],
  ])('backs up a corrupt file (%s) with a timestamp, starts fresh and reports it', async (_why, content) => {
    const dir = tmp();
    const file = path.join(dir, 'state.json');
    writeFileSync(file, content);
    const store = new JsonFileStateStore(file, () => new Date('2026-02-03T04:05:06.789Z'));
    expect(await store.load()).toEqual({ schemaVersion: STATE_SCHEMA_VERSION, runtimes: {} });
    const backup = path.join(dir, 'state.json.corrupt-2026-02-03T04-05-06-789Z');
    expect(readFileSync(backup, 'utf8')).toBe(content);
    expect(store.warnings).toHaveLength(1);
    expect(store.warnings[0]).toContain(backup);
  });

  it('refuses a file from a newer imagewatch instead of overwriting it', async () => {
    const dir = tmp();
    const file = path.join(dir, 'state.json');
    writeFileSync(file, '{"schemaVersion":99,"runtimes":{}}');
    await expect(new JsonFileStateStore(file).load()).rejects.toBeInstanceOf(StateVersionError);
    expect(readFileSync(file, 'utf8')).toBe('{"schemaVersion":99,"runtimes":{}}');
  });
});

describe('state migrations', () => {
  it('runs each step from the stored version up to the current one, in order', () => {
    const steps: number[] = [];
    const migrations = {
      1: (old: Record<string, unknown>) => (steps.push(1), { ...old, runtimes: old.runtimes, renamed: true }),
      2: (old: Record<string, unknown>) => (steps.push(2), { ...old, extra: 'added in 3' }),
    };
    // A stand-in schema for "version 3", which does not exist yet.
    const schema = z.object({ schemaVersion: z.literal(3), runtimes: z.record(z.string(), z.never()) }).passthrough() as unknown as z.ZodType<PersistedState>;
    const result = migrateState({ schemaVersion: 1, runtimes: {} }, { target: 3, migrations, schema });
    expect(steps).toEqual([1, 2]);
    expect(result).toEqual({ state: { schemaVersion: 3, runtimes: {}, renamed: true, extra: 'added in 3' } });
  });

  it('reports a gap in the migration chain instead of guessing', () => {
    expect(migrateState({ schemaVersion: 1, runtimes: {} }, { target: 3, migrations: { 1: (o) => o } })).toEqual({ error: 'no migration from schema 2' });
  });

  it('accepts the current version as it is', () => {
    expect(migrateState({ schemaVersion: STATE_SCHEMA_VERSION, runtimes: {} })).toEqual({ state: { schemaVersion: STATE_SCHEMA_VERSION, runtimes: {} } });
  });

  it('reads version 1 and 2 files with their one engine’s values kept for it', () => {
    const v1 = { schemaVersion: 1, runtimes: { a: { ...emptyRuntimeState(), updateAvailable: true } } };
    expect(migrateState(v1)).toEqual({ state: { schemaVersion: STATE_SCHEMA_VERSION, runtimes: { a: savedRuntime(v1.runtimes.a, UNNAMED_ENGINE) } } });
    const v2 = { schemaVersion: 2, runtimes: { a: { ...emptyRuntimeState(), updateAvailable: null } }, rateLimits: { 'ghcr.io': new Date(0).toISOString() } };
    expect(migrateState(v2)).toEqual({ state: { ...v2, schemaVersion: STATE_SCHEMA_VERSION, runtimes: { a: savedRuntime(v2.runtimes.a, UNNAMED_ENGINE) } } });
  });
});
