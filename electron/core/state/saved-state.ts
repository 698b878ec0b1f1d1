// The state imagewatch keeps between runs, in one place: each runtime's state, the registries'
// 429 waits, and saving them. Only this class holds the document; the watcher reads a
// runtime's state here and hands back the next one (see watch/transitions.ts).
import type { RuntimeState } from '../../../shared/dto.js';
import type { PersistedState } from '../../../shared/schemas.js';
import { emptyRuntimeState, type StateStore } from './store.js';

/** The last this many history events are kept per runtime. */
export const HISTORY_LIMIT = 200;

export class SavedState {
  private doc: PersistedState | null = null;
  private loading: Promise<void> | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the store once; later calls wait for that read (or retry it, if it failed). */
  load(): Promise<void> {
    this.loading ??= this.store.load().then((loaded) => {
      // A file from elsewhere (or an older bug) may hold more; memory and saves stay bounded.
      for (const runtime of Object.values(loaded.runtimes)) {
        if (runtime.history.length > HISTORY_LIMIT) runtime.history.splice(0, runtime.history.length - HISTORY_LIMIT);
      }
      this.doc = loaded;
    });
    // A failed read is tried again by the next caller.
    this.loading.catch(() => (this.loading = null));
    return this.loading;
  }

  private get loaded(): PersistedState {
    if (!this.doc) throw new Error('state used before load()');
    return this.doc;
  }

  /** A runtime's state; one never seen reads as empty and is not added by reading. */
  get(name: string): RuntimeState {
    return this.loaded.runtimes[name] ?? emptyRuntimeState();
  }

  set(name: string, next: RuntimeState): void {
    this.loaded.runtimes[name] = next;
  }

  /** Drops a removed runtime's state and saves. */
  forget(name: string): Promise<void> {
    delete this.loaded.runtimes[name];
    return this.save();
  }

  snapshot(): PersistedState {
    return structuredClone(this.loaded);
  }

  /** Registry → until (ms) for every 429 wait still running. */
  rateLimits(): Record<string, number> {
    const now = this.now();
    return Object.fromEntries(
      Object.entries(this.loaded.rateLimits ?? {})
        .map(([registry, at]) => [registry, Date.parse(at)] as const)
        .filter(([, at]) => at > now),
    );
  }

  /** Keeps a 429 wait so the next run (a cron `check`) honours it too; drops passed ones. */
  rateLimited(registry: string, untilMs: number): void {
    const kept = Object.entries(this.rateLimits()).map(([r, at]) => [r, new Date(at).toISOString()] as const);
    this.loaded.rateLimits = Object.fromEntries([...kept, [registry, new Date(untilMs).toISOString()]]);
  }

  /** Saves a snapshot; writes are chained so an older snapshot never lands after a newer one. */
  save(): Promise<void> {
    const snapshot = this.snapshot();
    this.saving = this.saving.catch(() => undefined).then(() => this.store.save(snapshot));
    return this.saving;
  }

  /** Resolves when the last save has ended, whatever its outcome. */
  async settled(): Promise<void> {
    await this.saving.catch(() => undefined);
  }
}
