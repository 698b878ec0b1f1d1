import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RuntimeConfig, RuntimeRefreshDetail } from '../../shared/dto.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { WatchLoop } from '../../electron/core/watch/loop.js';
import { Watcher } from '../../electron/core/watch/watcher.js';
import { installQuitGuard } from '../../electron/main/lifecycle.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('quit', () => {
  it('waits for an in-flight replace before the app quits', async () => {
    let release!: () => void;
    const replacing = new Promise<void>((r) => (release = r));
    let inflight: Promise<RuntimeRefreshDetail> | null = null;
    const refresher = {
      refreshOne: (runtime: RuntimeConfig): Promise<RuntimeRefreshDetail> => {
        inflight = replacing.then(() => ({
          image: runtime.image,
          ok: true,
          imageIdAfter: 'sha256:new',
          containers: [{ name: 'ws-1', id: 'o', newId: 'n', action: 'replaced' as const }],
        }));
        return inflight;
      },
      idle: async () => {
        if (inflight) await inflight;
      },
    };
    let remote = A;
    const store = new MemoryStateStore();
    const settings = () => ({ runtimes: [{ name: 'crewai', image: 'ghcr.io/o/crewai:latest' }], intervalMs: 20, autoRefresh: true, concurrency: 1 });
    const watcher = new Watcher({
      settings,
      lookupDigest: async () => remote,
      localView: async () => ({ present: true, hasDigest: true }),
      refresher,
      store,
    });
    const loop = new AbortController();
    const running = new WatchLoop(watcher, { settings }).run(loop.signal);
    const controller = {
      busy: true,
      stop: async () => {
        loop.abort(new Error('quit'));
        await running;
      },
    };
    const app = Object.assign(new EventEmitter(), {
      quits: 0,
      quit() {
        this.quits++;
      },
    });
    const stopping: string[] = [];
    installQuitGuard(app as never, controller, () => stopping.push('window may close'));

    await new Promise((r) => setTimeout(r, 30));
    remote = B; // the next tick starts a refresh that blocks in the replace
    while (!inflight) await new Promise((r) => setTimeout(r, 5));

    let prevented = 0;
    app.emit('before-quit', { preventDefault: () => prevented++ });
    app.emit('before-quit', { preventDefault: () => prevented++ });
    await new Promise((r) => setTimeout(r, 50));
    expect(prevented).toBe(2);
    expect(app.quits).toBe(0);
    expect(stopping).toEqual(['window may close']);

    release();
    while (app.quits === 0) await new Promise((r) => setTimeout(r, 5));
    expect(app.quits).toBe(1);
    // The replace finished and was recorded before quitting.
    expect((await store.load()).runtimes.crewai!.engines.local!.appliedDigest).toBe(B);
    // The second before-quit (from app.quit()) now goes through.
    let preventedAfter = 0;
    app.emit('before-quit', { preventDefault: () => preventedAfter++ });
    expect(preventedAfter).toBe(0);
  });
});
