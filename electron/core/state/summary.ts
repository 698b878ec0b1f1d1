// A runtime as the window, the tray and the CLI see it, from the saved state: with one engine
// exactly that engine's state (as before engines had names), with several the runtime's side,
// the engines summed up, and each engine's own part, marked stale while the engine is down.
import { summarize, type EngineRuntimeSummary, type RuntimeSummary } from '../../../shared/dto.js';
import { anyUpdate } from '../watch/watched-engine.js';
import { earliestWait } from '../watch/transitions.js';
import type { SavedState } from './saved-state.js';

/** An engine that does not answer: since when and why. */
export type StaleEngines = (engine: string) => { since: string; error: string } | undefined;

const newest = (values: ReadonlyArray<string | null>): string | null =>
  values.reduce<string | null>((a, b) => (b !== null && (a === null || Date.parse(b) > Date.parse(a)) ? b : a), null);

/** The earliest wait among the engines, for the runtime's row. */
function waitingOf(parts: readonly EngineRuntimeSummary[]): { waiting?: NonNullable<EngineRuntimeSummary['waiting']> } {
  const first = earliestWait(parts.map((p) => p.waiting));
  return first ? { waiting: first } : {};
}

export function summarizeRuntime(state: SavedState, name: string, engines: readonly string[], stale: StaleEngines = () => undefined): RuntimeSummary {
  if (engines.length <= 1) return summarize(state.get(name, engines[0]));
  const parts: EngineRuntimeSummary[] = engines.map((engine) => {
    const { seenPlatformDigest, appliedDigest, lastRefreshAt, lastError, updateAvailable, retry, waiting } = state.get(name, engine);
    const down = stale(engine);
    return {
      engine,
      ...(seenPlatformDigest !== undefined ? { seenPlatformDigest } : {}),
      appliedDigest,
      lastRefreshAt,
      // A lookup's failure is the runtime's; here only this engine's refresh failure.
      lastError: lastError?.phase === 'refresh' ? lastError : null,
      updateAvailable,
      retry,
      ...(waiting ? { waiting } : {}),
      ...(down ? { stale: down } : {}),
    };
  });
  const runtime = state.runtime(name);
  const errors = [runtime?.lastError ?? null, ...parts.map((p) => p.lastError)].filter((e) => e !== null);
  const lastError = errors.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0] ?? null;
  const retries = parts.map((p) => p.retry).filter((r) => r !== null);
  const applied = new Set(parts.map((p) => p.appliedDigest));
  return structuredClone({
    seenDigest: runtime?.seenDigest ?? null,
    // The digest every engine runs; null while they differ (each engine's is in `engines`).
    appliedDigest: applied.size === 1 ? parts[0]!.appliedDigest : null,
    lastCheckAt: runtime?.lastCheckAt ?? null,
    lastRefreshAt: newest(parts.map((p) => p.lastRefreshAt)),
    lastError,
    updateAvailable: anyUpdate(parts.map((p) => p.updateAvailable)),
    retry: retries.sort((a, b) => Date.parse(a.nextAt) - Date.parse(b.nextAt))[0] ?? null,
    ...waitingOf(parts),
    historyLength: runtime?.history.length ?? 0,
    engines: parts,
  });
}
