import type { AppState, AppStatus } from './api.js';

/** The one-word summary for tray and window, most urgent first. */
export function appStatus(state: Pick<AppState, 'runtimes' | 'checking'>): AppStatus {
  if (state.runtimes.some((r) => r.refreshing)) return 'refreshing';
  if (state.checking) return 'checking';
  if (state.runtimes.some((r) => r.state.lastError !== null)) return 'error';
  if (state.runtimes.some((r) => r.state.updateAvailable)) return 'update-available';
  return 'idle';
}

export const STATUS_TEXT: Record<AppStatus, string> = {
  idle: 'Up to date',
  checking: 'Checking for updates',
  'update-available': 'Update available',
  refreshing: 'Refreshing',
  error: 'A runtime has a problem',
};
