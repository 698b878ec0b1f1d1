// Looking for newer tags in the watcher: a repository is listed once per interval however many
// runtimes follow it; a newer tag is kept, announced once, and cleared when gone; a refusal is
// said once per interval; filters that do not compile are said and nothing is looked for.
import { describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../../shared/dto.js';
import type { CoreEvent } from '../../shared/events.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { Watcher } from '../../electron/core/watch/watcher.js';
import type { TagList } from '../../electron/core/registry/tags.js';

const A = `sha256:${'a'.repeat(64)}`;
const HOUR = 3600_000;

function harness(runtimes: RuntimeConfig[]) {
  const clock = { now: Date.parse('2026-12-07T10:00:00Z') };
  let tags: string[] | Error = ['1.25.3', '1.25.4', '1.26.0'];
  const listed: string[] = [];
  const events: CoreEvent[] = [];
  const logs: string[] = [];
  const watcher = new Watcher({
    settings: () => ({ runtimes, intervalMs: 60_000, autoRefresh: false, concurrency: 2, tagsIntervalMs: 6 * HOUR }),
    lookupDigest: async () => A,
    localView: async () => ({ present: true, hasDigest: true }),
    listTags: async (ref): Promise<TagList> => {
      listed.push(`${ref.registry}/${ref.repository}`);
      if (tags instanceof Error) throw tags;
      return { tags, truncated: false, requests: 1 };
    },
    newerTagsOf: (r) => (r.newerTags ? { level: r.newerTags, filters: r.tags ?? {} } : null),
    refresher: { refreshOne: async (r) => ({ image: r.image, ok: true, containers: [] }), idle: async () => undefined },
    store: new MemoryStateStore(),
    now: () => clock.now,
    emit: (e) => events.push(e),
    log: (line) => logs.push(line),
  });
  return { watcher, clock, listed, events, logs, setTags: (t: string[] | Error) => (tags = t) };
}

describe('newer tags in the watcher', () => {
  it('lists a repository once per interval for every runtime on it, and announces a newer tag once', async () => {
    const h = harness([
      { name: 'a', image: 'reg.lan/app:1.25.3', newerTags: 'patch' },
      { name: 'b', image: 'reg.lan/app:1.25.3', newerTags: 'minor' },
      { name: 'c', image: 'reg.lan/app:latest', newerTags: 'minor' },
      { name: 'd', image: 'reg.lan/other:1.0.0' },
    ]);
    const reports = await h.watcher.tick();
    expect(h.listed).toEqual(['reg.lan/app']);
    expect(reports.map((r) => r.newerTag ?? null)).toEqual(['1.25.4', '1.26.0', null, null]);
    expect(h.events.filter((e) => e.type === 'new-tag')).toEqual([
      { type: 'new-tag', runtime: 'a', image: 'reg.lan/app:1.25.3', current: '1.25.3', tag: '1.25.4' },
      { type: 'new-tag', runtime: 'b', image: 'reg.lan/app:1.25.3', current: '1.25.3', tag: '1.26.0' },
    ]);
    expect(h.watcher.summaryOf({ name: 'b', image: 'reg.lan/app:1.25.3' }).newerTag).toMatchObject({ tag: '1.26.0' });
    expect(h.watcher.stateOf('b').history.at(-1)).toMatchObject({ kind: 'new-tag', tag: '1.26.0' });

    h.clock.now += HOUR;
    await h.watcher.tick();
    expect(h.listed).toHaveLength(1);
    // The next interval: the same tags announce nothing again; a newer one does, and a gone one clears.
    h.clock.now += 6 * HOUR;
    h.setTags(['1.25.3', '1.25.4', '1.26.0', '1.26.1']);
    await h.watcher.tick();
    expect(h.listed).toHaveLength(2);
    expect(h.events.filter((e) => e.type === 'new-tag').map((e) => (e as { tag: string }).tag)).toEqual(['1.25.4', '1.26.0', '1.26.1']);
    h.clock.now += 6 * HOUR;
    h.setTags(['1.25.3']);
    await h.watcher.tick();
    expect(h.watcher.summaryOf({ name: 'a', image: 'reg.lan/app:1.25.3' }).newerTag).toBeUndefined();
  });

  it('says a refusal once per interval, and goes on checking digests', async () => {
    const h = harness([{ name: 'a', image: 'reg.lan/app:1.25.3', newerTags: 'minor' }]);
    h.setTags(new Error('reg.lan/app: the registry refuses to list its tags (403)'));
    const [first] = await h.watcher.tick();
    expect(first).toMatchObject({ outcome: 'seeded' });
    for (let i = 0; i < 5; i++) {
      h.clock.now += HOUR;
      await h.watcher.tick();
    }
    expect(h.listed).toHaveLength(1);
    expect(h.logs.filter((l) => l.includes('cannot list the tags of reg.lan/app'))).toHaveLength(1);
    h.clock.now += HOUR;
    await h.watcher.tick();
    expect(h.listed).toHaveLength(2);
  });

  it('says a filter that does not compile, and looks for nothing for that runtime', async () => {
    const h = harness([
      { name: 'a', image: 'reg.lan/app:1.25.3', newerTags: 'minor', tags: { transform: 'no arrow' } },
      { name: 'b', image: 'reg.lan/app:1.25.3', newerTags: 'minor' },
    ]);
    const reports = await h.watcher.tick();
    expect(reports.map((r) => r.newerTag ?? null)).toEqual([null, '1.26.0']);
    expect(h.logs.some((l) => l.includes('a: transform "no arrow" must be "regex => replacement"; newer tags not looked for'))).toBe(true);
  });
});
