// Window state with per-runtime subscriptions: a progress event re-renders its own row only,
// so a window of 200 runtimes stays responsive during a refresh.
import type { ApiEvent, AppState, RuntimeView, SettingsView } from '../../shared/api.js';
import type { EngineHealth, EngineInUse, EngineView, PullCounters, RecreateStep, RuntimeRefreshDetail, UnwatchedImage } from '../../shared/dto.js';
import { appStatus } from '../../shared/status.js';
import { sharedProblems, type SharedProblem } from './failure.js';

export type PullView = PullCounters;

export interface RowView {
  runtime: RuntimeView;
  /** With several engines: those a refresh of this runtime is running on now. */
  refreshingOn: string[];
  pull: PullView | null;
  step: { container: string; step: RecreateStep } | null;
  lastResult: RuntimeRefreshDetail | null;
}

export interface HeaderView {
  status: AppState['status'];
  checking: boolean;
  settings: SettingsView;
  warnings: string[];
  count: number;
  engine?: EngineInUse;
  /** Every engine with its health (absent only from an older imagewatch serve). */
  engines?: EngineView[];
  /** Discovery mode: the containers' images not watched, and why. */
  unwatched: UnwatchedImage[];
  engineHealth?: EngineHealth;
  /** Failures two or more runtimes share (a registry that cannot be reached), said once above the table. */
  problems: SharedProblem[];
}

type Listener = () => void;

export class WindowStore {
  private rows = new Map<string, RowView>();
  private order: string[] = [];
  private header: HeaderView | null = null;
  private readonly rowListeners = new Map<string, Set<Listener>>();
  private readonly listListeners = new Set<Listener>();
  private readonly headerListeners = new Set<Listener>();

  get loaded(): boolean {
    return this.header !== null;
  }

  getOrder = (): string[] => this.order;
  getHeader = (): HeaderView | null => this.header;
  getRow = (name: string): RowView | undefined => this.rows.get(name);

  subscribeList = (listener: Listener): (() => void) => {
    this.listListeners.add(listener);
    return () => this.listListeners.delete(listener);
  };

  subscribeHeader = (listener: Listener): (() => void) => {
    this.headerListeners.add(listener);
    return () => this.headerListeners.delete(listener);
  };

  subscribeRow(name: string, listener: Listener): () => void {
    let set = this.rowListeners.get(name);
    if (!set) {
      set = new Set();
      this.rowListeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private notifyRow(name: string): void {
    for (const l of this.rowListeners.get(name) ?? []) l();
  }

  private refreshHeader(base?: Partial<HeaderView>): void {
    if (!this.header) return;
    const runtimes = this.order.map((n) => this.rows.get(n)!.runtime);
    const checking = base?.checking ?? this.header.checking;
    const problems = sharedProblems(runtimes);
    // The same list keeps its object, so the banner does not re-render on every state change.
    const same = JSON.stringify(problems) === JSON.stringify(this.header.problems);
    this.header = {
      ...this.header,
      ...base,
      checking,
      count: runtimes.length,
      status: appStatus({ runtimes, checking }),
      problems: same ? this.header.problems : problems,
    };
    for (const l of this.headerListeners) l();
  }

  private updateRow(name: string, update: (row: RowView) => RowView): void {
    const row = this.rows.get(name);
    if (!row) return;
    this.rows.set(name, update(row));
    this.notifyRow(name);
  }

  /** A full state from the engine (start-up, settings changes). Unchanged rows keep their objects. */
  load(state: AppState): void {
    const names = state.runtimes.map((r) => r.config.name);
    const orderChanged = names.length !== this.order.length || names.some((n, i) => n !== this.order[i]);
    const next = new Map<string, RowView>();
    for (const runtime of state.runtimes) {
      const name = runtime.config.name;
      const previous = this.rows.get(name);
      if (previous && JSON.stringify(previous.runtime) === JSON.stringify(runtime)) {
        next.set(name, previous);
      } else {
        next.set(name, {
          runtime,
          refreshingOn: runtime.refreshing ? (previous?.refreshingOn ?? []) : [],
          pull: previous?.pull ?? null,
          step: previous?.step ?? null,
          lastResult: previous?.lastResult ?? null,
        });
        if (previous) queueMicrotask(() => this.notifyRow(name));
      }
    }
    this.rows = next;
    if (orderChanged) {
      this.order = names;
      for (const l of this.listListeners) l();
    }
    this.header = {
      status: state.status,
      checking: state.checking,
      settings: state.settings,
      warnings: state.warnings,
      count: names.length,
      unwatched: state.unwatched ?? [],
      problems: this.header?.problems ?? [],
      ...(state.engine ? { engine: state.engine } : {}),
      ...(state.engines ? { engines: state.engines } : {}),
      ...(state.engineHealth ? { engineHealth: state.engineHealth } : {}),
    };
    this.refreshHeader();
  }

  apply(event: ApiEvent): void {
    switch (event.type) {
      case 'app-changed':
        this.load(event.state);
        return;
      case 'state-changed':
        this.updateRow(event.runtime, (row) => ({ ...row, runtime: { ...row.runtime, state: event.state } }));
        this.refreshHeader();
        return;
      case 'refresh-started':
        this.updateRow(event.runtime, (row) => ({
          ...row,
          runtime: { ...row.runtime, refreshing: true },
          refreshingOn: event.engine ? [...row.refreshingOn.filter((e) => e !== event.engine), event.engine] : row.refreshingOn,
          pull: null,
          step: null,
        }));
        this.refreshHeader();
        return;
      case 'refresh-progress': {
        const p = event.progress;
        if (p.phase === 'pull') {
          this.updateRow(p.runtime, (row) => ({
            ...row,
            pull: { layersDone: p.layersDone, layersTotal: p.layersTotal, bytesCurrent: p.bytesCurrent, bytesTotal: p.bytesTotal },
          }));
        } else {
          this.updateRow(p.runtime, (row) => ({ ...row, step: { container: p.container, step: p.step } }));
        }
        return;
      }
      case 'refresh-finished':
        this.updateRow(event.runtime, (row) => {
          // With several engines the row is refreshing until the last engine's refresh ends.
          const refreshingOn = event.engine ? row.refreshingOn.filter((e) => e !== event.engine) : [];
          return { ...row, runtime: { ...row.runtime, refreshing: refreshingOn.length > 0 }, refreshingOn, pull: null, step: null, lastResult: event.detail };
        });
        this.refreshHeader();
        return;
      case 'check-started':
      case 'check-finished':
        this.refreshHeader({ checking: event.type === 'check-started' });
        return;
      case 'digest-moved':
        return;
    }
  }
}
