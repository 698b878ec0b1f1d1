// The runtimes a check covers: the configured ones, plus (in discovery mode) those found from
// the user's containers, found again before every check and refresh so a new container is
// watched from the next check on.
import type { RuntimeConfig, UnwatchedImage } from '../../../shared/dto.js';
import { safeText } from '../util/safe-text.js';
import { discoverContainers, type Discovery, type DiscoverMode } from './discover.js';
import type { EngineClient } from '../engines/client.js';

export interface WatchlistDeps {
  docker: EngineClient;
  mode: () => DiscoverMode;
  configured: () => RuntimeConfig[];
  log?: (line: string) => void;
}

export class Watchlist {
  private found: Discovery = { runtimes: [], unwatched: [] };
  private pending: Promise<void> | null = null;

  constructor(private readonly deps: WatchlistDeps) {}

  /** Configured runtimes first, then the discovered ones. */
  runtimes(): RuntimeConfig[] {
    return this.deps.mode() === false ? this.deps.configured() : [...this.deps.configured(), ...this.found.runtimes];
  }

  /** The runtimes discovery found (none outside discovery mode). */
  discovered(): RuntimeConfig[] {
    return this.deps.mode() === false ? [] : [...this.found.runtimes];
  }

  /** Whether a runtime came from discovery (the window cannot remove it; a label opts it out). */
  isDiscovered(name: string): boolean {
    return this.deps.mode() !== false && this.found.runtimes.some((r) => r.name === name);
  }

  /** Images of containers that discovery saw and does not watch, with the reason. */
  unwatched(): UnwatchedImage[] {
    return this.deps.mode() === false ? [] : structuredClone(this.found.unwatched);
  }

  /**
   * Looks at the containers again. One look at a time: callers arriving meanwhile share it.
   * When the engine cannot be asked, the last list stays, so an engine restart does not make
   * the runtimes (and their history in the window) vanish.
   */
  update(): Promise<void> {
    const mode = this.deps.mode();
    if (mode === false) return Promise.resolve();
    this.pending ??= discoverContainers(this.deps.docker, mode, this.deps.configured())
      .then(
        (found) => {
          this.found = found;
        },
        (err: unknown) => {
          this.deps.log?.(`image-auto-refresh: container discovery failed: ${safeText((err as Error).message, { max: 300 })}; watching the last list`);
        },
      )
      .finally(() => (this.pending = null));
    return this.pending;
  }
}
