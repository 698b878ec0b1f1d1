// What a tick means: look up each watched tag's digest, compare with what was seen before,
// tell the user when it moves, and (with auto-refresh) refresh that runtime only. Also the
// user's own refreshes. State lives in SavedState, recording a refresh in recorder.ts, and
// the schedule in loop.ts.
import { summarize, type CheckReport, type HistoryEntry, type RefreshResult, type RuntimeConfig, type RuntimeState } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import { RateLimitedError, RefreshListError, UnknownRuntimeError } from '../errors.js';
import { shortDigest } from '../../../shared/digest.js';
import { parseReference, type ImageReference } from '../image/reference.js';
import { addDetail, emptyResult, type RefreshOptions } from '../refresh/service.js';
import { SavedState } from '../state/saved-state.js';
import type { StateStore } from '../state/store.js';
import { safeText } from '../util/safe-text.js';
import { RefreshRecorder, type Refresher } from './recorder.js';
import { DEFAULT_RETRY, observe, observeIndexMove, recordCheckError, wantsRefresh, withEntry, type LocalView, type RetryPolicy } from './transitions.js';
import type { PlatformImage } from '../registry/platform-lookup.js';
import { TickLookups, type LookupFunctions } from './tick-lookups.js';
import type { Log } from '../log.js';
import { announce } from './announce.js';

export interface WatchSettings {
  runtimes: RuntimeConfig[];
  intervalMs: number;
  autoRefresh: boolean;
  concurrency: number;
}

export interface WatcherDeps {
  settings: () => WatchSettings;
  /** The engine's name; `local` when not given. */
  engine?: string;
  /** Brings the runtime list up to date (discovery mode) before a check or a refresh. */
  discover?: () => Promise<void>;
  lookupDigest: LookupFunctions['lookupDigest'];
  /**
   * When the digest just looked up names a multi-arch index: the engine platform's image in it
   * (one GET of the index). null for a single image, or when the platform is unknown.
   */
  platformImage?: LookupFunctions['platformImage'];
  /** Before a tick's lookups: anything that lets them share work (the registries' tokens). */
  prepareLookups?: (refs: ImageReference[], signal?: AbortSignal) => Promise<void>;
  /** What the engine holds for the tag; throws when the engine cannot be asked. */
  localView: LookupFunctions['localView'];
  refresher: Refresher;
  store: StateStore;
  /** Told the registries' 429 waits saved by an earlier run, at load. */
  restoreRateLimits?: (until: Record<string, number>) => void;
  emit?: (event: CoreEvent) => void;
  log?: Log;
  now?: () => number;
  random?: () => number;
  retry?: RetryPolicy;
}

export interface TickOptions {
  /** Only these runtimes (used for retry wake-ups, so others cost no registry call). */
  only?: readonly string[];
  signal?: AbortSignal;
  /** Overrides the setting for this tick (the CLI's --auto-refresh). */
  autoRefresh?: boolean;
  /**
   * false: return once every runtime is checked, leaving refreshes to finish on their own (the
   * loop, so a slow pull never delays the next check). Default: the reports include them.
   */
  awaitRefreshes?: boolean;
}

export class Watcher {
  private readonly now: () => number;
  private readonly log: Log;
  private readonly retry: RetryPolicy;
  /** The one home of the runtimes' states and their saving. */
  readonly state: SavedState;
  /** One recorded refresh per runtime at a time: a second request shares the first's outcome. */
  private readonly recorder: RefreshRecorder;
  private loading: Promise<void> | null = null;

  constructor(private readonly deps: WatcherDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? (() => undefined);
    this.retry = deps.retry ?? { ...DEFAULT_RETRY, random: deps.random ?? Math.random };
    this.state = new SavedState(deps.store, this.now);
    this.recorder = new RefreshRecorder({
      engine: deps.engine ?? 'local',
      state: this.state,
      refresher: deps.refresher,
      retry: this.retry,
      now: this.now,
      log: this.log,
      update: (runtime, next) => this.update(runtime, next),
      ...(deps.emit ? { emit: deps.emit } : {}),
    });
  }

