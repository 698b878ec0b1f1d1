import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { buildCloneSpec } from '../../electron/core/update/containers/clone-spec.js';
import { orchestratorOf } from '../../electron/core/targets/select.js';

const ID = 'f00dfeed1234' + '0'.repeat(52);

function inspected(overrides: { Config?: object; HostConfig?: object; Mounts?: object[]; Networks?: object } = {}): Docker.ContainerInspectInfo {
  return {
    Id: ID,
    Name: '/web',
    Image: 'sha256:old',
    State: { Running: true },
    Config: {
      Hostname: 'f00dfeed1234',
      Domainname: '',
      User: '',
      Env: ['PATH=/usr/bin:/bin', 'IMAGE_VERSION=v1', 'FOO=bar'],
      Cmd: ['/bin/sh', '-c', 'serve'],
      Image: 'registry.local/app:latest',
      Labels: { 'org.image.release': 'one', 'app.role': 'web' },
      ExposedPorts: { '80/tcp': {}, '9090/tcp': {} },
      Volumes: { '/image-vol': {}, '/anon': {} },
      WorkingDir: '/srv',
      StopSignal: 'SIGINT',
      StopTimeout: 7,
      Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000 },
      ...overrides.Config,
    },
    HostConfig: {
      Binds: ['data:/named', '/host/dir:/bound:ro'],
      NetworkMode: 'front',
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      Links: ['/db:/web/database'],
      Memory: 67108864,
      ...overrides.HostConfig,
    },
    Mounts: overrides.Mounts ?? [
      { Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/named', RW: true },
      { Type: 'bind', Source: '/host/dir', Destination: '/bound', RW: false },
      { Type: 'volume', Name: 'abc123anon', Source: '/x', Destination: '/anon', RW: true },
      { Type: 'volume', Name: 'def456image', Source: '/y', Destination: '/image-vol', RW: false },
    ],
    NetworkSettings: {
      Networks: overrides.Networks ?? {
        front: { Aliases: ['alpha', 'f00dfeed1234'], IPAMConfig: { IPv4Address: '172.20.0.9' }, MacAddress: '02:42:ac:14:00:09', Links: null },
        back: { Aliases: ['gamma', 'f00dfeed1234'], IPAMConfig: null, MacAddress: '02:42:ac:15:00:02', DriverOpts: null },
      },
    },
  } as unknown as Docker.ContainerInspectInfo;
}

const image = {
  Env: ['PATH=/usr/bin:/bin', 'IMAGE_VERSION=v1'],
  Cmd: ['/bin/sh', '-c', 'serve'],
  Labels: { 'org.image.release': 'one' },
  ExposedPorts: { '80/tcp': {} },
  Volumes: { '/image-vol': {} },
  WorkingDir: '/srv',
  StopSignal: 'SIGTERM',
};

describe('clone spec', () => {
  // Built in each test, never while the file is collected: a mutant must be active when it runs.
  const spec = (): ReturnType<typeof buildCloneSpec> => buildCloneSpec(inspected(), image, 'web.imagewatch-new');

  it('keeps what the user set and leaves the old image defaults to the new image', () => {
    expect(spec().create.name).toBe('web.imagewatch-new');
    expect(spec().create.Image).toBe('registry.local/app:latest');
    expect(spec().create.Env).toEqual(['FOO=bar']);
    expect(spec().create.Cmd).toBeUndefined();
    expect(spec().create.WorkingDir).toBeUndefined();
    expect(spec().create.Labels).toEqual({ 'app.role': 'web' });
    expect(spec().create.ExposedPorts).toEqual({ '9090/tcp': {} });
    expect(spec().create.Volumes).toEqual({ '/anon': {} });
    expect(spec().create.StopSignal).toBe('SIGINT');
    expect(spec().create.StopTimeout).toBe(7);
    expect(spec().create.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 1_000_000_000 });
  });

  it('drops the generated hostname and the short-ID alias, keeps user aliases and IPs', () => {
    expect(spec().create.Hostname).toBeUndefined();
    expect(spec().create.NetworkingConfig).toEqual({ EndpointsConfig: { front: { Aliases: ['alpha'], IPAMConfig: { IPv4Address: '172.20.0.9' } } } });
    expect(spec().extraNetworks).toEqual([{ name: 'back', endpoint: { Aliases: ['gamma'] } }]);
    const named = buildCloneSpec(inspected({ Config: { Hostname: 'custom' } }), image, 'n');
    expect(named.create.Hostname).toBe('custom');
  });

  it('re-attaches anonymous and image volumes by name and keeps binds', () => {
    expect(spec().create.HostConfig!.Binds).toEqual(['data:/named', '/host/dir:/bound:ro', 'abc123anon:/anon', 'def456image:/image-vol:ro']);
  });

  it('copies the host config and rewrites links into the form create accepts', () => {
    expect(spec().create.HostConfig).toMatchObject({
      NetworkMode: 'front',
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      Memory: 67108864,
      Links: ['db:database'],
    });
  });

  it('sets no endpoints for host, none or a shared network namespace', () => {
    for (const mode of ['host', 'none', 'container:abc']) {
      const s = buildCloneSpec(inspected({ HostConfig: { NetworkMode: mode } }), image, 'n');
      expect(s.create.NetworkingConfig).toBeUndefined();
      expect(s.extraNetworks).toEqual([]);
      expect(s.create.HostConfig!.NetworkMode).toBe(mode);
    }
  });

  it('on the default bridge passes no aliases', () => {
    const s = buildCloneSpec(
      inspected({ HostConfig: { NetworkMode: 'default' }, Networks: { bridge: { Aliases: null, MacAddress: '02:42:ac:11:00:02' } } }),
      image,
      'n',
    );
    expect(s.create.NetworkingConfig).toEqual({ EndpointsConfig: { bridge: {} } });
  });
});

