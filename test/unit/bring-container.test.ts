// What keeps a container out of any update, before a strategy is even asked: already on the
// new image, owned by an orchestrator, opted out, a shutdown under way, paused; what no
// replacing strategy may touch (--rm, a shared network namespace); and hook labels that
// cannot be used, refused with nothing touched. Each is what the user reads in the outcome.
import { describe, expect, it } from 'vitest';
import type { ContainerOutcome } from '../../shared/dto.js';
import type { ContainerInspect, ContainerSummary } from '../../electron/core/engines/client.js';
import { bringContainer, outcomeOf, type ContainerStrategy, type ContainerTarget } from '../../electron/core/update/containers/target.js';
import { replaceOptions, replaceRefusal } from '../../electron/core/update/containers/replaceable.js';
import type { ContainerContext } from '../../electron/core/update/containers/target.js';
import type { JournalEntry } from '../../electron/core/update/journal.js';
import { choose, StrategyPassed } from '../../electron/core/update/strategy.js';

function target(
  over: { labels?: Record<string, string>; state?: Record<string, unknown>; image?: string; host?: Record<string, unknown>; all?: ContainerSummary[] } = {},
): ContainerTarget {
  const info = {
    Id: 'old-id',
    Name: '/app',
    Image: over.image ?? 'sha256:old',
    State: { Running: true, Paused: false, Restarting: false, ...over.state },
    Config: { Labels: over.labels ?? {} },
    HostConfig: over.host ?? {},
  } as unknown as ContainerInspect;
  return {
    info,
    all: over.all ?? [],
    imageId: 'sha256:new',
    oldImage: async () => ({}),
    recreate: 'replace',
    overlap: false,
    warmStart: undefined,
    onStep: () => undefined,
  };
}

/** A strategy that always applies and records that it ran: anything it returns means the container was touched. */
function always(ran: string[]): ContainerStrategy {
  return {
    id: 'always',
    plan: async (t) => ({ kind: 'plan', plan: { target: t } }),
    run: async () => {
      ran.push('always');
      return { name: 'app', id: 'old-id', action: 'replaced' } satisfies ContainerOutcome;
    },
    recover: async () => null,
  };
}

describe('containers no update touches', () => {
  it.each([
    ['already on the new image', { image: 'sha256:new' }, { action: 'skipped', reason: 'already on the new image' }],
    [
      'a Swarm task',
      { labels: { 'com.docker.swarm.task.id': 't1' } },
      { action: 'skipped', reason: "left alone: Swarm owns it and would replace it behind imagewatch's back; update it through docker service update --image" },
    ],
    [
      "a Kubernetes pod's container",
      { labels: { 'io.kubernetes.pod.name': 'p' } },
      { action: 'skipped', reason: "left alone: Kubernetes owns it and would replace it behind imagewatch's back; update it through its deployment" },
    ],
    [
      'opted out',
      { labels: { 'com.centurylinklabs.watchtower.enable': 'False' } },
      { action: 'skipped', reason: 'left alone: opted out with the label com.centurylinklabs.watchtower.enable=False' },
    ],
    ['paused', { state: { Paused: true } }, { action: 'failed', reason: 'paused; unpause it so imagewatch can replace it' }],
    [
      'with a hook label that cannot be used',
      { labels: { 'imagewatch.pre-update': 'dump', 'imagewatch.pre-update-timeout': 'x' } },
      { action: 'failed', restored: true },
    ],
  ])('%s', async (_name, over, expected) => {
    const ran: string[] = [];
    const t = target(over);
    // Hooks are on for the last case, so its label is read (and refused).
    const outcome = await bringContainer([always(ran)], { ...t, hookEngine: {} as never });
    expect(outcome).toMatchObject({ name: 'app', id: 'old-id', ...expected });
    expect(ran).toEqual([]);
  });

  it('is not replaced while imagewatch shuts down', async () => {
    const ran: string[] = [];
    const stop = new AbortController();
    stop.abort();
    expect(await bringContainer([always(ran)], target(), stop.signal)).toEqual({
      name: 'app',
      id: 'old-id',
      action: 'failed',
      reason: 'not replaced: imagewatch is shutting down',
    });
    expect(ran).toEqual([]);
    // Not shutting down: the same container is replaced, and hook labels with hooks off are said.
    const noted = await bringContainer([always(ran)], target({ labels: { 'imagewatch.post-update': 'check' } }), new AbortController().signal);
    expect(noted).toMatchObject({ action: 'replaced', reason: 'hook labels ignored: hooks are off ("hooks": true in the config runs them)' });
    expect(ran).toEqual(['always']);
  });

  it('says an outcome with or without its reason', () => {
    const { info } = target();
    expect(outcomeOf(info, 'replaced')).toEqual({ name: 'app', id: 'old-id', action: 'replaced' });
    expect(outcomeOf(info, 'failed', '')).toEqual({ name: 'app', id: 'old-id', action: 'failed', reason: '' });
  });

  it('treats an empty list of strategies as a programming error, not a silent skip', async () => {
    await expect(choose([], target())).rejects.toThrow('no update strategy applies');
  });
});

describe('what no replacing strategy may touch', () => {
  it('refuses a running --rm container (stopping it deletes it) and one whose network namespace others share', () => {
    const rm = 'not replaced: started with --rm, so stopping it would delete it; use recreate "remove" for such containers';
    expect(replaceRefusal(target({ host: { AutoRemove: true } }))).toBe(rm);
    expect(replaceRefusal(target({ host: { AutoRemove: true }, state: { Running: false, Restarting: true } }))).toBe(rm);
    expect(replaceRefusal(target({ host: { AutoRemove: true }, state: { Running: false } }))).toBeNull();
    expect(replaceRefusal(target())).toBeNull();
    const all = [
      { Id: 'sidecar', Names: ['/sidecar'], HostConfig: { NetworkMode: 'container:app' } },
      { Id: 'other', Names: ['/other'], HostConfig: { NetworkMode: 'container:old-id' } },
    ] as unknown as ContainerSummary[];
    expect(replaceRefusal(target({ all }))).toBe('not replaced: sidecar, other share its network namespace and would lose it');
  });
});

