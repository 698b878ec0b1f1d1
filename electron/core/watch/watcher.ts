// The watch loop: look up each watched tag's digest, compare with what was seen before,
// tell the user when it moves, and (with auto-refresh) refresh that runtime only.
import { summarize, type CheckReport, type RefreshResult, type RuntimeConfig, type RuntimeRefreshDetail, type RuntimeState } from '../../../shared/dto.js';
import type { EngineEvent } from '../../../shared/events.js';
import type { PersistedState } from '../../../shared/schemas.js';
import { formatReference, parseReference, shortDigest, type ImageReference } from '../image/reference.js';
import { addDetail, emptyResult, type RefreshOptions } from '../refresh/service.js';
import { emptyRuntimeState, type StateStore } from '../state/store.js';
import { Semaphore } from '../util/limit.js';
import { abortableSleep, formatGoDuration } from '../util/time.js';
import { safeText } from '../util/safe-text.js';
import {
  DEFAULT_RETRY,
  HISTORY_LIMIT,
  observe,
  planRetryNow,
  recordCheckError,
  recordRefresh,
  wantsRefresh,
  type LocalView,
  type RetryPolicy,
} from './transitions.js';
import { ContainerListError, RateLimitedError, RefreshListError, UnknownRuntimeError } from '../errors.js';

export interface WatchSettings {
  runtimes: RuntimeConfig[];
  intervalMs: number;
  autoRefresh: boolean;
  concurrency: number;
}

export interface Refresher {
  refreshOne(runtime: RuntimeConfig, options?: RefreshOptions): Promise<RuntimeRefreshDetail>;
  idle(): Promise<void>;
}

export interface WatcherDeps {
  settings: () => WatchSettings;
  lookupDigest: (ref: ImageReference, signal?: AbortSignal) => Promise<string>;
  /** What the engine holds for the tag; throws when the engine cannot be asked. */
  localView: (ref: ImageReference, digest: string) => Promise<LocalView>;
  refresher: Refresher;
  store: StateStore;
  /** Told the registries' 429 waits saved by an earlier run, at load. */
  restoreRateLimits?: (until: Record<string, number>) => void;
  emit?: (event: EngineEvent) => void;
  log?: (line: string) => void;
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

const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

export class Watcher {
  private state: PersistedState | null = null;
  private saving: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly retry: RetryPolicy;

  private waker: AbortController | null = null;
  private rescheduled = false;
  /** One recorded refresh per runtime at a time: a second request shares the first's outcome. */
  private readonly refreshing = new Map<string, Promise<{ detail: RuntimeRefreshDetail; listError?: ContainerListError }>>();

  constructor(private readonly deps: WatcherDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? (() => undefined);
    this.retry = deps.retry ?? { ...DEFAULT_RETRY, random: deps.random ?? Math.random };
  }

  async init(): Promise<void> {
    if (this.state) return;
    const loaded = await this.deps.store.load();
    // A file from elsewhere (or an older bug) may hold more; memory and saves stay bounded.
    for (const runtime of Object.values(loaded.runtimes)) {
      if (runtime.history.length > HISTORY_LIMIT) runtime.history.splice(0, runtime.history.length - HISTORY_LIMIT);
    }
    const now = this.now();
    const limits = Object.fromEntries(
      Object.entries(loaded.rateLimits ?? {})
        .map(([registry, at]) => [registry, Date.parse(at)] as const)
        .filter(([, at]) => at > now),
    );
    if (Object.keys(limits).length) this.deps.restoreRateLimits?.(limits);
    this.state ??= loaded;
  }

  private rememberRateLimit(err: unknown): void {
    if (!(err instanceof RateLimitedError)) return;
    const now = this.now();
    const kept = Object.entries(this.loaded.rateLimits ?? {}).filter(([, at]) => Date.parse(at) > now);
    this.loaded.rateLimits = Object.fromEntries([...kept, [err.registry, new Date(err.retryAt).toISOString()]]);
  }

  private get loaded(): PersistedState {
    if (!this.state) throw new Error('watcher used before init()');
    return this.state;
  }

  runtimeState(name: string): RuntimeState {
    const runtimes = this.loaded.runtimes;
    runtimes[name] ??= emptyRuntimeState();
    return runtimes[name];
  }

