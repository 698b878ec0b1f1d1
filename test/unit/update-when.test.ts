// When automatic refreshes may happen: update windows (a daily span, across midnight, or cron and
// a duration), the cooling-off time, and the watcher holding a move back until then, waking for
// it, and applying it; "Refresh now" never waits, and the wait survives a restart (state).
import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../shared/events.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { holdUntil } from '../../electron/core/update/when/hold.js';
import { parseWindow } from '../../electron/core/update/when/window.js';
import { Watcher } from '../../electron/core/watch/watcher.js';
import { checkWindows } from '../../electron/core/config/load.js';

const local = (h: number, m = 0, day = 7): Date => new Date(2026, 11, day, h, m, 0, 0);
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('update windows', () => {
  it('a daily span: open inside, next opening after', () => {
    const w = parseWindow('02:00-05:00');
    expect(w.isOpen(local(3))).toBe(true);
    expect(w.isOpen(local(5))).toBe(false);
    expect(w.isOpen(local(1, 59))).toBe(false);
    expect(w.nextOpen(local(1, 30))).toEqual(local(2));
    expect(w.nextOpen(local(6))).toEqual(local(2, 0, 8));
    expect(w.nextOpen(local(3))).toEqual(local(3));
  });

  it('a span across midnight', () => {
    const w = parseWindow('23:00-01:00');
    expect(w.isOpen(local(23, 30))).toBe(true);
    expect(w.isOpen(local(0, 30))).toBe(true);
    expect(w.isOpen(local(12))).toBe(false);
    expect(w.nextOpen(local(12))).toEqual(local(23));
  });

  it('cron and a duration: Saturdays from 02:00 for three hours', () => {
    const w = parseWindow('0 2 * * 6 3h');
    // 2026-12-12 is a Saturday.
    expect(w.isOpen(local(2, 0, 12))).toBe(true);
    expect(w.isOpen(local(4, 59, 12))).toBe(true);
    expect(w.isOpen(local(5, 0, 12))).toBe(false);
    expect(w.isOpen(local(3, 0, 11))).toBe(false);
    expect(w.nextOpen(local(10, 0, 7))).toEqual(local(2, 0, 12));
  });

  it.each([
    ['25:00-03:00', /write "HH:MM-HH:MM"/],
    ['02:00-02:00', /is empty/],
    ['0 2 * * 6', /write "HH:MM-HH:MM"/],
    ['0 2 * * 6 soon', /"soon" is not a duration/],
    ['0 2 31 2 * 1h', /never opens/],
    ['0 99 * * * 1h', /update window "0 99 \* \* \* 1h": /],
  ])('refuses %s, saying why', (text, message) => {
    expect(() => parseWindow(text)).toThrow(message);
  });

  it('reads a cron window however it is spaced, and quotes a long wrong one by its first 80 characters', () => {
    const w = parseWindow('  0  2 * *\t6   3h ');
    expect(w.text).toBe('0  2 * *\t6   3h');
    expect(w.isOpen(local(3, 0, 12))).toBe(true);
    expect(() => parseWindow(`nightly ${'x'.repeat(100)}`)).toThrow(
      `update window "nightly ${'x'.repeat(72)}": write "HH:MM-HH:MM" (e.g. "02:00-05:00") or a 5-field cron expression and a duration (e.g. "0 2 * * 6 3h")`,
    );
    expect(() => parseWindow('0 2 * * 6 0h')).toThrow('update window "0 2 * * 6 0h": "0h" is not a duration such as 3h, 90m or 1h30m');
    expect(() => parseWindow('0 2 * * 6 h')).toThrow('update window "0 2 * * 6 h": "h" is not a duration such as 3h, 90m or 1h30m');
  });

  it('a wrong window in the settings is a config error naming it', () => {
    expect(() => checkWindows({ runtimes: [{ name: 'db', image: 'x:1', window: 'nights' }] }, 'c.json')).toThrow(
      /^c\.json: runtimes\[0\]\.window \(runtime "db"\): update window "nights"/,
    );
  });
});

