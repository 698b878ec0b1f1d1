// Which containers a refresh may touch, against a stand-in engine that lists and inspects:
// those whose configured image follows the watched tag (normalised, never by substring),
// narrowed by name prefix and label; never a replacement's temporary, never one removed
// meanwhile; and an engine that cannot list or inspect is said, not taken for "none".
import { describe, expect, it } from 'vitest';
import type { ContainerInspect, ContainerSummary, EngineClient } from '../../electron/core/engines/client.js';
import { parseReference, type ImageReference } from '../../electron/core/image/reference.js';
import { ContainerListError } from '../../electron/core/errors.js';
import { managedServices, selectServices, serviceName } from '../../electron/core/targets/services.js';
import { containerName, isTemporary, matchesLabel, namespaceDependents, orchestratorOf, selectContainers } from '../../electron/core/targets/select.js';

const ID = (c: string): string => c.repeat(64);

interface Fake {
  id: string;
  name: string;
  /** What the list shows (an image ID once the tag moved on). */
  listed: string;
  /** What the container was created from. */
  image: string;
  labels?: Record<string, string>;
  stopped?: boolean;
}

function engine(containers: Fake[], faults: { list?: Error; inspect?: Record<string, Error> } = {}): EngineClient {
  return {
    // As the engine does: stopped containers only when asked for all.
    listContainers: async (options?: { all?: boolean }) => {
      if (faults.list) throw faults.list;
      return containers
        .filter((c) => options?.all === true || !c.stopped)
        .map((c) => ({ Id: c.id, Names: [`/${c.name}`], Image: c.listed, Labels: c.labels ?? {} }) as unknown as ContainerSummary);
    },
    getContainer: (id: string) => ({
      inspect: async () => {
        const fault = faults.inspect?.[id];
        if (fault) throw fault;
        const c = containers.find((x) => x.id === id)!;
        return { Id: c.id, Name: `/${c.name}`, Config: { Image: c.image, Labels: c.labels ?? {} } } as unknown as ContainerInspect;
      },
    }),
  } as unknown as EngineClient;
}

// Parsed when a test runs, never while the file is collected (a mutant must be active then).
const watched = (): ImageReference => parseReference('nginx:latest');
const names = (s: { containers: ContainerInspect[] }): string[] => s.containers.map((c) => c.Name.slice(1));

