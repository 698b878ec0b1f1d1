// The watcher's bookkeeping: the origin's five tick cases, plus retries with backoff,
// one lookup per shared reference, bounded concurrency and persistence.
import { describe, expect, it } from 'vitest';
import type { RuntimeConfig, RuntimeRefreshDetail } from '../../shared/dto.js';
import type { CoreEvent } from '../../shared/events.js';
import { formatReference, type ImageReference } from '../../electron/core/image/reference.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { WatchLoop } from '../../electron/core/watch/loop.js';
import type { Refresher } from '../../electron/core/watch/recorder.js';
import { Watcher } from '../../electron/core/watch/watcher.js';

const dg = (c: string): string => `sha256:${c.repeat(64)}`;
const A = dg('a');
const B = dg('b');
const C = dg('c');

const rt = (name: string, image = `ghcr.io/molecule-ai/workspace-template-${name}:latest`): RuntimeConfig => ({ name, image });

class FakeRefresher implements Refresher {
  calls: string[] = [];
  /** Outcomes to hand out in order; `ok` once they run out. */
  script: Array<'ok' | 'pull-error' | 'recreate-error' | 'throw'> = [];

  async refreshOne(runtime: RuntimeConfig): Promise<RuntimeRefreshDetail> {
    this.calls.push(runtime.name);
    const next = this.script.shift() ?? 'ok';
    if (next === 'throw') throw new Error('engine went away');
    if (next === 'pull-error') return { image: runtime.image, ok: false, error: 'pull x: error pulling image configuration: 500', containers: [] };
    if (next === 'recreate-error') {
      return {
        image: runtime.image,
        ok: false,
        error: 'ws-1: new container exited (code 3)',
        imageIdAfter: 'sha256:new',
        containers: [{ name: 'ws-1', id: 'old', action: 'failed', reason: 'new container exited (code 3)', restored: true }],
      };
    }
    return {
      image: runtime.image,
      ok: true,
      imageIdAfter: 'sha256:new',
      containers: [{ name: `ws-${runtime.name}`, id: 'old', newId: 'new', action: 'replaced' }],
    };
  }

  async idle(): Promise<void> {}
}

interface Harness {
  watcher: Watcher;
  loop: WatchLoop;
  refresher: FakeRefresher;
  store: MemoryStateStore;
  remote: Map<string, string | Error>;
  lookups: string[];
  events: CoreEvent[];
  logs: string[];
  clock: { now: number };
}

function harness(
  runtimes: RuntimeConfig[],
  options: { autoRefresh?: boolean; local?: { present: boolean; hasDigest: boolean }; concurrency?: number; delayMs?: number } = {},
): Harness {
  const remote = new Map<string, string | Error>();
  const lookups: string[] = [];
  const events: CoreEvent[] = [];
  const logs: string[] = [];
  const refresher = new FakeRefresher();
  const store = new MemoryStateStore();
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  let inFlight = 0;
  let maxInFlight = 0;
  const settings = () => ({ runtimes, intervalMs: 300_000, autoRefresh: options.autoRefresh ?? true, concurrency: options.concurrency ?? 4 });
  const log = (l: string): void => void logs.push(l);
  const watcher = new Watcher({
    settings,
    lookupDigest: async (ref: ImageReference) => {
      const key = formatReference(ref);
      lookups.push(key);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
      inFlight--;
      const value = remote.get(key);
      if (value === undefined) throw new Error(`no such tag ${key}`);
      if (value instanceof Error) throw value;
      return value;
    },
    localView: async () => options.local ?? { present: true, hasDigest: true },
    refresher,
    store,
    emit: (e) => events.push(e),
    log,
    now: () => clock.now,
    random: () => 0.5,
  });
  const loop = new WatchLoop(watcher, { settings, log, now: () => clock.now, random: () => 0.5 });
  Object.defineProperty(lookups, 'maxInFlight', { get: () => maxInFlight });
  return { watcher, loop, refresher, store, remote, lookups, events, logs, clock };
}

const key = (r: RuntimeConfig): string => formatReference({ registry: 'ghcr.io', repository: `molecule-ai/workspace-template-${r.name}`, tag: 'latest' });

