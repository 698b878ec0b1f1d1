// Persisted watcher state. The headless file store and the desktop's electron-store adapter
// share the schema and version in shared/schemas.ts.
import { rename } from 'node:fs/promises';
import type { z } from 'zod/v3';
import type { RuntimeState } from '../../../shared/dto.js';
import { describeIssues, PersistedStateSchema, STATE_SCHEMA_VERSION, type PersistedState } from '../../../shared/schemas.js';
import { readTextIfExists, writeFileAtomic } from '../util/files.js';
import { StateVersionError } from '../errors.js';

export interface StateStore {
  load(): Promise<PersistedState>;
  save(state: PersistedState): Promise<void>;
  /** Problems found while loading (a corrupt file that was backed up), for the UI or stderr. */
  readonly warnings: string[];
}

export function emptyState(): PersistedState {
  return { schemaVersion: STATE_SCHEMA_VERSION, runtimes: {} };
}

/** Where a state written before engines had names keeps its one engine's part (not a valid engine name). */
export const UNNAMED_ENGINE = '';

export function emptyRuntimeState(): RuntimeState {
  return {
    seenDigest: null,
    appliedDigest: null,
    lastCheckAt: null,
    lastRefreshAt: null,
    lastError: null,
    updateAvailable: false,
    retry: null,
    history: [],
  };
}

export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/** Migrations from version N to N+1, keyed by N. Version 1 is the first. */
const MIGRATIONS: Record<number, Migration> = {
  // 1 → 2 only widened what may be stored; version 1 documents are valid version 2 ones.
  1: (old) => old,
  // 2 → 3 added an optional field and a history kind: version 2 documents are valid version 3 ones.
  2: (old) => old,
  // 3 → 4 added a history kind: version 3 documents are valid version 4 ones.
  3: (old) => old,
  // 4 → 5 split each runtime into its remote side and its one engine's part, kept under "" until
  // SavedState gives it to the first engine (the migration does not know the engines' names).
  // 5 → 6 added the image facts and history versions, all optional: version 5 documents are valid version 6 ones.
  5: (old) => old,
  4: (old) => ({ ...old, runtimes: Object.fromEntries(Object.entries(asRecord(old.runtimes)).map(([name, r]) => [name, splitRuntime(asRecord(r))])) }),
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A schema 4 runtime as schema 5 keeps it; a lookup's failure stays the runtime's, a refresh's goes to the engine. */
function splitRuntime(r: Record<string, unknown>): Record<string, unknown> {
  const { seenDigest, lastCheckAt, lastError, history, seenPlatformDigest, ...engine } = r;
  const phase = asRecord(lastError).phase;
  return {
    seenDigest,
    lastCheckAt,
    history,
    lastError: phase === 'check' ? lastError : null,
    engines: {
      [UNNAMED_ENGINE]: { ...engine, ...(seenPlatformDigest !== undefined ? { seenPlatformDigest } : {}), lastError: phase === 'refresh' ? lastError : null },
    },
  };
}

export function migrateState(
  raw: unknown,
  options: { target?: number; migrations?: Record<number, Migration>; schema?: z.ZodType<PersistedState> } = {},
): { state: PersistedState } | { error: string } {
  const target = options.target ?? STATE_SCHEMA_VERSION;
  const migrations = options.migrations ?? MIGRATIONS;
  const schema = options.schema ?? PersistedStateSchema;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'not a JSON object' };
  let doc = raw as Record<string, unknown>;
  let version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) return { error: 'missing schemaVersion' };
  if (version > target) {
    throw new StateVersionError(`state was written by a newer imagewatch (schema ${version}, this one reads up to ${target}); refusing to overwrite it`);
  }
  while (version < target) {
    const step = migrations[version];
    if (!step) return { error: `no migration from schema ${version}` };
    doc = { ...step(doc), schemaVersion: version + 1 };
    version += 1;
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) return { error: describeIssues(parsed.error, 'state').replace(/\n/g, '; ') };
  return { state: parsed.data };
}

/** Moves an unreadable file aside with a timestamp, so it is kept for the user, not wiped. */
export async function backupCorrupt(file: string, now: Date = new Date()): Promise<string> {
  const backup = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(file, backup);
  return backup;
}

export class JsonFileStateStore implements StateStore {
  readonly warnings: string[] = [];

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async load(): Promise<PersistedState> {
    let text: string | null;
    try {
      text = await readTextIfExists(this.file);
    } catch (err) {
      throw new Error(`cannot read state ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    if (text === null) return emptyState();
    let raw: unknown;
    let problem: string;
    try {
      raw = JSON.parse(text);
      const migrated = migrateState(raw);
      if ('state' in migrated) return migrated.state;
      problem = migrated.error;
    } catch (err) {
      if (err instanceof StateVersionError) throw new StateVersionError(`${this.file}: ${err.message}`);
      problem = `not valid JSON (${(err as Error).message})`;
    }
    const backup = await backupCorrupt(this.file, this.now());
    this.warnings.push(`state file ${this.file} was unreadable (${problem}); moved it to ${backup} and started fresh`);
    return emptyState();
  }

  save(state: PersistedState): Promise<void> {
    return writeFileAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`);
  }
}

/** Holds state in memory; for tests and one-shot runs that must not persist. */
export class MemoryStateStore implements StateStore {
  readonly warnings: string[] = [];
  saves = 0;

  constructor(private state: PersistedState = emptyState()) {}

  async load(): Promise<PersistedState> {
    return structuredClone(this.state);
  }

  async save(state: PersistedState): Promise<void> {
    this.saves++;
    this.state = structuredClone(state);
  }
}