describe('selecting the containers of a runtime', () => {
  it('takes those created from the watched tag, however written, and nothing else', async () => {
    const docker = engine([
      { id: 'a', name: 'web', listed: 'nginx', image: 'nginx' },
      { id: 'b', name: 'web2', listed: 'docker.io/library/nginx:latest', image: 'docker.io/library/nginx:latest' },
      { id: 'c', name: 'other-tag', listed: 'nginx:1.25', image: 'nginx:1.25' },
      { id: 'd', name: 'lookalike', listed: 'mynginx:latest', image: 'mynginx:latest' },
      { id: 'e', name: 'pinned', listed: `nginx@sha256:${ID('e')}`, image: `nginx@sha256:${ID('e')}` },
      // The tag moved on: the list shows the old image's ID, the config still says nginx.
      { id: 'f', name: 'moved-on', listed: `sha256:${ID('f')}`, image: 'nginx:latest' },
      // Created from an image ID: never followed.
      { id: 'g', name: 'by-id', listed: ID('1').slice(0, 12), image: ID('1').slice(0, 12) },
    ]);
    const selection = await selectContainers(docker, watched());
    expect(names(selection)).toEqual(['web', 'web2', 'moved-on']);
    expect(selection.all).toHaveLength(7);
  });

  it('takes stopped containers too, and never asks the engine about unrelated ones', async () => {
    const broken = Object.assign(new Error('inspect failed'), { statusCode: 500 });
    const docker = engine(
      [
        { id: 'a', name: 'web', listed: 'nginx', image: 'nginx', stopped: true },
        { id: 'b', name: 'unrelated', listed: 'redis:7', image: 'redis:7' },
      ],
      { inspect: { b: broken } },
    );
    expect(names(await selectContainers(docker, watched()))).toEqual(['web']);
  });

  it('never takes a replacement in progress, and narrows by name prefix and label', async () => {
    const docker = engine([
      { id: 'a', name: 'ws-one', listed: 'nginx', image: 'nginx', labels: { app: 'web', tier: 'front' } },
      { id: 'b', name: 'ws-one.imagewatch-new', listed: 'nginx', image: 'nginx' },
      { id: 'c', name: 'ws-one.imagewatch-old', listed: 'nginx', image: 'nginx' },
      { id: 'd', name: 'db-ws', listed: 'nginx', image: 'nginx', labels: { app: 'db' } },
      { id: 'e', name: 'ws-two', listed: 'nginx', image: 'nginx', labels: { app: 'db' } },
    ]);
    expect(names(await selectContainers(docker, watched()))).toEqual(['ws-one', 'db-ws', 'ws-two']);
    expect(names(await selectContainers(docker, watched(), { namePrefix: 'ws-' }))).toEqual(['ws-one', 'ws-two']);
    expect(names(await selectContainers(docker, watched(), { label: 'app=db' }))).toEqual(['db-ws', 'ws-two']);
    expect(names(await selectContainers(docker, watched(), { label: 'tier' }))).toEqual(['ws-one']);
    expect(names(await selectContainers(docker, watched(), { namePrefix: 'ws-', label: 'app=db' }))).toEqual(['ws-two']);
  });

  it('skips a container removed meanwhile, and says when the engine cannot list or inspect', async () => {
    const gone = Object.assign(new Error('no such container'), { statusCode: 404 });
    const docker = engine(
      [
        { id: 'a', name: 'web', listed: 'nginx', image: 'nginx' },
        { id: 'b', name: 'web2', listed: 'nginx', image: 'nginx' },
      ],
      { inspect: { a: gone } },
    );
    expect(names(await selectContainers(docker, watched()))).toEqual(['web2']);
    const broken = engine([{ id: 'a', name: 'web', listed: 'nginx', image: 'nginx' }], {
      inspect: { a: Object.assign(new Error('boom'), { statusCode: 500 }) },
    });
    await expect(selectContainers(broken, watched())).rejects.toThrow(new ContainerListError('cannot inspect container web: boom'));
    await expect(selectContainers(engine([], { list: new Error('connect ENOENT') }), watched())).rejects.toThrow(/^cannot list containers: connect ENOENT/);
  });
});

describe('what selection reads off a container', () => {
  it('labels: a key alone, or key=value exactly', () => {
    expect(matchesLabel({ app: 'web' }, 'app')).toBe(true);
    expect(matchesLabel({ app: 'web' }, 'app=web')).toBe(true);
    expect(matchesLabel({ app: 'web' }, 'app=we')).toBe(false);
    expect(matchesLabel({ app: 'web' }, 'app=')).toBe(false);
    expect(matchesLabel({ app: '' }, 'app=')).toBe(true);
    expect(matchesLabel({ app: 'a=b' }, 'app=a=b')).toBe(true);
    expect(matchesLabel({ other: 'web' }, 'app')).toBe(false);
    expect(matchesLabel(undefined, 'app')).toBe(false);
    expect(matchesLabel({ '': 'x' }, '=x')).toBe(true);
  });

  it('temporaries, orchestrators, names and shared network namespaces', () => {
    expect(isTemporary('web.imagewatch-new')).toBe(true);
    expect(isTemporary('web.imagewatch-old')).toBe(true);
    expect(isTemporary('web.imagewatch-new-2')).toBe(false);
    expect(isTemporary('web')).toBe(false);
    expect(orchestratorOf({ 'com.docker.swarm.task.id': 'x' })).toBe('Swarm');
    expect(orchestratorOf({ 'io.kubernetes.pod.name': 'x' })).toBe('Kubernetes');
    expect(orchestratorOf({ 'io.kube': 'x' })).toBeNull();
    expect(orchestratorOf(null)).toBeNull();
    expect(containerName(['/web', '/alias'], 'id')).toBe('web');
    expect(containerName([], 'abc123')).toBe('abc123');
    expect(containerName(undefined, 'abc123')).toBe('abc123');

    const target = { Id: ID('a'), Name: '/vpn' } as unknown as ContainerInspect;
    const all = [
      { Id: ID('a'), Names: ['/vpn'], HostConfig: { NetworkMode: `container:${ID('a')}` } },
      { Id: ID('b'), Names: ['/by-id'], HostConfig: { NetworkMode: `container:${ID('a')}` } },
      { Id: ID('c'), Names: ['/by-short-id'], HostConfig: { NetworkMode: `container:${ID('a').slice(0, 12)}` } },
      { Id: ID('d'), Names: ['/by-name'], HostConfig: { NetworkMode: 'container:vpn' } },
      { Id: ID('e'), Names: ['/own'], HostConfig: { NetworkMode: 'bridge' } },
      { Id: ID('f'), Names: ['/none'] },
    ] as unknown as ContainerSummary[];
    expect(namespaceDependents(target, all)).toEqual(['by-id', 'by-short-id', 'by-name']);
  });
});