  /** Loads the saved state (once) and hands its 429 waits to the registry client. */
  init(): Promise<void> {
    // Once: every tick and refresh awaits this, and the saved waits matter only at load.
    this.loading ??= this.state.load().then(() => {
      const limits = this.state.rateLimits();
      if (Object.keys(limits).length) this.deps.restoreRateLimits?.(limits);
    });
    // A failed load (an unreadable disk) is tried again by the next caller.
    this.loading.catch(() => (this.loading = null));
    return this.loading;
  }

  /** A runtime's state as it stands; reading adds nothing. */
  stateOf(name: string): RuntimeState {
    return this.state.get(name);
  }

  /** The runtimes being refreshed now. */
  refreshing(): Set<string> {
    return this.recorder.runtimes();
  }

  /** Told whenever a refresh has been recorded (the loop re-plans its retries then). */
  onRefreshSettled(listener: () => void): () => void {
    return this.recorder.onSettled(listener);
  }

  private update(runtime: string, next: RuntimeState): void {
    this.state.set(runtime, next);
    this.deps.emit?.({ type: 'state-changed', runtime, state: summarize(next) });
  }

  async tick(options: TickOptions = {}): Promise<CheckReport[]> {
    await this.init();
    await this.deps.discover?.();
    const settings = this.deps.settings();
    const autoRefresh = options.autoRefresh ?? settings.autoRefresh;
    const runtimes = options.only ? settings.runtimes.filter((r) => options.only!.includes(r.name)) : settings.runtimes;
    this.deps.emit?.({ type: 'check-started' });

    const lookups = new TickLookups(this.deps, settings.concurrency, options.signal);
    const refs = new Map(runtimes.map((r) => [r.name, parseReference(r.image)]));
    await this.deps.prepareLookups?.([...refs.values()], options.signal);
    // Every lookup starts now (up to the concurrency limit); the runtimes are then taken in order.
    for (const runtime of runtimes) void lookups.digest(refs.get(runtime.name)!);

    const reports: CheckReport[] = [];
    const refreshes: Promise<unknown>[] = [];
    try {
      for (const runtime of runtimes) {
        if (options.signal?.aborted) break;
        const report = await this.checkOne(runtime, refs.get(runtime.name)!, lookups, autoRefresh, options.signal);
        reports.push(report.report);
        if (report.refresh) refreshes.push(report.refresh);
      }
      await this.state.save();
      if (options.awaitRefreshes !== false) await Promise.all(refreshes);
    } finally {
      this.deps.emit?.({ type: 'check-finished' });
    }
    return reports;
  }

