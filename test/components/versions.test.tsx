// A runtime's versions in the window: "0.86.0 → 0.87.1" with where each came from on hover,
// the new image's age, "What changed" as a link that leaves for the browser, what each engine
// runs, and the history's versions. A tag or a digest is said to be one.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summarize, type AppState, type ImagewatchApi, type RuntimeView } from '../../shared/api.js';
import type { HistoryEntry, VersionView } from '../../shared/dto.js';
import { App } from '../../renderer/src/App.js';
import { appState, runtimeState } from '../fixtures/runtime-state.js';

const D = `sha256:${'b'.repeat(64)}`;

function api(state: AppState, history: HistoryEntry[] = []): ImagewatchApi {
  return { getState: vi.fn(async () => state), getHistory: vi.fn(async () => history), onEvent: () => () => undefined } as unknown as ImagewatchApi;
}

const view = (name: string, versions: VersionView, updateAvailable = false): RuntimeView => ({
  config: { name, image: `ghcr.io/o/${name}:latest` },
  state: { ...summarize(runtimeState({ seenDigest: D, updateAvailable })), versions },
  refreshing: false,
});

afterEach(cleanup);

describe('versions in the window', () => {
  it('shows what runs → what is new, where each came from, the age and the release link', async () => {
    const link = 'https://github.com/o/crewai/releases/tag/v0.87.1';
    const created = new Date(Date.now() - 2 * 3600_000).toISOString();
    render(
      <App
        api={api(
          appState([
            view(
              'crewai',
              { latest: { text: 'v0.87.1', from: 'label' }, running: { text: 'v0.86.0', from: 'label' }, link, created, revision: 'abc1234' },
              true,
            ),
            view('nginx', { latest: { text: '1.27.0', from: 'tag' } }),
            view('plain', { latest: { text: 'sha256:bbbbbbbbbbbb', from: 'digest' } }),
          ]),
        )}
      />,
    );
    const row = await screen.findByRole('row', { name: 'crewai' });
    const change = within(row).getByText('v0.86.0 → v0.87.1');
    expect(change.getAttribute('title')).toBe("v0.87.1: from the image's version label\nv0.86.0 (what runs): from the image's version label\nrevision abc1234");
    const notes = within(row).getByRole('link', { name: 'What changed in crewai v0.87.1' });
    expect(notes.getAttribute('href')).toBe(link);
    expect(notes.getAttribute('target')).toBe('_blank');
    expect(within(row).getByText(/built/).textContent).toMatch(/built 2 hours ago/);

    const nginx = screen.getByRole('row', { name: 'nginx' });
    expect(within(nginx).getByText('1.27.0')).toBeTruthy();
    expect(within(nginx).getByText('· tag')).toBeTruthy();
    expect(within(nginx).queryByRole('link')).toBeNull();
    expect(within(screen.getByRole('row', { name: 'plain' })).getByText('· no version label')).toBeTruthy();
  });

  it('says what each engine runs, and the versions in the history', async () => {
    const r = view('app', { latest: { text: '2.0.0', from: 'label' } }, true);
    r.state.engines = [
      {
        engine: 'nas',
        appliedDigest: `sha256:${'a'.repeat(64)}`,
        lastRefreshAt: null,
        lastError: null,
        updateAvailable: true,
        retry: null,
        running: { text: '1.9.0', from: 'label' },
      },
      { engine: 'vps', appliedDigest: D, lastRefreshAt: null, lastError: null, updateAvailable: false, retry: null },
    ];
    const history: HistoryEntry[] = [
      { at: new Date().toISOString(), kind: 'moved', digest: D, previousDigest: `sha256:${'a'.repeat(64)}`, version: '2.0.0', previousVersion: '1.9.0' },
    ];
    render(<App api={api(appState([r]), history)} />);
    const row = await screen.findByRole('row', { name: 'app' });
    const engines = within(row).getByRole('list', { name: 'app per engine' });
    expect(within(engines).getAllByRole('listitem')[0]!.textContent).toContain('(runs 1.9.0)');
    within(row).getByRole('button', { name: 'History' }).click();
    const panel = await screen.findByRole('dialog', { name: 'History of app' });
    // The history loads after the panel opens (it shows "Loading…" first).
    expect(await within(panel).findByText('1.9.0 → 2.0.0')).toBeTruthy();
  });

  it('shows a newer tag with "Move to", which asks to move and shows a refusal', async () => {
    const r = view('web', { latest: { text: '1.25.3', from: 'tag' } });
    r.state.newerTag = { tag: '1.27.0', foundAt: new Date().toISOString() };
    const refresh = vi.fn(async () => ({
      pulled: [],
      failed: ['web'],
      recreated: [],
      details: {
        web: {
          image: 'x',
          ok: false,
          refused: true as const,
          error: 'not moved to x:1.27.0: web is managed by compose (project shop); edit the tag in your compose file',
          containers: [],
        },
      },
    }));
    const client = { ...api(appState([r])), refresh } as unknown as ImagewatchApi;
    render(<App api={client} />);
    const row = await screen.findByRole('row', { name: 'web' });
    expect(within(row).getByText('1.27.0 available')).toBeTruthy();
    within(row).getByRole('button', { name: 'Move to 1.27.0' }).click();
    expect(refresh).toHaveBeenCalledWith('web', { toTag: '1.27.0' });
    const alert = await screen.findByRole('alert');
    await vi.waitFor(() => expect(alert.textContent).toContain('managed by compose (project shop); edit the tag in your compose file'));
  });
});
