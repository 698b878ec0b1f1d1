// Versions people read, through the watcher: an image's facts are read once per digest (when
// the tag moves or is first seen, and once for a digest seen before they were kept), never on a
// steady check; a failed read is said and tried again a day later; an index move that left the
// platform's image alone keeps the facts; what an engine holds is read from its own copy. The
// versions reach the events, the check report, the summary and the history.
import { describe, expect, it } from 'vitest';
import type { ImageFacts, RuntimeConfig } from '../../shared/dto.js';
import type { CoreEvent } from '../../shared/events.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import type { LocalView } from '../../electron/core/watch/transitions.js';
import { Watcher } from '../../electron/core/watch/watcher.js';
import { FACTS_RETRY_MS } from '../../electron/core/versions/read.js';
import type { PlatformImage } from '../../electron/core/registry/platform-lookup.js';

const dg = (c: string): string => `sha256:${c.repeat(64)}`;
const A = dg('a');
const B = dg('b');
const C = dg('c');
const P1 = dg('1');

const facts = (version: string | undefined, more: Partial<ImageFacts> = {}): ImageFacts => ({
  ...(version ? { version } : {}),
  from: 'registry',
  readAt: '2026-12-01T00:00:00.000Z',
  ...more,
});

function harness(options: { runtime?: RuntimeConfig; local?: LocalView; platform?: (digest: string) => PlatformImage | null } = {}) {
  const clock = { now: Date.parse('2026-12-07T10:00:00Z') };
  let remote = A;
  const labels = new Map<string, ImageFacts | Error>([
    [A, facts('0.86.0')],
    [B, facts('0.87.1', { source: 'https://github.com/example/app', created: '2026-12-07T08:00:00Z', revision: 'abc1234' })],
  ]);
  const reads: Array<{ digest: string; platformImage: string | null }> = [];
  const events: CoreEvent[] = [];
  const logs: string[] = [];
  const store = new MemoryStateStore();
  const runtime = options.runtime ?? { name: 'app', image: 'ghcr.io/example/app:latest' };
  const watcher = new Watcher({
    settings: () => ({ runtimes: [runtime], intervalMs: 60_000, autoRefresh: false, concurrency: 2 }),
    lookupDigest: async () => remote,
    localView: async () => options.local ?? { present: true, hasDigest: true },
    ...(options.platform ? { platformImage: async (_ref, digest) => options.platform!(digest) } : {}),
    readFacts: async (_ref, digest, platformImage) => {
      reads.push({ digest, platformImage });
      const found = labels.get(digest);
      if (found instanceof Error) throw found;
      return found ?? facts(undefined);
    },
    refresher: { refreshOne: async (r) => ({ image: r.image, ok: true, containers: [] }), idle: async () => undefined },
    store,
    now: () => clock.now,
    emit: (e) => events.push(e),
    log: (line) => logs.push(line),
  });
  return {
    watcher,
    clock,
    reads,
    events,
    logs,
    labels,
    store,
    runtime,
    move: (to: string) => (remote = to),
  };
}

