import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summarize, type ApiEvent, type AppState, type ImagewatchApi, type RuntimeView } from '../../shared/api.js';
import type { RuntimeState } from '../../shared/dto.js';
import { App } from '../../renderer/src/App.js';
import { WindowStore } from '../../renderer/src/window-store.js';
import { appState, D1, runtimeState } from '../fixtures/runtime-state.js';

const D2 = `sha256:${'2'.repeat(64)}`;

type FakeApi = ImagewatchApi & { emit: (e: ApiEvent) => void; calls: Array<[string, unknown[]]> };

function fakeApi(state: AppState): FakeApi {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: Array<[string, unknown[]]> = [];
  const record = (name: string) =>
    vi.fn(async (...args: unknown[]) => {
      calls.push([name, args]);
      return name === 'getHistory' ? [{ at: new Date().toISOString(), kind: 'moved', digest: D2, previousDigest: D1 }] : state;
    });
  return {
    calls,
    emit: (e: ApiEvent) => act(() => listeners.forEach((l) => l(e))),
    getState: vi.fn(async () => state),
    checkNow: record('checkNow'),
    refresh: record('refresh'),
    setAutoRefresh: record('setAutoRefresh'),
    updateSettings: record('updateSettings'),
    addRuntime: record('addRuntime'),
    removeRuntime: record('removeRuntime'),
    getHistory: record('getHistory'),
    setCredential: record('setCredential'),
    removeCredential: record('removeCredential'),
    addChannel: record('addChannel'),
    removeChannel: record('removeChannel'),
    testChannel: vi.fn(async (id: string) => {
      calls.push(['testChannel', [id]]);
      return id === 'settings-ok'
        ? { channel: 'ntfy://h/t***', ok: true, answer: 'HTTP 200' }
        : { channel: 'json://h/***', ok: false, answer: 'json://h/***: HTTP 502' };
    }),
    onEvent: (l: (e: ApiEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as FakeApi;
}

const view = (name: string, patch: Partial<RuntimeState> = {}, refreshing = false): RuntimeView => ({
  config: { name, image: `ghcr.io/o/${name}:latest` },
  state: summarize(runtimeState(patch)),
  refreshing,
});

afterEach(cleanup);

describe('the runtime table', () => {
  it('shows each runtime as a row named after it, with its digest, update state and a Refresh now button', async () => {
    const api = fakeApi(
      appState([
        view('crewai', { updateAvailable: true, seenDigest: D2 }),
        view('hermes', { lastError: { at: new Date().toISOString(), phase: 'refresh', message: 'ws-1: new container exited (code 3)' } }),
      ]),
    );
    render(<App api={api} />);
    const crewai = await screen.findByRole('row', { name: 'crewai' });
    expect(within(crewai).getByText('222222222222')).toBeTruthy();
    expect(within(crewai).getByText('Update available')).toBeTruthy();
    expect(within(crewai).getByRole('button', { name: 'Copy full digest of crewai' }).getAttribute('title')).toBe(D2);
    const hermes = screen.getByRole('row', { name: 'hermes' });
    expect(within(hermes).getByText(/Refresh failed/)).toBeTruthy();
    expect(within(hermes).getByText('ws-1: new container exited (code 3)')).toBeTruthy();
    // Relative time shown, the exact time on hover.
    const time = crewai.querySelector('time')!;
    expect(time.textContent).toMatch(/now|second/);
    expect(time.getAttribute('title')).toBe(new Date(time.getAttribute('datetime')!).toLocaleString());

    await userEvent.click(within(crewai).getByRole('button', { name: 'Refresh now' }));
    expect(api.calls).toContainEqual(['refresh', ['crewai']]);
  });

  it('is usable from the keyboard', async () => {
    const api = fakeApi(appState([view('crewai')]));
    render(<App api={api} />);
    const button = within(await screen.findByRole('row', { name: 'crewai' })).getByRole('button', { name: 'Refresh now' });
    button.focus();
    await userEvent.keyboard('{Enter}');
    expect(api.calls).toContainEqual(['refresh', ['crewai']]);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Auto-refresh' }));
    expect(api.calls).toContainEqual(['setAutoRefresh', [true]]);
  });

  it('shows live progress in its own row and disables only that row', async () => {
    const api = fakeApi(appState([view('crewai'), view('hermes')]));
    render(<App api={api} />);
    const crewai = await screen.findByRole('row', { name: 'crewai' });
    api.emit({ type: 'refresh-started', runtime: 'crewai' });
    api.emit({ type: 'refresh-progress', progress: { runtime: 'crewai', phase: 'pull', layersDone: 1, layersTotal: 3, bytesCurrent: 2048, bytesTotal: 4096 } });
    expect(within(crewai).getByText(/Pulling: 1 of 3 layers, 2.0 KiB of 4.0 KiB/)).toBeTruthy();
    expect((within(crewai).getByRole('button', { name: 'Refresh now' }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(screen.getByRole('row', { name: 'hermes' })).getByRole('button', { name: 'Refresh now' }) as HTMLButtonElement).disabled).toBe(false);
    api.emit({ type: 'refresh-progress', progress: { runtime: 'crewai', phase: 'recreate', container: 'ws-crewai-1', step: 'stop-old' } });
    expect(within(crewai).getByText('ws-crewai-1: stopping old container')).toBeTruthy();
    api.emit({
      type: 'refresh-finished',
      runtime: 'crewai',
      detail: { image: 'x', ok: true, containers: [{ name: 'ws-crewai-1', id: 'a', action: 'replaced' }] },
    });
    expect(within(crewai).getByText('Refreshed: 1 container replaced')).toBeTruthy();
    expect((within(crewai).getByRole('button', { name: 'Refresh now' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('with 200 runtimes, a progress event touches only its own row', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `rt-${i}`);
    const api = fakeApi(appState(names.map((n) => view(n))));
    const store = new WindowStore();
    render(<App api={api} store={store} />);
    await screen.findByRole('row', { name: 'rt-199' });
    const reads = vi.spyOn(store, 'getRow');
    api.emit({ type: 'refresh-started', runtime: 'rt-100' });
    for (let i = 0; i < 20; i++) {
      api.emit({
        type: 'refresh-progress',
        progress: { runtime: 'rt-100', phase: 'pull', layersDone: 0, layersTotal: 2, bytesCurrent: i * 100, bytesTotal: 5000 },
      });
    }
    const touched = new Set(reads.mock.calls.map(([name]) => name));
    expect([...touched]).toEqual(['rt-100']);
    expect(within(screen.getByRole('row', { name: 'rt-100' })).getByText(/1\.9 KiB of 4\.9 KiB/)).toBeTruthy();
  });

  it('opens the history of a runtime', async () => {
    const api = fakeApi(appState([view('crewai')]));
    render(<App api={api} />);
    await userEvent.click(within(await screen.findByRole('row', { name: 'crewai' })).getByRole('button', { name: 'History' }));
    const dialog = await screen.findByRole('dialog', { name: 'History of crewai' });
    expect(await within(dialog).findByText('New version published')).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('adds a runtime and shows a rejected one in the alert area', async () => {
    const api = fakeApi(appState([]));
    (api.addRuntime as ReturnType<typeof vi.fn>).mockRejectedValueOnce(new Error('addRuntime: image: invalid image reference "Bad"'));
    render(<App api={api} />);
    await screen.findByText(/No runtimes are watched/);
    await userEvent.type(screen.getByLabelText('Name'), 'web');
    await userEvent.type(screen.getByLabelText('Image'), 'Bad');
    await userEvent.click(screen.getByRole('button', { name: 'Add runtime' }));
    expect((await screen.findByRole('alert')).textContent).toContain('invalid image reference "Bad"');
  });

  it('sends credentials once and lists only registry names afterwards', async () => {
    const withSaved = appState([view('crewai')]);
    withSaved.settings.credentialRegistries = ['registry.lan:5000'];
    const api = fakeApi(withSaved);
    render(<App api={api} />);
    await screen.findByRole('row', { name: 'crewai' });
    const form = screen.getByRole('form', { name: 'Registry credentials' });
    await userEvent.type(within(form).getByLabelText('Registry'), 'ghcr.io');
    await userEvent.type(within(form).getByLabelText('Username'), 'me');
    await userEvent.type(within(form).getByLabelText('Password or token'), 'tok');
    await userEvent.click(within(form).getByRole('button', { name: 'Save credentials' }));
    expect(api.calls).toContainEqual(['setCredential', [{ registry: 'ghcr.io', username: 'me', password: 'tok' }]]);
    expect((within(form).getByLabelText('Password or token') as HTMLInputElement).value).toBe('');
    await userEvent.click(within(form).getByRole('button', { name: 'Forget credentials for registry.lan:5000' }));
    expect(api.calls).toContainEqual(['removeCredential', ['registry.lan:5000']]);
  });
});

describe('notification channels in the window', () => {
  it('lists channels masked, sends a test and shows the answer, adds one with filters, and removes one', async () => {
    const state = appState([view('crewai')]);
    state.settings.channels = [
      { id: 'settings-ok', label: 'ntfy://h/t***', kept: 'settings' },
      { id: 'keychain-bad', label: 'json://h/***', events: ['refresh-failed'], kept: 'keychain' },
    ];
    const api = fakeApi(state);
    render(<App api={api} />);
    const list = await screen.findByRole('list', { name: 'Notification channels' });
    expect(within(list).getByText('ntfy://h/t***')).toBeTruthy();
    expect(within(list).getByText(/only Refresh failed · kept in the system keychain/)).toBeTruthy();

    await userEvent.click(within(list).getByRole('button', { name: 'Send test to ntfy://h/t***' }));
    expect(api.calls).toContainEqual(['testChannel', ['settings-ok']]);
    const [okStatus, badStatus] = within(list).getAllByRole('status');
    await waitFor(() => expect(okStatus!.textContent).toBe('Sent: HTTP 200'));
    await userEvent.click(within(list).getByRole('button', { name: 'Send test to json://h/***' }));
    await waitFor(() => expect(badStatus!.textContent).toBe('Not delivered: json://h/***: HTTP 502'));

    const form = screen.getByRole('form', { name: 'Add a notification channel' });
    await userEvent.type(within(form).getByLabelText('Channel URL'), 'gotify://g.lan/Atoken');
    await userEvent.click(within(form).getByLabelText('New version'));
    await userEvent.click(within(form).getByLabelText('Engine unreachable'));
    await userEvent.type(within(form).getByLabelText(/Only these runtimes/), 'crewai, hermes');
    await userEvent.click(within(form).getByRole('button', { name: 'Add channel' }));
    expect(api.calls).toContainEqual([
      'addChannel',
      [{ url: 'gotify://g.lan/Atoken', events: ['new-version', 'engine-unreachable'], runtimes: ['crewai', 'hermes'] }],
    ]);
    expect((within(form).getByLabelText('Channel URL') as HTMLInputElement).value).toBe('');

    await userEvent.click(within(list).getByRole('button', { name: 'Remove json://h/***' }));
    expect(api.calls).toContainEqual(['removeChannel', ['keychain-bad']]);
  });
});

describe('discovery in the window', () => {
  it('turns on "Watch my containers", marks found runtimes, and lists what is not watched', async () => {
    const state = appState([view('configured'), { ...view('nginx'), discovered: true }]);
    state.settings.discover = true;
    state.unwatched = [
      { image: 'local/app:dev', reason: 'local-build', detail: 'local build, not checked: the image did not come from a registry', containers: ['app'] },
    ];
    const api = fakeApi(state);
    render(<App api={api} />);
    const found = await screen.findByRole('row', { name: 'nginx' });
    expect(within(found).getByText(/from containers/)).toBeTruthy();
    // A found runtime is not removed from the window: a label on the container opts it out.
    expect(within(found).queryByRole('button', { name: 'Remove' })).toBeNull();
    expect(within(screen.getByRole('row', { name: 'configured' })).getByRole('button', { name: 'Remove' })).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Not watched' });
    expect(within(list).getByText('local/app:dev')).toBeTruthy();
    expect(list.textContent).toMatch(/\(app\): local build, not checked/);

    const toggle = screen.getByRole('checkbox', { name: /Watch my containers/ });
    expect((toggle as HTMLInputElement).checked).toBe(true);
    await userEvent.click(toggle);
    expect(api.calls).toContainEqual(['updateSettings', [{ discover: false }]]);
  });
});

describe('an engine that does not answer', () => {
  it('says what was tried and offers the sockets found that answer', async () => {
    const state = appState([view('app')]);
    state.engine = {
      host: 'unix:///var/run/docker.sock',
      source: 'probe',
      description: 'unix:///var/run/docker.sock (found by looking)',
      tried: ['unix:///var/run/docker.sock', 'unix:///home/me/.colima/default/docker.sock'],
    };
    state.engineHealth = {
      reachable: false,
      error: 'cannot reach the Docker engine (ECONNREFUSED)',
      found: [
        { host: 'unix:///home/me/.colima/default/docker.sock', answers: true },
        { host: 'unix:///home/me/.rd/docker.sock', answers: false },
      ],
    };
    const api = fakeApi(state);
    (api as unknown as { useEngine: unknown }).useEngine = vi.fn(async (...args: unknown[]) => {
      api.calls.push(['useEngine', args]);
      return state;
    });
    render(<App api={api} />);
    const panel = await screen.findByRole('region', { name: 'Engine not answering' });
    expect(panel.textContent).toMatch(/No container engine answers at unix:\/\/\/var\/run\/docker\.sock: cannot reach the Docker engine \(ECONNREFUSED\)/);
    expect(panel.textContent).toMatch(/Looked at: unix:\/\/\/var\/run\/docker\.sock, unix:\/\/\/home\/me\/\.colima/);
    const items = within(panel).getAllByRole('listitem');
    expect(within(items[1]!).queryByRole('button')).toBeNull();
    expect(items[1]!.textContent).toMatch(/not answering/);
    await userEvent.click(within(items[0]!).getByRole('button', { name: 'Use this' }));
    expect(api.calls).toContainEqual(['useEngine', ['unix:///home/me/.colima/default/docker.sock']]);
  });

  it('shows nothing while the engine answers', async () => {
    const state = appState([view('app')]);
    state.engineHealth = { reachable: true };
    render(<App api={fakeApi(state)} />);
    await screen.findByRole('row', { name: 'app' });
    expect(screen.queryByRole('region', { name: 'Engine not answering' })).toBeNull();
  });
});