  snapshot(): PersistedState {
    return structuredClone(this.loaded);
  }

  /** Writes are chained so an older snapshot never lands after a newer one. */
  private persist(): Promise<void> {
    const snapshot = this.snapshot();
    this.saving = this.saving.catch(() => undefined).then(() => this.deps.store.save(snapshot));
    return this.saving;
  }

  private changed(runtime: string): void {
    this.deps.emit?.({ type: 'state-changed', runtime, state: summarize(this.runtimeState(runtime)) });
  }

  async tick(options: TickOptions = {}): Promise<CheckReport[]> {
    await this.init();
    const settings = this.deps.settings();
    const autoRefresh = options.autoRefresh ?? settings.autoRefresh;
    const runtimes = options.only ? settings.runtimes.filter((r) => options.only!.includes(r.name)) : settings.runtimes;
    this.deps.emit?.({ type: 'check-started' });

    // Runtimes sharing a reference cost one lookup per tick.
    const limit = new Semaphore(settings.concurrency);
    const lookups = new Map<string, Promise<string>>();
    const lookup = (ref: ImageReference): Promise<string> => {
      const key = formatReference(ref);
      let pending = lookups.get(key);
      if (!pending) {
        pending = limit.run(() => this.deps.lookupDigest(ref, options.signal));
        pending.catch(() => undefined);
        lookups.set(key, pending);
      }
      return pending;
    };
    const refs = new Map(runtimes.map((r) => [r.name, parseReference(r.image)]));
    for (const runtime of runtimes) void lookup(refs.get(runtime.name)!);

    const reports: CheckReport[] = [];
    const refreshes: Promise<unknown>[] = [];
    try {
      for (const runtime of runtimes) {
        if (options.signal?.aborted) break;
        const report = await this.checkOne(runtime, refs.get(runtime.name)!, lookup, autoRefresh, options.signal);
        reports.push(report.report);
        if (report.refresh) refreshes.push(report.refresh);
      }
      await this.persist();
      if (options.awaitRefreshes !== false) await Promise.all(refreshes);
    } finally {
      this.deps.emit?.({ type: 'check-finished' });
    }
    return reports;
  }

  private async checkOne(
    runtime: RuntimeConfig,
    ref: ImageReference,
    lookup: (ref: ImageReference) => Promise<string>,
    autoRefresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ report: CheckReport; refresh?: Promise<void> }> {
    const state = this.runtimeState(runtime.name);
    const at = new Date(this.now()).toISOString();
    const previousDigest = state.seenDigest;
    const report: CheckReport = {
      name: runtime.name,
      image: runtime.image,
      outcome: 'error',
      remoteDigest: null,
      previousDigest,
      updateAvailable: state.updateAvailable,
    };
    let remote: string;
    try {
      remote = await lookup(ref);
    } catch (err) {
      if (signal?.aborted) {
        // A shutdown cut the lookup short: not a registry failure, so nothing is recorded.
        report.error = 'interrupted: imagewatch is stopping';
        return { report };
      }
      this.rememberRateLimit(err);
      const message = safeText((err as Error).message, { max: 500 });
      this.log(`image-auto-refresh: ${runtime.name} digest fetch failed: ${message}`);
      recordCheckError(state, message, at);
      this.changed(runtime.name);
      report.error = message;
      return { report };
    }

    let local: LocalView | null = null;
    // Until the engine has answered once, whether the user runs the latest image is unknown.
    if (previousDigest === null || state.updateAvailable === null) {
      try {
        local = await this.deps.localView(ref, remote);
      } catch {
        // Engine unreachable: the registry answer still counts; no update is claimed.
      }
    }
    const wasUnknown = previousDigest !== null && state.updateAvailable === null;
    const outcome = observe(state, remote, local, at);
    report.outcome = outcome;
    report.remoteDigest = remote;
    const refresh = autoRefresh && wantsRefresh(state, outcome, this.now());
    if (outcome === 'moved') {
      this.deps.emit?.({ type: 'digest-moved', runtime: runtime.name, image: runtime.image, from: previousDigest!, to: remote });
      const action = refresh ? 'refreshing' : autoRefresh ? 'already applied' : 'auto-refresh off, update available';
      this.log(`image-auto-refresh: ${runtime.name} digest moved ${shortDigest(previousDigest)} → ${shortDigest(remote)}, ${action}`);
    } else if (outcome === 'seeded' && state.updateAvailable) {
      this.log(`image-auto-refresh: ${runtime.name} seeded at ${shortDigest(remote)}; local image differs, update available`);
      this.deps.emit?.({ type: 'update-found', runtime: runtime.name, image: runtime.image, digest: remote });
    } else if (outcome === 'seeded' && state.updateAvailable === null) {
      this.log(`image-auto-refresh: ${runtime.name} seeded at ${shortDigest(remote)}; engine unreachable, update unknown until it answers`);
    } else if (wasUnknown && state.updateAvailable) {
      this.log(`image-auto-refresh: ${runtime.name} engine reachable again; local image differs from ${shortDigest(remote)}, update available`);
      this.deps.emit?.({ type: 'update-found', runtime: runtime.name, image: runtime.image, digest: remote });
    }
    this.changed(runtime.name);
    report.updateAvailable = state.updateAvailable;

    if (!refresh) return { report };
    if (outcome !== 'moved') {
      this.log(`image-auto-refresh: ${runtime.name} retrying refresh to ${shortDigest(remote)} (attempt ${(state.retry?.attempt ?? 0) + 1})`);
    }
    // Not awaited here: a slow or stalled pull must not hold up the other runtimes' checks.
    const running = this.runRefresh(runtime, { signal, retry: true }).then(({ detail }) => {
      report.refresh = addDetail(emptyResult(), runtime.name, detail);
      report.updateAvailable = state.updateAvailable;
    });
    running.catch(() => undefined);
    return { report, refresh: running };
  }

