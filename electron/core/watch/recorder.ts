// Recording refreshes: one per runtime at a time (a second request shares the first's
// outcome), its result turned into the runtime's next state, the origin's log lines, and the
// events the window and notifications follow.
import type { Log } from '../log.js';
import { changedContainers, type RuntimeConfig, type RuntimeRefreshDetail, type RuntimeState } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import { ContainerListError } from '../errors.js';
import type { RefreshOptions } from '../refresh/service.js';
import type { SavedState } from '../state/saved-state.js';
import { planRetryNow, recordRefresh, type RetryPolicy } from './transitions.js';
import { InFlight } from '../refresh/in-flight.js';

/** What refreshes a runtime: the refresh service, or a fake in tests. */
export interface Refresher {
  refreshOne(runtime: RuntimeConfig, options?: RefreshOptions): Promise<RuntimeRefreshDetail>;
  idle(): Promise<void>;
}

export type Recorded = { detail: RuntimeRefreshDetail; listError?: ContainerListError };

export interface RecorderDeps {
  /** The engine the refresher acts on; refreshes are keyed by engine and runtime. */
  engine: string;
  state: SavedState;
  refresher: Refresher;
  retry: RetryPolicy;
  now: () => number;
  log: Log;
  emit?: (event: CoreEvent) => void;
  update: (runtime: string, next: RuntimeState) => void;
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

  run(runtime: RuntimeConfig, options: RefreshOptions & { retry: boolean }): Promise<Recorded> {
    return this.refreshing.run(this.deps.engine, runtime.name, (done) =>
      this.record(runtime, options, done).finally(() => {
        for (const listener of this.settledListeners) listener();
      }),
    );
  }

  /** `done` takes the runtime out of what is refreshing, just before its refresh-finished is told. */
  private async record(runtime: RuntimeConfig, options: RefreshOptions & { retry: boolean }, done: () => void): Promise<Recorded> {
    const target = this.deps.state.get(runtime.name).seenDigest;
    let detail: RuntimeRefreshDetail;
    let listError: ContainerListError | undefined;
    this.deps.emit?.({ type: 'refresh-started', runtime: runtime.name });
    try {
      detail = await this.deps.refresher.refreshOne(runtime, options);
    } catch (err) {
      if (err instanceof ContainerListError) listError = err;
      detail = { image: runtime.image, ok: false, error: (err as Error).message, containers: [] };
    }
    const recreated = changedContainers(detail);
    if (!detail.ok && options.signal?.aborted && recreated.length === 0) {
      // Cut short by a shutdown before any container changed: not a failure; the next start retries.
      if (options.retry) this.deps.update(runtime.name, planRetryNow(this.deps.state.get(runtime.name), target, this.deps.now()));
      this.deps.log(`image-auto-refresh: ${runtime.name} refresh interrupted by shutdown${options.retry ? '; retried on the next start' : ''}`, {
        level: 'warn',
        runtime: runtime.name,
        image: runtime.image,
      });
      done();
      this.deps.emit?.({ type: 'refresh-finished', runtime: runtime.name, detail });
      await this.deps.state.save();
      return { detail };
    }
    const next = recordRefresh(this.deps.state.get(runtime.name), target, detail, this.deps.now(), options.retry ? this.deps.retry : null);
    this.deps.update(runtime.name, next);
    const recorded = next.history.at(-1);
    if (detail.ok && recorded?.kind === 'refreshed' && recorded.message)
      this.deps.log(`image-auto-refresh: ${runtime.name} warning: ${recorded.message}`, { level: 'warn', runtime: runtime.name, image: runtime.image });
    const pulled = detail.imageIdAfter ? [runtime.name] : [];
    if (detail.ok) {
      this.deps.log(`image-auto-refresh: ${runtime.name} pulled=${goList(pulled)} recreated=${goList(recreated)} failed=[]`, {
        runtime: runtime.name,
        image: runtime.image,
        ...(detail.digest ? { digest: detail.digest } : {}),
        ...(recreated.length ? { container: recreated.join(',') } : {}),
      });
    } else {
      const retryAt = next.retry && options.retry ? `; retry at ${next.retry.nextAt}` : '';
      this.deps.log(`image-auto-refresh: ${runtime.name} refresh failed: ${detail.error} (pulled=${goList(pulled)} recreated=${goList(recreated)})${retryAt}`, {
        level: 'error',
        runtime: runtime.name,
        image: runtime.image,
      });
    }
    done();
    this.deps.emit?.({ type: 'refresh-finished', runtime: runtime.name, detail });
    await this.deps.state.save();
    return listError ? { detail, listError } : { detail };
  }
}
