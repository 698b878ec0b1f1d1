// `check` and `refresh` as the CLI runs them, on the process that owns the state directory:
// here, or handed over to it through the owner's socket (owner/handoff.ts).
import type { CheckReport, CheckRun, EngineHealth, RefreshResult } from '../../../shared/dto.js';
import type { Core } from '../core.js';
import type { HandoffTarget } from '../owner/handoff.js';
import { enginesOf } from './app-state.js';

export interface CliWorkDeps {
  core: () => Core;
  check: (options: { autoRefresh?: boolean; signal?: AbortSignal; engines?: readonly string[] }) => Promise<CheckReport[]>;
  refresh: (
    names: readonly string[],
    options: { pullOnly?: boolean; signal?: AbortSignal; engines?: readonly string[]; toTag?: string },
  ) => Promise<RefreshResult>;
  checkEngine: () => Promise<EngineHealth>;
}

/** `signal` cuts the work short; `engines` (the CLI's --engine) narrows it. */
export function cliWork(deps: CliWorkDeps, signal?: AbortSignal): HandoffTarget {
  const only = (engines: string[] | undefined): { engines?: string[] } => (engines?.length ? { engines } : {});
  const cut = signal ? { signal } : {};
  return {
    check: async (autoRefresh, engines): Promise<CheckRun> => {
      const runtimes = await deps.check({ autoRefresh, ...only(engines), ...cut });
      // `check --json` lists every engine with its health as of now.
      await deps.checkEngine();
      const core = deps.core();
      const run = { engine: core.engineInUse, engines: enginesOf(core), runtimes };
      return core.config.discover === false ? run : { ...run, unwatched: core.watchlist.unwatched() };
    },
    refresh: (runtimes, pullOnly, engines, toTag) => deps.refresh(runtimes, { pullOnly, ...only(engines), ...cut, ...(toTag ? { toTag } : {}) }),
  };
}
