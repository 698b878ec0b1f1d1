// /healthz's verdict: ok, or each reason it is not, with nothing secret in it.
import { describe, expect, it } from 'vitest';
import { summarize, type AppState } from '../../shared/api.js';
import { healthOf } from '../../electron/core/app/health.js';
import type { RuntimeState } from '../../shared/dto.js';
import { appState, runtimeState } from '../fixtures/runtime-state.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

function runtime(patch: Partial<RuntimeState>): AppState['runtimes'][number] {
  const state = runtimeState({ lastCheckAt: ago(10), ...patch });
  return { config: { name: 'app', image: 'ghcr.io/secret-org/app:latest' }, state: summarize(state), refreshing: false };
}

const app = appState;

describe('health', () => {
  it('is ok while checks succeed and the engine answers', () => {
    expect(healthOf(app([runtime({})], { engineHealth: { reachable: true } }), { nowMs: NOW, startedAtMs: NOW - 60_000 })).toEqual({ status: 'ok' });
  });

  it('names each problem, and never an image, registry or host', () => {
    const failed = runtime({ lastCheckAt: ago(1000), lastError: { at: ago(1000), phase: 'check', message: 'ghcr.io: 401 secret-org' } });
    const health = healthOf(app([failed], { engineHealth: { reachable: false, error: 'unix:///secret.sock refused', found: [] } }), {
      nowMs: NOW,
      startedAtMs: NOW - 3600_000,
    });
    expect(health).toEqual({
      status: 'unhealthy',
      reasons: ['the container engine does not answer', 'every lookup is failing', 'the last check was 1000 s ago, over 3 intervals (300 s)'],
    });
    expect(JSON.stringify(health)).not.toMatch(/secret|ghcr/);
  });

  it('counts a process that never finished a check as stale only after 3 intervals', () => {
    const never = runtime({ lastCheckAt: null });
    expect(healthOf(app([never]), { nowMs: NOW, startedAtMs: NOW - 60_000 })).toEqual({ status: 'ok' });
    expect(healthOf(app([never]), { nowMs: NOW, startedAtMs: NOW - 1000_000 })).toMatchObject({
      status: 'unhealthy',
      reasons: ['no check has finished in 1000 s'],
    });
  });
});
