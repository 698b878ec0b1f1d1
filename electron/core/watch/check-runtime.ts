// One runtime's check: one lookup of its tag, whatever the number of engines, then each engine's
// part: what it holds (until it has answered once), whether the move is a new version for its
// platform, and (with auto-refresh) its refresh, started and not awaited. An engine that does
// not answer fails only its own part; the others go on.
import type { CheckOutcome, CheckReport, RuntimeConfig, RuntimeState } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import { shortDigest } from '../../../shared/digest.js';
import { RateLimitedError } from '../errors.js';
import type { ImageReference } from '../image/reference.js';
import type { Log } from '../log.js';
import { mergeDetails } from '../refresh/result.js';
import type { PlatformImage } from '../registry/platform-lookup.js';
import type { SavedState } from '../state/saved-state.js';
import { safeText } from '../util/safe-text.js';
import { announce } from './announce.js';
import type { RefreshRecorder } from './recorder.js';
import type { TickLookups } from './tick-lookups.js';
import { observe, observeIndexMove, recordCheckError, wantsRefresh, type LocalView } from './transitions.js';
import { anyUpdate, type WatchedEngine } from './watched-engine.js';

export interface CheckContext {
  state: SavedState;
  recorder: RefreshRecorder;
  /** The engines this runtime applies to. */
  engines: WatchedEngine[];
  /** Whether imagewatch acts on more than one engine (lines and events then name the engine). */
  several: boolean;
  now: () => number;
  log: Log;
  emit?: (event: CoreEvent) => void;
  /** Keeps a runtime's next state on an engine, and tells the window. */
  update: (runtime: string, engine: string, next: RuntimeState) => void;
  /** Tells the window a runtime's state changed (after a change made directly on `state`). */
  changed: (runtime: string) => void;
}

const INTERRUPTED = 'interrupted: imagewatch is stopping';

