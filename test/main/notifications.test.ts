import { beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeRefreshDetail } from '../../shared/dto.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { Watcher } from '../../electron/core/watch/watcher.js';
import { Notifier } from '../../electron/main/notifications.js';
import { FakeNotification } from '../fakes/electron.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('notifications', () => {
  beforeEach(() => {
    FakeNotification.shown = [];
  });

  it('a digest move produces exactly one notification, not one per tick', async () => {
    const opened: string[] = [];
    const notifier = new Notifier((runtime) => opened.push(runtime));
    let remote = A;
    const detail: RuntimeRefreshDetail = { image: 'x', ok: false, error: 'pull failed', containers: [] };
    const watcher = new Watcher({
      settings: () => ({ runtimes: [{ name: 'crewai', image: 'ghcr.io/o/crewai:latest' }], intervalMs: 1000, autoRefresh: false, concurrency: 1 }),
      lookupDigest: async () => remote,
      localView: async () => ({ present: true, hasDigest: true }),
      refresher: { refreshOne: async () => detail, idle: async () => undefined },
      store: new MemoryStateStore(),
      emit: (event) => notifier.handle(event),
    });
    await watcher.tick();
    remote = B;
    for (let i = 0; i < 5; i++) await watcher.tick();
    const moved = FakeNotification.shown.filter((n) => n.options.title.startsWith('New version'));
    expect(moved.map((n) => n.options.title)).toEqual(['New version of crewai']);
    // Even if the engine reported the same move again (a restart replaying it), still one.
    notifier.handle({ type: 'digest-moved', runtime: 'crewai', image: 'x', from: A, to: B });
    expect(FakeNotification.shown.filter((n) => n.options.title.startsWith('New version'))).toHaveLength(1);

    moved[0]!.emit('click');
    expect(opened).toEqual(['crewai']);
    expect(notifier.openCount).toBe(1);
    moved[0]!.emit('close');
    expect(notifier.openCount).toBe(0);
  });

  it('reports refresh outcomes with the count or the reason', () => {
    const notifier = new Notifier(() => undefined);
    notifier.handle({
      type: 'refresh-finished',
      runtime: 'crewai',
      detail: {
        image: 'x',
        ok: true,
        containers: [
          { name: 'ws-1', id: '1', action: 'replaced' },
          { name: 'ws-2', id: '2', action: 'replaced' },
          { name: 'ws-3', id: '3', action: 'skipped' },
        ],
      },
    });
    notifier.handle({
      type: 'refresh-finished',
      runtime: 'hermes',
      detail: { image: 'x', ok: false, error: 'ws-9: new container exited (code 3)', containers: [] },
    });
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([
      { title: 'Refreshed crewai', body: '2 containers replaced' },
      { title: 'Refresh of hermes failed', body: 'ws-9: new container exited (code 3)' },
    ]);
  });

  it('says the versions, the age, and opens the release notes from its action', () => {
    const links: string[] = [];
    const opened: string[] = [];
    const notifier = new Notifier(
      (runtime) => opened.push(runtime),
      (url) => links.push(url),
      () => Date.parse('2026-12-07T10:00:00Z'),
    );
    const link = 'https://github.com/o/crewai/releases/tag/v0.87.1';
    notifier.handle({
      type: 'digest-moved',
      runtime: 'crewai',
      image: 'ghcr.io/o/crewai:latest',
      from: A,
      to: B,
      version: 'v0.87.1',
      previousVersion: 'v0.86.0',
      link,
      created: '2026-12-07T08:00:00Z',
    });
    notifier.handle({ type: 'update-found', runtime: 'hermes', image: 'x', digest: B, version: '2.1' });
    const [moved, found] = FakeNotification.shown;
    expect(moved!.options).toEqual({
      title: 'New version of crewai: v0.86.0 → v0.87.1',
      body: `ghcr.io/o/crewai:latest now points at ${B.slice(0, 19)} (built 2 h ago)`,
      actions: [{ type: 'button', text: 'What changed' }],
    });
    expect(found!.options.title).toBe('Update available for hermes: 2.1');
    expect(found!.options.actions).toBeUndefined();
    moved!.emit('action');
    expect(links).toEqual([link]);
    moved!.emit('click');
    expect(opened).toEqual(['crewai']);
  });

  it('shows nothing where notifications are unsupported', () => {
    FakeNotification.supported = false;
    new Notifier(() => undefined).handle({ type: 'digest-moved', runtime: 'a', image: 'x', from: A, to: B });
    FakeNotification.supported = true;
    expect(FakeNotification.shown).toEqual([]);
  });
});
