// A rollback says what is, not what it meant to do: with an engine that accepts every
// command but whose old container will not stay up, the outcome must not claim "restored".
// The engine is faked here because a real one cannot be made to fail this way on demand.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { replaceContainer } from '../../electron/core/update/containers/usual-swap.js';

function oldInfo(): Docker.ContainerInspectInfo {
  return {
    Id: 'old-id',
    Name: '/app',
    Image: 'sha256:old',
    State: { Running: true, Restarting: false, Paused: false, Status: 'running' },
    Config: { Image: 'registry.test/app:latest', Env: [], Labels: {}, Cmd: null, Entrypoint: null },
    HostConfig: { NetworkMode: 'default' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
  } as unknown as Docker.ContainerInspectInfo;
}

function fakeDocker(): { docker: Docker; calls: string[] } {
  const calls: string[] = [];
  const old = {
    // After its stop, the old container will not run again: start "succeeds", it exits at once.
    running: true,
    async inspect() {
      return { ...oldInfo(), State: { Running: old.running, Restarting: false, Paused: false, Status: old.running ? 'running' : 'exited' } };
    },
    async stop() {
      calls.push('stop old');
      old.running = false;
    },
    async start() {
      calls.push('start old');
    },
    async rename({ name }: { name: string }) {
      calls.push(`rename old ${name}`);
    },
    async remove() {
      calls.push('remove old');
    },
  };
  const created = {
    id: 'new-id',
    async inspect() {
      return { ...oldInfo(), Id: 'new-id', Image: 'sha256:new' };
    },
    async rename() {
      calls.push('rename new');
    },
    // The new container cannot start (after the old one was stopped): a rollback is due.
    async start() {
      throw Object.assign(new Error('(HTTP code 500) server error - start refused'), { statusCode: 500 });
    },
    async remove() {
      calls.push('remove new');
    },
  };
  const docker = {
    getContainer: (id: string) => {
      if (id === 'old-id') return old;
      if (id === 'new-id') return created;
      return {
        inspect: async () => {
          throw Object.assign(new Error('no such container'), { statusCode: 404 });
        },
      };
    },
    listContainers: async () => [],
    createContainer: async () => created,
    getNetwork: () => ({ connect: async () => undefined }),
  } as unknown as Docker;
  return { docker, calls };
}

describe('rollback report', () => {
  it('inspects the old container at the end and reports it not running', async () => {
    const { docker, calls } = fakeDocker();
    const outcome = await replaceContainer(docker, oldInfo(), {}, 'sha256:new', { startGraceMs: 0, healthTimeoutMs: 1000 });
    expect(calls).toContain('start old');
    expect(outcome).toMatchObject({ action: 'failed', restored: false });
    expect(outcome.reason).toMatch(/rollback incomplete: the old container is not running \(exited\)/);
  });
});
