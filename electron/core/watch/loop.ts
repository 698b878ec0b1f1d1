// The schedule: one tick at start, then one per interval (with a little jitter), retries
// woken at their time, and a settings change applied from now. On stop it waits for what is
// in flight, so no container is left half-replaced.
import { linkedSignal } from '../util/linked-signal.js';
import { abortableSleep, formatGoDuration } from '../util/time.js';
import type { Watcher, WatchSettings } from './watcher.js';

export interface LoopDeps {
  settings: () => WatchSettings;
  log?: (line: string) => void;
  now?: () => number;
  random?: () => number;
}

export class WatchLoop {
  private waker: AbortController | null = null;
  private rescheduled = false;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly watcher: Watcher,
    private readonly deps: LoopDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? (() => undefined);
  }

  /** Re-plans the next wake-up after a settings change. */
  wake(): void {
    this.rescheduled = true;
    this.waker?.abort();
  }

  /** Runs until `signal` aborts; then waits for any refresh in flight. */
  async run(signal: AbortSignal): Promise<void> {
    await this.watcher.init();
    const first = this.deps.settings();
    this.log(`image-auto-refresh: started (interval=${formatGoDuration(first.intervalMs)}, runtimes=${first.runtimes.length})`);
    const random = this.deps.random ?? Math.random;
    // A refresh that ends (and perhaps set a retry time) re-plans the sleep.
    const unsubscribe = this.watcher.onRefreshSettled(() => this.waker?.abort());
    let nextTick = this.now();
    try {
      while (!signal.aborted) {
        const settings = this.deps.settings();
        const now = this.now();
        if (now >= nextTick) {
          await this.watcher
            .tick({ signal, awaitRefreshes: false })
            .catch((err: unknown) => this.log(`image-auto-refresh: tick failed: ${(err as Error).message}`));
          // Small jitter keeps many installs from hitting a registry in the same second.
          const jitter = Math.round(random() * Math.min(settings.intervalMs * 0.1, 30_000));
          nextTick = this.now() + settings.intervalMs + jitter;
        } else if (settings.autoRefresh) {
          const { due } = this.watcher.retries(now);
          if (due.length) {
            await this.watcher
              .tick({ signal, only: due, awaitRefreshes: false })
              .catch((err: unknown) => this.log(`image-auto-refresh: retry failed: ${(err as Error).message}`));
          }
        }
        const retryAt = settings.autoRefresh ? this.watcher.retries(this.now()).earliest : null;
        const wakeAt = retryAt !== null && retryAt > this.now() ? Math.min(nextTick, retryAt) : nextTick;
        const waker = new AbortController();
        this.waker = waker;
        const sleep = linkedSignal([signal, waker.signal]);
        await abortableSleep(Math.max(0, wakeAt - this.now()), sleep.signal).finally(() => sleep.dispose());
        this.waker = null;
        if (this.rescheduled) {
          this.rescheduled = false;
          // New settings (interval, auto-refresh) apply from now, not after the old sleep.
          nextTick = Math.min(nextTick, this.now() + this.deps.settings().intervalMs);
        }
      }
    } finally {
      unsubscribe();
    }
    await this.watcher.settle();
    this.log(`image-auto-refresh: stopping (${String(signal.reason instanceof Error ? signal.reason.message : (signal.reason ?? 'stopped'))})`);
  }
}
