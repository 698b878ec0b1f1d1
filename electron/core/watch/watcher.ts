// What a tick means: look up each watched tag's digest once, compare with what was seen
// before, tell the user when it moves, and (with auto-refresh) refresh that runtime on each
// engine that needs it. Also the user's own refreshes. One runtime's check is in
// check-runtime.ts, state lives in SavedState, recording a refresh in recorder.ts, and the
// schedule in loop.ts.
import type { CheckReport, HistoryEntry, RefreshResult, RuntimeConfig, RuntimeState, RuntimeSummary } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import { RefreshListError, UnknownEngineError, UnknownRuntimeError } from '../errors.js';
import { parseReference, type ImageReference } from '../image/reference.js';
import type { RefreshOptions } from '../refresh/service.js';
import { addDetail, combineDetails, emptyResult } from '../refresh/result.js';
import { SavedState } from '../state/saved-state.js';
import type { StateStore } from '../state/store.js';
import { summarizeRuntime, type StaleEngines } from '../state/summary.js';
import { RefreshRecorder, type Refresher } from './recorder.js';
import { DEFAULT_RETRY, withEntry, type RetryPolicy } from './transitions.js';
import { TickLookups, type LookupFunctions } from './tick-lookups.js';
import type { Log } from '../log.js';
import { checkRuntime, prefetchFacts } from './check-runtime.js';
import { dueRetries, retryNowOn, type RetryView } from './retries.js';
import type { WatchedEngine } from './watched-engine.js';
import { withVersions } from '../versions/summary.js';
import { parseWindow, type UpdateWindow } from '../update/when/window.js';
import type { WhenRules } from '../update/when/hold.js';
import { watchTags, type NewerTagsOf, type TagWatchDeps } from '../versions/tags/watch.js';

/** Tags listed at most every 6 h per repository, unless the settings say otherwise. */
const DEFAULT_TAGS_INTERVAL_MS = 6 * 3600_000;

export interface WatchSettings {
  runtimes: RuntimeConfig[];
  intervalMs: number;
  autoRefresh: boolean;
  concurrency: number;
  /** A repository's tags are listed at most this often (newer version tags); 6 h when not given. */
  tagsIntervalMs?: number;
  /** The update window and cooling-off time of runtimes that set none. */
  window?: string | undefined;
  minAgeMinutes?: number;
}

export interface WatcherDeps {
  settings: () => WatchSettings;
  /**
   * The engines, first one first. Without it there is one engine, `local` (or `engine`), made
   * of `refresher`, `localView` and `platformImage`.
   */
  engines?: () => WatchedEngine[];
  /** The names of the engines a runtime applies to; every engine when not given. */
  enginesOf?: (runtime: RuntimeConfig) => readonly string[];
  /** An engine that does not answer: since when and why (its rows are shown stale). */
  stale?: StaleEngines;
  engine?: string;
  refresher?: Refresher;
  localView?: LookupFunctions['localView'];
  /**
   * When the digest just looked up names a multi-arch index: the engine platform's image in it
   * (one GET of the index). null for a single image, or when the platform is unknown.
   */
  platformImage?: LookupFunctions['platformImage'];
  /** Brings the runtime list up to date (discovery mode) before a check or a refresh. */
  discover?: () => Promise<void>;
  lookupDigest: LookupFunctions['lookupDigest'];
  /** Reads what an image says about itself (its labels), once per digest; versions show as tags or digests without it. */
  readFacts?: LookupFunctions['readFacts'];
  /** Lists a repository's tags (newer version tags); with `newerTagsOf`, what each runtime wants. */
  listTags?: TagWatchDeps['listTags'];
  newerTagsOf?: NewerTagsOf;
  /** Before a tick's lookups: anything that lets them share work (the registries' tokens). */
  prepareLookups?: (refs: ImageReference[], signal?: AbortSignal) => Promise<void>;
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
  /** Only these engines' parts (the CLI's --engine); every engine when absent. */
  engines?: readonly string[];
}

export class Watcher {
  private readonly now: () => number;
  private readonly log: Log;
  private readonly retry: RetryPolicy;
  /** The one home of the runtimes' states and their saving. */
  readonly state: SavedState;
  /** One recorded refresh per runtime and engine at a time: a second request shares the first's outcome. */
  private readonly recorder: RefreshRecorder;
  private loading: Promise<void> | null = null;
  private readonly engines: () => WatchedEngine[];