  private runRefresh(
    runtime: RuntimeConfig,
    options: RefreshOptions & { retry: boolean },
  ): Promise<{ detail: RuntimeRefreshDetail; listError?: ContainerListError }> {
    const running = this.refreshing.get(runtime.name);
    if (running) return running;
    const work = this.recordedRefresh(runtime, options).finally(() => {
      this.refreshing.delete(runtime.name);
      // The loop re-plans: a failed refresh has just set its retry time.
      this.waker?.abort();
    });
    this.refreshing.set(runtime.name, work);
    return work;
  }

  private async recordedRefresh(
    runtime: RuntimeConfig,
    options: RefreshOptions & { retry: boolean },
  ): Promise<{ detail: RuntimeRefreshDetail; listError?: ContainerListError }> {
    const state = this.runtimeState(runtime.name);
    const target = state.seenDigest;
    let detail: RuntimeRefreshDetail;
    let listError: ContainerListError | undefined;
    this.deps.emit?.({ type: 'refresh-started', runtime: runtime.name });
    try {
      detail = await this.deps.refresher.refreshOne(runtime, options);
    } catch (err) {
      if (err instanceof ContainerListError) listError = err;
      detail = { image: runtime.image, ok: false, error: (err as Error).message, containers: [] };
    }
    const touched = detail.containers.some((c) => c.action === 'replaced' || c.action === 'removed');
    if (!detail.ok && options.signal?.aborted && !touched) {
      // Cut short by a shutdown before any container changed: not a failure; the next start retries.
      if (options.retry) planRetryNow(state, target, this.now());
      this.log(`image-auto-refresh: ${runtime.name} refresh interrupted by shutdown${options.retry ? '; retried on the next start' : ''}`);
      this.deps.emit?.({ type: 'refresh-finished', runtime: runtime.name, detail });
      this.changed(runtime.name);
      await this.persist();
      return { detail };
    }
    recordRefresh(state, target, detail, this.now(), options.retry ? this.retry : null);
    const recorded = state.history.at(-1);
    if (detail.ok && recorded?.kind === 'refreshed' && recorded.message) this.log(`image-auto-refresh: ${runtime.name} warning: ${recorded.message}`);
    const recreated = detail.containers.filter((c) => c.action === 'replaced' || c.action === 'removed').map((c) => c.name);
    const pulled = detail.imageIdAfter ? [runtime.name] : [];
    if (detail.ok) {
      this.log(`image-auto-refresh: ${runtime.name} pulled=${goList(pulled)} recreated=${goList(recreated)} failed=[]`);
    } else {
      const next = state.retry && options.retry ? `; retry at ${state.retry.nextAt}` : '';
      this.log(`image-auto-refresh: ${runtime.name} refresh failed: ${detail.error} (pulled=${goList(pulled)} recreated=${goList(recreated)})${next}`);
    }
    this.deps.emit?.({ type: 'refresh-finished', runtime: runtime.name, detail });
    this.changed(runtime.name);
    await this.persist();
    return listError ? { detail, listError } : { detail };
  }

