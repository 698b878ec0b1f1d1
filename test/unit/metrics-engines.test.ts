// /metrics with several engines: what is about one engine carries an `engine` label; with one
// engine the series are as they were before engines had names.
import { describe, expect, it } from 'vitest';
import { CoreMetrics } from '../../electron/core/metrics/metrics.js';
import { summarize } from '../../shared/dto.js';
import { runtimeState } from '../fixtures/runtime-state.js';

describe('metrics per engine', () => {
  it('labels per-engine series with the engine, and forgets them with the runtime', async () => {
    const metrics = new CoreMetrics();
    const state = runtimeState({ updateAvailable: true, lastRefreshAt: '2026-12-01T00:00:00Z' });
    const part = (engine: string, updateAvailable: boolean | null) => ({
      engine,
      appliedDigest: null,
      lastRefreshAt: '2026-12-01T00:00:00Z',
      lastError: null,
      updateAvailable,
      retry: null,
    });
    metrics.observe({
      type: 'state-changed',
      runtime: 'app',
      state: { ...summarize(state), engines: [part('nas', true), part('vps', false), part('pi', null)] },
    });
    metrics.observe({
      type: 'refresh-finished',
      runtime: 'app',
      engine: 'nas',
      detail: { image: 'x', ok: true, containers: [{ name: 'web', id: 'a', action: 'replaced' }] },
    });
    metrics.observe({
      type: 'refresh-finished',
      runtime: 'app',
      engine: 'vps',
      detail: {
        image: 'x',
        ok: false,
        containers: [
          { name: 'api', id: 'b', action: 'replaced', kind: 'service' },
          { name: 'bad', id: 'c', action: 'failed', kind: 'service' },
        ],
      },
    });
    const text = await metrics.text();
    // Services Swarm updated are counted apart from containers imagewatch replaced.
    expect(text).toMatch(/^imagewatch_services_updated_total\{outcome="ok",engine="vps"\} 1$/m);
    expect(text).toMatch(/^imagewatch_services_updated_total\{outcome="failed",engine="vps"\} 1$/m);
    expect(text).not.toMatch(/^imagewatch_containers_replaced_total\{engine="vps"\}/m);
    expect(text).toMatch(/^imagewatch_update_available\{runtime="app",engine="nas"\} 1$/m);
    expect(text).toMatch(/^imagewatch_update_available\{runtime="app",engine="vps"\} 0$/m);
    expect(text).not.toMatch(/imagewatch_update_available\{runtime="app",engine="pi"\}/);
    expect(text).not.toMatch(/^imagewatch_update_available\{runtime="app"\}/m);
    expect(text).toMatch(/^imagewatch_last_successful_refresh_timestamp_seconds\{runtime="app",engine="vps"\} \d+/m);
    expect(text).toMatch(/^imagewatch_last_successful_check_timestamp_seconds\{runtime="app"\} \d+/m);
    expect(text).toMatch(/^imagewatch_refreshes_total\{outcome="ok",engine="nas"\} 1$/m);
    expect(text).toMatch(/^imagewatch_containers_replaced_total\{engine="nas"\} 1$/m);
    metrics.forget('app');
    expect(await metrics.text()).not.toMatch(/runtime="app"/);
  });

  it('keeps the one-engine series without an engine label', async () => {
    const metrics = new CoreMetrics();
    metrics.observe({ type: 'state-changed', runtime: 'app', state: summarize(runtimeState({ updateAvailable: false })) });
    metrics.observe({ type: 'refresh-finished', runtime: 'app', detail: { image: 'x', ok: false, containers: [] } });
    const text = await metrics.text();
    expect(text).toMatch(/^imagewatch_update_available\{runtime="app"\} 0$/m);
    expect(text).toMatch(/^imagewatch_refreshes_total\{outcome="failed"\} 1$/m);
  });
});