describe('selecting the Swarm services of a runtime', () => {
  const D = `sha256:${'d'.repeat(64)}`;
  const service = (name: string, image: string | undefined, labels: Record<string, string> = {}) =>
    ({ ID: `id-${name}`, Spec: { Name: name, Labels: labels, TaskTemplate: { ContainerSpec: image ? { Image: image } : {} } } }) as never;
  const manager = (services: unknown[], swarm: Record<string, unknown> = { LocalNodeState: 'active', ControlAvailable: true }, listError?: Error) =>
    ({
      info: async () => ({ Swarm: swarm }),
      listServices: async () => {
        if (listError) throw listError;
        return services;
      },
    }) as unknown as EngineClient;

  it('takes those following the tag (with the digest Swarm resolved), shows owner-pinned ones, and narrows like containers', async () => {
    const docker = manager([
      service('web', 'nginx:latest', { tier: 'front' }),
      service('web-resolved', `docker.io/library/nginx:latest@${D}`),
      service('pinned', `nginx@${D}`),
      service('other-tag', 'nginx:1.25'),
      service('other-repo', 'mynginx:latest'),
      service('no-image', undefined),
      service('other-pinned', `redis@${D}`),
    ]);
    const picked = await selectServices(docker, watched());
    expect(picked.map((s) => [(s.service as { Spec: { Name: string } }).Spec.Name, s.pinned])).toEqual([
      ['web', false],
      ['web-resolved', false],
      ['pinned', true],
    ]);
    expect((await selectServices(docker, watched(), { namePrefix: 'web-' })).map((s) => s.service.ID)).toEqual(['id-web-resolved']);
    expect((await selectServices(docker, watched(), { label: 'tier=front' })).map((s) => s.service.ID)).toEqual(['id-web']);
  });

  it('asks only a manager, and says when its services cannot be listed', async () => {
    const listed = [service('web', 'nginx')];
    expect(await managedServices(manager(listed, { LocalNodeState: 'active', ControlAvailable: false }))).toBeNull();
    expect(await managedServices(manager(listed, { LocalNodeState: 'inactive', ControlAvailable: true }))).toBeNull();
    expect(await managedServices(manager(listed, {}))).toBeNull();
    expect(await selectServices(manager(listed, { LocalNodeState: 'pending', ControlAvailable: true }), watched())).toEqual([]);
    await expect(managedServices(manager([], undefined, new Error('node is not a manager')))).rejects.toThrow(
      new ContainerListError('cannot list services: node is not a manager'),
    );
    expect(serviceName({ ID: 'abc' } as never)).toBe('abc');
  });
});
