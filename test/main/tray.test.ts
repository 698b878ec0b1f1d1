import { describe, expect, it } from 'vitest';
import { summarize, type AppState, type RuntimeView } from '../../shared/api.js';
import { appStatus } from '../../shared/status.js';
import { emptyRuntimeState } from '../../electron/core/state/store.js';
import { buildTrayMenu, trayTooltip, type TrayMenuItem } from '../../electron/main/tray-menu.js';
import { TrayController } from '../../electron/main/tray.js';
import { isWebLink } from '../../electron/main/web-link.js';
import { Tray } from '../fakes/electron.js';
import { appState } from '../fixtures/runtime-state.js';

const D = `sha256:${'a'.repeat(64)}`;

function view(name: string, patch: Partial<RuntimeView['state']> = {}, refreshing = false): RuntimeView {
  return { config: { name, image: `ghcr.io/o/${name}:latest` }, state: summarize({ ...emptyRuntimeState(), seenDigest: D, ...patch }), refreshing };
}

function state(runtimes: RuntimeView[], checking = false, autoRefresh = false): AppState {
  const s = appState(runtimes, { checking });
  s.settings.autoRefresh = autoRefresh;
  s.status = appStatus(s);
  return s;
}

const labels = (items: TrayMenuItem[]): string[] => items.map((i) => (i.type === 'separator' ? '---' : (i.label ?? '')));

describe('tray menu, built from state', () => {
  it.each([
    ['idle', state([view('crewai'), view('hermes')]), 'Up to date', ['crewai: up to date', 'hermes: up to date']],
    ['checking', state([view('crewai')], true), 'Checking for updates', ['crewai: up to date']],
    [
      'update available',
      state([view('crewai', { updateAvailable: true }), view('hermes')]),
      'Update available',
      ['crewai: update available', 'hermes: up to date'],
    ],
    ['refreshing', state([view('crewai', {}, true)]), 'Refreshing', ['crewai: refreshing…']],
    ['error', state([view('crewai', { lastError: { at: 'x', phase: 'refresh', message: 'boom' } })]), 'A runtime has a problem', ['crewai: refresh failed']],
  ])('%s', (_name, s, headline, lines) => {
    const menu = buildTrayMenu(s, false);
    expect(menu[0]).toEqual({ label: headline, enabled: false });
    expect(labels(menu)).toEqual([
      headline,
      '---',
      ...lines,
      '---',
      'Refresh all',
      'Auto-refresh',
      '---',
      'Open imagewatch',
      'Start at login',
      'Open logs',
      'Quit',
    ]);
  });

  it('shows versions in the lines and the tooltip, and a "What changed" entry that opens the link', () => {
    const link = 'https://github.com/o/crewai/releases/tag/v0.87.1';
    const withVersions = (name: string, patch: Partial<RuntimeView['state']>, versions: RuntimeView['state']['versions']): RuntimeView => {
      const v = view(name, patch);
      return { ...v, state: { ...v.state, ...(versions ? { versions } : {}) } };
    };
    const s = state([
      withVersions('crewai', { updateAvailable: true }, { latest: { text: 'v0.87.1', from: 'label' }, running: { text: 'v0.86.0', from: 'label' }, link }),
      withVersions('hermes', {}, { latest: { text: '2.1', from: 'tag' } }),
      withVersions('plain', {}, { latest: { text: 'sha256:aaaaaaaaaaaa', from: 'digest' } }),
    ]);
    const menu = buildTrayMenu(s, false);
    expect(labels(menu).slice(2, 5)).toEqual(['crewai: update available v0.86.0 → v0.87.1', 'hermes: up to date 2.1', 'plain: up to date']);
    expect(menu[2]!.submenu!.at(-1)).toEqual({ label: 'What changed in v0.87.1', action: { kind: 'open-link', url: link } });
    expect(menu[3]!.submenu!.some((i) => i.action?.kind === 'open-link')).toBe(false);
    expect(trayTooltip(s)).toContain('update for crewai v0.86.0 → v0.87.1');
  });

  it('puts "Refresh now" under each runtime, disabled while that runtime refreshes', () => {
    const menu = buildTrayMenu(state([view('crewai', {}, true), view('hermes')]), false);
    const [crewai, hermes] = [menu[2]!, menu[3]!];
    expect(crewai.submenu![0]).toEqual({ label: 'Refresh now', enabled: false, action: { kind: 'refresh', runtime: 'crewai' } });
    expect(hermes.submenu![0]).toEqual({ label: 'Refresh now', enabled: true, action: { kind: 'refresh', runtime: 'hermes' } });
    expect(hermes.submenu![1]).toEqual({ label: 'Show in window', action: { kind: 'open', runtime: 'hermes' } });
  });

  it('toggles auto-refresh and start-at-login as checkboxes', () => {
    const off = buildTrayMenu(state([view('a')], false, false), false);
    const on = buildTrayMenu(state([view('a')], false, true), true);
    const find = (menu: TrayMenuItem[], label: string): TrayMenuItem => menu.find((i) => i.label === label)!;
    expect(find(off, 'Auto-refresh')).toMatchObject({ type: 'checkbox', checked: false, action: { kind: 'set-auto-refresh', enabled: true } });
    expect(find(on, 'Auto-refresh')).toMatchObject({ checked: true, action: { kind: 'set-auto-refresh', enabled: false } });
    expect(find(on, 'Start at login')).toMatchObject({ checked: true, action: { kind: 'set-start-at-login', enabled: false } });
    expect(buildTrayMenu(state([]), false)[2]).toEqual({ label: 'No runtimes watched', enabled: false });
  });

  it('says the status in words in the tooltip', () => {
    const s = state([view('crewai', { updateAvailable: true }), view('hermes', { lastError: { at: 'x', phase: 'check', message: 'down' } })]);
    expect(trayTooltip(s)).toBe('imagewatch: A runtime has a problem · update for crewai · problem with hermes');
  });

  it('the tray owner swaps the icon with the status and wires menu clicks to actions', () => {
    const actions: unknown[] = [];
    const controller = new TrayController(
      (a) => actions.push(a),
      () => false,
    );
    const tray = Tray.current!;
    controller.update(state([view('crewai')]));
    const idleIcon = tray.image;
    controller.update(state([view('crewai', { updateAvailable: true })]));
    expect(tray.image).not.toEqual(idleIcon);
    expect(tray.tooltip).toContain('Update available');
    const template = tray.menu!.template as Array<{ label?: string; click?: () => void; submenu?: Array<{ label?: string; click?: () => void }> }>;
    template.find((i) => i.label === 'Refresh all')!.click!();
    template[2]!.submenu![0]!.click!();
    expect(actions).toEqual([{ kind: 'refresh-all' }, { kind: 'refresh', runtime: 'crewai' }]);
  });
});

