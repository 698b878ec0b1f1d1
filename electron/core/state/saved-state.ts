// The state imagewatch keeps between runs, in one place: per runtime the tag's remote side
// (one lookup serves every engine) and per runtime and engine what that engine runs and what
// its refreshes did; the registries' 429 waits; and saving them. Only this class holds the
// document. The watcher reads one runtime on one engine as a RuntimeState (the runtime's side
// with that engine's part) and hands back the next one (see watch/transitions.ts), which is
// split again here: so the transitions stay pure functions of one RuntimeState.
import type { EngineRuntimeState, HistoryEntry, ImageFacts, RuntimeError, RuntimeState, SavedRuntime } from '../../../shared/dto.js';
import type { NewerTag, PersistedState, TagListing } from '../../../shared/schemas.js';
import { emptyRuntimeState, UNNAMED_ENGINE, type StateStore } from './store.js';

/** The last this many history events are kept per runtime. */
export const HISTORY_LIMIT = 200;

function emptySaved(): SavedRuntime {
  return { seenDigest: null, lastCheckAt: null, lastError: null, history: [], engines: {} };
}

function enginePart(state: RuntimeState, lastError: RuntimeError | null): EngineRuntimeState {
  return {
    ...(state.seenPlatformDigest !== undefined ? { seenPlatformDigest: state.seenPlatformDigest } : {}),
    appliedDigest: state.appliedDigest,
    lastRefreshAt: state.lastRefreshAt,
    lastError,
    updateAvailable: state.updateAvailable,
    retry: state.retry,
    ...(state.waiting ? { waiting: state.waiting } : {}),
    ...(state.previousImages?.length ? { previousImages: state.previousImages } : {}),
  };
}

export class SavedState {
  private doc: PersistedState | null = null;
  private loading: Promise<void> | null = null;
  private saving: Promise<void> = Promise.resolve();

