// Recording refreshes: one per runtime and engine at a time (a second request shares the
// first's outcome), its result turned into the runtime's next state on that engine, the
// origin's log lines, and the events the window and notifications follow.
import type { Log } from '../log.js';
import { changedContainers, type HistoryEntry, type RuntimeConfig, type RuntimeRefreshDetail, type RuntimeState } from '../../../shared/dto.js';
import { tryParseReference } from '../image/reference.js';
import { versionLabel } from '../versions/view.js';
import type { CoreEvent } from '../../../shared/events.js';
import { ContainerListError } from '../errors.js';
import type { RefreshOptions } from '../refresh/service.js';
import type { SavedState } from '../state/saved-state.js';
import { planRetryNow, recordRefresh, type RetryPolicy } from './transitions.js';
import { InFlight } from '../refresh/in-flight.js';
import type { Refresher, WatchedEngine } from './watched-engine.js';

export type { Refresher };

export type Recorded = { detail: RuntimeRefreshDetail; listError?: ContainerListError };

export interface RecorderDeps {
  state: SavedState;
  retry: RetryPolicy;
  now: () => number;
  log: Log;
  emit?: (event: CoreEvent) => void;
  update: (runtime: string, engine: string, next: RuntimeState) => void;
  /** Whether imagewatch acts on more than one engine: then lines, events and history name the engine. */
  several: () => boolean;
}

const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

export class RefreshRecorder {
  /** What is refreshing now: the one place the window, the tray and the CLI learn it from. */
  private readonly refreshing = new InFlight<Recorded>();
  private readonly settledListeners = new Set<() => void>();

  constructor(private readonly deps: RecorderDeps) {}

