// The watcher's bookkeeping as pure functions: each takes one runtime's state and returns the
// next one (the input is never changed), so every branch of the origin's contract can be
// tested without a registry or an engine, and SavedState is the only place state is stored.
import { changedContainers, type CheckOutcome, type HistoryEntry, type RuntimeRefreshDetail, type RuntimeState, type WaitPlan } from '../../../shared/dto.js';
import { HISTORY_LIMIT } from '../state/saved-state.js';
import { backoffDelay } from '../util/time.js';

export interface LocalView {
  /** The engine has an image for the watched tag. */
  present: boolean;
  /** That image records the given remote digest for the watched repository. */
  hasDigest: boolean;
  /** The registry digest that image records for the watched repository (what the engine holds), when it records one. */
  digest?: string;
  /** That image's labels, for the version of what runs. */
  labels?: Readonly<Record<string, string>>;
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, random: Math.random };

/** The state with one more history entry (the oldest dropped past the limit). */
export function withEntry(state: RuntimeState, entry: HistoryEntry): RuntimeState {
  return { ...state, history: withHistory(state, entry) };
}

function withHistory(state: RuntimeState, entry: HistoryEntry): HistoryEntry[] {
  const history = [...state.history, entry];
  return history.length > HISTORY_LIMIT ? history.slice(history.length - HISTORY_LIMIT) : history;
}

/** What the engine holds decides `updateAvailable`; with no answer it stays unknown (null). */
function fromLocal(remote: string, local: LocalView | null): Pick<RuntimeState, 'updateAvailable'> & Partial<Pick<RuntimeState, 'appliedDigest'>> {
  if (local === null) return { updateAvailable: null };
  // An engine holding an older image from the registry: that digest is what it runs (its version is shown).
  const held = local.hasDigest ? remote : local.present ? local.digest : undefined;
  return { updateAvailable: local.present && !local.hasDigest, ...(held ? { appliedDigest: held } : {}) };
}

/**
 * A successful lookup. `local` (what the engine holds for the tag) matters only until the
 * engine has answered once: then it decides whether the user is shown an update. After
 * that, only a finished refresh moves `appliedDigest`, since a pulled image says nothing
 * about which image the containers run. `local` is null when the engine could not be asked.
 */
export function observe(state: RuntimeState, remote: string, local: LocalView | null, at: string): { state: RuntimeState; outcome: CheckOutcome } {
  const previous = state.seenDigest;
  const base: RuntimeState = {
    ...state,
    lastCheckAt: at,
    seenDigest: remote,
    lastError: state.lastError?.phase === 'check' ? null : state.lastError,
  };
  if (previous === null) {
    return { outcome: 'seeded', state: { ...base, ...fromLocal(remote, local), history: withHistory(state, { at, kind: 'seeded', digest: remote }) } };
  }
  if (previous === remote) {
    return { outcome: 'unchanged', state: state.updateAvailable === null ? { ...base, ...fromLocal(remote, local) } : base };
  }
  return {
    outcome: 'moved',
    state: {
      ...base,
      retry: state.retry && state.retry.digest !== remote ? null : state.retry,
      updateAvailable: state.appliedDigest !== remote,
      history: withHistory(state, { at, kind: 'moved', digest: remote, previousDigest: previous }),
    },
  };
}

/**
 * The tag's index moved but the engine platform's image in it did not (another platform was
 * rebuilt, or an attestation added): not a new version. The new index digest is recorded, and
 * so is the fact that what was applied (or a retry aimed at) still stands.
 */
export function observeIndexMove(state: RuntimeState, remote: string, platform: string, at: string): RuntimeState {
  const previous = state.seenDigest;
  return {
    ...state,
    lastCheckAt: at,
    seenDigest: remote,
    appliedDigest: previous !== null && state.appliedDigest === previous ? remote : state.appliedDigest,
    retry: state.retry && state.retry.digest === previous ? { ...state.retry, digest: remote } : state.retry,
    lastError: state.lastError?.phase === 'check' ? null : state.lastError,
    history: withHistory(state, {
      at,
      kind: 'index-moved',
      digest: remote,
      ...(previous !== null ? { previousDigest: previous } : {}),
      message: `the image index moved, but its ${platform} image did not change: not a new version`,
    }),
  };
}

export function recordCheckError(state: RuntimeState, message: string, at: string): RuntimeState {
  const repeated = state.lastError?.phase === 'check' && state.lastError.message === message;
  return {
    ...state,
    lastCheckAt: at,
    lastError: { at, phase: 'check', message },
    // One history line per distinct failure, not one per tick while a registry is down.
    history: repeated ? state.history : withHistory(state, { at, kind: 'check-failed', message }),
  };
}

