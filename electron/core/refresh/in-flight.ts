// Refreshes in flight, keyed by engine and runtime: one at a time per key, a second request
// sharing the first's promise. The watcher's recorder holds the one that answers "what is
// refreshing" for the window, the tray and the CLI; the refresh service uses another for
// callers that reach it directly.

export interface InFlightKey {
  engine: string;
  runtime: string;
}

const keyOf = (engine: string, runtime: string): string => `${engine}\u0000${runtime}`;

export class InFlight<T> {
  private readonly work = new Map<string, InFlightKey & { promise: Promise<T> }>();

  /**
   * Runs `start` unless this engine and runtime already have work in flight, whose promise is
   * returned instead. The key is in the map before `start` runs; `start` may call `done` to
   * take it out before its last event is told, so no one reading the map then sees it running.
   */
  run(engine: string, runtime: string, start: (done: () => void) => Promise<T>): Promise<T> {
    const key = keyOf(engine, runtime);
    const running = this.work.get(key);
    if (running) return running.promise;
    const entry = { engine, runtime, promise: undefined as unknown as Promise<T> };
    this.work.set(key, entry);
    const done = (): void => {
      if (this.work.get(key) === entry) this.work.delete(key);
    };
    entry.promise = start(done).finally(done);
    return entry.promise;
  }

  has(engine: string, runtime: string): boolean {
    return this.work.has(keyOf(engine, runtime));
  }

  /** The runtimes refreshing on any engine. */
  runtimes(): Set<string> {
    return new Set([...this.work.values()].map((w) => w.runtime));
  }

  keys(): InFlightKey[] {
    return [...this.work.values()].map(({ engine, runtime }) => ({ engine, runtime }));
  }

  get size(): number {
    return this.work.size;
  }

  /** Resolves once nothing is in flight, including work that started while waiting. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work.values()].map((w) => w.promise));
  }
}
