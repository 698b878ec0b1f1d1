// The window's whole picture (AppState in shared/api.ts), built from the core and what the
// controller tracks beside it. Plain data: it crosses IPC and HTTP as it is.
import type { AppState } from '../../../shared/api.js';
import type { ChannelView, EngineHealth, EngineView } from '../../../shared/dto.js';
import { appStatus } from '../../../shared/status.js';
import { envAutoRefresh } from '../config/defaults.js';
import type { Core } from '../core.js';

export interface ControllerView {
  core: Core;
  checking: boolean;
  refreshing: ReadonlySet<string>;
  warnings: readonly string[];
  credentialRegistries: readonly string[];
  engineHealth: EngineHealth | undefined;
  channels: ChannelView[];
  env: NodeJS.ProcessEnv;
}

export function appStateOf(view: ControllerView): AppState {
  const { core } = view;
  const { watchlist, config } = core;
  const runtimes = watchlist.runtimes().map((runtime) => ({
    config: runtime,
    state: core.watcher.summaryOf(runtime),
    refreshing: view.refreshing.has(runtime.name),
    ...(watchlist.isDiscovered(runtime.name) ? { discovered: true } : {}),
  }));
  const state: AppState = {
    status: 'idle',
    checking: view.checking,
    runtimes,
    settings: {
      autoRefresh: config.autoRefresh,
      autoRefreshForcedByEnv: envAutoRefresh(view.env),
      intervalSeconds: config.intervalMs / 1000,
      recreate: config.recreate,
      discover: config.discover,
      credentialRegistries: [...view.credentialRegistries],
      channels: view.channels,
    },
    warnings: [...view.warnings],
    engine: core.engineInUse,
    engines: enginesOf(core),
    ...(view.engineHealth ? { engineHealth: structuredClone(view.engineHealth) } : {}),
    ...(config.discover === false ? {} : { unwatched: watchlist.unwatched() }),
  };
  state.status = appStatus(state);
  return state;
}

/** Every engine, first one first, with its health as last asked. */
export function enginesOf(core: Core): EngineView[] {
  return core.engines.list().map(({ engine }) => {
    const health = engine.health.health;
    const down = engine.health.down;
    return {
      ...engine.inUse,
      name: engine.name,
      ...(health ? { health: structuredClone(health) } : {}),
      ...(down ? { downSince: down.since } : {}),
    };
  });
}