/** Whether auto-refresh should act on this runtime now (before the update window and cooling-off time have their say). */
export function wantsRefresh(state: RuntimeState, outcome: CheckOutcome, nowMs: number): boolean {
  const remote = state.seenDigest;
  if (remote === null || state.appliedDigest === remote) return false;
  if (outcome === 'moved') return true;
  const waiting = state.waiting;
  if (waiting && waiting.digest === remote && Date.parse(waiting.until) <= nowMs) return true;
  const retry = state.retry;
  return retry !== null && retry.digest === remote && Date.parse(retry.nextAt) <= nowMs;
}

/** When the tag's current digest was first seen (its `moved` or `seeded` entry); null when history no longer says. */
export function seenSince(state: RuntimeState): number | null {
  for (let i = state.history.length - 1; i >= 0; i--) {
    const entry = state.history[i]!;
    if ((entry.kind === 'moved' || entry.kind === 'seeded') && entry.digest === state.seenDigest) return Date.parse(entry.at);
  }
  return null;
}

/** The first to end of several engines' waits (the runtime's, as its row and report show it); undefined when none waits. */
export function earliestWait(waits: ReadonlyArray<WaitPlan | null | undefined>): WaitPlan | undefined {
  return waits.filter((w): w is WaitPlan => w !== null && w !== undefined).sort((a, b) => Date.parse(a.until) - Date.parse(b.until))[0];
}

/** An automatic refresh held back until `until` (the window, the cooling-off time); none when `until` is null. */
export function holdRefresh(state: RuntimeState, hold: { until: number; reason: 'window' | 'min-age' } | null): RuntimeState {
  if (!hold || state.seenDigest === null) return state.waiting ? { ...state, waiting: null } : state;
  return { ...state, waiting: { digest: state.seenDigest, until: new Date(hold.until).toISOString(), reason: hold.reason } };
}

/** A refresh the user's shutdown cut short: due again at once, with no failure recorded. */
export function planRetryNow(state: RuntimeState, target: string | null, nowMs: number): RuntimeState {
  if (!target) return state;
  const attempt = state.retry?.digest === target ? state.retry.attempt : 1;
  return { ...state, retry: { digest: target, attempt, nextAt: new Date(nowMs).toISOString() } };
}

export function recordRefresh(
  state: RuntimeState,
  target: string | null,
  detail: RuntimeRefreshDetail,
  nowMs: number,
  retry: RetryPolicy | null,
): RuntimeState {
  const at = new Date(nowMs).toISOString();
  // As the window lists them: a Swarm service said to be one.
  const services = new Set(detail.containers.filter((c) => c.kind === 'service').map((c) => c.name));
  const containers = changedContainers(detail).map((name) => (services.has(name) ? `service ${name}` : name));
  if (detail.ok && detail.deferred) {
    // A container's own pre-update hook asked to wait (exit 75): nothing failed, and the digest
    // is not applied yet, so an automatic refresh comes back to it, backing off as a retry does.
    const entry: HistoryEntry = { at, kind: 'refresh-deferred', message: detail.deferred, containers };
    if (target) entry.digest = target;
    return { ...state, retry: backedOff(state, target, nowMs, retry), history: withHistory(state, entry) };
  }
  if (detail.ok) {
    // The pull got what the tag named then. A registry (or a proxy in front of it) whose HEAD
    // answers another digest than its pulls would otherwise show "update available" for ever.
    const mismatch = detail.digest !== undefined && target !== null && detail.digest !== target;
    const appliedDigest = mismatch ? target : (detail.digest ?? target ?? state.appliedDigest);
    const entry: HistoryEntry = { at, kind: 'refreshed', containers };
    if (appliedDigest) entry.digest = appliedDigest;
    if (mismatch) {
      entry.message = `the registry's lookup answered ${target} but the pull got ${detail.digest}; if this repeats, a proxy or mirror in front of the registry serves another manifest`;
    }
    return {
      ...state,
      appliedDigest,
      lastRefreshAt: at,
      retry: null,
      ...(state.waiting ? { waiting: null } : {}),
      lastError: state.lastError?.phase === 'refresh' ? null : state.lastError,
      updateAvailable: state.seenDigest !== null && appliedDigest !== state.seenDigest,
      history: withHistory(state, entry),
    };
  }
  const message = detail.error ?? 'refresh failed';
  const entry: HistoryEntry = { at, kind: 'refresh-failed', message, containers };
  if (target) entry.digest = target;
  return { ...state, lastError: { at, phase: 'refresh', message }, retry: backedOff(state, target, nowMs, retry), history: withHistory(state, entry) };
}

/** The next try at `target` after one that did not apply it, one backoff step later than the last; none without a policy. */
function backedOff(state: RuntimeState, target: string | null, nowMs: number, retry: RetryPolicy | null): RuntimeState['retry'] {
  if (!retry || !target) return state.retry;
  const attempt = state.retry?.digest === target ? state.retry.attempt + 1 : 1;
  return { digest: target, attempt, nextAt: new Date(nowMs + backoffDelay(attempt, retry.baseMs, retry.maxMs, retry.random)).toISOString() };
}
