// The watcher's edges: a shutdown mid-lookup, 429 waits carried across runs, an oversized
// history, an engine that could not be asked at first sight, a refresh that must not hold up
// other runtimes, and a registry whose lookups and pulls disagree.
import { describe, expect, it } from 'vitest';
import type { RuntimeConfig, RuntimeRefreshDetail } from '../../shared/dto.js';
import type { CoreEvent } from '../../shared/events.js';
import type { PersistedState } from '../../shared/schemas.js';
import { formatReference, type ImageReference } from '../../electron/core/image/reference.js';
import { emptyRuntimeState, emptyState, MemoryStateStore } from '../../electron/core/state/store.js';
import { recordRefresh } from '../../electron/core/watch/transitions.js';
import { Watcher, type WatcherDeps } from '../../electron/core/watch/watcher.js';
import type { LocalView } from '../../electron/core/watch/transitions.js';
import { RateLimitedError, ShutdownError } from '../../electron/core/errors.js';
import { savedRuntime } from '../fixtures/runtime-state.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const rt = (name: string): RuntimeConfig => ({ name, image: `registry.test/${name}:latest` });

function make(
  runtimes: RuntimeConfig[],
  deps: Partial<WatcherDeps>,
  state?: PersistedState,
): { watcher: Watcher; store: MemoryStateStore; events: CoreEvent[] } {
  const store = new MemoryStateStore(state);
  const events: CoreEvent[] = [];
  const watcher = new Watcher({
    settings: () => ({ runtimes, intervalMs: 300_000, autoRefresh: true, concurrency: 4 }),
    lookupDigest: async () => A,
    localView: async () => ({ present: true, hasDigest: true }),
    refresher: { refreshOne: async (r) => ({ image: r.image, ok: true, containers: [] }), idle: async () => undefined },
    store,
    emit: (e) => events.push(e),
    now: () => NOW,
    random: () => 0.5,
    ...deps,
  });
  return { watcher, store, events };
}

describe('watcher bounds', () => {
  it('a shutdown during a lookup is not recorded as a registry failure', async () => {
    const controller = new AbortController();
    const { watcher } = make([rt('a')], {
      lookupDigest: (_ref: ImageReference, signal?: AbortSignal) =>
        new Promise<string>((_resolve, reject) => signal!.addEventListener('abort', () => reject(signal!.reason as Error))),
    });
    const ticking = watcher.tick({ signal: controller.signal });
    await new Promise((r) => setTimeout(r, 10));
    controller.abort(new ShutdownError('SIGTERM'));
    const [report] = await ticking;
    expect(report!.error).toBe('interrupted: imagewatch is stopping');
    const state = watcher.state.get('a');
    expect(state.lastError).toBeNull();
    expect(state.history).toEqual([]);
  });

  it('keeps a 429 wait in state and hands it to the next run, dropping waits that have passed', async () => {
    const until = NOW + 3_600_000;
    const first = make([rt('a')], { lookupDigest: async () => Promise.reject(new RateLimitedError('registry.test', until)) });
    await first.watcher.tick();
    const saved = first.watcher.state.snapshot();
    expect(saved.rateLimits).toEqual({ 'registry.test': new Date(until).toISOString() });

    const restored: Array<Record<string, number>> = [];
    const next = make(
      [rt('a')],
      { restoreRateLimits: (u) => restored.push(u) },
      { ...saved, rateLimits: { ...saved.rateLimits, 'old.test': new Date(NOW - 1000).toISOString() } },
    );
    await next.watcher.init();
    expect(restored).toEqual([{ 'registry.test': until }]);
  });

  it('trims a loaded history to 200 entries', async () => {
    const state = emptyState();
    const big = emptyRuntimeState();
    for (let i = 0; i < 1000; i++) big.history.push({ at: new Date(NOW - i).toISOString(), kind: 'check-failed', message: `m${i}` });
    state.runtimes.a = savedRuntime(big);
    const { watcher } = make([rt('a')], {}, state);
    await watcher.init();
    const history = watcher.state.snapshot().runtimes.a!.history;
    expect(history).toHaveLength(200);
    expect(history.at(-1)!.message).toBe('m999');
  });

  it('leaves updateAvailable unknown while the engine is unreachable, then decides and announces it', async () => {
    let local: LocalView | Error = new Error('connect ENOENT /var/run/docker.sock');
    const { watcher, events } = make([rt('a')], {
      localView: async () => {
        if (local instanceof Error) throw local;
        return local;
      },
    });
    expect((await watcher.tick())[0]).toMatchObject({ outcome: 'seeded', updateAvailable: null });
    expect((await watcher.tick())[0]).toMatchObject({ outcome: 'unchanged', updateAvailable: null });
    local = { present: true, hasDigest: false };
    expect((await watcher.tick())[0]).toMatchObject({ outcome: 'unchanged', updateAvailable: true });
    expect(events.filter((e) => e.type === 'update-found')).toEqual([{ type: 'update-found', runtime: 'a', image: rt('a').image, digest: A }]);
    expect(watcher.state.get('a').appliedDigest).toBeNull();
  });

  it('checks every runtime while one refresh is still running', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const digests = new Map([
      ['a', A],
      ['b', A],
    ]);
    const { watcher } = make([rt('a'), rt('b')], {
      lookupDigest: async (ref) => digests.get(formatReference(ref).split('/')[1]!.split(':')[0]!)!,
      refresher: {
        refreshOne: async (r): Promise<RuntimeRefreshDetail> => {
          await held;
          return { image: r.image, ok: true, containers: [] };
        },
        idle: async () => undefined,
      },
    });
    await watcher.tick();
    digests.set('a', B);
    digests.set('b', B);
    // Both moved; neither check waits for the other's refresh.
    const reports = await watcher.tick({ awaitRefreshes: false });
    expect(reports.map((r) => [r.name, r.outcome])).toEqual([
      ['a', 'moved'],
      ['b', 'moved'],
    ]);
    expect(reports.every((r) => r.refresh === undefined)).toBe(true);
    release();
  });

  it('a pull that got another digest than the lookup counts as applied, with a warning in the history', () => {
    const before = { ...emptyRuntimeState(), seenDigest: A };
    const state = recordRefresh(before, A, { image: 'x', ok: true, digest: B, containers: [] }, NOW, null);
    // The input is not changed: the next state is returned.
    expect(before.history).toEqual([]);
    expect(state.appliedDigest).toBe(A);
    expect(state.updateAvailable).toBe(false);
    expect(state.history.at(-1)!.message).toMatch(/lookup answered sha256:a+ but the pull got sha256:b+/);
  });

  it('lists a Swarm service in the history as a service, beside the containers replaced', () => {
    const state = recordRefresh(
      { ...emptyRuntimeState(), seenDigest: A },
      A,
      {
        image: 'x',
        ok: true,
        digest: A,
        containers: [
          { name: 'db', id: '1', action: 'replaced' },
          { name: 'web', id: '2', action: 'replaced', kind: 'service' },
          { name: 'old', id: '3', action: 'skipped', kind: 'service' },
        ],
      },
      NOW,
      null,
    );
    expect(state.history.at(-1)).toMatchObject({ kind: 'refreshed', containers: ['db', 'service web'] });
  });
});
