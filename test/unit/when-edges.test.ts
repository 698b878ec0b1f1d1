// The edges of "when may an update land", to the minute: a window opens at its first minute and
// is shut at its last, across midnight too; durations and spans that cannot be a window are
// refused with the reason; the cooling-off time holds until the very millisecond it ends. And
// hook labels, read to the exact limits the docs give.
import { describe, expect, it } from 'vitest';
import { parseWindow, type UpdateWindow } from '../../electron/core/update/when/window.js';
import { holdUntil } from '../../electron/core/update/when/hold.js';
import { hooksOf } from '../../electron/core/update/hooks/read.js';

const at = (hhmm: string, day = 7): Date => {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(2026, 11, day, h, m, 0, 0);
};

describe('a daily window, to the minute', () => {
  it('is open from its first minute up to, not including, its last', () => {
    const w = parseWindow('02:00-05:30');
    expect([w.isOpen(at('01:59')), w.isOpen(at('02:00')), w.isOpen(at('05:29')), w.isOpen(at('05:30'))]).toEqual([false, true, true, false]);
    const night = parseWindow(' 23:15 - 01:00 ');
    expect(night.text).toBe('23:15 - 01:00');
    expect([night.isOpen(at('23:14')), night.isOpen(at('23:15')), night.isOpen(at('00:30')), night.isOpen(at('00:59')), night.isOpen(at('01:00'))]).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    const toMidnight = parseWindow('22:00-24:00');
    expect([toMidnight.isOpen(at('23:59')), toMidnight.isOpen(at('00:00'))]).toEqual([true, false]);
  });

  it('next opens today when its start is still ahead, else tomorrow, and is now when open', () => {
    const w = parseWindow('02:00-05:00');
    expect(w.nextOpen(at('01:59'))).toEqual(at('02:00'));
    expect(w.nextOpen(at('05:00'))).toEqual(at('02:00', 8));
    const open = at('03:00');
    expect(w.nextOpen(open)).toBe(open);
  });

  it.each([
    ['02:00-02:00', 'update window "02:00-02:00" is empty: it starts where it ends'],
    ['02:00-24:01', 'update window "02:00-24:01": 24:01 is past midnight'],
    ['2-5', 'write "HH:MM-HH:MM"'],
    ['0 2 * * 6', 'write "HH:MM-HH:MM"'],
    ['0 2 * * 6 0h', '"0h" is not a duration such as 3h, 90m or 1h30m'],
    ['0 2 * * 6 soon', '"soon" is not a duration'],
    ['0 2 * * 6 169h', 'a window longer than a week is no window'],
    ['0 2 31 2 * 1h', 'never opens'],
    ['0 25 * * * 1h', 'update window "0 25 * * * 1h": '],
  ])('refuses %j', (text, why) => {
    expect(() => parseWindow(text)).toThrow(why);
  });

  it('takes a cron window of exactly a week, and one of minutes', () => {
    expect(parseWindow('0 0 * * 1 168h').isOpen(at('12:00', 9))).toBe(true);
    const quick = parseWindow('30 2 * * * 1h30m');
    expect([quick.isOpen(at('02:29')), quick.isOpen(at('02:30')), quick.isOpen(at('03:59')), quick.isOpen(at('04:00'))]).toEqual([false, true, true, false]);
    expect(parseWindow('0 3 * * * 45m').nextOpen(at('03:45'))).toEqual(at('03:00', 8));
  });
});

describe('the cooling-off time', () => {
  const seen = Date.parse('2026-12-07T10:00:00Z');
  const hour = 3600_000;
  it('holds until the very millisecond it ends, and not past it', () => {
    expect(holdUntil({ window: null, minAgeMs: hour }, seen, seen + hour - 1)).toEqual({ until: seen + hour, reason: 'min-age' });
    expect(holdUntil({ window: null, minAgeMs: hour }, seen, seen + hour)).toBeNull();
    expect(holdUntil({ window: null, minAgeMs: 0 }, seen, seen)).toBeNull();
    // When history no longer says when the digest was first seen, it does not hold.
    expect(holdUntil({ window: null, minAgeMs: hour }, null, seen)).toBeNull();
  });

  it('then waits for the window; a window that slips by holds a day', () => {
    const never: UpdateWindow = { text: 'x', isOpen: () => false, nextOpen: () => null };
    expect(holdUntil({ window: never, minAgeMs: 0 }, seen, seen)).toEqual({ until: seen + 24 * hour, reason: 'window' });
    const opensLater: UpdateWindow = { text: 'y', isOpen: () => false, nextOpen: (d) => new Date(d.getTime() + 2 * hour) };
    expect(holdUntil({ window: opensLater, minAgeMs: hour }, seen, seen)).toEqual({ until: seen + 3 * hour, reason: 'window' });
    const openNow: UpdateWindow = { text: 'z', isOpen: () => true, nextOpen: (d) => d };
    expect(holdUntil({ window: openNow, minAgeMs: hour }, seen, seen)).toEqual({ until: seen + hour, reason: 'min-age' });
  });
});

describe('hook labels, to their limits', () => {
  const WT = 'com.centurylinklabs.watchtower.lifecycle';
  it('take timeouts from 1 s to an hour, trimmed, and commands up to 4096 characters', () => {
    expect(hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': ' 3600 ' }).pre?.timeoutMs).toBe(3_600_000);
    expect(() => hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': '3601' })).toThrow('is not a number of seconds from 1 to 3600');
    expect(() => hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': ' ' })).toThrow('is not a number of seconds');
    expect(() => hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': 'Infinity' })).toThrow('is not a number of seconds');
    expect(hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': '0.5' }).pre?.timeoutMs).toBe(500);
    expect(hooksOf({ [`${WT}.pre-update`]: 'x', [`${WT}.pre-update-timeout`]: ' 90 ' }).pre?.timeoutMs).toBe(3_600_000);
    expect(hooksOf({ [`${WT}.pre-update`]: 'x', [`${WT}.pre-update-timeout`]: '1' }).pre?.timeoutMs).toBe(60_000);
    expect(() => hooksOf({ [`${WT}.pre-update`]: 'x', [`${WT}.pre-update-timeout`]: ' ' })).toThrow('is not a number of minutes');
    expect(() => hooksOf({ [`${WT}.pre-update`]: 'x', [`${WT}.pre-update-timeout`]: 'NaN' })).toThrow('is not a number of minutes');
    expect(hooksOf({ 'imagewatch.post-update': 'y'.repeat(4096) }).post?.command).toHaveLength(4096);
    expect(() => hooksOf({ 'imagewatch.post-update': 'y'.repeat(4097) })).toThrow('holds 4097 characters');
    expect(() => hooksOf({ 'imagewatch.post-update': 'a\0b' })).toThrow('label imagewatch.post-update holds a NUL character');
    // Watchtower's label is read when ours is blank, and its command trimmed.
    expect(hooksOf({ 'imagewatch.post-update': ' ', [`${WT}.post-update`]: ' check ' }).post).toMatchObject({ command: 'check', label: `${WT}.post-update` });
  });
});
