// A check's transitions, one rule at a time, as the user sees their effect: what is announced
// (seeded, moved, unchanged), whether an update is shown, which failure stays on the row, when
// auto-refresh acts (at the due time, not a millisecond late), what a refresh records, and how
// much history is kept.
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, RuntimeState } from '../../shared/dto.js';
import { HISTORY_LIMIT } from '../../electron/core/state/saved-state.js';
import { emptyRuntimeState } from '../../electron/core/state/store.js';
import {
  earliestWait,
  holdRefresh,
  observe,
  observeIndexMove,
  recordCheckError,
  recordRefresh,
  seenSince,
  wantsRefresh,
  withEntry,
} from '../../electron/core/watch/transitions.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const AT = '2026-12-01T10:00:00.000Z';
const NOW = Date.parse(AT);
const state = (over: Partial<RuntimeState> = {}): RuntimeState => ({ ...emptyRuntimeState(), ...over });
const checkError = { at: AT, phase: 'check' as const, message: 'registry down' };
const refreshError = { at: AT, phase: 'refresh' as const, message: 'pull failed' };

describe('a lookup observed', () => {
  it('seeds at first sight, deciding the update from what the engine holds', () => {
    const seeded = observe(state({ lastError: checkError }), A, { present: true, hasDigest: false, digest: C }, AT);
    expect(seeded.outcome).toBe('seeded');
    expect(seeded.state).toMatchObject({ seenDigest: A, appliedDigest: C, updateAvailable: true, lastCheckAt: AT, lastError: null });
    expect(seeded.state.history).toEqual([{ at: AT, kind: 'seeded', digest: A }]);
    expect(observe(state(), A, { present: true, hasDigest: true }, AT).state).toMatchObject({ appliedDigest: A, updateAvailable: false });
    expect(observe(state(), A, { present: false, hasDigest: false }, AT).state).toMatchObject({ appliedDigest: null, updateAvailable: false });
    // The engine could not be asked: unknown, not "no update".
    expect(observe(state(), A, null, AT).state.updateAvailable).toBeNull();
  });

  it('unchanged: keeps a refresh failure on the row, clears a check failure, and settles an unknown update', () => {
    const kept = observe(state({ seenDigest: A, appliedDigest: A, updateAvailable: false, lastError: refreshError }), A, null, AT);
    expect(kept.outcome).toBe('unchanged');
    expect(kept.state.lastError).toEqual(refreshError);
    expect(kept.state.history).toEqual([]);
    expect(observe(state({ seenDigest: A, updateAvailable: false, lastError: checkError }), A, null, AT).state.lastError).toBeNull();
    const settled = observe(state({ seenDigest: A, updateAvailable: null }), A, { present: true, hasDigest: false, digest: C }, AT);
    expect(settled.state).toMatchObject({ updateAvailable: true, appliedDigest: C });
    // Known already: what the engine holds no longer decides (only a refresh moves appliedDigest).
    expect(observe(state({ seenDigest: A, appliedDigest: B, updateAvailable: true }), A, { present: true, hasDigest: true }, AT).state.appliedDigest).toBe(B);
  });

  it('moved: an update unless that digest already runs; a retry aimed at the old digest is dropped', () => {
    const retry = { digest: A, attempt: 2, nextAt: AT };
    const moved = observe(state({ seenDigest: A, appliedDigest: A, updateAvailable: false, retry }), B, null, AT);
    expect(moved.outcome).toBe('moved');
    expect(moved.state).toMatchObject({ seenDigest: B, updateAvailable: true, retry: null });
    expect(moved.state.history).toEqual([{ at: AT, kind: 'moved', digest: B, previousDigest: A }]);
    const back = observe(state({ seenDigest: A, appliedDigest: B, retry: { ...retry, digest: B } }), B, null, AT);
    expect(back.state).toMatchObject({ updateAvailable: false, retry: { digest: B } });
  });

  it('an index move that is no new version here carries what was applied, and a retry, to the new index digest', () => {
    const moved = observeIndexMove(
      state({ seenDigest: A, appliedDigest: A, retry: { digest: A, attempt: 1, nextAt: AT }, lastError: checkError }),
      B,
      'linux/arm64',
      AT,
    );
    expect(moved).toMatchObject({ seenDigest: B, appliedDigest: B, retry: { digest: B, attempt: 1 }, lastError: null, lastCheckAt: AT });
    expect(moved.history.at(-1)).toEqual({
      at: AT,
      kind: 'index-moved',
      digest: B,
      previousDigest: A,
      message: 'the image index moved, but its linux/arm64 image did not change: not a new version',
    });
    // An older image still runs, and a retry aimed elsewhere stays aimed there.
    const behind = observeIndexMove(
      state({ seenDigest: A, appliedDigest: C, retry: { digest: C, attempt: 1, nextAt: AT }, lastError: refreshError }),
      B,
      'linux/amd64',
      AT,
    );
    expect(behind).toMatchObject({ appliedDigest: C, retry: { digest: C }, lastError: refreshError });
    const first = observeIndexMove(state(), B, 'linux/amd64', AT);
    expect(first.appliedDigest).toBeNull();
    expect(first.history.at(-1)).not.toHaveProperty('previousDigest');
  });

  it('a check failure: one history line per distinct failure, the latest always on the row', () => {
    const once = recordCheckError(state(), 'registry down', AT);
    const twice = recordCheckError(once, 'registry down', '2026-12-01T10:05:00.000Z');
    expect(twice.history).toHaveLength(1);
    expect(twice.lastError).toEqual({ at: '2026-12-01T10:05:00.000Z', phase: 'check', message: 'registry down' });
    expect(recordCheckError(twice, 'token refused', AT).history).toHaveLength(2);
    // A refresh failure with the same words is another failure.
    expect(recordCheckError(state({ lastError: { ...refreshError, message: 'registry down' } }), 'registry down', AT).history).toHaveLength(1);
  });
});

