// Containers an orchestrator owns are never touched: a Swarm task replaced behind Swarm's back
// makes Swarm start another one on the old image. A one-node swarm on the bed's engine, a
// service on a watched tag, and a refresh that must leave its task alone and say why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { RefreshResult } from '../../shared/dto.js';
import { docker, inspect, publish, requireBed, runCli, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('containers an orchestrator owns', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/swarm/app-${id}:latest`;
  const service = `svc-${id}`;

  beforeAll(async () => {
    await publish(b, image, { version: 'v1' });
    await docker(b, ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
    // --no-resolve-image keeps the tag in the task's config, as Swarm does when it cannot reach
    // the registry: the case where a refresh would otherwise select the task. (A resolved task
    // is pinned to a digest, which imagewatch never follows anyway.)
    // The service itself is opted out: imagewatch now updates services through Swarm
    // (swarm.test.ts), and this test is about the task's container, which it never touches.
    await docker(b, ['service', 'create', '--detach', '--no-resolve-image', '--label', 'imagewatch.enable=false', '--name', service, image]);
  });

  afterAll(async () => {
    await docker(b, ['service', 'rm', service]).catch(() => '');
    await docker(b, ['swarm', 'leave', '--force']).catch(() => '');
  });

  it('reports a Swarm task and leaves it running, untouched', async () => {
    const task = await until(
      'the service task to run',
      async () => (await docker(b, ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`])) || undefined,
      60_000,
    );
    const before = await inspect(b, task);
    await publish(b, image, { version: 'v2' });
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost });
    const run = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state.json')]);
    expect(run.code, run.stderr).toBe(0);
    const outcome = (JSON.parse(run.stdout) as RefreshResult).details.app!.containers.find((c) => c.id === before.Id);
    expect(outcome).toMatchObject({ action: 'skipped' });
    expect(outcome!.reason).toMatch(/left alone: Swarm owns it .*docker service update --image/);
    const after = await inspect(b, task);
    expect(after.Id).toBe(before.Id);
    expect(after.Image).toBe(before.Image);
    expect(after.State.Running).toBe(true);
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=imagewatch`])).toBe('');
  });
});