  constructor(private readonly deps: WatcherDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? (() => undefined);
    this.retry = deps.retry ?? { ...DEFAULT_RETRY, random: deps.random ?? Math.random };
    const one: WatchedEngine = {
      name: deps.engine ?? 'local',
      refresher: deps.refresher ?? { refreshOne: () => Promise.reject(new Error('internal: no refresher')), idle: async () => undefined },
      localView: deps.localView ?? (() => Promise.reject(new Error('internal: no engine'))),
      ...(deps.platformImage ? { platformImage: deps.platformImage } : {}),
    };
    this.engines = deps.engines ?? (() => [one]);
    this.state = new SavedState(deps.store, this.now, () => this.engines()[0]?.name ?? 'local');
    this.recorder = new RefreshRecorder({
      state: this.state,
      retry: this.retry,
      now: this.now,
      log: this.log,
      update: (runtime, engine, next) => this.update(runtime, engine, next),
      several: () => this.several(),
      ...(deps.emit ? { emit: deps.emit } : {}),
    });
  }

  private several(): boolean {
    return this.engines().length > 1;
  }

  /** The engines a runtime applies to, first one first; narrowed to `only` when given. */
  enginesFor(runtime: RuntimeConfig, only?: readonly string[]): WatchedEngine[] {
    const names = this.deps.enginesOf?.(runtime);
    return this.engines().filter((e) => (!names || names.includes(e.name)) && (!only || only.includes(e.name)));
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

  /** A runtime's state on one engine (the first when not named) as it stands; reading adds nothing. */
  stateOf(name: string, engine?: string): RuntimeState {
    return this.state.get(name, engine);
  }

  /** A runtime as the window shows it: with several engines, summed up and per engine. */
  summaryOf(runtime: RuntimeConfig): RuntimeSummary {
    const summary = summarizeRuntime(
      this.state,
      runtime.name,
      this.enginesFor(runtime).map((e) => e.name),
      this.deps.stale,
    );
    const newer = this.state.runtime(runtime.name)?.newerTag;
    return { ...withVersions(summary, runtime, (digest) => this.state.imageFacts(digest)), ...(newer ? { newerTag: newer } : {}) };
  }

  /** The runtimes being refreshed now, on any engine. */
  refreshing(): Set<string> {
    return this.recorder.runtimes();
  }

  /** Told whenever a refresh has been recorded (the loop re-plans its retries then). */
  onRefreshSettled(listener: () => void): () => void {
    return this.recorder.onSettled(listener);
  }

  private update(runtime: string, engine: string, next: RuntimeState): void {
    this.state.set(runtime, engine, next);
    this.changed(runtime);
  }

  private changed(name: string): void {
    if (!this.deps.emit) return;
    const runtime = this.deps.settings().runtimes.find((r) => r.name === name) ?? { name, image: '' };
    this.deps.emit({ type: 'state-changed', runtime: name, state: this.summaryOf(runtime) });
  }

  async tick(options: TickOptions = {}): Promise<CheckReport[]> {
    await this.init();
    await this.deps.discover?.();
    const settings = this.deps.settings();
    const autoRefresh = options.autoRefresh ?? settings.autoRefresh;
    const runtimes = options.only ? settings.runtimes.filter((r) => options.only!.includes(r.name)) : settings.runtimes;
    this.checkEngineNames(options.engines);
    this.deps.emit?.({ type: 'check-started' });

    const lookups = new TickLookups(this.deps, settings.concurrency, options.signal);
    const refs = new Map(runtimes.map((r) => [r.name, parseReference(r.image)]));
    await this.deps.prepareLookups?.([...refs.values()], options.signal);
    // Every lookup starts now (up to the concurrency limit); the runtimes are then taken in order.
    for (const runtime of runtimes) void lookups.digest(refs.get(runtime.name)!);

    const reports: CheckReport[] = [];
    const refreshes: Promise<unknown>[] = [];
    const context = {
      state: this.state,
      recorder: this.recorder,
      several: this.several(),
      now: this.now,
      log: this.log,
      ...(this.deps.emit ? { emit: this.deps.emit } : {}),
      update: (runtime: string, engine: string, next: RuntimeState) => this.update(runtime, engine, next),
      changed: (runtime: string) => this.changed(runtime),
      when: (runtime: RuntimeConfig) => this.whenRules(runtime, settings),
    };
    // Image facts due (a first check, many tags moved at once) are read side by side meanwhile.
    const prefetching = runtimes.map((runtime) =>
      prefetchFacts({ ...context, engines: this.enginesFor(runtime, options.engines) }, runtime, refs.get(runtime.name)!, lookups, options.signal),
    );
    try {
      for (const runtime of runtimes) {
        if (options.signal?.aborted) break;
        const engines = this.enginesFor(runtime, options.engines);
        const checked = await checkRuntime({ ...context, engines }, runtime, refs.get(runtime.name)!, lookups, autoRefresh, options.signal);
        reports.push(checked.report);
        if (checked.refresh) refreshes.push(checked.refresh);
      }
      await Promise.allSettled(prefetching);
      await this.newerTags(runtimes, reports, options.signal);
      await this.state.save();
      if (options.awaitRefreshes !== false) await Promise.all(refreshes);
    } finally {
      this.deps.emit?.({ type: 'check-finished' });
    }
    return reports;
  }

  /** Newer version tags: the repositories due are listed (at most once per interval each); the reports say each runtime's. */
  private async newerTags(runtimes: readonly RuntimeConfig[], reports: CheckReport[], signal: AbortSignal | undefined): Promise<void> {
    const { listTags, newerTagsOf } = this.deps;
    if (!listTags || !newerTagsOf) return;
    const changed = await watchTags(
      {
        state: this.state,
        listTags,
        newerTagsOf,
        intervalMs: this.deps.settings().tagsIntervalMs ?? DEFAULT_TAGS_INTERVAL_MS,
        concurrency: this.deps.settings().concurrency,
        now: this.now,
        log: this.log,
        ...(this.deps.emit ? { emit: this.deps.emit } : {}),
      },
      runtimes,
      signal,
    );
    for (const name of changed) this.changed(name);
    for (const report of reports) {
      const newer = this.state.runtime(report.name)?.newerTag;
      if (newer) report.newerTag = newer.tag;
    }
  }

  /** Parsed update windows by their text: a window is read once, not at every check. */
  private readonly windows = new Map<string, UpdateWindow>();

  private whenRules(runtime: RuntimeConfig, settings: WatchSettings): WhenRules {
    const text = runtime.window ?? settings.window;
    let window: UpdateWindow | null = null;
    if (text !== undefined) {
      window = this.windows.get(text) ?? parseWindow(text);
      this.windows.set(text, window);
    }
    return { window, minAgeMs: (runtime.minAgeMinutes ?? settings.minAgeMinutes ?? 0) * 60_000 };
  }

  private checkEngineNames(names: readonly string[] | undefined): void {
    const known = this.engines().map((e) => e.name);
    const unknown = names?.find((n) => !known.includes(n));
    if (unknown !== undefined) throw new UnknownEngineError(unknown, known);
  }

  /** Adds an entry to a runtime's history (a notification given up) and saves. */
  async note(name: string, entry: HistoryEntry): Promise<void> {
    await this.init();
    const engine = this.engines()[0]?.name;
    if (engine === undefined) return;
    this.update(name, engine, withEntry(this.state.get(name, engine), entry));
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

  /**
   * A user-requested refresh ("Refresh now", the CLI, the admin endpoint): each runtime in turn,
   * on its engines (or only `engines`) at once.
   */
  async refresh(names: readonly string[], options: RefreshOptions & { engines?: readonly string[] } = {}): Promise<RefreshResult> {
    await this.init();
    await this.deps.discover?.();
    this.checkEngineNames(options.engines);
    const runtimes = this.resolveRuntimes(names);
    const { engines: only, ...refreshOptions } = options;
    const result = emptyResult();
    for (const runtime of runtimes) {
      const engines = this.enginesFor(runtime, only);
      if (engines.length === 0) continue;
      const recorded = await Promise.all(engines.map((engine) => this.recorder.run(runtime, engine, { ...refreshOptions, retry: false })));
      addDetail(result, runtime.name, combineDetails(recorded.map((r) => r.detail)));
      // The origin answered a listing failure with 500 and what was done so far.
      const listError = recorded.find((r) => r.listError)?.listError;
      if (listError) throw new RefreshListError(listError.message, result);
    }
    return result;
  }

  /** The earliest retry time among the configured runtimes on their engines, and the runtimes due at `nowMs`. */
  retries(nowMs: number): { earliest: number | null; due: string[] } {
    return dueRetries(this.retryView(), nowMs);
  }

  /**
   * An engine answers again: its refreshes waiting for a retry are due now, so it is caught up
   * at the next check instead of after its backoff. Returns whether any was waiting.
   */
  retryNow(engine: string): boolean {
    return retryNowOn(this.retryView(), engine, this.now());
  }

  private retryView(): RetryView {
    return { state: this.state, runtimes: this.deps.settings().runtimes, enginesOf: (runtime) => this.enginesFor(runtime).map((e) => e.name) };
  }

  /** Waits for refreshes in flight and the last save: nothing is left half done. */
  async settle(): Promise<void> {
    await Promise.all(this.engines().map((e) => e.refresher.idle()));
    await this.recorder.settled();
    await this.state.settled();
  }
}