describe('orchestrated containers', () => {
  it('knows Swarm tasks and Kubernetes pods by their labels', async () => {
    expect(orchestratorOf({ 'com.docker.swarm.task.id': 'x' })).toBe('Swarm');
    expect(orchestratorOf({ 'io.kubernetes.pod.name': 'p' })).toBe('Kubernetes');
    expect(orchestratorOf({ 'com.docker.compose.project': 'demo' })).toBeNull();
    expect(orchestratorOf(null)).toBeNull();
  });
});

describe('the whole create request', () => {
  it('holds exactly what the user set, and nothing of the old image', () => {
    const { create, extraNetworks } = buildCloneSpec(inspected(), image, 'web.imagewatch-new');
    expect(create).toEqual({
      name: 'web.imagewatch-new',
      Image: 'registry.local/app:latest',
      Env: ['FOO=bar'],
      Labels: { 'app.role': 'web' },
      ExposedPorts: { '9090/tcp': {} },
      Volumes: { '/anon': {} },
      StopSignal: 'SIGINT',
      StopTimeout: 7,
      Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000 },
      HostConfig: {
        Binds: ['data:/named', '/host/dir:/bound:ro', 'abc123anon:/anon', 'def456image:/image-vol:ro'],
        NetworkMode: 'front',
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
        RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
        Links: ['db:database'],
        Memory: 67108864,
      },
      NetworkingConfig: { EndpointsConfig: { front: { Aliases: ['alpha'], IPAMConfig: { IPv4Address: '172.20.0.9' } } } },
    });
    expect(extraNetworks).toEqual([{ name: 'back', endpoint: { Aliases: ['gamma'] } }]);
  });

  it('keeps what differs from the image, drops what the image already says, and never copies imagewatch marks', () => {
    const { create } = buildCloneSpec(
      inspected({
        Config: {
          User: 'app',
          Cmd: null,
          Entrypoint: ['/entry'],
          WorkingDir: '/work',
          Shell: ['/bin/bash', '-c'],
          Domainname: 'lan',
          MacAddress: '02:42:ac:14:00:09',
          NetworkDisabled: true,
          Tty: true,
          OpenStdin: true,
          Labels: { 'org.image.release': 'two', 'io.imagewatch.replaces': 'old', 'io.imagewatch.owner': 'h/1/2' },
          ExposedPorts: { '80/tcp': {} },
          Volumes: null,
        },
      }),
      { ...image, User: 'root', Shell: ['/bin/sh', '-c'], Entrypoint: null as never, ExposedPorts: undefined },
      'n',
    );
    expect(create).toMatchObject({
      User: 'app',
      Entrypoint: ['/entry'],
      WorkingDir: '/work',
      Shell: ['/bin/bash', '-c'],
      Domainname: 'lan',
      MacAddress: '02:42:ac:14:00:09',
      NetworkDisabled: true,
      Tty: true,
      OpenStdin: true,
    });
    // A label whose value the user changed is theirs; imagewatch's marks describe one replacement only.
    expect(create.Labels).toEqual({ 'org.image.release': 'two' });
    // The image exposes nothing, so the container's port is the user's.
    expect(create.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(create).not.toHaveProperty('Cmd');
    expect(create).not.toHaveProperty('Volumes');
    // The MAC the user set stays on the endpoint that carries it.
    expect(create.NetworkingConfig?.EndpointsConfig?.front).toEqual({
      Aliases: ['alpha'],
      IPAMConfig: { IPv4Address: '172.20.0.9' },
      MacAddress: '02:42:ac:14:00:09',
    });
  });

  it('leaves out labels that all come from the image, empty endpoint settings, and volumes already mounted', () => {
    const { create, extraNetworks } = buildCloneSpec(
      inspected({
        Config: { Labels: { 'org.image.release': 'one' } },
        HostConfig: { Binds: null, Mounts: [{ Type: 'volume', Source: 'cache', Target: '/anon' }] },
        Mounts: [
          { Type: 'volume', Name: 'abc123anon', Destination: '/anon', RW: true },
          { Type: 'volume', Destination: '/nameless', RW: true },
          { Type: 'tmpfs', Destination: '/tmp' },
        ],
        Networks: {
          front: { Aliases: [], IPAMConfig: { IPv4Address: '', LinkLocalIPs: [] }, DriverOpts: { 'com.example.opt': '1' }, Links: ['/db:/web/db'] },
          back: { Aliases: null, IPAMConfig: { IPv4Address: null }, DriverOpts: {} },
        },
      }),
      image,
      'n',
    );
    expect(create).not.toHaveProperty('Labels');
    // The anonymous volume is mounted through HostConfig.Mounts already; a nameless one cannot be named.
    expect(create.HostConfig?.Binds).toBeNull();
    expect(create.NetworkingConfig).toEqual({ EndpointsConfig: { front: { DriverOpts: { 'com.example.opt': '1' }, Links: ['db:db'] } } });
    expect(extraNetworks).toEqual([{ name: 'back', endpoint: {} }]);
  });
});

