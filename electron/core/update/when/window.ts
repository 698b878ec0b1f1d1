// When automatic refreshes may happen: an update window, written as a daily span of the local
// clock ("02:00-05:00", across midnight when the end is earlier: "23:00-01:00") or as a 5-field
// cron expression with a duration ("0 2 * * 6 3h": Saturdays from 02:00 for three hours). Local
// time is the system's zone, or TZ's. Checks and notifications go on at all times; only
// automatic refreshes wait. Cron expressions are read by croner (no dependencies, keeps to the
// 5-field grammar here), not by hand.
import { Cron } from 'croner';

export interface UpdateWindow {
  /** As the user wrote it. */
  text: string;
  isOpen(at: Date): boolean;
  /** `at` itself when open, else when it next opens (null: never, an impossible cron). */
  nextOpen(at: Date): Date | null;
}

const SPAN = /^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)$/;
const DURATION = /^(?:(\d{1,3})h)?(?:(\d{1,4})m)?$/;
const DAY_MS = 24 * 3600_000;

function dailySpan(text: string, match: RegExpExecArray): UpdateWindow {
  const start = Number(match[1]) * 60 + Number(match[2]);
  const end = Number(match[3]) * 60 + Number(match[4]);
  if (end > 24 * 60) throw new Error(`update window "${text}": ${match[3]}:${match[4]} is past midnight`);
  if (start === end) throw new Error(`update window "${text}" is empty: it starts where it ends`);
  const minuteOf = (at: Date): number => at.getHours() * 60 + at.getMinutes();
  const isOpen = (at: Date): boolean => {
    const m = minuteOf(at);
    return start < end ? m >= start && m < end : m >= start || m < end;
  };
  return {
    text,
    isOpen,
    nextOpen(at) {
      if (isOpen(at)) return at;
      const next = new Date(at);
      next.setHours(Math.floor(start / 60), start % 60, 0, 0);
      // Already past today's start: tomorrow's (a calendar day, so a DST change keeps 02:00 at 02:00).
      if (next.getTime() <= at.getTime()) next.setDate(next.getDate() + 1);
      return next;
    },
  };
}

function cronSpan(text: string, pattern: string, duration: string): UpdateWindow {
  const d = DURATION.exec(duration);
  const ms = d && (d[1] || d[2]) ? (Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)) * 60_000 : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`update window "${text}": "${duration}" is not a duration such as 3h, 90m or 1h30m`);
  if (ms > 7 * DAY_MS) throw new Error(`update window "${text}": a window longer than a week is no window`);
  let cron: Cron;
  try {
    cron = new Cron(pattern, { paused: true, mode: '5-part' });
  } catch (err) {
    throw new Error(`update window "${text}": ${(err as Error).message}`, { cause: err });
  }
  if (cron.nextRun() === null) throw new Error(`update window "${text}" never opens`);
  /** The last start at or before `at` (croner's previous runs are strictly before its reference). */
  const lastStart = (at: Date): Date | null => cron.previousRuns(1, new Date(at.getTime() + 1000))[0] ?? null;
  const isOpen = (at: Date): boolean => {
    const started = lastStart(at);
    return started !== null && at.getTime() < started.getTime() + ms;
  };
  return {
    text,
    isOpen,
    nextOpen: (at) => (isOpen(at) ? at : cron.nextRun(at)),
  };
}

/** An update window from its setting; throws an error naming what is wrong with it. */
export function parseWindow(text: string): UpdateWindow {
  const trimmed = text.trim();
  const span = SPAN.exec(trimmed);
  if (span) return dailySpan(trimmed, span);
  const parts = trimmed.split(/\s+/);
  if (parts.length === 6) return cronSpan(trimmed, parts.slice(0, 5).join(' '), parts[5]!);
  throw new Error(
    `update window "${trimmed.slice(0, 80)}": write "HH:MM-HH:MM" (e.g. "02:00-05:00") or a 5-field cron expression and a duration (e.g. "0 2 * * 6 3h")`,
  );
}
