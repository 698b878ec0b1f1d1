// What the tray shows, as pure functions of the app state, so every state is unit-testable.
import type { AppState } from '../../shared/api.js';
import { STATUS_TEXT } from '../../shared/status.js';
import { versionChange } from '../../shared/versions.js';

type Row = AppState['runtimes'][number];

/** " 0.86.0 → 0.87.1" when the image (or its tag) says more than its digest; empty otherwise. */
function versionText(r: Row): string {
  const versions = r.state.versions;
  if (!versions || (versions.latest.from === 'digest' && versions.running?.from !== 'label')) return '';
  return ` ${versionChange(versions)}`;
}

export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'submenu';
  checked?: boolean;
  enabled?: boolean;
  submenu?: TrayMenuItem[];
  /** What clicking does; the tray owner maps it to a call. */
  action?: TrayAction;
}

export type TrayAction =
  | { kind: 'refresh'; runtime: string }
  | { kind: 'refresh-all' }
  | { kind: 'set-auto-refresh'; enabled: boolean }
  | { kind: 'open'; runtime?: string }
  | { kind: 'set-start-at-login'; enabled: boolean }
  | { kind: 'open-logs' }
  /** A release link, opened in the system browser. */
  | { kind: 'open-link'; url: string }
  | { kind: 'quit' };

/** With several engines: each engine that needs attention, and why (it does not answer, or a refresh failed there). */
export function enginesNeedingAttention(state: AppState): Array<{ name: string; why: string }> {
  const engines = state.engines ?? [];
  if (engines.length < 2) return [];
  return engines.flatMap((engine) => {
    if (engine.health && !engine.health.reachable) return [{ name: engine.name, why: 'unreachable' }];
    const failed = state.runtimes.filter((r) => r.state.engines?.some((e) => e.engine === engine.name && e.lastError)).map((r) => r.config.name);
    return failed.length ? [{ name: engine.name, why: `refresh failed for ${failed.join(', ')}` }] : [];
  });
}

function enginesText(state: AppState): string | null {
  const engines = state.engines ?? [];
  if (engines.length < 2) return null;
  const attention = enginesNeedingAttention(state);
  if (!attention.length) return `${engines.length} engines, all fine`;
  return `${attention.length} of ${engines.length} engines need attention: ${attention.map((a) => `${a.name} ${a.why}`).join('; ')}`;
}

export function trayTooltip(state: AppState): string {
  const updates = state.runtimes.filter((r) => r.state.updateAvailable).map((r) => `${r.config.name}${versionText(r)}`);
  const failed = state.runtimes.filter((r) => r.state.lastError).map((r) => r.config.name);
  const refreshing = state.runtimes.filter((r) => r.refreshing).map((r) => r.config.name);
  const parts = [`imagewatch: ${STATUS_TEXT[state.status]}`];
  if (refreshing.length) parts.push(`refreshing ${refreshing.join(', ')}`);
  if (updates.length) parts.push(`update for ${updates.join(', ')}`);
  if (failed.length) parts.push(`problem with ${failed.join(', ')}`);
  const engines = enginesText(state);
  if (engines) parts.push(engines);
  else if (state.engine) parts.push(`engine ${state.engine.description}`);
  return parts.join(' · ');
}

function runtimeLine(r: Row): string {
  const newer = r.state.newerTag ? ` · ${r.state.newerTag.tag} available` : '';
  return `${statusLine(r)}${newer}`;
}

function statusLine(r: Row): string {
  if (r.refreshing) return `${r.config.name}: refreshing…`;
  if (r.state.lastError) return `${r.config.name}: ${r.state.lastError.phase === 'check' ? 'check failed' : 'refresh failed'}`;
  if (r.state.updateAvailable) return `${r.config.name}: update available${versionText(r)}`;
  if (!r.state.seenDigest) return `${r.config.name}: not checked yet`;
  return `${r.config.name}: up to date${versionText(r)}`;
}

export function buildTrayMenu(state: AppState, startAtLogin: boolean): TrayMenuItem[] {
  const runtimes: TrayMenuItem[] = state.runtimes.map((r) => ({
    label: runtimeLine(r),
    type: 'submenu',
    submenu: [
      { label: 'Refresh now', enabled: !r.refreshing, action: { kind: 'refresh', runtime: r.config.name } },
      { label: 'Show in window', action: { kind: 'open', runtime: r.config.name } },
      ...(r.state.versions?.link
        ? [{ label: `What changed in ${r.state.versions.latest.text}`, action: { kind: 'open-link', url: r.state.versions.link } } satisfies TrayMenuItem]
        : []),
    ],
  }));
  const engines = enginesText(state);
  return [
    { label: STATUS_TEXT[state.status], enabled: false },
    ...(engines ? [{ label: engines.replace(/: .*/, ''), enabled: false, action: { kind: 'open' } } satisfies TrayMenuItem] : []),
    { type: 'separator' },
    ...(runtimes.length ? runtimes : [{ label: 'No runtimes watched', enabled: false }]),
    { type: 'separator' },
    { label: 'Refresh all', enabled: state.runtimes.length > 0 && !state.runtimes.every((r) => r.refreshing), action: { kind: 'refresh-all' } },
    {
      label: 'Auto-refresh',
      type: 'checkbox',
      checked: state.settings.autoRefresh,
      enabled: !state.settings.autoRefreshForcedByEnv,
      action: { kind: 'set-auto-refresh', enabled: !state.settings.autoRefresh },
    },
    { type: 'separator' },
    { label: 'Open imagewatch', action: { kind: 'open' } },
    { label: 'Start at login', type: 'checkbox', checked: startAtLogin, action: { kind: 'set-start-at-login', enabled: !startAtLogin } },
    { label: 'Open logs', action: { kind: 'open-logs' } },
    { label: 'Quit', action: { kind: 'quit' } },
  ];
}