  private async checkOne(
    runtime: RuntimeConfig,
    ref: ImageReference,
    lookups: TickLookups,
    autoRefresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ report: CheckReport; refresh?: Promise<void> }> {
    const before = this.state.get(runtime.name);
    const at = new Date(this.now()).toISOString();
    const previousDigest = before.seenDigest;
    const report: CheckReport = {
      name: runtime.name,
      image: runtime.image,
      outcome: 'error',
      remoteDigest: null,
      previousDigest,
      updateAvailable: before.updateAvailable,
    };
    let remote: string;
    try {
      remote = await lookups.digest(ref);
    } catch (err) {
      if (signal?.aborted) {
        // A shutdown cut the lookup short: not a registry failure, so nothing is recorded.
        report.error = 'interrupted: imagewatch is stopping';
        return { report };
      }
      if (err instanceof RateLimitedError) this.state.rateLimited(err.registry, err.retryAt);
      const message = safeText((err as Error).message, { max: 500 });
      this.log(`image-auto-refresh: ${runtime.name} digest fetch failed: ${message}`, { level: 'warn', runtime: runtime.name, image: runtime.image });
      this.update(runtime.name, recordCheckError(this.state.get(runtime.name), message, at));
      report.error = message;
      return { report };
    }

    let platform: PlatformImage | null = null;
    if (remote !== previousDigest) {
      try {
        platform = await lookups.platform(ref, remote);
      } catch (err) {
        if (signal?.aborted) {
          report.error = 'interrupted: imagewatch is stopping';
          return { report };
        }
        // Without the index, a move counts as a new version: a needless refresh is safe, a missed one is not.
        this.log(
          `image-auto-refresh: ${runtime.name} could not read the image index: ${safeText((err as Error).message, { max: 300 })}; taking the move as a new version`,
        );
      }
    }
    if (previousDigest !== null && platform?.digest && before.seenPlatformDigest === platform.digest) {
      const next = observeIndexMove(this.state.get(runtime.name), remote, platform.platform, at);
      this.update(runtime.name, next);
      this.log(
        `image-auto-refresh: ${runtime.name} index moved ${shortDigest(previousDigest)} → ${shortDigest(remote)}; its ${platform.platform} image is unchanged, not a new version`,
      );
      report.outcome = 'unchanged';
      report.remoteDigest = remote;
      report.updateAvailable = next.updateAvailable;
      return { report };
    }

    let local: LocalView | null = null;
    // Until the engine has answered once, whether the user runs the latest image is unknown.
    if (previousDigest === null || before.updateAvailable === null) {
      try {
        local = await lookups.local(ref, remote);
      } catch {
        // Engine unreachable: the registry answer still counts; no update is claimed.
      }
    }
    const wasUnknown = previousDigest !== null && before.updateAvailable === null;
    const observed = observe(this.state.get(runtime.name), remote, local, at);
    const { outcome } = observed;
    // A new digest: remember its platform image (null for a single image or an unread index).
    const state = remote !== previousDigest ? { ...observed.state, seenPlatformDigest: platform?.digest ?? null } : observed.state;
    this.update(runtime.name, state);
    report.outcome = outcome;
    report.remoteDigest = remote;
    const refresh = autoRefresh && wantsRefresh(state, outcome, this.now());
    announce({ runtime, outcome, state, previousDigest, remote, wasUnknown, autoRefresh, refresh }, this.log, this.deps.emit);
    report.updateAvailable = state.updateAvailable;
    if (!refresh) return { report };

    // Not awaited here: a slow or stalled pull must not hold up the other runtimes' checks.
    const running = this.recorder.run(runtime, { signal, retry: true }).then(({ detail }) => {
      report.refresh = addDetail(emptyResult(), runtime.name, detail);
      report.updateAvailable = this.state.get(runtime.name).updateAvailable;
    });
    running.catch(() => undefined);
    return { report, refresh: running };
  }

  /** Adds an entry to a runtime's history (a notification given up) and saves. */
  async note(name: string, entry: HistoryEntry): Promise<void> {
    await this.init();
    this.update(name, withEntry(this.state.get(name), entry));
    await this.state.save();
  }

  /** Drops a removed runtime's state. */
  forget(name: string): Promise<void> {
    return this.state.forget(name);
  }

  private resolveRuntimes(names: readonly string[]): RuntimeConfig[] {
    const all = this.deps.settings().runtimes;
    if (names.length === 0) return all;
    return names.map((name) => {
      const found = all.find((r) => r.name === name);
      if (!found)
        throw new UnknownRuntimeError(
          name,
          all.map((r) => r.name),
        );
      return found;
    });
  }

  /** A user-requested refresh ("Refresh now", the CLI, the admin endpoint). */
  async refresh(names: readonly string[], options: RefreshOptions = {}): Promise<RefreshResult> {
    await this.init();
    await this.deps.discover?.();
    const runtimes = this.resolveRuntimes(names);
    const result = emptyResult();
    for (const runtime of runtimes) {
      const { detail, listError } = await this.recorder.run(runtime, { ...options, retry: false });
      addDetail(result, runtime.name, detail);
      // The origin answered a listing failure with 500 and what was done so far.
      if (listError) throw new RefreshListError(listError.message, result);
    }
    return result;
  }

  /** The earliest retry time among the configured runtimes, and those due at `nowMs`. */
  retries(nowMs: number): { earliest: number | null; due: string[] } {
    let earliest: number | null = null;
    const due: string[] = [];
    for (const runtime of this.deps.settings().runtimes) {
      const at = this.state.get(runtime.name).retry?.nextAt;
      if (at === undefined) continue;
      const ms = Date.parse(at);
      if (earliest === null || ms < earliest) earliest = ms;
      if (ms <= nowMs) due.push(runtime.name);
    }
    return { earliest, due };
  }

  /** Waits for refreshes in flight and the last save: nothing is left half done. */
  async settle(): Promise<void> {
    await this.deps.refresher.idle();
    await this.recorder.settled();
    await this.state.settled();
  }
}