  /** Told whenever a refresh has been recorded (the loop re-plans its retries then). */
  onSettled(listener: () => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /** Resolves once every refresh being recorded has been. */
  settled(): Promise<void> {
    return this.refreshing.idle();
  }

  /** The runtimes refreshing now, on any engine. */
  runtimes(): Set<string> {
    return this.refreshing.runtimes();
  }

  /** Whether this runtime is refreshing on this engine now. */
  has(runtime: string, engine: string): boolean {
    return this.refreshing.has(engine, runtime);
  }

  run(runtime: RuntimeConfig, engine: WatchedEngine, options: RefreshOptions & { retry: boolean }): Promise<Recorded> {
    return this.refreshing.run(engine.name, runtime.name, (done) =>
      this.record(runtime, engine, options, done).finally(() => {
        for (const listener of this.settledListeners) listener();
      }),
    );
  }

  /** `done` takes the runtime out of what is refreshing, just before its refresh-finished is told. */
  private async record(runtime: RuntimeConfig, engine: WatchedEngine, options: RefreshOptions & { retry: boolean }, done: () => void): Promise<Recorded> {
    const { state, now } = this.deps;
    const several = this.deps.several();
    // With several engines, lines, events and history say which engine: "app on nas".
    const who = several ? `${runtime.name} on ${engine.name}` : runtime.name;
    const tag = several ? { engine: engine.name } : {};
    const fields = { runtime: runtime.name, image: runtime.image, ...tag };
    // A move to another tag aims at that tag's digest, which the pull says; not at the watched tag's.
    const target = options.toTag ? null : state.get(runtime.name, engine.name).seenDigest;
    let detail: RuntimeRefreshDetail;
    let listError: ContainerListError | undefined;
    this.deps.emit?.({ type: 'refresh-started', runtime: runtime.name, ...tag });
    try {
      detail = await engine.refresher.refreshOne(runtime, { ...options, previousImages: state.get(runtime.name, engine.name).previousImages ?? [] });
    } catch (err) {
      if (err instanceof ContainerListError) listError = err;
      detail = { image: runtime.image, ok: false, error: (err as Error).message, containers: [] };
    }
    if (several) detail = { ...detail, engine: engine.name };
    const recreated = changedContainers(detail);
    if (detail.refused) {
      // Nothing was tried (a move compose would undo): said, and nothing recorded as a failure of the runtime.
      this.deps.log(`image-auto-refresh: ${who} ${detail.error}`, { level: 'warn', ...fields });
      done();
      this.deps.emit?.({ type: 'refresh-finished', runtime: runtime.name, detail, ...tag });
      return { detail };
    }
    if (!detail.ok && options.signal?.aborted && recreated.length === 0) {
      // Cut short by a shutdown before any container changed: not a failure; the next start retries.
      if (options.retry) this.deps.update(runtime.name, engine.name, planRetryNow(state.get(runtime.name, engine.name), target, now()));
      this.deps.log(`image-auto-refresh: ${who} refresh interrupted by shutdown${options.retry ? '; retried on the next start' : ''}`, {
        level: 'warn',
        ...fields,
      });
      done();
      this.deps.emit?.({ type: 'refresh-finished', runtime: runtime.name, detail, ...tag });
      await state.save();
      return { detail };
    }
    const refreshed = recordRefresh(state.get(runtime.name, engine.name), target, detail, now(), options.retry ? this.deps.retry : null);
    const moved = options.toTag && detail.ok ? movedToTag(refreshed, runtime, options.toTag, detail) : refreshed;
    // The images kept for a rollback (or to clean after the next refresh) are this engine's to remember.
    const recordedState = detail.cleanup ? { ...moved, previousImages: detail.cleanup.previous } : moved;
    // What runs now, as people read it, when the image (or its tag) says more than its digest.
    const ran =
      detail.ok && recordedState.appliedDigest
        ? versionLabel(state.imageFacts(recordedState.appliedDigest), recordedState.appliedDigest, options.toTag ?? tagOf(runtime))
        : null;
    const version = ran && ran.from !== 'digest' ? ran.text : undefined;
    const named = version ? withLastEntry(recordedState, { version }) : recordedState;
    const next = several ? withLastEntry(named, { engine: engine.name }) : named;
    this.deps.update(runtime.name, engine.name, next);
    // Moved to the newer tag: it is no longer newer than what is watched.
    if (options.toTag && detail.ok) state.setNewerTag(runtime.name, null);
    const recorded = next.history.at(-1);
    if (detail.ok && recorded?.kind === 'refreshed' && recorded.message)
      this.deps.log(`image-auto-refresh: ${who} warning: ${recorded.message}`, { level: 'warn', ...fields });
    const pulled = detail.imageIdAfter ? [runtime.name] : [];
    if (detail.ok && detail.deferred) {
      const retryAt = next.retry && options.retry ? `; tried again at ${next.retry.nextAt}` : '';
      this.deps.log(`image-auto-refresh: ${who} update put off: ${detail.deferred}${retryAt}`, { level: 'warn', ...fields });
    }
    if (detail.ok) {
      this.deps.log(`image-auto-refresh: ${who} pulled=${goList(pulled)} recreated=${goList(recreated)} failed=[]`, {
        ...fields,
        ...(detail.digest ? { digest: detail.digest } : {}),
        ...(recreated.length ? { container: recreated.join(',') } : {}),
      });
    } else {
      const retryAt = next.retry && options.retry ? `; retry at ${next.retry.nextAt}` : '';
      this.deps.log(`image-auto-refresh: ${who} refresh failed: ${detail.error} (pulled=${goList(pulled)} recreated=${goList(recreated)})${retryAt}`, {
        level: 'error',
        ...fields,
      });
    }
    done();
    this.deps.emit?.({ type: 'refresh-finished', runtime: runtime.name, detail, ...tag, ...(version ? { version } : {}) });
    await state.save();
    return listError ? { detail, listError } : { detail };
  }
}

/**
 * After a move to another tag: that tag's digest is what the runtime now follows and runs, so
 * the next check of the new tag finds nothing moved; the history says the move.
 */
function movedToTag(state: RuntimeState, runtime: RuntimeConfig, tag: string, detail: RuntimeRefreshDetail): RuntimeState {
  const from = tagOf(runtime) ?? 'latest';
  const seenDigest = detail.digest ?? state.seenDigest;
  return {
    ...withLastEntry(state, { message: `moved from tag ${from} to ${tag}` }),
    seenDigest,
    appliedDigest: seenDigest,
    updateAvailable: false,
    seenPlatformDigest: null,
  };
}

/** The state with more said in its newest history entry (the engine it is about, the version it brought). */
function withLastEntry(state: RuntimeState, more: Partial<HistoryEntry>): RuntimeState {
  const last = state.history.at(-1);
  if (!last) return state;
  return { ...state, history: [...state.history.slice(0, -1), { ...last, ...more }] };
}

const tagOf = (runtime: RuntimeConfig): string | undefined => tryParseReference(runtime.image)?.tag;