describe('tray with several engines', () => {
  const engine = (name: string, reachable: boolean): NonNullable<AppState['engines']>[number] => ({
    name,
    host: `ssh://me@${name}`,
    source: 'setting',
    description: `ssh://me@${name} (the engines setting)`,
    tried: [],
    health: reachable ? { reachable: true } : { reachable: false, error: 'connect ECONNREFUSED', found: [] },
  });
  const part = (name: string, failed: boolean) => ({
    engine: name,
    appliedDigest: D,
    lastRefreshAt: null,
    lastError: failed ? { at: 'x', phase: 'refresh' as const, message: 'boom' } : null,
    updateAvailable: false,
    retry: null,
  });

  it('counts the engines that need attention in the tooltip and the menu', () => {
    const s = state([view('crewai', { engines: [part('nas', false), part('vps', true), part('pi', false)] })]);
    s.engines = [engine('nas', true), engine('vps', true), engine('pi', false)];
    expect(trayTooltip(s)).toContain('2 of 3 engines need attention: vps refresh failed for crewai; pi unreachable');
    expect(labels(buildTrayMenu(s, false))[1]).toBe('2 of 3 engines need attention');
    s.engines = [engine('nas', true), engine('vps', true)];
    const fine = state([view('crewai', { engines: [part('nas', false), part('vps', false)] })]);
    fine.engines = s.engines;
    expect(trayTooltip(fine)).toContain('2 engines, all fine');
  });

  it('says nothing of engines with one engine', () => {
    const s = state([view('crewai')]);
    s.engines = [engine('local', false)];
    expect(trayTooltip(s)).not.toMatch(/engines/);
    expect(labels(buildTrayMenu(s, false))[1]).toBe('---');
  });
});

describe('links handed to the system browser', () => {
  it.each([
    ['https://github.com/o/r/releases/tag/v1', true],
    ['http://gitea.lan/o/r/releases', true],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['vscode://file/x', false],
    ['not a url', false],
  ])('%s opens: %s', (url, expected) => {
    expect(isWebLink(url)).toBe(expected);
  });
});