describe('what inspect may leave out or leave empty', () => {
  it('copies no endpoint setting that holds only empty values, and one that holds any', () => {
    const empties = [{ IPv4Address: '' }, { IPv4Address: null }, { IPv4Address: undefined }, { LinkLocalIPs: [] }, {}];
    for (const IPAMConfig of empties) {
      const { create } = buildCloneSpec(inspected({ Networks: { front: { IPAMConfig } } }), image, 'n');
      expect(create.NetworkingConfig?.EndpointsConfig?.front, JSON.stringify(IPAMConfig)).toEqual({});
    }
    const { create } = buildCloneSpec(inspected({ Networks: { front: { IPAMConfig: { IPv4Address: '', LinkLocalIPs: ['169.254.0.9'] } } } }), image, 'n');
    expect(create.NetworkingConfig?.EndpointsConfig?.front).toEqual({ IPAMConfig: { IPv4Address: '', LinkLocalIPs: ['169.254.0.9'] } });
  });

  it('keeps a MAC the user set only on the endpoint that has it', () => {
    const { create, extraNetworks } = buildCloneSpec(
      inspected({
        Config: { MacAddress: '02:42:ac:14:00:99' },
        Networks: { front: { MacAddress: '02:42:ac:14:00:99' }, back: { MacAddress: '02:42:ac:15:00:02' } },
      }),
      image,
      'n',
    );
    expect(create.NetworkingConfig?.EndpointsConfig?.front).toEqual({ MacAddress: '02:42:ac:14:00:99' });
    expect(extraNetworks).toEqual([{ name: 'back', endpoint: {} }]);
    expect(Object.keys(extraNetworks[0]!.endpoint)).toEqual([]);
  });

  it('reads a container without env, mounts or network mode: on the default bridge, another network joined after', () => {
    const bare = inspected({ Networks: { bridge: {}, back: {} } });
    delete (bare.Config as { Env?: unknown }).Env;
    delete (bare as { Mounts?: unknown }).Mounts;
    delete (bare.HostConfig as { NetworkMode?: unknown }).NetworkMode;
    const { create, extraNetworks } = buildCloneSpec(bare, { ...image, Env: undefined } as never, 'n');
    expect(create).not.toHaveProperty('Env');
    expect(create.HostConfig?.NetworkMode).toBeUndefined();
    expect(create.NetworkingConfig?.EndpointsConfig).toEqual({ bridge: {} });
    expect(extraNetworks).toEqual([{ name: 'back', endpoint: {} }]);
  });
});

describe('what the image already says', () => {
  it('is left to the new image field by field, and what differs is kept', () => {
    const same = { User: 'app', Entrypoint: ['/init'], StopSignal: 'SIGQUIT', Healthcheck: { Test: ['CMD', 'ok'] }, Shell: ['/bin/bash', '-c'] };
    const { create } = buildCloneSpec(inspected({ Config: { ...same, Cmd: ['serve', '--fast'], MacAddress: '' } }), { ...image, ...same } as never, 'n');
    for (const key of ['User', 'Entrypoint', 'StopSignal', 'Healthcheck', 'Shell', 'MacAddress']) expect(Object.keys(create), key).not.toContain(key);
    expect(create.Cmd).toEqual(['serve', '--fast']);
    const own = buildCloneSpec(inspected({ Config: { User: 'root', StopSignal: 'SIGTERM' } }), { ...image, ...same } as never, 'n').create;
    expect([own.User, own.StopSignal]).toEqual(['root', 'SIGTERM']);
    const blank = buildCloneSpec(inspected({ Config: { User: '', StopSignal: '' } }), image, 'n').create;
    expect(Object.keys(blank)).not.toContain('User');
    expect(Object.keys(blank)).not.toContain('StopSignal');
  });

  it('sends no alias list when only the engine-made one was there, no links when none were, and skips a volume without a name', () => {
    const c = inspected({
      HostConfig: { Links: null, Binds: [] },
      Mounts: [{ Type: 'volume', Name: '', Source: '/x', Destination: '/nameless', RW: true }],
      // The engine's own aliases: the short ID, and on some versions the whole ID.
      Networks: { front: { Aliases: ['f00dfeed1234', ID] } },
    });
    const { create } = buildCloneSpec(c, image, 'n');
    expect(Object.keys(create.NetworkingConfig!.EndpointsConfig!.front!)).toEqual([]);
    expect(create.HostConfig!.Links).toBeNull();
    expect(create.HostConfig!.Binds ?? []).toEqual([]);
  });
});
