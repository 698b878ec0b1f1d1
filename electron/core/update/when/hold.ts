// Whether an automatic refresh may run now, or until when it waits: the cooling-off time (a new
// digest must have stood `minAgeMinutes`, by imagewatch's own clock, since it was first seen, so
// a broken push followed by a fix never reaches the user) and then the update window. The time a
// digest was first seen comes from state, so a restart changes nothing. "Refresh now" and
// `imagewatch refresh` never wait.
import type { WaitPlan } from '../../../../shared/dto.js';
import type { UpdateWindow } from './window.js';

export interface WhenRules {
  window: UpdateWindow | null;
  minAgeMs: number;
}

export type Hold = Omit<WaitPlan, 'digest' | 'until'> & { until: number };

/** null when an automatic refresh may run at `nowMs`; else until when it waits, and the last reason. */
export function holdUntil(rules: WhenRules, seenSinceMs: number | null, nowMs: number): Hold | null {
  let at = nowMs;
  let reason: Hold['reason'] | null = null;
  if (rules.minAgeMs > 0 && seenSinceMs !== null && seenSinceMs + rules.minAgeMs > nowMs) {
    at = seenSinceMs + rules.minAgeMs;
    reason = 'min-age';
  }
  if (rules.window) {
    const open = rules.window.nextOpen(new Date(at));
    // A window that never opens was refused when the settings were read; hold a day if one slips by.
    const opens = open ? open.getTime() : at + 24 * 3600_000;
    if (opens > at) {
      at = opens;
      reason = 'window';
    }
  }
  return reason ? { until: at, reason } : null;
}
