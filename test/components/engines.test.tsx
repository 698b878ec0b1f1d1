// The window with several engines (jsdom): each runtime's status per engine with "Refresh on
// <engine>", the engines in the header, and adding and removing engines.
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summarize, type ApiEvent, type AppState, type ImagewatchApi } from '../../shared/api.js';
import type { EngineView } from '../../shared/dto.js';
import { App } from '../../renderer/src/App.js';
import { appState, D1, runtimeState } from '../fixtures/runtime-state.js';

const D2 = `sha256:${'2'.repeat(64)}`;

function fakeApi(state: AppState): ImagewatchApi & { calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = [];
  const record = (name: string) =>
    vi.fn(async (...args: unknown[]) => {
      calls.push([name, args]);
      return state;
    });
  return new Proxy({ calls, getState: vi.fn(async () => state), onEvent: (_l: (e: ApiEvent) => void) => () => undefined } as Record<string, unknown>, {
    get: (target, key: string) => (key in target ? target[key] : (target[key] = record(key))),
  }) as unknown as ImagewatchApi & { calls: Array<[string, unknown[]]> };
}

const engine = (name: string, reachable = true): EngineView => ({
  name,
  host: `ssh://me@${name}`,
  source: 'setting',
  description: `ssh://me@${name} (the dockerHost setting)`,
  tried: [],
  health: reachable ? { reachable: true } : { reachable: false, error: 'connect ECONNREFUSED', found: [] },
  ...(reachable ? {} : { downSince: new Date(Date.now() - 60_000).toISOString() }),
});

function twoEngines(): AppState {
  const part = (name: string, applied: string, stale = false) => ({
    engine: name,
    appliedDigest: applied,
    lastRefreshAt: null,
    lastError: null,
    updateAvailable: applied !== D2,
    retry: null,
    ...(stale ? { stale: { since: new Date(Date.now() - 60_000).toISOString(), error: 'connect ECONNREFUSED' } } : {}),
  });
  const state = appState([
    {
      config: { name: 'app', image: 'ghcr.io/o/app:latest' },
      state: { ...summarize(runtimeState({ seenDigest: D2, updateAvailable: true })), engines: [part('nas', D2), part('vps', D1, true)] },
      refreshing: false,
    },
  ]);
  state.engines = [engine('nas'), engine('vps', false)];
  return state;
}

afterEach(cleanup);

describe('the window with several engines', () => {
  it('shows the engines, each runtime per engine, and refreshes on one engine', async () => {
    const api = fakeApi(twoEngines());
    render(<App api={api} />);
    const row = await screen.findByRole('row', { name: 'app' });
    expect(row.textContent).toContain('1 of 2 engines on the new digest');
    const perEngine = within(row).getByRole('list', { name: 'app per engine' });
    expect(perEngine.textContent).toMatch(/nas: up to date/);
    expect(perEngine.textContent).toMatch(/vps: update available \(unreachable since .*; last known values\)/);
    expect(screen.getByRole('list', { name: 'Engines' }).textContent).toMatch(/nas.*vps unreachable since/);
    await userEvent.click(within(row).getByRole('button', { name: 'Refresh on vps' }));
    expect(api.calls).toContainEqual(['refresh', ['app', { engine: 'vps' }]]);
  });

  it('adds an engine by host or by docker context, and removes one', async () => {
    const api = fakeApi(twoEngines());
    render(<App api={api} />);
    const form = await screen.findByRole('form', { name: 'Add an engine' });
    await userEvent.type(within(form).getByLabelText('Engine name'), 'pi');
    await userEvent.type(within(form).getByLabelText('Host or docker context'), 'ssh://me@pi');
    await userEvent.click(within(form).getByRole('button', { name: 'Add engine' }));
    await userEvent.type(within(form).getByLabelText('Engine name'), 'desk');
    await userEvent.type(within(form).getByLabelText('Host or docker context'), 'desktop-linux');
    await userEvent.click(within(form).getByRole('button', { name: 'Add engine' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove engine vps' }));
    expect(api.calls.filter(([m]) => m === 'addEngine' || m === 'removeEngine')).toEqual([
      ['addEngine', [{ name: 'pi', host: 'ssh://me@pi' }]],
      ['addEngine', [{ name: 'desk', context: 'desktop-linux' }]],
      ['removeEngine', ['vps']],
    ]);
  });

  it('shows neither the engine list in the header nor per-engine rows with one engine', async () => {
    const state = appState([{ config: { name: 'app', image: 'ghcr.io/o/app:latest' }, state: summarize(runtimeState()), refreshing: false }]);
    state.engines = [engine('local')];
    render(<App api={fakeApi(state)} />);
    const row = await screen.findByRole('row', { name: 'app' });
    expect(within(row).queryByRole('list')).toBeNull();
    expect(screen.queryByRole('list', { name: 'Engines' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove engine local' })).toBeNull();
  });
});