  /** Re-plans the loop's next wake-up after a settings change. */
  wake(): void {
    this.rescheduled = true;
    this.waker?.abort();
  }

  /** Drops a removed runtime's state. */
  forget(name: string): Promise<void> {
    delete this.loaded.runtimes[name];
    return this.persist();
  }

  resolveRuntimes(names: readonly string[]): RuntimeConfig[] {
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
    const runtimes = this.resolveRuntimes(names);
    const result = emptyResult();
    for (const runtime of runtimes) {
      const { detail, listError } = await this.runRefresh(runtime, { ...options, retry: false });
      addDetail(result, runtime.name, detail);
      // The origin answered a listing failure with 500 and what was done so far.
      if (listError) throw new RefreshListError(listError.message, result);
    }
    return result;
  }

  private nextRetryAt(): number | null {
    let earliest: number | null = null;
    for (const runtime of this.deps.settings().runtimes) {
      const at = this.loaded.runtimes[runtime.name]?.retry?.nextAt;
      if (at === undefined) continue;
      const ms = Date.parse(at);
      if (earliest === null || ms < earliest) earliest = ms;
    }
    return earliest;
  }

  private dueRetries(nowMs: number): string[] {
    return this.deps
      .settings()
      .runtimes.filter((r) => {
        const at = this.loaded.runtimes[r.name]?.retry?.nextAt;
        return at !== undefined && Date.parse(at) <= nowMs;
      })
      .map((r) => r.name);
  }

  /** Runs until `signal` aborts; then waits for any refresh in flight so no container is left half-replaced. */
  async run(signal: AbortSignal): Promise<void> {
    await this.init();
    const first = this.deps.settings();
    this.log(`image-auto-refresh: started (interval=${formatGoDuration(first.intervalMs)}, runtimes=${first.runtimes.length})`);
    const random = this.deps.random ?? Math.random;
    let nextTick = this.now();
    while (!signal.aborted) {
      const settings = this.deps.settings();
      const now = this.now();
      if (now >= nextTick) {
        await this.tick({ signal, awaitRefreshes: false }).catch((err: unknown) => this.log(`image-auto-refresh: tick failed: ${(err as Error).message}`));
        // Small jitter keeps many installs from hitting a registry in the same second.
        const jitter = Math.round(random() * Math.min(settings.intervalMs * 0.1, 30_000));
        nextTick = this.now() + settings.intervalMs + jitter;
      } else {
        const due = settings.autoRefresh ? this.dueRetries(now) : [];
        if (due.length)
          await this.tick({ signal, only: due, awaitRefreshes: false }).catch((err: unknown) =>
            this.log(`image-auto-refresh: retry failed: ${(err as Error).message}`),
          );
      }
      const retryAt = settings.autoRefresh ? this.nextRetryAt() : null;
      const wakeAt = retryAt !== null && retryAt > this.now() ? Math.min(nextTick, retryAt) : nextTick;
      const waker = new AbortController();
      this.waker = waker;
      await abortableSleep(Math.max(0, wakeAt - this.now()), AbortSignal.any([signal, waker.signal]));
      this.waker = null;
      if (this.rescheduled) {
        this.rescheduled = false;
        // New settings (interval, auto-refresh) apply from now, not after the old sleep.
        nextTick = Math.min(nextTick, this.now() + this.deps.settings().intervalMs);
      }
    }
    await this.deps.refresher.idle();
    await this.saving.catch(() => undefined);
    this.log(`image-auto-refresh: stopping (${String(signal.reason instanceof Error ? signal.reason.message : (signal.reason ?? 'stopped'))})`);
  }
}
