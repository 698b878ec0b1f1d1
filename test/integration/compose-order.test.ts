// Compose projects: a service's dependencies are replaced before it, and dependents that
// declared `restart: true` on a replaced dependency are restarted after it, as compose v2 would.
// The containers carry the labels compose v2 writes (Debian's compose v1 writes no depends_on).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RefreshResult } from '../../shared/dto.js';
import { docker, inspect, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('compose dependencies', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const project = `proj${id}`;

  afterAll(async () => {
    await removeContainers(b, `label=com.docker.compose.project=${project}`);
  });

  it('replaces the dependency first and restarts the dependent that asked for it', async () => {
    const image = `${b.registries.open}/compose/app-${id}:latest`;
    const other = `${b.registries.open}/compose/worker-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    await publish(b, other, { version: 'w1' });
    const labels = (service: string, dependsOn?: string): string[] => [
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      `com.docker.compose.service=${service}`,
      ...(dependsOn ? ['--label', `com.docker.compose.depends_on=${dependsOn}`] : []),
    ];
    // Created dependency first, so the engine lists the dependent first (newest first).
    await docker(b, ['run', '-d', '--name', `${project}-db-1`, '-v', `${project}-data:/data`, ...labels('db'), image]);
    await docker(b, ['exec', `${project}-db-1`, 'sh', '-c', 'echo kept > /data/f']);
    await docker(b, ['run', '-d', '--name', `${project}-web-1`, ...labels('web', 'db:service_started:false'), image]);
    await docker(b, ['run', '-d', '--name', `${project}-worker-1`, ...labels('worker', 'db:service_started:true'), other]);
    const workerBefore = await inspect(b, `${project}-worker-1`);
    await publish(b, image, { version: 'v2' });

    const config = writeConfig(dir, { runtimes: [{ name: 'app', image, match: { namePrefix: project } }], dockerHost: b.dockerHost, startGraceSeconds: 0.5 });
    const run = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state.json')]);
    expect(run.code, run.stderr).toBe(0);
    const detail = (JSON.parse(run.stdout) as RefreshResult).details.app!;
    expect(detail.containers.map((c) => [c.name, c.action])).toEqual([
      [`${project}-db-1`, 'replaced'],
      [`${project}-web-1`, 'replaced'],
    ]);
    expect(detail.restarted).toEqual([`${project}-worker-1`]);
    const workerAfter = await inspect(b, `${project}-worker-1`);
    expect(workerAfter.Id).toBe(workerBefore.Id);
    expect(workerAfter.State.Running).toBe(true);
    expect(workerAfter.State.StartedAt).not.toBe(workerBefore.State.StartedAt);
    expect(await docker(b, ['exec', `${project}-db-1`, 'cat', '/data/f'])).toBe('kept');
  });
});