describe('when auto-refresh acts', () => {
  const due = { digest: B, until: AT, reason: 'window' as const };
  it('on a move, at a wait or retry that is due (not before), and never for what already runs', () => {
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A }), 'moved', NOW)).toBe(true);
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: B }), 'moved', NOW)).toBe(false);
    expect(wantsRefresh(state({ seenDigest: null }), 'moved', NOW)).toBe(false);
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A, waiting: due }), 'unchanged', NOW)).toBe(true);
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A, waiting: due }), 'unchanged', NOW - 1)).toBe(false);
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A, waiting: { ...due, digest: C } }), 'unchanged', NOW)).toBe(false);
    const retry = { digest: B, attempt: 1, nextAt: AT };
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A, retry }), 'unchanged', NOW)).toBe(true);
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A, retry }), 'unchanged', NOW - 1)).toBe(false);
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A, retry: { ...retry, digest: C } }), 'unchanged', NOW)).toBe(false);
    expect(wantsRefresh(state({ seenDigest: B, appliedDigest: A }), 'unchanged', NOW)).toBe(false);
  });

  it("dates a digest from its own latest moved or seeded entry, and picks the engines' earliest wait", () => {
    const history: HistoryEntry[] = [
      { at: '2026-12-01T01:00:00.000Z', kind: 'seeded', digest: B },
      { at: '2026-12-01T02:00:00.000Z', kind: 'moved', digest: A },
      { at: '2026-12-01T03:00:00.000Z', kind: 'moved', digest: B },
      { at: '2026-12-01T04:00:00.000Z', kind: 'refreshed', digest: B },
    ];
    expect(seenSince(state({ seenDigest: B, history }))).toBe(Date.parse('2026-12-01T03:00:00.000Z'));
    expect(seenSince(state({ seenDigest: B, history: history.slice(0, 1) }))).toBe(Date.parse('2026-12-01T01:00:00.000Z'));
    expect(seenSince(state({ seenDigest: C, history }))).toBeNull();
    const later = { digest: B, until: '2026-12-02T00:00:00.000Z', reason: 'window' as const };
    const sooner = { digest: B, until: '2026-12-01T12:00:00.000Z', reason: 'min-age' as const };
    expect(earliestWait([null, later, undefined, sooner])).toEqual(sooner);
    expect(earliestWait([later])).toEqual(later);
    expect(earliestWait([null, undefined])).toBeUndefined();
    expect(holdRefresh(state({ seenDigest: B }), { until: NOW, reason: 'min-age' }).waiting).toEqual({ digest: B, until: AT, reason: 'min-age' });
    expect(holdRefresh(state({ seenDigest: B, waiting: later }), null).waiting).toBeNull();
    expect(holdRefresh(state({ seenDigest: null, waiting: later }), { until: NOW, reason: 'window' }).waiting).toBeNull();
  });
});