describe('hooks around the strategies', () => {
  /** An engine whose exec in the container answers with `exitCode`, counting the hooks it ran. */
  function hookEngine(exitCode: number, ran: string[]) {
    return {
      getContainer: (id: string) => ({
        exec: async (spec: { Cmd: string[] }) => {
          ran.push(`${id}: ${spec.Cmd.join(' ')}`);
          return {
            start: async () => {
              const { PassThrough } = await import('node:stream');
              const stream = new PassThrough();
              setTimeout(() => stream.end(), 1);
              return stream;
            },
            inspect: async () => ({ Running: false, ExitCode: exitCode }),
          };
        },
      }),
    } as never;
  }
  const labels = { 'imagewatch.pre-update': 'dump', 'imagewatch.post-update': 'check' };

  it('runs pre-update once, before the first strategy that applies, even when that one hands over', async () => {
    const ran: string[] = [];
    const steps: string[] = [];
    const seenPost: boolean[] = [];
    const passing: ContainerStrategy = {
      id: 'warm',
      plan: async (t) => {
        seenPost.push(t.postUpdate !== undefined);
        return { kind: 'plan', plan: { target: t } };
      },
      run: async () => {
        ran.push('warm');
        throw new StrategyPassed('warm start failed (exited); replaced the usual way');
      },
      recover: async () => null,
    };
    const t = { ...target({ labels }), hookEngine: hookEngine(0, ran), onStep: (s: string) => steps.push(s) } as ContainerTarget;
    const outcome = await bringContainer([passing, always(ran)], t);
    expect(ran).toEqual(['old-id: sh -c dump', 'warm', 'always']);
    expect(steps).toEqual(['pre-update']);
    expect(seenPost).toEqual([true]);
    expect(outcome).toEqual({ name: 'app', id: 'old-id', action: 'replaced', reason: 'warm start failed (exited); replaced the usual way' });
  });

  it('puts the update off on exit 75 with no strategy run, and refuses an unusable label word for word', async () => {
    const ran: string[] = [];
    const outcome = await bringContainer([always(ran)], { ...target({ labels }), hookEngine: hookEngine(75, ran) });
    expect(outcome).toMatchObject({ action: 'skipped', deferred: true });
    expect(ran).toEqual(['old-id: sh -c dump']);
    const bad = await bringContainer([always(ran)], {
      ...target({ labels: { 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': 'soon' } }),
      hookEngine: hookEngine(0, ran),
    });
    expect(bad).toEqual({
      name: 'app',
      id: 'old-id',
      action: 'failed',
      restored: true,
      reason: 'not replaced: label imagewatch.pre-update-timeout="soon" is not a number of seconds from 1 to 3600',
    });
  });

  it("says why a strategy asked for was not used only on a replacement, before the strategy's own note", async () => {
    const passedOver: ContainerStrategy = {
      id: 'overlap',
      plan: async () => ({ kind: 'pass', why: 'overlap not possible (x)' }),
      run: async () => ({}) as never,
      recover: async () => null,
    };
    const ending = (outcome: ContainerOutcome): ContainerStrategy => ({
      id: 'usual',
      plan: async (t) => ({ kind: 'plan', plan: { target: t } }),
      run: async () => ({ ...outcome }),
      recover: async () => null,
    });
    const failed = await bringContainer(
      [passedOver, ending({ name: 'app', id: 'old-id', action: 'failed', reason: 'new container exited (code 1)' })],
      target(),
    );
    expect(failed.reason).toBe('new container exited (code 1)');
    const noted = await bringContainer(
      [passedOver, ending({ name: 'app', id: 'old-id', action: 'replaced', reason: 'old container left as app.imagewatch-old' })],
      target(),
    );
    expect(noted.reason).toBe('overlap not possible (x); old container left as app.imagewatch-old');
    const plain = await bringContainer([ending({ name: 'app', id: 'old-id', action: 'replaced' })], target());
    expect(plain).not.toHaveProperty('reason');
  });
});

describe('the options a replacement runs with', () => {
  it('starts the new container when imagewatch stopped this one and could not start it again, and runs its post-update hook', async () => {
    const entries = [
      { oldId: 'other-id', wasRunning: true },
      { oldId: 'old-id', wasRunning: true },
    ] as unknown as JournalEntry[];
    const ctx = (list: JournalEntry[]): ContainerContext =>
      ({ docker: {}, journal: { entries: async () => list }, startGraceMs: 1500, healthTimeoutMs: 9000 }) as unknown as ContainerContext;
    const postUpdate = async (): Promise<void> => undefined;
    const stopped = target({ state: { Running: false } });
    const noted = await replaceOptions(ctx(entries), { ...stopped, postUpdate });
    expect(noted).toEqual({ startGraceMs: 1500, healthTimeoutMs: 9000, onStep: stopped.onStep, journal: expect.anything(), wasRunning: true, postUpdate });
    // Noted for another container, or noted as not running: the container's own state decides.
    expect(await replaceOptions(ctx([entries[0]!]), stopped)).not.toHaveProperty('wasRunning');
    expect(await replaceOptions(ctx([{ oldId: 'old-id', wasRunning: false } as unknown as JournalEntry]), stopped)).not.toHaveProperty('wasRunning');
    expect(await replaceOptions(ctx([]), stopped)).not.toHaveProperty('postUpdate');
  });
});