describe('watcher tick (the origin contract)', () => {
  it('seeds on the first observation without refreshing', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), A);
    const [report] = await h.watcher.tick();
    expect(report).toMatchObject({ outcome: 'seeded', remoteDigest: A, previousDigest: null, updateAvailable: false });
    expect(h.refresher.calls).toEqual([]);
    expect(h.watcher.stateOf('crewai')).toMatchObject({ seenDigest: A, appliedDigest: A });
  });

  it('on seed, shows an update when the local image lacks the digest, and lets the user decide', async () => {
    const h = harness([rt('crewai')], { local: { present: true, hasDigest: false } });
    h.remote.set(key(rt('crewai')), A);
    const [report] = await h.watcher.tick();
    expect(report).toMatchObject({ outcome: 'seeded', updateAvailable: true });
    expect(h.refresher.calls).toEqual([]);
    expect(h.watcher.stateOf('crewai').appliedDigest).toBeNull();
    // Still nothing on later unchanged ticks: only a move triggers auto-refresh.
    await h.watcher.tick();
    expect(h.refresher.calls).toEqual([]);
  });

  it('does nothing when the digest is unchanged', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), A);
    await h.watcher.tick();
    const [report] = await h.watcher.tick();
    expect(report).toMatchObject({ outcome: 'unchanged', previousDigest: A, remoteDigest: A });
    expect(h.refresher.calls).toEqual([]);
    expect(h.events.filter((e) => e.type === 'digest-moved')).toEqual([]);
  });

  it('refreshes only the runtime whose digest moved', async () => {
    const runtimes = [rt('crewai'), rt('langgraph'), rt('autogen')];
    const h = harness(runtimes);
    for (const r of runtimes) h.remote.set(key(r), A);
    await h.watcher.tick();
    h.remote.set(key(rt('langgraph')), B);
    const reports = await h.watcher.tick();
    expect(reports.map((r) => r.outcome)).toEqual(['unchanged', 'moved', 'unchanged']);
    expect(h.refresher.calls).toEqual(['langgraph']);
    expect(reports[1]!.refresh).toMatchObject({ pulled: ['langgraph'], failed: [], recreated: ['ws-langgraph'] });
    expect(h.watcher.stateOf('langgraph')).toMatchObject({ seenDigest: B, appliedDigest: B, updateAvailable: false, retry: null });
    expect(h.events.filter((e) => e.type === 'digest-moved')).toEqual([
      { type: 'digest-moved', runtime: 'langgraph', image: rt('langgraph').image, from: A, to: B },
    ]);
    expect(h.logs).toContain('image-auto-refresh: langgraph digest moved sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb, refreshing');
    expect(h.logs).toContain('image-auto-refresh: langgraph pulled=[langgraph] recreated=[ws-langgraph] failed=[]');
  });

  it('keeps appliedDigest behind after a failed refresh and retries until it succeeds', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), A);
    await h.watcher.tick();
    h.remote.set(key(rt('crewai')), B);
    h.refresher.script = ['recreate-error'];
    const [failed] = await h.watcher.tick();
    expect(failed!.refresh!.failed).toEqual(['crewai']);
    const state = h.watcher.stateOf('crewai');
    expect(state).toMatchObject({ seenDigest: B, appliedDigest: A, updateAvailable: true, lastError: { phase: 'refresh' }, retry: { digest: B, attempt: 1 } });

    // Before the backoff runs out, an unchanged tick does not retry.
    await h.watcher.tick();
    expect(h.refresher.calls).toEqual(['crewai']);
    h.clock.now = Date.parse(state.retry!.nextAt);
    const [retried] = await h.watcher.tick();
    expect(retried!.outcome).toBe('unchanged');
    expect(retried!.refresh!.failed).toEqual([]);
    expect(h.refresher.calls).toEqual(['crewai', 'crewai']);
    expect(h.watcher.stateOf('crewai')).toMatchObject({ appliedDigest: B, retry: null, lastError: null, updateAvailable: false });
    // The move was announced once, not once per retry.
    expect(h.events.filter((e) => e.type === 'digest-moved')).toHaveLength(1);
  });

  it('isolates a fetch error to its runtime and leaves its digests untouched', async () => {
    const runtimes = [rt('crewai'), rt('hermes')];
    const h = harness(runtimes);
    h.remote.set(key(runtimes[0]!), A);
    h.remote.set(key(runtimes[1]!), A);
    await h.watcher.tick();
    h.remote.set(key(runtimes[0]!), new Error('HEAD ghcr.io/...: registry answered 500'));
    h.remote.set(key(runtimes[1]!), B);
    const reports = await h.watcher.tick();
    expect(reports[0]).toMatchObject({ outcome: 'error', error: 'HEAD ghcr.io/...: registry answered 500', remoteDigest: null });
    expect(reports[1]).toMatchObject({ outcome: 'moved' });
    expect(h.watcher.stateOf('crewai')).toMatchObject({ seenDigest: A, appliedDigest: A, lastError: { phase: 'check' } });
    expect(h.refresher.calls).toEqual(['hermes']);
    expect(h.logs).toContain('image-auto-refresh: crewai digest fetch failed: HEAD ghcr.io/...: registry answered 500');
  });
});

