// A write-ahead note of each container replacement in progress, with the strategy doing it. If imagewatch dies mid-way
// (SIGKILL, power loss), the next run finds the note and puts the old container back, so a
// crash can never leave the user with a parked `X.imagewatch-old` and no `X`.
import type { EndpointSpec } from './containers/clone-spec.js';
import { readTextIfExists, writeFileAtomic } from '../util/files.js';

/** The strategies that write journal entries (removing a container needs no undo). */
export type JournalStrategy = 'usual-swap' | 'overlap' | 'warm-start' | 'service-update';

export interface JournalEntry {
  /** The engine the container is on; absent from entries an older imagewatch wrote (the first engine's). */
  engine?: string;
  /** The strategy under way, whose `recover` puts it right; see `normalizeEntry` for older entries. */
  strategy?: JournalStrategy;
  /** The container's name, without the leading slash (a service's name). */
  name: string;
  /** The container's ID (a service's ID): the entry's key. */
  oldId: string;
  wasRunning: boolean;
  startedAt: string;
  /** host/pid/start of the imagewatch doing it; recovery leaves a live owner's entry alone. */
  owner?: string;
  /** The step under way, and when it began: a crash during 'stop-old' leaves the engine stopping. */
  step?: 'create' | 'stop-old';
  stepAt?: string;
  stopTimeoutSeconds?: number;
  /**
   * The strategy's own data. Overlap: the user networks the old container was taken off before
   * its stop, with its endpoint settings, so recovery puts it back on them. Warm start: the
   * private network the new container started on, removed by recovery. Service update: the
   * image asked for, the service's version before, and when its last update had started (so
   * recovery tells this update's status from an older one's).
   */
  data?: {
    detached?: Array<{ name: string; endpoint: EndpointSpec }>;
    isolation?: string;
    image?: string;
    version?: number;
    since?: string;
  };
}

/** An entry as an older imagewatch wrote it: no strategy, and its data at the top level. */
type OlderEntry = JournalEntry & { detached?: Array<{ name: string; endpoint: EndpointSpec }>; isolation?: string };

/** The entry in today's shape: the strategy named (inferred from its data when an older imagewatch wrote it). */
export function normalizeEntry(entry: JournalEntry): JournalEntry {
  const { detached, isolation, ...rest } = entry as OlderEntry;
  if (rest.strategy) return rest;
  const data = { ...rest.data, ...(detached ? { detached } : {}), ...(isolation ? { isolation } : {}) };
  const strategy: JournalStrategy = data.isolation ? 'warm-start' : data.detached ? 'overlap' : 'usual-swap';
  return { ...rest, strategy, ...(Object.keys(data).length ? { data } : {}) };
}

export interface ReplaceJournal {
  entries(): Promise<JournalEntry[]>;
  record(entry: JournalEntry): Promise<void>;
  clear(oldId: string): Promise<void>;
}

export class MemoryJournal implements ReplaceJournal {
  private list: JournalEntry[] = [];

  async entries(): Promise<JournalEntry[]> {
    return [...this.list];
  }

  async record(entry: JournalEntry): Promise<void> {
    this.list = [...this.list.filter((e) => e.oldId !== entry.oldId), entry];
  }

  async clear(oldId: string): Promise<void> {
    this.list = this.list.filter((e) => e.oldId !== oldId);
  }
}

function isEntry(value: unknown): value is JournalEntry {
  const v = value as JournalEntry;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.oldId === 'string' && typeof v.wasRunning === 'boolean';
}

export class FileJournal implements ReplaceJournal {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async entries(): Promise<JournalEntry[]> {
    const text = await readTextIfExists(this.file);
    if (text === null) return [];
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? parsed.filter(isEntry).map(normalizeEntry) : [];
    } catch {
      throw new Error(`replace journal ${this.file} is not valid JSON; inspect containers named *.imagewatch-old by hand, then delete it`);
    }
  }

  private write(list: JournalEntry[]): Promise<void> {
    // Synced to disk before the engine is touched, or the note protects nothing.
    return writeFileAtomic(this.file, JSON.stringify(list, null, 2));
  }

  private serial(update: (list: JournalEntry[]) => JournalEntry[]): Promise<void> {
    const next = this.chain.catch(() => undefined).then(async () => this.write(update(await this.entries())));
    this.chain = next;
    return next;
  }

  record(entry: JournalEntry): Promise<void> {
    return this.serial((list) => [...list.filter((e) => e.oldId !== entry.oldId), entry]);
  }

  clear(oldId: string): Promise<void> {
    return this.serial((list) => list.filter((e) => e.oldId !== oldId));
  }
}

/**
 * One engine's part of a journal that several engines share (one file per state directory):
 * its entries are recorded with its name, and entries with no name, written before engines had
 * names, belong to the first engine, which is where the older imagewatch made them.
 */
export class EngineJournal implements ReplaceJournal {
  constructor(
    private readonly shared: ReplaceJournal,
    private readonly engine: string,
    private readonly ownsUnnamed: boolean,
  ) {}

  async entries(): Promise<JournalEntry[]> {
    return (await this.shared.entries()).filter((e) => e.engine === this.engine || (e.engine === undefined && this.ownsUnnamed));
  }

  record(entry: JournalEntry): Promise<void> {
    return this.shared.record({ ...entry, engine: this.engine });
  }

  /** Container IDs are 256-bit random, so an ID names one container on one engine. */
  clear(oldId: string): Promise<void> {
    return this.shared.clear(oldId);
  }
}
