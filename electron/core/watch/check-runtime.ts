// One runtime's check: one lookup of its tag, whatever the number of engines, then each engine's
// part: what it holds (until it has answered once), whether the move is a new version for its
// platform, and (with auto-refresh) its refresh, started and not awaited. An engine that does
// not answer fails only its own part; the others go on.
import type { CheckOutcome, CheckReport, RuntimeConfig, RuntimeState, VersionView } from '../../../shared/dto.js';
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
import { earliestWait, holdRefresh, observe, observeIndexMove, recordCheckError, seenSince, wantsRefresh, type LocalView } from './transitions.js';
import { holdUntil, type WhenRules } from '../update/when/hold.js';
import { anyUpdate, type WatchedEngine } from './watched-engine.js';
import { engineFacts, factsDue, failedFacts } from '../versions/read.js';
import { versionView } from '../versions/view.js';

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
  /** The update window and cooling-off time of a runtime's automatic refreshes; none when absent. */
  when?: (runtime: RuntimeConfig) => WhenRules;
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
  await learnFacts(ctx, runtime, ref, lookups, remote, previousDigest, platforms, signal);
  if (signal?.aborted) {
    report.error = INTERRUPTED;
    return { report };
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
    Object.assign(report, reportVersions(runtime, state, remote, state.get(runtime.name, engines[0]!.name).appliedDigest));
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
    // What the engine holds, read from its own copy: the version that runs, at no registry cost.
    if (local?.digest && local.digest !== remote && !state.imageFacts(local.digest)) state.keepImageFacts(local.digest, engineFacts(local.labels, ctx.now()));
    const observed = observe(before, remote, local, at);
    outcome = observed.outcome;
    const versions = versionView(runtime, (d) => state.imageFacts(d), remote, outcome === 'moved' ? previousDigest : observed.state.appliedDigest);
    // A new digest: remember this engine's platform image (null for a single image or an unread index).
    const seenNow = remote !== previousDigest ? { ...observed.state, seenPlatformDigest: platforms.get(engine.name)?.digest ?? null } : observed.state;
    const entered = withEntryVersions(seenNow, at, versions);
    // A wait for a digest that is no longer the tag's, or that already runs, is over.
    const stale = entered.waiting && (entered.waiting.digest !== remote || entered.appliedDigest === remote);
    const versioned = stale ? { ...entered, waiting: null } : entered;
    // An automatic refresh may wait for the update window or the cooling-off time; the user's never do.
    const wanted = autoRefresh && wantsRefresh(versioned, outcome, ctx.now());
    const held = wanted && ctx.when ? holdUntil(ctx.when(runtime), seenSince(versioned), ctx.now()) : null;
    const refresh = wanted && held === null;
    const next = wanted || !autoRefresh ? holdRefresh(versioned, held) : versioned;
    ctx.update(runtime.name, engine.name, next);
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
        ...(held ? { held } : {}),
        ...(versions ? { versions } : {}),
        ...(ctx.several ? { engine: engine.name, first: engine === engines[0], engines: engines.map((e) => e.name) } : {}),
      },
      ctx.log,
      ctx.emit,
    );
  }
  report.outcome = outcome;
  report.remoteDigest = remote;
  report.updateAvailable = anyUpdate(engines.map((e) => state.get(runtime.name, e.name).updateAvailable));
  Object.assign(report, reportVersions(runtime, state, remote, outcome === 'moved' ? previousDigest : state.get(runtime.name, engines[0]?.name).appliedDigest));
  const waiting = earliestWait(engines.map((e) => state.get(runtime.name, e.name).waiting));
  if (waiting) report.waiting = waiting;
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

/**
 * Starts what `checkRuntime` will need of a tag's image facts, so the reads of many tags (a
 * first check, a platform rebuilt at once) run side by side, within each registry's limit,
 * instead of one runtime after another. The lookups it makes are the ones the check then finds
 * done (TickLookups shares them), so it costs no extra request.
 */
