// Which containers get a warm start: running, on user-defined bridge networks only, sharing
// nothing two copies could both write. The reason is given only where it was asked for.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { warmStartPlan } from '../../electron/core/update/containers/warm-start.js';

interface Patch {
  labels?: Record<string, string>;
  mode?: string;
  networks?: string[];
  mounts?: Array<{ Type: string; RW: boolean; Destination: string }>;
  devices?: boolean;
  gpus?: boolean;
  ipc?: string;
  pid?: string;
  running?: boolean;
}

function container(patch: Patch = {}): Docker.ContainerInspectInfo {
  return {
    Id: 'a'.repeat(64),
    Name: '/web',
    State: { Running: patch.running ?? true },
    Config: { Labels: patch.labels ?? {} },
    HostConfig: {
      NetworkMode: patch.mode ?? 'app',
      IpcMode: patch.ipc ?? 'private',
      PidMode: patch.pid ?? '',
      Devices: patch.devices ? [{ PathOnHost: '/dev/ttyUSB0', PathInContainer: '/dev/ttyUSB0', CgroupPermissions: 'rwm' }] : [],
      DeviceRequests: patch.gpus ? [{ Driver: 'nvidia', Count: -1 }] : null,
    },
    Mounts: patch.mounts ?? [],
    NetworkSettings: { Networks: Object.fromEntries((patch.networks ?? ['app']).map((n) => [n, {}])) },
  } as unknown as Docker.ContainerInspectInfo;
}

/** The engine's answer for each network's inspect: only its driver and scope are read. */
function engine(networks: Record<string, { Driver: string; Scope: string }>): Docker {
  return {
    getNetwork: (name: string) => ({
      inspect: async () => {
        const found = networks[name];
        if (!found) throw Object.assign(new Error('network not found'), { statusCode: 404 });
        return found;
      },
    }),
  } as unknown as Docker;
}

const local = { Driver: 'bridge', Scope: 'local' };
const docker = engine({ app: local, db: local, swarm: { Driver: 'overlay', Scope: 'swarm' } });

describe('warm start plan', () => {
  it('is on by default for a running container on user bridge networks, read-only mounts and tmpfs included', async () => {
    expect(await warmStartPlan(docker, container(), undefined)).toEqual({ warm: true });
    const mounts = [
      { Type: 'bind', RW: false, Destination: '/conf' },
      { Type: 'tmpfs', RW: true, Destination: '/run' },
    ];
    expect(await warmStartPlan(docker, container({ mounts, networks: ['app', 'db'] }), undefined)).toEqual({ warm: true });
  });

  it('is off when the runtime or the container says so, and for a stopped container', async () => {
    expect(await warmStartPlan(docker, container(), false)).toEqual({ warm: false });
    expect(await warmStartPlan(docker, container({ labels: { 'imagewatch.warm-start': 'false' } }), true)).toEqual({ warm: false });
    expect(await warmStartPlan(docker, container({ labels: { 'imagewatch.warm-start': 'true' } }), false)).toEqual({ warm: true });
    expect(await warmStartPlan(docker, container({ running: false }), true)).toEqual({ warm: false });
  });

  it('leaves what two copies would share to the usual way, silently unless asked', async () => {
    const volume = { mounts: [{ Type: 'volume', RW: true, Destination: '/data' }] };
    expect(await warmStartPlan(docker, container(volume), undefined)).toEqual({ warm: false });
    expect(await warmStartPlan(docker, container(volume), true)).toMatchObject({ why: expect.stringMatching(/it writes to \/data; label it/) });
    expect(await warmStartPlan(docker, container({ ...volume, labels: { 'imagewatch.warm-start': 'true' } }), undefined)).toEqual({ warm: true });
    expect(await warmStartPlan(docker, container({ devices: true }), true)).toMatchObject({ why: expect.stringMatching(/host devices/) });
    expect(await warmStartPlan(docker, container({ gpus: true }), true)).toMatchObject({ why: expect.stringMatching(/host devices/) });
    expect(await warmStartPlan(docker, container({ ipc: 'shareable' }), true)).toMatchObject({ why: expect.stringMatching(/IPC or PID/) });
    expect(await warmStartPlan(docker, container({ pid: 'container:db' }), true)).toMatchObject({ why: expect.stringMatching(/IPC or PID/) });
  });

  it('needs user-defined bridge networks only', async () => {
    const asked = true;
    expect(await warmStartPlan(docker, container({ mode: 'bridge', networks: ['bridge'] }), asked)).toMatchObject({
      why: expect.stringMatching(/network mode bridge/),
    });
    expect(await warmStartPlan(docker, container({ mode: 'default', networks: ['bridge'] }), asked)).toMatchObject({
      why: expect.stringMatching(/network mode default/),
    });
    expect(await warmStartPlan(docker, container({ networks: ['app', 'bridge'] }), asked)).toMatchObject({ why: expect.stringMatching(/default bridge/) });
    expect(await warmStartPlan(docker, container({ mode: 'host', networks: ['host'] }), asked)).toMatchObject({
      why: expect.stringMatching(/network mode host/),
    });
    expect(await warmStartPlan(docker, container({ mode: 'container:vpn', networks: [] }), asked)).toMatchObject({
      why: expect.stringMatching(/container:vpn/),
    });
    expect(await warmStartPlan(docker, container({ networks: ['app', 'swarm'] }), asked)).toMatchObject({
      why: expect.stringMatching(/swarm is a swarm overlay network/),
    });
    expect(await warmStartPlan(docker, container({ networks: ['app', 'gone'] }), asked)).toMatchObject({
      why: expect.stringMatching(/gone cannot be inspected/),
    });
    expect(await warmStartPlan(docker, container({ networks: ['app', 'swarm'] }), undefined)).toEqual({ warm: false });
  });
});

