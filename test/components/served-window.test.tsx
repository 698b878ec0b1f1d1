// The window as `imagewatch serve` sends it (shared/served-window.ts): drawn by the server-side
// build, then taken over by React in the page without a mismatch, and the state it carries
// stays data whatever text the state holds.
import { act, cleanup, screen, within } from '@testing-library/react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summarize, type AppState, type ImagewatchApi, type RuntimeView } from '../../shared/api.js';
import { SERVED_STATE_ID, type ServedState } from '../../shared/served-window.js';
import { renderWindow } from '../../renderer/src/server.js';
import { WindowStore } from '../../renderer/src/window-store.js';
import { WindowTree } from '../../renderer/src/window-tree.js';
import { appState, runtimeState } from '../fixtures/runtime-state.js';

const HOUR = 3_600_000;

function api(): ImagewatchApi & { refresh: ReturnType<typeof vi.fn> } {
  const methods = ['getState', 'checkNow', 'refresh', 'setAutoRefresh', 'updateSettings', 'addRuntime', 'removeRuntime', 'getHistory'];
  const out: Record<string, unknown> = Object.fromEntries(methods.map((m) => [m, vi.fn(async () => undefined)]));
  out.onEvent = () => () => undefined;
  return out as unknown as ImagewatchApi & { refresh: ReturnType<typeof vi.fn> };
}

const view = (name: string, lastCheckAt: string, message?: string): RuntimeView => ({
  config: { name, image: `ghcr.io/o/${name}:latest` },
  state: summarize(runtimeState({ lastCheckAt, lastError: message === undefined ? null : { phase: 'check', message, at: lastCheckAt } })),
  refreshing: false,
});

/** Puts a served page's body in the document, as the browser would have it before any script. */
function serve(state: AppState, now: number): HTMLElement {
  const { root, after } = renderWindow({ state, now, runtime: null });
  document.body.innerHTML = `<div id="root">${root}</div>${after}`;
  return document.getElementById('root')!;
}

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  cleanup();
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('the served window', () => {
  it('arrives drawn, and React takes it over without redrawing: no mismatch, clicks work, times move to the browser clock', async () => {
    // The server drew it an hour ago (its clock), a minute after the check.
    const serverNow = Date.now() - HOUR;
    const checked = new Date(serverNow - 60_000).toISOString();
    const state = appState([view('alpha', checked), view('beta', checked)]);
    const container = serve(state, serverNow);
    const drawn = within(container).getByRole('row', { name: 'alpha' });
    expect(drawn.textContent).toContain('1 minute ago');
    expect(drawn.querySelector('time')?.getAttribute('title')).toBeNull();

    const errors: unknown[] = [];
    const consoleError = vi.spyOn(console, 'error').mockImplementation((...args) => errors.push(args));
    const served = JSON.parse(document.getElementById(SERVED_STATE_ID)!.textContent!) as ServedState;
    expect(served).toEqual({ state, now: serverNow });
    const store = new WindowStore();
    store.load(served.state);
    const calls = api();
    await act(async () => {
      root = hydrateRoot(container, <WindowTree api={calls} store={store} initialRuntime={null} serverNow={served.now} />, {
        onRecoverableError: (error) => errors.push(error),
      });
    });
    consoleError.mockRestore();
    expect(errors).toEqual([]);
    // The same element, kept: React adopted the server's drawing instead of replacing it.
    const row = screen.getByRole('row', { name: 'alpha' });
    expect(row).toBe(drawn);
    // Then the browser's clock and zone: an hour later here.
    expect(row.textContent).toContain('1 hour ago');
    expect(row.querySelector('time')?.getAttribute('title')).toBeTruthy();
    // No state was asked for: the page carried it.
    expect(calls.getState).not.toHaveBeenCalled();
    await act(async () => within(row).getByRole('button', { name: 'Refresh now' }).click());
    expect(calls.refresh).toHaveBeenCalledWith('alpha');
  });

  it('carries any text in its state as data: a registry message cannot end the script element or inject markup', () => {
    const hostile = '</script><script>alert(1)</script><!-- \u2028 & $& $1';
    const state = appState([view('alpha', new Date().toISOString(), hostile)]);
    const { root, after } = renderWindow({ state, now: Date.now(), runtime: null });
    expect(after.match(/<\/script/gi)).toHaveLength(1);
    expect(after.endsWith('</script>')).toBe(true);
    expect(after).not.toContain('<!--');
    expect(root).not.toContain('<script>');
    const container = serve(state, Date.now());
    expect(document.querySelectorAll('script:not([type="application/json"])')).toHaveLength(0);
    expect(within(container).getByRole('row', { name: 'alpha' }).textContent).toContain(hostile);
    const served = JSON.parse(document.getElementById(SERVED_STATE_ID)!.textContent!) as ServedState;
    expect(served.state.runtimes[0]!.state.lastError?.message).toBe(hostile);
  });
});