describe('versions through the watcher', () => {
  it('reads a digest once: at first sight and at a move, never on a steady check', async () => {
    const h = harness();
    await h.watcher.tick();
    for (let i = 0; i < 5; i++) await h.watcher.tick();
    expect(h.reads.map((r) => r.digest)).toEqual([A]);
    h.move(B);
    const [report] = await h.watcher.tick();
    for (let i = 0; i < 5; i++) await h.watcher.tick();
    expect(h.reads.map((r) => r.digest)).toEqual([A, B]);
    expect(report).toMatchObject({
      outcome: 'moved',
      version: '0.87.1',
      versionFrom: 'label',
      previousVersion: '0.86.0',
      link: 'https://github.com/example/app/releases?q=0.87.1&expanded=true',
      created: '2026-12-07T08:00:00Z',
    });
    const moved = h.events.find((e) => e.type === 'digest-moved');
    expect(moved).toMatchObject({ version: '0.87.1', previousVersion: '0.86.0', link: expect.stringContaining('github.com/example/app') });
    expect(h.logs.some((l) => l.includes('digest moved') && l.includes('(0.86.0 → 0.87.1)'))).toBe(true);
    const history = await h.watcher.state.get('app').history;
    expect(history.at(-1)).toMatchObject({ kind: 'moved', version: '0.87.1', previousVersion: '0.86.0' });
    expect(history[0]).toMatchObject({ kind: 'seeded', version: '0.86.0' });
  });

  it('shows what the engine runs against what the tag names, once an older image is held', async () => {
    const h = harness({ local: { present: true, hasDigest: false, digest: C, labels: { 'org.opencontainers.image.version': '0.85.2' } } });
    h.move(B);
    const [report] = await h.watcher.tick();
    expect(report).toMatchObject({ outcome: 'seeded', updateAvailable: true, version: '0.87.1', previousVersion: '0.85.2' });
    // Read from the engine's copy: no registry request for it.
    expect(h.reads.map((r) => r.digest)).toEqual([B]);
    expect(h.events.find((e) => e.type === 'update-found')).toMatchObject({ version: '0.87.1', previousVersion: '0.85.2' });
    const summary = h.watcher.summaryOf(h.runtime);
    expect(summary.versions).toMatchObject({ latest: { text: '0.87.1', from: 'label' }, running: { text: '0.85.2', from: 'label' } });
    expect(h.watcher.state.snapshot().images?.[C]).toMatchObject({ version: '0.85.2', from: 'engine' });
  });

  it('says a failed read once, goes on by digest, and tries again a day later', async () => {
    const h = harness();
    h.labels.set(A, new Error('GET https://ghcr.io/v2/example/app/blobs/sha256:x: 500 Internal Server Error'));
    const [first] = await h.watcher.tick();
    expect(first).toMatchObject({ outcome: 'seeded', versionFrom: 'digest', version: 'sha256:aaaaaaaaaaaa' });
    expect(h.logs.filter((l) => l.includes("could not read the image's version labels"))).toHaveLength(1);
    h.clock.now += 60 * 60_000;
    await h.watcher.tick();
    expect(h.reads).toHaveLength(1);
    h.labels.set(A, facts('0.86.0'));
    h.clock.now += FACTS_RETRY_MS;
    const [later] = await h.watcher.tick();
    expect(h.reads).toHaveLength(2);
    expect(later).toMatchObject({ version: '0.86.0', versionFrom: 'label' });
  });

  it('keeps the facts when an index moved and the platform image did not, without a read', async () => {
    const platforms: Record<string, PlatformImage> = { [A]: { platform: 'linux/amd64', digest: P1 }, [C]: { platform: 'linux/amd64', digest: P1 } };
    const h = harness({ platform: (d) => platforms[d] ?? null });
    await h.watcher.tick();
    // Read through the platform's image the first sight's index read found: two requests, not three.
    expect(h.reads).toEqual([{ digest: A, platformImage: P1 }]);
    h.move(C);
    const [report] = await h.watcher.tick();
    expect(report).toMatchObject({ outcome: 'unchanged', version: '0.86.0' });
    expect(h.reads).toHaveLength(1);
    // A real move reads through the platform image the move's index read found.
    platforms[B] = { platform: 'linux/amd64', digest: dg('2') };
    h.move(B);
    await h.watcher.tick();
    expect(h.reads.at(-1)).toEqual({ digest: B, platformImage: dg('2') });
  });

  it('falls back to a version tag, and says so', async () => {
    const h = harness({ runtime: { name: 'nginx', image: 'nginx:1.25.3-alpine', link: 'https://nginx.org/en/CHANGES-${major}.${minor}' } });
    h.labels.set(A, facts(undefined));
    const [report] = await h.watcher.tick();
    expect(report).toMatchObject({ version: '1.25.3-alpine', versionFrom: 'tag', link: 'https://nginx.org/en/CHANGES-1.25' });
    expect(h.watcher.summaryOf(h.runtime).versions).toMatchObject({ latest: { text: '1.25.3-alpine', from: 'tag' } });
  });

  it('names the version a refresh brought in its history entry and event', async () => {
    const h = harness();
    await h.watcher.tick();
    h.move(B);
    await h.watcher.tick({ autoRefresh: true });
    const refreshed = h.events.find((e) => e.type === 'refresh-finished');
    expect(refreshed).toMatchObject({ version: '0.87.1' });
    expect(h.watcher.state.get('app').history.at(-1)).toMatchObject({ kind: 'refreshed', version: '0.87.1' });
  });

  it('keeps the facts of the digests its runtimes name, and drops the others at save', async () => {
    const h = harness();
    await h.watcher.tick();
    h.watcher.state.keepImageFacts(C, facts('9.9.9'));
    await h.watcher.state.save();
    const saved = await h.store.load();
    expect(Object.keys(saved.images ?? {})).toEqual([A]);
  });

  it('reads the facts of many tags side by side on a first check, within the concurrency', async () => {
    const runtimes = Array.from({ length: 10 }, (_, i) => ({ name: `r${i}`, image: `ghcr.io/example/app-${i}:latest` }));
    let inFlight = 0;
    let most = 0;
    const watcher = new Watcher({
      settings: () => ({ runtimes, intervalMs: 60_000, autoRefresh: false, concurrency: 4 }),
      lookupDigest: async (ref) => dg(String(Number(ref.repository.split('-').pop()) % 10)),
      localView: async () => ({ present: true, hasDigest: true }),
      readFacts: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return facts('1.0.0');
      },
      refresher: { refreshOne: async (r) => ({ image: r.image, ok: true, containers: [] }), idle: async () => undefined },
      store: new MemoryStateStore(),
    });
    const reports = await watcher.tick();
    expect(reports.every((r) => r.version === '1.0.0')).toBe(true);
    expect(most).toBe(4);
  });
});