describe('warm start plan, word for word', () => {
  it('says exactly why, reads its label whatever its case, and counts every kind of shared namespace', async () => {
    const reason = (plan: Awaited<ReturnType<typeof warmStartPlan>>): string | undefined => (plan.warm ? undefined : plan.why);
    const why = async (patch: Patch, setting: boolean | undefined = true): Promise<string | undefined> =>
      reason(await warmStartPlan(docker, container(patch), setting));
    expect(await warmStartPlan(docker, container({ labels: { 'imagewatch.warm-start': ' FALSE ' } }), true)).toEqual({ warm: false });
    expect(await why({ labels: { 'imagewatch.warm-start': ' True ' }, devices: true }, undefined)).toBeUndefined();
    expect(
      await why({
        mounts: [
          { Type: 'volume', RW: true, Destination: '/a' },
          { Type: 'bind', RW: true, Destination: '/b' },
        ],
      }),
    ).toBe('warm start not possible (it writes to /a, /b; label it imagewatch.warm-start=true if two copies may share them); replaced the usual way');
    expect(await why({ devices: true })).toBe('warm start not possible (it uses host devices, which two copies would contend for); replaced the usual way');
    expect(await why({ ipc: 'host' })).toBe('warm start not possible (it shares an IPC or PID namespace); replaced the usual way');
    expect(await why({ ipc: 'container:db' })).toBe('warm start not possible (it shares an IPC or PID namespace); replaced the usual way');
    expect(await why({ ipc: 'private' })).toBeUndefined();
    expect(await why({ mode: 'db' })).toBe('warm start not possible (network mode db); replaced the usual way');
    expect(await why({ networks: ['app', 'swarm'] })).toBe('warm start not possible (network swarm is a swarm overlay network); replaced the usual way');
    expect(await why({ networks: ['app', 'gone'] })).toBe(
      'warm start not possible (network gone cannot be inspected: network not found); replaced the usual way',
    );
    const bare = container();
    (bare as { NetworkSettings?: unknown }).NetworkSettings = undefined;
    expect(reason(await warmStartPlan(docker, bare, true))).toBe('warm start not possible (network mode app); replaced the usual way');
  });
});

describe('warm start plan, for what the engine leaves out', () => {
  const why = async (c: Docker.ContainerInspectInfo, setting: boolean | undefined, on: Docker = docker): Promise<string | undefined> => {
    const plan = await warmStartPlan(on, c, setting);
    return plan.warm ? undefined : plan.why;
  };

  it('reads a container without labels, mounts, devices or namespaces, and says its default network mode', async () => {
    const sparse = container();
    (sparse.Config as { Labels: unknown }).Labels = null;
    (sparse as { Mounts?: unknown }).Mounts = undefined;
    sparse.HostConfig = {} as never;
    expect(await why(sparse, true)).toBe('warm start not possible (network mode default); replaced the usual way');
    const onApp = container();
    (onApp.Config as { Labels: unknown }).Labels = null;
    (onApp as { Mounts?: unknown }).Mounts = undefined;
    onApp.HostConfig = { NetworkMode: 'app' } as never;
    expect(await warmStartPlan(docker, onApp, undefined)).toEqual({ warm: true });
  });

  it('gives the reason to a container that asked by its label alone', async () => {
    expect(await why(container({ labels: { 'imagewatch.warm-start': 'true' }, ipc: 'shareable' }), undefined)).toBe(
      'warm start not possible (it shares an IPC or PID namespace); replaced the usual way',
    );
    expect(await why(container({ pid: 'host' }), true)).toBe('warm start not possible (it shares an IPC or PID namespace); replaced the usual way');
  });

  it('counts host devices and GPUs together', async () => {
    expect(await why(container({ devices: true, gpus: true }), true)).toBe(
      'warm start not possible (it uses host devices, which two copies would contend for); replaced the usual way',
    );
    expect(await why(container({ gpus: true }), true)).toMatch(/host devices/);
  });

  it('needs each network to be both a bridge and local', async () => {
    const odd = engine({ app: { Driver: 'bridge', Scope: 'swarm' }, db: { Driver: 'macvlan', Scope: 'local' }, bare: {} as never });
    expect(await why(container({ networks: ['app'] }), true, odd)).toBe(
      'warm start not possible (network app is a swarm bridge network); replaced the usual way',
    );
    expect(await why(container({ mode: 'db', networks: ['db'] }), true, odd)).toBe(
      'warm start not possible (network db is a local macvlan network); replaced the usual way',
    );
    expect(await why(container({ mode: 'bare', networks: ['bare'] }), true, odd)).toBe(
      'warm start not possible (network bare is a ? ? network); replaced the usual way',
    );
  });
});
