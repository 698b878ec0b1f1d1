// The window read at a glance, as a new user with no route to the registry saw it: a tag never
// looked up is "Unknown", never "Up to date"; a failure says its reason first, in words, with
// the request in the tooltip, and what several runtimes share is said once above the table;
// long images keep the part that tells rows apart, whole on hover.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summarize, type AppState, type ImagewatchApi, type RuntimeView } from '../../shared/api.js';
import type { RuntimeState } from '../../shared/dto.js';
import { App } from '../../renderer/src/App.js';
import { readableFailure, shortImage } from '../../renderer/src/failure.js';
import { appState, runtimeState } from '../fixtures/runtime-state.js';

function api(state: AppState): ImagewatchApi {
  return { getState: vi.fn(async () => state), onEvent: () => () => undefined } as unknown as ImagewatchApi;
}

const failed = (request: string, why: string): Partial<RuntimeState> => ({
  seenDigest: null,
  appliedDigest: null,
  lastCheckAt: null,
  lastError: { at: new Date().toISOString(), phase: 'check', message: `HEAD ${request}: ${why}` },
});

const view = (name: string, patch: Partial<RuntimeState>, image = `ghcr.io/molecule-ai/workspace-template-${name}:latest`): RuntimeView => ({
  config: { name, image },
  state: summarize(runtimeState(patch)),
  refreshing: false,
});

afterEach(cleanup);

describe('the window at a glance', () => {
  it('says Unknown for a tag never looked up, and the reason first for a failed check, once for what runtimes share', async () => {
    const url = (name: string): string => `https://ghcr.io/v2/molecule-ai/workspace-template-${name}/manifests/latest`;
    const names = ['claude-code', 'crewai', 'hermes'];
    const state = appState([
      ...names.map((n) => view(n, failed(url(n), 'ENOTFOUND'))),
      view('local', failed('http://127.0.0.1:5000/v2/app/manifests/latest', 'registry answered 401'), '127.0.0.1:5000/app:latest'),
      view('fresh', { seenDigest: null, appliedDigest: null, lastCheckAt: null }),
    ]);
    render(<App api={api(state)} />);

    const row = await screen.findByRole('row', { name: 'claude-code' });
    expect(within(row).queryByText('Up to date')).toBeNull();
    expect(within(row).getByText('Unknown (check failed)')).toBeTruthy();
    const message = within(row).getByText('cannot reach ghcr.io: its name does not resolve');
    expect(message.getAttribute('title')).toBe(`HEAD ${url('claude-code')}: ENOTFOUND`);
    expect(within(screen.getByRole('row', { name: 'fresh' })).getByText('Unknown (not checked yet)')).toBeTruthy();
    expect(within(screen.getByRole('row', { name: 'local' })).getByText('127.0.0.1:5000 answered HTTP 401')).toBeTruthy();

    // Said once above the table: the three runtimes that share it, not the one refused for its own reason.
    const shared = screen.getByRole('list', { name: 'Problems shared by several runtimes' });
    expect(
      within(shared)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['cannot reach ghcr.io: its name does not resolve · 3 runtimes']);
    expect(within(shared).getByRole('listitem').getAttribute('title')).toBe(names.join(', '));
  });

  it('keeps the end of a long image, whole on hover', async () => {
    const image = 'ghcr.io/molecule-ai/workspace-template-claude-code:latest';
    render(<App api={api(appState([view('claude-code', {}, image), view('crewai', {})]))} />);
    const cell = within(await screen.findByRole('row', { name: 'claude-code' })).getByTitle(image);
    expect(cell.textContent).toBe('ghcr.io/…/workspace-template-claude-code:latest');
    expect(within(screen.getByRole('row', { name: 'crewai' })).getByTitle('ghcr.io/molecule-ai/workspace-template-crewai:latest').textContent).toBe(
      'ghcr.io/…/workspace-template-crewai:latest',
    );
  });
});

describe('readable failures and short images', () => {
  it('turns network codes and timeouts into words, and leaves other messages as they are', () => {
    expect(readableFailure('GET https://registry.lan:5000/v2/: ECONNREFUSED')).toEqual({
      reason: 'cannot reach registry.lan:5000: it refused the connection',
      host: 'registry.lan:5000',
      unreachable: true,
    });
    expect(readableFailure('HEAD https://ghcr.io/v2/a/b/manifests/latest: timed out after 10000 ms').reason).toBe(
      'cannot reach ghcr.io: no answer within 10 s',
    );
    expect(readableFailure('ghcr.io/a/b:latest: manifest unknown (404)')).toEqual({ reason: 'ghcr.io/a/b:latest: manifest unknown (404)', unreachable: false });
  });

  it('shortens only what is too long, keeping the registry and the last part', () => {
    expect(shortImage('nginx:1.27')).toBe('nginx:1.27');
    expect(shortImage('ghcr.io/molecule-ai/workspace-template-claude-code:latest')).toBe('ghcr.io/…/workspace-template-claude-code:latest');
    const long = `registry.example.com/team/${'x'.repeat(80)}:v1`;
    const short = shortImage(long);
    expect(short.length).toBe(48);
    expect(short.startsWith('registry.example')).toBe(true);
    expect(short.endsWith('x:v1')).toBe(true);
  });
});