describe('holding an automatic refresh', () => {
  it('holds nothing without a cooling-off time, even when the move was seen "later" by a clock set back', () => {
    const now = local(12).getTime();
    expect(holdUntil({ window: null, minAgeMs: 0 }, now + 60_000, now)).toBeNull();
  });

  it('waits out the cooling-off time, then the window', () => {
    const now = local(10).getTime();
    expect(holdUntil({ window: null, minAgeMs: 0 }, now, now)).toBeNull();
    expect(holdUntil({ window: null, minAgeMs: 3600_000 }, now - 600_000, now)).toEqual({ until: now + 3000_000, reason: 'min-age' });
    expect(holdUntil({ window: parseWindow('02:00-05:00'), minAgeMs: 0 }, null, now)).toEqual({ until: local(2, 0, 8).getTime(), reason: 'window' });
    // Cooled off at 10:50, inside a 10:00-11:00 window: 10:50.
    expect(holdUntil({ window: parseWindow('10:00-11:00'), minAgeMs: 3600_000 }, now - 600_000, now)).toEqual({
      until: local(10, 50).getTime(),
      reason: 'min-age',
    });
    // Cooled off at 11:50, after the window closed: tomorrow's window.
    expect(holdUntil({ window: parseWindow('10:00-11:00'), minAgeMs: 2 * 3600_000 }, now - 600_000, now)).toEqual({
      until: local(10, 0, 8).getTime(),
      reason: 'window',
    });
  });
});

describe('the watcher and the update window', () => {
  function harness(store = new MemoryStateStore(), clock = { now: local(10).getTime() }) {
    let remote = A;
    const refreshed: string[] = [];
    const events: CoreEvent[] = [];
    const watcher = new Watcher({
      settings: () => ({
        runtimes: [{ name: 'app', image: 'reg.lan/app:latest' }],
        intervalMs: 300_000,
        autoRefresh: true,
        concurrency: 2,
        window: '02:00-05:00',
        minAgeMinutes: 30,
      }),
      lookupDigest: async () => remote,
      localView: async () => ({ present: true, hasDigest: true }),
      refresher: {
        refreshOne: async (r) => {
          refreshed.push(r.name);
          return { image: r.image, ok: true, digest: remote, containers: [] };
        },
        idle: async () => undefined,
      },
      store,
      now: () => clock.now,
      emit: (e) => events.push(e),
    });
    return { watcher, refreshed, events, clock, store, move: (to: string) => (remote = to) };
  }

  it('holds a move until the window, says when, wakes for it and applies it; survives a restart', async () => {
    const h = harness();
    await h.watcher.tick();
    h.move(B);
    const [report] = await h.watcher.tick();
    expect(h.refreshed).toEqual([]);
    expect(report).toMatchObject({ outcome: 'moved', updateAvailable: true, waiting: { digest: B, reason: 'window', until: local(2, 0, 8).toISOString() } });
    expect(h.events.find((e) => e.type === 'digest-moved')).toMatchObject({ appliesAt: local(2, 0, 8).toISOString(), appliesBecause: 'window' });
    expect(h.watcher.retries(h.clock.now).earliest).toBe(local(2, 0, 8).getTime());

    // Checks go on meanwhile; nothing is refreshed outside the window.
    h.clock.now = local(23).getTime();
    await h.watcher.tick();
    expect(h.refreshed).toEqual([]);

    // A restart: a new watcher on the same state knows the wait.
    const again = harness(h.store, h.clock);
    again.move(B);
    again.clock.now = local(2, 1, 8).getTime();
    await again.watcher.init();
    const { due } = again.watcher.retries(again.clock.now);
    expect(due).toEqual(['app']);
    await again.watcher.tick({ only: due });
    expect(again.refreshed).toEqual(['app']);
    expect(again.watcher.stateOf('app')).toMatchObject({ appliedDigest: B, updateAvailable: false });
    expect(again.watcher.stateOf('app').waiting ?? null).toBeNull();
  });

  it('"Refresh now" acts at once, whatever the window', async () => {
    const h = harness();
    await h.watcher.tick();
    h.move(B);
    await h.watcher.tick();
    expect(h.refreshed).toEqual([]);
    await h.watcher.refresh(['app']);
    expect(h.refreshed).toEqual(['app']);
    // Applied by hand: the wait is over and the loop is not woken for it.
    await h.watcher.tick();
    expect(h.watcher.retries(h.clock.now).earliest).toBeNull();
  });
});