export async function checkRuntime(
  ctx: CheckContext,
  runtime: RuntimeConfig,
  ref: ImageReference,
  lookups: TickLookups,
  autoRefresh: boolean,
  signal: AbortSignal | undefined,
): Promise<{ report: CheckReport; refresh?: Promise<void> }> {
  const { state, engines } = ctx;
  // Every engine's part is computed from the same runtime side, read before anything changes.
  const befores = new Map(engines.map((e) => [e.name, state.get(runtime.name, e.name)] as const));
  const runtimeBefore = state.get(runtime.name, engines[0]?.name);
  const at = new Date(ctx.now()).toISOString();
  const previousDigest = runtimeBefore.seenDigest;
  const report: CheckReport = {
    name: runtime.name,
    image: runtime.image,
    outcome: 'error',
    remoteDigest: null,
    previousDigest,
    updateAvailable: anyUpdate(engines.map((e) => befores.get(e.name)!.updateAvailable)),
  };
  let remote: string;
  try {
    remote = await lookups.digest(ref);
  } catch (err) {
    if (signal?.aborted) {
      // A shutdown cut the lookup short: not a registry failure, so nothing is recorded.
      report.error = INTERRUPTED;
      return { report };
    }
    if (err instanceof RateLimitedError) state.rateLimited(err.registry, err.retryAt);
    const message = safeText((err as Error).message, { max: 500 });
    ctx.log(`image-auto-refresh: ${runtime.name} digest fetch failed: ${message}`, { level: 'warn', runtime: runtime.name, image: runtime.image });
    for (const engine of engines) ctx.update(runtime.name, engine.name, recordCheckError(befores.get(engine.name)!, message, at));
    report.error = message;
    return { report };
  }

  // Each engine's image in the index, when the digest moved: a move may be a new version for one platform only.
  const platforms = new Map<string, PlatformImage | null>();
  if (remote !== previousDigest) {
    for (const engine of engines) {
      try {
        platforms.set(engine.name, await lookups.platform(ref, remote, engine));
      } catch (err) {
        if (signal?.aborted) {
          report.error = INTERRUPTED;
          return { report };
        }
        // Without the index, a move counts as a new version: a needless refresh is safe, a missed one is not.
        ctx.log(
          `image-auto-refresh: ${runtime.name} could not read the image index: ${safeText((err as Error).message, { max: 300 })}; taking the move as a new version`,
        );
      }
    }
  }
  const indexOnly = (engine: WatchedEngine): PlatformImage | null => {
    const platform = platforms.get(engine.name);
    return previousDigest !== null && platform?.digest && befores.get(engine.name)!.seenPlatformDigest === platform.digest ? platform : null;
  };
  const unchangedFor = engines.filter((e) => indexOnly(e) !== null);
  if (engines.length > 0 && unchangedFor.length === engines.length) {
    // No engine's platform image changed: not a new version anywhere. The first engine's entry tells it.
    engines.forEach((engine, i) => {
      const next = observeIndexMove(befores.get(engine.name)!, remote, indexOnly(engine)!.platform, at);
      if (i === 0) ctx.update(runtime.name, engine.name, next);
      else updateEngineOnly(ctx, runtime.name, engine.name, next);
    });
    ctx.log(
      `image-auto-refresh: ${runtime.name} index moved ${shortDigest(previousDigest)} → ${shortDigest(remote)}; its ${indexOnly(engines[0]!)!.platform} image is unchanged, not a new version`,
    );
    report.outcome = 'unchanged';
    report.remoteDigest = remote;
    report.updateAvailable = anyUpdate(engines.map((e) => state.get(runtime.name, e.name).updateAvailable));
    return { report };
  }

  let outcome: CheckOutcome = previousDigest === null ? 'seeded' : remote === previousDigest ? 'unchanged' : 'moved';
  const refreshing: WatchedEngine[] = [];
  for (const engine of engines) {
    const before = befores.get(engine.name)!;
    const platform = indexOnly(engine);
    if (platform) {
      // A new version for another engine's platform, not for this one's: only its part moves on.
      updateEngineOnly(ctx, runtime.name, engine.name, observeIndexMove(before, remote, platform.platform, at));
      continue;
    }
    let local: LocalView | null = null;
    // Until the engine has answered once, whether the user runs the latest image is unknown.
    if (previousDigest === null || before.updateAvailable === null) {
      try {
        local = await lookups.local(ref, remote, engine);
      } catch {
        // Engine unreachable: the registry answer still counts; no update is claimed.
      }
    }
    const wasUnknown = previousDigest !== null && before.updateAvailable === null;
    const observed = observe(before, remote, local, at);
    outcome = observed.outcome;
    // A new digest: remember this engine's platform image (null for a single image or an unread index).
    const next = remote !== previousDigest ? { ...observed.state, seenPlatformDigest: platforms.get(engine.name)?.digest ?? null } : observed.state;
    ctx.update(runtime.name, engine.name, next);
    const refresh = autoRefresh && wantsRefresh(next, outcome, ctx.now());
    if (refresh) refreshing.push(engine);
    announce(
      {
        runtime,
        outcome,
        state: next,
        previousDigest,
        remote,
        wasUnknown,
        autoRefresh,
        refresh,
        ...(ctx.several ? { engine: engine.name, first: engine === engines[0], engines: engines.map((e) => e.name) } : {}),
      },
      ctx.log,
      ctx.emit,
    );
  }
  report.outcome = outcome;
  report.remoteDigest = remote;
  report.updateAvailable = anyUpdate(engines.map((e) => state.get(runtime.name, e.name).updateAvailable));
  if (refreshing.length === 0) return { report };

  // Not awaited here: a slow or stalled pull must not hold up the other runtimes' checks. Engines refresh in parallel.
  const running = Promise.all(refreshing.map((engine) => ctx.recorder.run(runtime, engine, { signal, retry: true }))).then((recorded) => {
    report.refresh = mergeDetails(
      runtime.name,
      recorded.map((r) => r.detail),
    );
    report.updateAvailable = anyUpdate(engines.map((e) => state.get(runtime.name, e.name).updateAvailable));
  });
  running.catch(() => undefined);
  return { report, refresh: running };
}

/** Only an engine's part moves on: the runtime's side was told by another engine's entry. */
function updateEngineOnly(ctx: CheckContext, runtime: string, engine: string, next: RuntimeState): void {
  ctx.state.setEngine(runtime, engine, next);
  ctx.changed(runtime);
}
