// Data shapes shared by the engine, the CLI, the desktop main process and the renderer.
// Everything here is plain JSON so it can cross IPC, HTTP and the state file unchanged.

export type RecreateStrategy = 'replace' | 'remove' | 'none';

export interface RuntimeMatch {
  /** Only containers whose name starts with this prefix (the origin's `ws-`). */
  namePrefix?: string;
  /** Only containers carrying this label: `key` (any value) or `key=value`. */
  label?: string;
}

export interface RuntimeConfig {
  name: string;
  image: string;
  match?: RuntimeMatch;
  recreate?: RecreateStrategy;
}

export type CheckOutcome = 'seeded' | 'unchanged' | 'moved' | 'error';

export type HistoryKind = 'seeded' | 'moved' | 'refreshed' | 'refresh-failed' | 'check-failed';

export interface HistoryEntry {
  at: string;
  kind: HistoryKind;
  digest?: string;
  previousDigest?: string;
  message?: string;
  containers?: string[];
}

export interface RuntimeError {
  at: string;
  phase: 'check' | 'refresh';
  message: string;
}

export interface RetryPlan {
  /** The remote digest the failed refresh was aiming for. */
  digest: string;
  attempt: number;
  nextAt: string;
}

export interface RuntimeState {
  /** Last remote digest observed. */
  seenDigest: string | null;
  /** Last digest refreshed successfully (or found already present locally). */
  appliedDigest: string | null;
  lastCheckAt: string | null;
  lastRefreshAt: string | null;
  lastError: RuntimeError | null;
  /** null while unknown: the engine could not be asked when the tag was first seen. */
  updateAvailable: boolean | null;
  retry: RetryPlan | null;
  history: HistoryEntry[];
}

/** A runtime's state without its history, which is fetched on its own (getHistory) when shown. */
export type RuntimeSummary = Omit<RuntimeState, 'history'> & { historyLength: number };

export function summarize(state: RuntimeState): RuntimeSummary {
  const { history, ...rest } = state;
  return structuredClone({ ...rest, historyLength: history.length });
}

export type ContainerAction = 'replaced' | 'removed' | 'skipped' | 'failed';

export interface ContainerOutcome {
  name: string;
  id: string;
  action: ContainerAction;
  newId?: string;
  reason?: string;
  /** For a failed replacement: whether the old container was put back as it was. */
  restored?: boolean;
}

export interface RuntimeRefreshDetail {
  image: string;
  ok: boolean;
  error?: string;
  /** Digest of the tag as pulled, when the engine reported one. */
  digest?: string;
  imageIdBefore?: string;
  imageIdAfter?: string;
  platform?: string;
  containers: ContainerOutcome[];
}

export interface RefreshResult {
  pulled: string[];
  failed: string[];
  /** Names of the containers that were recreated (or removed, with the `remove` strategy). */
  recreated: string[];
  details: Record<string, RuntimeRefreshDetail>;
}

export type RecreateStep = 'create' | 'stop-old' | 'rename' | 'start' | 'wait-running' | 'wait-healthy' | 'remove-old' | 'rollback' | 'remove';

/** A pull's progress summed over its layers. */
export interface PullCounters {
  layersDone: number;
  layersTotal: number;
  bytesCurrent: number;
  bytesTotal: number;
}

export type RefreshProgress =
  ({ runtime: string; phase: 'pull'; status?: string } & PullCounters) | { runtime: string; phase: 'recreate'; container: string; step: RecreateStep };

/** The containers a refresh changed: replaced, or removed with the `remove` strategy. */
export function changedContainers(detail: Pick<RuntimeRefreshDetail, 'containers'>): string[] {
  return detail.containers.filter((c) => c.action === 'replaced' || c.action === 'removed').map((c) => c.name);
}

export interface CheckReport {
  name: string;
  image: string;
  outcome: CheckOutcome;
  remoteDigest: string | null;
  previousDigest: string | null;
  updateAvailable: boolean | null;
  refresh?: RefreshResult;
  error?: string;
}
