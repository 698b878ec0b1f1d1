// The runtimes a check covers across engines: the configured ones (on the engines they name, or
// all), plus those discovery finds on each engine. A tag found on several engines is one runtime
// on each of them; a name discovery gives two different tags on two engines is kept apart by
// adding the engine's name.
import type { RuntimeConfig, UnwatchedImage } from '../../../shared/dto.js';
import type { DiscoverMode } from './discover.js';
import type { Watchlist } from './watchlist.js';

export interface WatchlistSetDeps {
  /** Each engine's watchlist, first engine first. */
  lists: () => Array<{ engine: string; watchlist: Watchlist }>;
  mode: () => DiscoverMode;
  configured: () => RuntimeConfig[];
}

export class WatchlistSet {
  constructor(private readonly deps: WatchlistSetDeps) {}

  /** Configured runtimes first, then the discovered ones, each discovered one naming the engines it was found on. */
  runtimes(): RuntimeConfig[] {
    const configured = this.deps.configured();
    if (this.deps.mode() === false) return configured;
    const lists = this.deps.lists();
    if (lists.length === 1) return lists[0]!.watchlist.runtimes();
    const found = new Map<string, RuntimeConfig & { engines: string[] }>();
    const names = new Set(configured.map((r) => r.name));
    for (const { engine, watchlist } of lists) {
      for (const runtime of watchlist.discovered()) {
        const same = found.get(runtime.image);
        if (same) {
          same.engines.push(engine);
          continue;
        }
        const name = names.has(runtime.name) ? `${runtime.name}-${engine}` : runtime.name;
        names.add(name);
        found.set(runtime.image, { ...runtime, name, engines: [engine] });
      }
    }
    return [...configured, ...found.values()];
  }

  isDiscovered(name: string): boolean {
    return this.deps.mode() !== false && !this.deps.configured().some((r) => r.name === name) && this.runtimes().some((r) => r.name === name);
  }

  /** Images discovery saw and does not watch, on every engine (each naming its engine when there are several). */
  unwatched(): UnwatchedImage[] {
    const lists = this.deps.lists();
    if (lists.length === 1) return lists[0]!.watchlist.unwatched();
    return lists.flatMap(({ engine, watchlist }) => watchlist.unwatched().map((u) => ({ ...u, engine })));
  }

  /** Looks at every engine's containers again; an engine that cannot be asked keeps its last list. */
  async update(): Promise<void> {
    await Promise.all(this.deps.lists().map(({ watchlist }) => watchlist.update()));
  }
}
