// Data shapes shared by the core, the CLI, the desktop main process and the renderer.
// Everything here is plain JSON so it can cross IPC, HTTP and the state file unchanged.
// Shapes that are also validated (config, state) are derived from their zod schemas in
// schemas.ts, so the two can never drift; the rest are only ever produced by our own code.
import type { z } from 'zod/v3';
import type {
  HistoryEntrySchema,
  RecreateStrategySchema,
  RetryPlanSchema,
  WaitPlanSchema,
  RuntimeConfigSchema,
  EngineSettingSchema,
  RuntimeErrorSchema,
  RuntimeMatchSchema,
  RuntimeStateSchema,
  EngineRuntimeStateSchema,
  SavedRuntimeSchema,
  ImageFactsSchema,
  NewerTagSchema,
  NOTIFY_KINDS,
} from './schemas.js';

export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export type RecreateStrategy = z.infer<typeof RecreateStrategySchema>;
export type RuntimeMatch = z.infer<typeof RuntimeMatchSchema>;
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;
export type EngineSetting = z.infer<typeof EngineSettingSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type HistoryKind = HistoryEntry['kind'];
export type RuntimeError = z.infer<typeof RuntimeErrorSchema>;
export type RetryPlan = z.infer<typeof RetryPlanSchema>;
export type WaitPlan = z.infer<typeof WaitPlanSchema>;
/** One runtime on one engine: the runtime's remote side with that engine's part (see SavedState). */
export type RuntimeState = z.infer<typeof RuntimeStateSchema>;
export type EngineRuntimeState = z.infer<typeof EngineRuntimeStateSchema>;
export type SavedRuntime = z.infer<typeof SavedRuntimeSchema>;
export type ImageFacts = z.infer<typeof ImageFactsSchema>;
export type NewerTag = z.infer<typeof NewerTagSchema>;

/**
 * A version as people read it, and where the text came from: the image's version label, the
 * tag (when it looks like a version), or the short digest when the image says nothing.
 */
export interface VersionLabel {
  text: string;
  from: 'label' | 'tag' | 'digest';
}

/** What the tag names now and what runs, as versions, with what changed. */
export interface VersionView {
  /** The image the tag names now. */
  latest: VersionLabel;
  /** What the engine runs, when known and not the latest. */
  running?: VersionLabel;
  /** The release notes of the latest (opened in the system browser). */
  link?: string;
  /** When the latest was built. */
  created?: string;
  /** The source revision the latest was built from. */
  revision?: string;
}

export type CheckOutcome = 'seeded' | 'unchanged' | 'moved' | 'error';

/** The container engine imagewatch talks to, and why that one. */
export interface EngineInUse {
  /** The engine's name, which every target, event and metric of it carries (absent only from an older imagewatch). */
  name?: string;
  /** unix://, npipe://, tcp://, https:// or ssh:// URL. */
  host: string;
  source: 'setting' | 'DOCKER_HOST' | 'context' | 'probe' | 'default';
  /** The docker context it came from, with source "context". */
  context?: string;
  /** In words: "unix:///… (docker context "colima")". */
  description: string;
  /** The well-known sockets looked at when nothing named an engine. */
  tried: string[];
}

/** Why discovery does not watch a container's image. */
export type UnwatchedReason = 'local-build' | 'pinned' | 'no-tag' | 'unreadable' | 'orchestrated' | 'opted-out' | 'not-opted-in';

/** An image that discovery saw on containers and does not watch. */
export interface UnwatchedImage {
  image: string;
  reason: UnwatchedReason;
  /** In words, for people. */
  detail: string;
  containers: string[];
  /** The engine those containers are on, when imagewatch acts on several. */
  engine?: string;
}

/** Whether the engine in use answers; when not, the other engine sockets on this machine. */
export type EngineHealth =
  | { reachable: true }
  | {
      reachable: false;
      /** Why not, in words. */
      error: string;
      /** Sockets of other engines that exist here, and whether each answered. */
      found: Array<{ host: string; answers: boolean }>;
    };

/** One engine as the window and `check --json` list it: where it is, why that one, and whether it answers. */
export interface EngineView extends EngineInUse {
  name: string;
  /** Absent until the engine has been asked once. */
  health?: EngineHealth;
  /** Since when it does not answer. */
  downSince?: string;
}

/** What `imagewatch check` prints: the engine in use (the first), every engine, and one report per runtime. */
export interface CheckRun {
  engine: EngineInUse;
  engines?: EngineView[];
  runtimes: CheckReport[];
  /** In discovery mode: the containers' images that are not watched, and why. */
  unwatched?: UnwatchedImage[];
}

/** Whether the runtime's most recent check failed (its error is from that check). */
export function lastCheckFailed(state: Pick<RuntimeState, 'lastError' | 'lastCheckAt'>): boolean {
  return state.lastError?.phase === 'check' && state.lastError.at === state.lastCheckAt;
}

