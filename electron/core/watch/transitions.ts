// The watcher's bookkeeping as pure functions over one runtime's state, so every branch of
// the origin's contract can be tested without a registry or an engine.
import type { CheckOutcome, HistoryEntry, RuntimeRefreshDetail, RuntimeState } from '../../../shared/dto.js';
import { backoffDelay } from '../util/time.js';

export const HISTORY_LIMIT = 200;

export interface LocalView {
  /** The engine has an image for the watched tag. */
  present: boolean;
  /** That image records the given remote digest for the watched repository. */
  hasDigest: boolean;
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, random: Math.random };

export function pushHistory(state: RuntimeState, entry: HistoryEntry): void {
  state.history.push(entry);
  if (state.history.length > HISTORY_LIMIT) state.history.splice(0, state.history.length - HISTORY_LIMIT);
}

/**
 * Records a successful lookup. `local` (what the engine holds for the tag) matters only on
 * the first observation: then it decides whether the user is shown an update. After that,
 * only a finished refresh moves `appliedDigest`, since a pulled image says nothing about
 * which image the containers run. `local` is null when the engine could not be asked.
 */
export function observe(state: RuntimeState, remote: string, local: LocalView | null, at: string): CheckOutcome {
  const previous = state.seenDigest;
  state.lastCheckAt = at;
  if (state.lastError?.phase === 'check') state.lastError = null;
  state.seenDigest = remote;
  if (previous === null) {
    pushHistory(state, { at, kind: 'seeded', digest: remote });
    learnLocal(state, remote, local);
    return 'seeded';
  }
  if (previous === remote) {
    if (state.updateAvailable === null) learnLocal(state, remote, local);
    return 'unchanged';
  }
  pushHistory(state, { at, kind: 'moved', digest: remote, previousDigest: previous });
  if (state.retry && state.retry.digest !== remote) state.retry = null;
  state.updateAvailable = state.appliedDigest !== remote;
  return 'moved';
}

/** What the engine holds decides `updateAvailable`; with no answer it stays unknown (null). */
function learnLocal(state: RuntimeState, remote: string, local: LocalView | null): void {
  if (local === null) {
    state.updateAvailable = null;
    return;
  }
  if (local.hasDigest) state.appliedDigest = remote;
  state.updateAvailable = local.present && !local.hasDigest;
}

export function recordCheckError(state: RuntimeState, message: string, at: string): void {
  state.lastCheckAt = at;
  const repeated = state.lastError?.phase === 'check' && state.lastError.message === message;
  state.lastError = { at, phase: 'check', message };
  // One history line per distinct failure, not one per tick while a registry is down.
  if (!repeated) pushHistory(state, { at, kind: 'check-failed', message });
}

/** Whether auto-refresh should act on this runtime now. */
export function wantsRefresh(state: RuntimeState, outcome: CheckOutcome, nowMs: number): boolean {
  const remote = state.seenDigest;
  if (remote === null || state.appliedDigest === remote) return false;
  if (outcome === 'moved') return true;
  const retry = state.retry;
  return retry !== null && retry.digest === remote && Date.parse(retry.nextAt) <= nowMs;
}

/** A refresh the user's shutdown cut short: due again at once, with no failure recorded. */
export function planRetryNow(state: RuntimeState, target: string | null, nowMs: number): void {
  if (!target) return;
  const attempt = state.retry?.digest === target ? state.retry.attempt : 1;
  state.retry = { digest: target, attempt, nextAt: new Date(nowMs).toISOString() };
}

export function recordRefresh(state: RuntimeState, target: string | null, detail: RuntimeRefreshDetail, nowMs: number, retry: RetryPolicy | null): void {
  const at = new Date(nowMs).toISOString();
  const containers = detail.containers.filter((c) => c.action === 'replaced' || c.action === 'removed').map((c) => c.name);
  if (detail.ok) {
    // The pull got what the tag named then. A registry (or a proxy in front of it) whose HEAD
    // answers another digest than its pulls would otherwise show "update available" for ever.
    const mismatch = detail.digest !== undefined && target !== null && detail.digest !== target;
    state.appliedDigest = mismatch ? target : (detail.digest ?? target ?? state.appliedDigest);
    state.lastRefreshAt = at;
    state.retry = null;
    if (state.lastError?.phase === 'refresh') state.lastError = null;
    state.updateAvailable = state.seenDigest !== null && state.appliedDigest !== state.seenDigest;
    const entry: HistoryEntry = { at, kind: 'refreshed', containers };
    if (state.appliedDigest) entry.digest = state.appliedDigest;
    if (mismatch) {
      entry.message = `the registry's lookup answered ${target} but the pull got ${detail.digest}; if this repeats, a proxy or mirror in front of the registry serves another manifest`;
    }
    pushHistory(state, entry);
    return;
  }
  const message = detail.error ?? 'refresh failed';
  state.lastError = { at, phase: 'refresh', message };
  const entry: HistoryEntry = { at, kind: 'refresh-failed', message, containers };
  if (target) entry.digest = target;
  pushHistory(state, entry);
  if (retry && target) {
    const attempt = state.retry?.digest === target ? state.retry.attempt + 1 : 1;
    const delay = backoffDelay(attempt, retry.baseMs, retry.maxMs, retry.random);
    state.retry = { digest: target, attempt, nextAt: new Date(nowMs + delay).toISOString() };
  }
}
