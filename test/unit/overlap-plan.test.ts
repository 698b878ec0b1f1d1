// Which containers may be replaced by overlapping, and the reason given when one asked and cannot.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { overlapPlan } from '../../electron/core/update/containers/overlap.js';

function container(
  patch: { labels?: Record<string, string>; ports?: boolean; mode?: string; networks?: Record<string, object>; mounts?: boolean; running?: boolean } = {},
): Docker.ContainerInspectInfo {
  return {
    Id: 'a'.repeat(64),
    Name: '/web',
    State: { Running: patch.running ?? true },
    Config: { Labels: patch.labels ?? {} },
    HostConfig: { NetworkMode: patch.mode ?? 'proxy', PortBindings: patch.ports ? { '80/tcp': [{ HostPort: '8080' }] } : {} },
    Mounts: patch.mounts ? [{ Type: 'volume', Name: 'data', Destination: '/data' }] : [],
    NetworkSettings: { Networks: patch.networks ?? { proxy: {} } },
  } as unknown as Docker.ContainerInspectInfo;
}

describe('overlap plan', () => {
  it('overlaps a running container on a user network when the runtime or the container asks', () => {
    expect(overlapPlan(container(), true)).toEqual({ overlap: true, networks: ['proxy'] });
    expect(overlapPlan(container({ labels: { 'imagewatch.overlap': 'true' } }), false)).toEqual({ overlap: true, networks: ['proxy'] });
    expect(overlapPlan(container(), false)).toEqual({ overlap: false });
    expect(overlapPlan(container({ labels: { 'imagewatch.overlap': 'false' } }), true)).toEqual({ overlap: false });
    expect(overlapPlan(container({ running: false }), true)).toEqual({ overlap: false });
  });

  it('needs the container itself to ask when it has volumes', () => {
    expect(overlapPlan(container({ mounts: true }), true)).toMatchObject({ overlap: false, why: expect.stringMatching(/it has volumes/) });
    expect(overlapPlan(container({ mounts: true, labels: { 'imagewatch.overlap': 'true' } }), false)).toMatchObject({ overlap: true });
  });

  it('refuses what two copies cannot share, saying why', () => {
    expect(overlapPlan(container({ ports: true }), true)).toMatchObject({ why: expect.stringMatching(/publishes host ports/) });
    expect(overlapPlan(container({ mode: 'host', networks: { host: {} } }), true)).toMatchObject({ why: expect.stringMatching(/network mode host/) });
    expect(overlapPlan(container({ mode: 'bridge', networks: { bridge: {} } }), true)).toMatchObject({ why: expect.stringMatching(/no user network/) });
    expect(overlapPlan(container({ networks: { proxy: { IPAMConfig: { IPv4Address: '10.1.0.9' } } } }), true)).toMatchObject({
      why: expect.stringMatching(/fixed IP/),
    });
  });
});

describe('overlap plan, word for word', () => {
  it('says exactly why, and reads each way a container can hold state or a fixed place', () => {
    const why = (c: Docker.ContainerInspectInfo): string | undefined => {
      const plan = overlapPlan(c, true);
      return plan.overlap ? undefined : plan.why;
    };
    expect(overlapPlan(container({ labels: { 'imagewatch.overlap': ' TRUE ' } }), false)).toEqual({ overlap: true, networks: ['proxy'] });
    expect(overlapPlan(container({ labels: { 'imagewatch.overlap': ' False' } }), true)).toEqual({ overlap: false });
    expect(why(container({ mounts: true }))).toBe(
      'overlap not possible (it has volumes; label it imagewatch.overlap=true if two copies may share them); replaced the usual way',
    );
    const bound = container();
    bound.Mounts = [{ Type: 'bind', Source: '/srv', Destination: '/srv' }] as never;
    expect(why(bound)).toMatch(/it has volumes/);
    const tmp = container();
    tmp.Mounts = [{ Type: 'tmpfs', Destination: '/tmp' }] as never;
    expect(overlapPlan(tmp, true)).toEqual({ overlap: true, networks: ['proxy'] });
    expect(why(container({ ports: true }))).toBe('overlap not possible (it publishes host ports, which two copies cannot share); replaced the usual way');
    const unpublished = container();
    unpublished.HostConfig.PortBindings = { '80/tcp': [] } as never;
    expect(overlapPlan(unpublished, true).overlap).toBe(true);
    const all = container();
    (all.HostConfig as { PublishAllPorts?: boolean }).PublishAllPorts = true;
    expect(why(all)).toMatch(/publishes host ports/);
    expect(why(container({ mode: 'host' }))).toBe('overlap not possible (network mode host); replaced the usual way');
    expect(why(container({ mode: 'container:db' }))).toBe('overlap not possible (network mode container:db); replaced the usual way');
    expect(why(container({ mode: 'bridge', networks: { bridge: {} } }))).toBe(
      'overlap not possible (it is on no user network, so nothing reaches it by name); replaced the usual way',
    );
    expect(why(container({ networks: { proxy: { IPAMConfig: { IPv6Address: 'fd00::5' } } } }))).toBe(
      'overlap not possible (it has a fixed IP address); replaced the usual way',
    );
    expect(why(container({ networks: { proxy: {}, db: { IPAMConfig: { IPv4Address: '10.0.0.5' } } } }))).toMatch(/fixed IP/);
    expect(overlapPlan(container({ networks: { proxy: { IPAMConfig: {} }, db: {} } }), true)).toEqual({ overlap: true, networks: ['proxy', 'db'] });
  });
});

describe('overlap plan, for what the engine leaves out', () => {
  it('reads a container without labels, mounts or a network mode, and refuses network mode none', () => {
    const sparse = container();
    (sparse.Config as { Labels: unknown }).Labels = null;
    (sparse as { Mounts?: unknown }).Mounts = undefined;
    (sparse.HostConfig as { NetworkMode?: string }).NetworkMode = undefined;
    expect(overlapPlan(sparse, true)).toEqual({ overlap: true, networks: ['proxy'] });
    expect(overlapPlan(sparse, false)).toEqual({ overlap: false });
    const none = overlapPlan(container({ mode: 'none', networks: {} }), true);
    expect(none).toEqual({ overlap: false, why: 'overlap not possible (network mode none); replaced the usual way' });
  });
});