describe('watcher beyond the origin', () => {
  it('retries a failed pull with exponential backoff (the origin never retried soft-failed pulls)', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), A);
    await h.watcher.tick();
    h.remote.set(key(rt('crewai')), B);
    h.refresher.script = ['pull-error', 'pull-error', 'throw', 'ok'];
    await h.watcher.tick();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const retry = h.watcher.stateOf('crewai').retry!;
      expect(retry.attempt).toBe(attempt);
      delays.push(Date.parse(retry.nextAt) - h.clock.now);
      h.clock.now = Date.parse(retry.nextAt);
      await h.watcher.tick();
    }
    // 30s, 60s, 120s (jitter fixed at the midpoint).
    expect(delays).toEqual([30_000, 60_000, 120_000]);
    expect(h.refresher.calls).toHaveLength(4);
    expect(h.watcher.stateOf('crewai')).toMatchObject({ appliedDigest: B, retry: null });
    const kinds = h.watcher.stateOf('crewai').history.map((e) => e.kind);
    expect(kinds).toEqual(['seeded', 'moved', 'refresh-failed', 'refresh-failed', 'refresh-failed', 'refreshed']);
  });

  it('with auto-refresh off never refreshes, and shows the update', async () => {
    const h = harness([rt('crewai')], { autoRefresh: false });
    h.remote.set(key(rt('crewai')), A);
    await h.watcher.tick();
    h.remote.set(key(rt('crewai')), B);
    const [report] = await h.watcher.tick();
    expect(report).toMatchObject({ outcome: 'moved', updateAvailable: true });
    expect(report!.refresh).toBeUndefined();
    expect(h.refresher.calls).toEqual([]);
    expect(h.logs.some((l) => l.includes('auto-refresh off, update available'))).toBe(true);
  });

  it('a new move while a retry is pending aims at the newest digest', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), A);
    await h.watcher.tick();
    h.remote.set(key(rt('crewai')), B);
    h.refresher.script = ['pull-error'];
    await h.watcher.tick();
    h.remote.set(key(rt('crewai')), C);
    await h.watcher.tick();
    expect(h.refresher.calls).toHaveLength(2);
    expect(h.watcher.stateOf('crewai')).toMatchObject({ appliedDigest: C, retry: null });
  });

  it('looks up a reference shared by several runtimes once per tick, with bounded concurrency', async () => {
    const shared = 'ghcr.io/molecule-ai/workspace-template-shared:latest';
    const runtimes = [rt('one', shared), rt('two', shared), ...['a', 'b', 'c', 'd', 'e', 'f'].map((n) => rt(n))];
    const h = harness(runtimes, { concurrency: 2, delayMs: 5 });
    h.remote.set(shared, A);
    for (const r of runtimes.slice(2)) h.remote.set(key(r), A);
    await h.watcher.tick();
    expect(h.lookups.filter((l) => l === shared)).toHaveLength(1);
    expect(h.lookups).toHaveLength(7);
    expect((h.lookups as unknown as { maxInFlight: number }).maxInFlight).toBe(2);
  });

  it('persists state after each tick and bounds history', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), A);
    await h.watcher.tick();
    expect((await h.store.load()).runtimes.crewai).toMatchObject({ seenDigest: A });
    for (let i = 0; i < 250; i++) {
      h.remote.set(key(rt('crewai')), i % 2 ? A : B);
      await h.watcher.tick();
    }
    expect(h.watcher.stateOf('crewai').history.length).toBe(200);
  });

  it('records one history line per distinct check failure, not one per tick', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), new Error('down'));
    await h.watcher.tick();
    await h.watcher.tick();
    expect(h.watcher.stateOf('crewai').history.map((e) => e.kind)).toEqual(['check-failed']);
  });

  it('a user refresh of an unknown runtime names it and the known ones', async () => {
    const h = harness([rt('crewai'), rt('hermes')]);
    await expect(h.watcher.refresh(['nope'])).rejects.toMatchObject({ message: 'unknown runtime: nope', known: ['crewai', 'hermes'] });
    expect(h.refresher.calls).toEqual([]);
  });

  it('run() starts with one tick, logs the origin line, and stops when aborted', async () => {
    const h = harness(Array.from({ length: 8 }, (_, i) => rt(`r${i}`)));
    for (let i = 0; i < 8; i++) h.remote.set(key(rt(`r${i}`)), A);
    const controller = new AbortController();
    const running = h.loop.run(controller.signal);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('signal SIGTERM'));
    await running;
    expect(h.logs[0]).toBe('image-auto-refresh: started (interval=5m0s, runtimes=8)');
    expect(h.lookups).toHaveLength(8);
    expect(h.logs.at(-1)).toBe('image-auto-refresh: stopping (signal SIGTERM)');
  });
});

describe('watcher resilience', () => {
  it('keeps running when saving state fails, and says so', async () => {
    const h = harness([rt('crewai')]);
    h.remote.set(key(rt('crewai')), A);
    let failures = 0;
    h.store.save = async () => {
      failures++;
      throw new Error('ENOSPC: no space left on device');
    };
    const events: string[] = [];
    const controller = new AbortController();
    const running = h.loop.run(controller.signal);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('signal SIGTERM'));
    await running;
    expect(failures).toBeGreaterThan(0);
    expect(h.logs).toContain('image-auto-refresh: tick failed: ENOSPC: no space left on device');
    expect(h.logs.at(-1)).toBe('image-auto-refresh: stopping (signal SIGTERM)');
    for (const e of h.events) events.push(e.type);
    expect(events.filter((t) => t === 'check-started').length).toBe(events.filter((t) => t === 'check-finished').length);
  });
});