/** A runtime's state without its history, which is fetched on its own (getHistory) when shown. */
/** One runtime on one engine, as the window shows it per engine. */
export type EngineRuntimeSummary = EngineRuntimeState & {
  engine: string;
  /** What this engine runs, as a version, when known. */
  running?: VersionLabel;
  /** The engine does not answer: these are its last known values. */
  stale?: { since: string; error: string };
};

/**
 * A runtime as the window, the tray and the CLI show it. With one engine: that engine's state.
 * With several: the runtime's side, updateAvailable true when one engine has an update (unknown
 * when one does not know), the newest refresh and failure, the next retry, and `engines`, each
 * engine's own.
 */
export type RuntimeSummary = Omit<RuntimeState, 'history'> & {
  historyLength: number;
  engines?: EngineRuntimeSummary[];
  versions?: VersionView;
  /** A newer version tag of the same shape, found by listing the repository's tags. */
  newerTag?: NewerTag;
};

export function summarize(state: RuntimeState): RuntimeSummary {
  const { history, ...rest } = state;
  return structuredClone({ ...rest, historyLength: history.length });
}

/** How many of the engines run the digest the tag names now, for "2 of 3 engines on the new digest". */
export function enginesOnDigest(summary: Pick<RuntimeSummary, 'seenDigest' | 'engines'>): { on: number; of: number } | null {
  if (!summary.engines || summary.seenDigest === null) return null;
  return { on: summary.engines.filter((e) => e.appliedDigest === summary.seenDigest).length, of: summary.engines.length };
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
  /** Skipped for now, by the container's own pre-update hook (exit 75): the update is tried again later. */
  deferred?: true;
  /** The engine it is on, in a refresh of several engines. */
  engine?: string;
  /** A Swarm service (updated by Swarm itself) rather than a container. */
  kind?: 'service';
  /** For a service: its tasks' state when the update ended, e.g. "2 of 2 tasks running". */
  tasks?: string;
}

export interface RuntimeRefreshDetail {
  image: string;
  ok: boolean;
  error?: string;
  /** Containers whose own pre-update hook put the update off (exit 75): not a failure, but the digest is not yet applied. */
  deferred?: string;
  /** Nothing was tried: the request cannot be done as asked (a move of compose-managed containers); `error` says why. */
  refused?: true;
  /** Digest of the tag as pulled, when the engine reported one. */
  digest?: string;
  imageIdBefore?: string;
  imageIdAfter?: string;
  platform?: string;
  containers: ContainerOutcome[];
  /** Compose dependents restarted after a dependency they declared `restart: true` on was replaced. */
  restarted?: string[];
  /** Such dependents whose restart failed, with the reason. */
  restartFailures?: string[];
  /** The engine it happened on, when imagewatch acts on several. */
  engine?: string;
  /** Old images cleaned after the refresh: removed, left (and why), the space freed, and those kept for a rollback. */
  cleanup?: { removed: string[]; skipped: Array<{ image: string; reason: string }>; freedBytes: number; previous: string[] };
  /** A refresh on several engines: each engine's own detail (the fields above sum them up). */
  engines?: RuntimeRefreshDetail[];
}

export interface RefreshResult {
  pulled: string[];
  failed: string[];
  /** Names of the containers that were recreated (or removed, with the `remove` strategy). */
  recreated: string[];
  details: Record<string, RuntimeRefreshDetail>;
}

export type RecreateStep =
  | 'create'
  | 'start-isolated'
  | 'stop-old'
  | 'rename'
  | 'start'
  | 'connect'
  | 'wait-running'
  | 'wait-healthy'
  | 'remove-old'
  | 'rollback'
  | 'remove'
  | 'pre-update'
  | 'post-update';

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
  /** With several engines: true when one engine has an update, unknown (null) when one does not know. */
  updateAvailable: boolean | null;
  /** With several engines: whether each has an update. */
  engines?: Array<{ engine: string; updateAvailable: boolean | null; appliedDigest: string | null }>;
  refresh?: RefreshResult;
  error?: string;
  /** The version the tag names now (its label, else the tag or the short digest: see versionFrom). */
  version?: string;
  versionFrom?: VersionLabel['from'];
  /** The version before the move, or what the engine runs. */
  previousVersion?: string;
  /** The release notes of `version`. */
  link?: string;
  /** When the image the tag names was built. */
  created?: string;
  /** A newer version tag of the same shape (never moved to by itself). */
  newerTag?: string;
  /** An automatic refresh waiting for the update window or the cooling-off time: until when, and why. */
  waiting?: WaitPlan;
}

/** A notification channel as the window sees it: masked, never its URL. */
export interface ChannelView {
  id: string;
  /** The URL with its secrets (password, token, webhook path, topic) masked. */
  label: string;
  /** Only these kinds of event; all when absent. */
  events?: NotifyKind[];
  /** Only these runtimes' events; all when absent. */
  runtimes?: string[];
  /** Where it is kept: the settings (or config) file, or the desktop's system keychain. */
  kept: 'settings' | 'keychain';
  /** Kept but not readable (sealed with a keychain that changed): nothing is sent to it. */
  unusable?: true;
}

/** What one channel answered a test message. */
export interface ChannelTestResult {
  channel: string;
  ok: boolean;
  answer: string;
}