export async function prefetchFacts(
  ctx: Pick<CheckContext, 'state' | 'engines' | 'now' | 'log'>,
  runtime: RuntimeConfig,
  ref: ImageReference,
  lookups: TickLookups,
  signal: AbortSignal | undefined,
): Promise<void> {
  const remote = await lookups.digest(ref).catch(() => null);
  if (remote === null || signal?.aborted || !factsDue(ctx.state.imageFacts(remote), ctx.now())) return;
  const previousDigest = ctx.state.get(runtime.name, ctx.engines[0]?.name).seenDigest;
  const first = ctx.engines[0];
  const platforms = new Map<string, PlatformImage | null>();
  if (first && remote !== previousDigest) platforms.set(first.name, await lookups.platform(ref, remote, first).catch(() => null));
  await learnFacts(ctx, runtime, ref, lookups, remote, previousDigest, platforms, signal);
}

/**
 * What the image the tag names says about itself, read once per digest: when the tag moved (or
 * is first seen), and once for a digest seen before this was kept. A move of an index whose
 * platform image stayed the same keeps the facts it had. A failed read is said in the log and
 * tried again a day later; it never fails the check.
 */
async function learnFacts(
  ctx: Pick<CheckContext, 'state' | 'engines' | 'now' | 'log'>,
  runtime: RuntimeConfig,
  ref: ImageReference,
  lookups: TickLookups,
  remote: string,
  previousDigest: string | null,
  platforms: ReadonlyMap<string, PlatformImage | null>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { state } = ctx;
  if (!factsDue(state.imageFacts(remote), ctx.now())) return;
  const first = ctx.engines[0];
  const platform = first ? platforms.get(first.name) : undefined;
  const before = previousDigest ? state.imageFacts(previousDigest) : undefined;
  if (before && !before.error && platform?.digest && first && state.get(runtime.name, first.name).seenPlatformDigest === platform.digest) {
    state.keepImageFacts(remote, before);
    return;
  }
  try {
    const facts = await lookups.facts(ref, remote, platform?.digest ?? null);
    if (facts) state.keepImageFacts(remote, facts);
  } catch (err) {
    // Aborted, or the same failed read already told by the prefetch that shared it.
    if (signal?.aborted || !factsDue(state.imageFacts(remote), ctx.now())) return;
    const failed = failedFacts(err, ctx.now());
    state.keepImageFacts(remote, failed);
    ctx.log(`image-auto-refresh: ${runtime.name} could not read the image's version labels: ${failed.error}; shown by tag or digest, tried again in a day`, {
      level: 'warn',
      runtime: runtime.name,
      image: runtime.image,
    });
  }
}

/** The check report's versions (`check --json`): the latest and what it replaces or what runs. */
function reportVersions(runtime: RuntimeConfig, state: SavedState, remote: string, before: string | null): Partial<CheckReport> {
  const view = versionView(runtime, (d) => state.imageFacts(d), remote, before);
  if (!view) return {};
  return {
    version: view.latest.text,
    versionFrom: view.latest.from,
    ...(view.running ? { previousVersion: view.running.text } : {}),
    ...(view.link ? { link: view.link } : {}),
    ...(view.created ? { created: view.created } : {}),
  };
}

/** The entry this check added (moved, seeded) with the versions people read, when they are more than a digest. */
function withEntryVersions(state: RuntimeState, at: string, view: VersionView | undefined): RuntimeState {
  const last = state.history.at(-1);
  if (!view || !last || last.at !== at || (last.kind !== 'moved' && last.kind !== 'seeded')) return state;
  const named = {
    ...(view.latest.from !== 'digest' ? { version: view.latest.text } : {}),
    ...(view.running && view.running.from !== 'digest' && last.kind === 'moved' ? { previousVersion: view.running.text } : {}),
  };
  if (Object.keys(named).length === 0) return state;
  return { ...state, history: [...state.history.slice(0, -1), { ...last, ...named }] };
}

/** Only an engine's part moves on: the runtime's side was told by another engine's entry. */
function updateEngineOnly(ctx: CheckContext, runtime: string, engine: string, next: RuntimeState): void {
  ctx.state.setEngine(runtime, engine, next);
  ctx.changed(runtime);
}