  /** `firstEngine`: the engine that state from before engines had names belongs to. */
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
    private readonly firstEngine: () => string = () => 'local',
  ) {}

  /** Reads the store once; later calls wait for that read (or retry it, if it failed). */
  load(): Promise<void> {
    this.loading ??= this.store.load().then((loaded) => {
      const first = this.firstEngine();
      for (const runtime of Object.values(loaded.runtimes)) {
        // A file from elsewhere (or an older bug) may hold more; memory and saves stay bounded.
        if (runtime.history.length > HISTORY_LIMIT) runtime.history.splice(0, runtime.history.length - HISTORY_LIMIT);
        const unnamed = runtime.engines[UNNAMED_ENGINE];
        if (unnamed) {
          runtime.engines[first] ??= unnamed;
          delete runtime.engines[UNNAMED_ENGINE];
        }
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

  /**
   * One runtime on one engine (the first when not named); one never seen reads as empty and is
   * not added by reading. An engine that has no part yet reads as not knowing whether it runs
   * the latest (updateAvailable null) once the tag has been seen.
   */
  get(name: string, engine: string = this.firstEngine()): RuntimeState {
    const runtime = this.loaded.runtimes[name];
    if (!runtime) return emptyRuntimeState();
    const part = runtime.engines[engine];
    const base = emptyRuntimeState();
    return {
      ...base,
      seenDigest: runtime.seenDigest,
      lastCheckAt: runtime.lastCheckAt,
      history: runtime.history,
      ...(part ?? { updateAvailable: runtime.seenDigest === null ? base.updateAvailable : null }),
      // At most one is set after any `set` for this engine: a lookup's failure or this engine's refresh's.
      lastError: runtime.lastError ?? part?.lastError ?? null,
    };
  }

  /** The runtime's side: remote digest, last check, a lookup's failure, history, and each engine's part. */
  runtime(name: string): SavedRuntime | undefined {
    return this.loaded.runtimes[name];
  }

  /**
   * Takes one engine's next state of a runtime: the runtime's side (the same for every engine,
   * since each was computed from the same runtime side) and that engine's part. A lookup's
   * failure replaces this engine's refresh failure and the other way round, as they did when
   * there was one engine and one slot.
   */
  set(name: string, engine: string, next: RuntimeState): void {
    const runtime = this.loaded.runtimes[name] ?? emptySaved();
    this.loaded.runtimes[name] = {
      seenDigest: next.seenDigest,
      lastCheckAt: next.lastCheckAt,
      lastError: next.lastError?.phase === 'check' ? next.lastError : null,
      history: next.history,
      engines: { ...runtime.engines, [engine]: enginePart(next, next.lastError?.phase === 'refresh' ? next.lastError : null) },
      ...(runtime.newerTag ? { newerTag: runtime.newerTag } : {}),
    };
  }

  /** Takes only an engine's part of `next` (an engine for which a move was not a new version). */
  setEngine(name: string, engine: string, next: RuntimeState): void {
    const runtime = this.loaded.runtimes[name] ?? emptySaved();
    const kept = runtime.engines[engine]?.lastError ?? null;
    this.loaded.runtimes[name] = { ...runtime, engines: { ...runtime.engines, [engine]: enginePart(next, kept) } };
  }

  /** Drops a removed runtime's state and saves. */
  forget(name: string): Promise<void> {
    delete this.loaded.runtimes[name];
    return this.save();
  }

  /** Drops a removed engine's part of every runtime and saves. */
  forgetEngine(engine: string): Promise<void> {
    for (const runtime of Object.values(this.loaded.runtimes)) delete runtime.engines[engine];
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

  /** A newer version tag found for a runtime (null: none), kept with a history entry when it is new. */
  setNewerTag(name: string, newer: NewerTag | null, entry?: HistoryEntry): void {
    const runtime = this.loaded.runtimes[name];
    if (!runtime) return;
    const { newerTag: _dropped, ...rest } = runtime;
    const history = entry ? [...runtime.history, entry].slice(-HISTORY_LIMIT) : runtime.history;
    this.loaded.runtimes[name] = { ...rest, history, ...(newer ? { newerTag: newer } : {}) };
  }

  /** When a repository's tags were last listed (and why that failed). */
  tagListing(repository: string): TagListing | undefined {
    return this.loaded.tagListings?.[repository];
  }

  keepTagListing(repository: string, listing: TagListing): void {
    this.loaded.tagListings = { ...this.loaded.tagListings, [repository]: listing };
  }

  /** What the image a digest names says about itself, when it has been read. */
  imageFacts(digest: string): ImageFacts | undefined {
    return this.loaded.images?.[digest];
  }

  /** Keeps what an image says about itself (saved with the next save). */
  keepImageFacts(digest: string, facts: ImageFacts): void {
    this.loaded.images = { ...this.loaded.images, [digest]: facts };
  }

  /**
   * Drops the facts of digests no runtime names any more (not its tag, not what an engine runs,
   * not its history), so the file stays bounded by the history limit.
   */
  private pruneImageFacts(): void {
    const images = this.loaded.images;
    if (!images) return;
    const named = new Set<string>();
    for (const runtime of Object.values(this.loaded.runtimes)) {
      if (runtime.seenDigest) named.add(runtime.seenDigest);
      for (const part of Object.values(runtime.engines)) if (part.appliedDigest) named.add(part.appliedDigest);
      for (const entry of runtime.history) {
        if (entry.digest) named.add(entry.digest);
        if (entry.previousDigest) named.add(entry.previousDigest);
      }
    }
    for (const digest of Object.keys(images)) if (!named.has(digest)) delete images[digest];
  }

  /** Saves a snapshot; writes are chained so an older snapshot never lands after a newer one. */
  save(): Promise<void> {
    this.pruneImageFacts();
    const snapshot = this.snapshot();
    this.saving = this.saving.catch(() => undefined).then(() => this.store.save(snapshot));
    return this.saving;
  }

  /** Resolves when the last save has ended, whatever its outcome. */
  async settled(): Promise<void> {
    await this.saving.catch(() => undefined);
  }
}
