// What /healthz answers: whether imagewatch is doing its job, for uptime checks that only read
// the status. No token is needed, so nothing here names a registry, an image or a host.
import type { AppState } from '../../../shared/api.js';
import { lastCheckFailed } from '../../../shared/dto.js';

export type Health = { status: 'ok' } | { status: 'unhealthy'; reasons: string[] };

export function healthOf(state: AppState, options: { nowMs: number; startedAtMs: number }): Health {
  const reasons: string[] = [];
  if (state.engineHealth?.reachable === false) reasons.push('the container engine does not answer');
  const runtimes = state.runtimes;
  const checked = runtimes.filter((r) => r.state.lastCheckAt !== null);
  if (checked.length > 0 && checked.every((r) => lastCheckFailed(r.state))) reasons.push('every lookup is failing');
  const intervalMs = state.settings.intervalSeconds * 1000;
  const latest = Math.max(0, ...checked.map((r) => Date.parse(r.state.lastCheckAt!)));
  const since = latest > 0 ? latest : options.startedAtMs;
  if (runtimes.length > 0 && options.nowMs - since > 3 * intervalMs) {
    const seconds = Math.round((options.nowMs - since) / 1000);
    reasons.push(
      latest > 0 ? `the last check was ${seconds} s ago, over 3 intervals (${state.settings.intervalSeconds} s)` : `no check has finished in ${seconds} s`,
    );
  }
  return reasons.length ? { status: 'unhealthy', reasons } : { status: 'ok' };
}