describe('a refresh recorded', () => {
  it('applies the pulled digest, clears a refresh failure and a wait, and keeps a check failure', () => {
    const before = state({
      seenDigest: B,
      appliedDigest: A,
      lastError: refreshError,
      waiting: { digest: B, until: AT, reason: 'window' },
      retry: { digest: B, attempt: 3, nextAt: AT },
    });
    const done = recordRefresh(before, B, { image: 'x', ok: true, digest: B, containers: [{ name: 'web', id: '1', action: 'replaced' }] }, NOW, null);
    expect(done).toMatchObject({ appliedDigest: B, lastRefreshAt: AT, retry: null, waiting: null, lastError: null, updateAvailable: false });
    expect(done.history.at(-1)).toEqual({ at: AT, kind: 'refreshed', containers: ['web'], digest: B });
    const checkKept = recordRefresh(state({ seenDigest: B, lastError: checkError }), B, { image: 'x', ok: true, digest: B, containers: [] }, NOW, null);
    expect(checkKept.lastError).toEqual(checkError);
    expect(checkKept).not.toHaveProperty('waiting');
    // The tag moved again meanwhile: what was pulled is not the latest, so an update is still shown.
    const behind = recordRefresh(state({ seenDigest: C }), B, { image: 'x', ok: true, digest: B, containers: [] }, NOW, null);
    expect(behind).toMatchObject({ appliedDigest: B, updateAvailable: true });
  });

  it("says so when the registry's lookup and its pull disagree, and counts the lookup's digest as applied", () => {
    const odd = recordRefresh(state({ seenDigest: B }), B, { image: 'x', ok: true, digest: C, containers: [] }, NOW, null);
    expect(odd.appliedDigest).toBe(B);
    expect(odd.history.at(-1)?.message).toBe(
      `the registry's lookup answered ${B} but the pull got ${C}; if this repeats, a proxy or mirror in front of the registry serves another manifest`,
    );
    // No digest from the pull, or no target (a move to another tag): nothing to disagree about.
    expect(recordRefresh(state({ seenDigest: B }), B, { image: 'x', ok: true, containers: [] }, NOW, null).history.at(-1)).toEqual({
      at: AT,
      kind: 'refreshed',
      containers: [],
      digest: B,
    });
    expect(recordRefresh(state({ seenDigest: B, appliedDigest: A }), null, { image: 'x', ok: true, digest: C, containers: [] }, NOW, null).appliedDigest).toBe(
      C,
    );
    expect(recordRefresh(state({ seenDigest: B, appliedDigest: A }), null, { image: 'x', ok: true, containers: [] }, NOW, null).appliedDigest).toBe(A);
  });

  it('a failure stays on the row with its reason, and is retried later and later', () => {
    const policy = { baseMs: 30_000, maxMs: 1_800_000, random: () => 0.5 };
    const failed = recordRefresh(state({ seenDigest: B, appliedDigest: A }), B, { image: 'x', ok: false, error: 'pull failed', containers: [] }, NOW, policy);
    expect(failed.lastError).toEqual({ at: AT, phase: 'refresh', message: 'pull failed' });
    expect(failed.history.at(-1)).toEqual({ at: AT, kind: 'refresh-failed', message: 'pull failed', containers: [], digest: B });
    expect(failed.retry).toMatchObject({ digest: B, attempt: 1 });
    const again = recordRefresh(failed, B, { image: 'x', ok: false, containers: [] }, NOW, policy);
    expect(again.lastError?.message).toBe('refresh failed');
    expect(again.retry?.attempt).toBe(2);
    expect(Date.parse(again.retry!.nextAt)).toBeGreaterThan(Date.parse(failed.retry!.nextAt));
    // A retry of another digest starts counting again.
    expect(
      recordRefresh(state({ retry: { digest: C, attempt: 5, nextAt: AT } }), B, { image: 'x', ok: false, containers: [] }, NOW, policy).retry?.attempt,
    ).toBe(1);
  });
});

describe('history', () => {
  it(`keeps the last ${HISTORY_LIMIT} entries`, () => {
    let s = state();
    for (let i = 0; i < HISTORY_LIMIT; i++) s = withEntry(s, { at: AT, kind: 'check-failed', message: String(i) });
    expect(s.history).toHaveLength(HISTORY_LIMIT);
    expect(s.history[0]?.message).toBe('0');
    s = withEntry(s, { at: AT, kind: 'check-failed', message: 'one more' });
    expect(s.history).toHaveLength(HISTORY_LIMIT);
    expect(s.history[0]?.message).toBe('1');
    expect(s.history.at(-1)?.message).toBe('one more');
  });
});

describe('a refresh before any check', () => {
  it('says no update is available when no digest has been seen yet', () => {
    const B = `sha256:${'b'.repeat(64)}`;
    const done = recordRefresh(emptyRuntimeState(), B, { image: 'x', ok: true, digest: B, containers: [] }, Date.parse('2026-06-01T00:00:00Z'), null);
    expect(done.appliedDigest).toBe(B);
    expect(done.updateAvailable).toBe(false);
  });
});
