// A real compose project (Debian 12's docker-compose 1.29) on bed registry tags: imagewatch
// replaces the database service's container, compose still owns it, the data stays, and the
// next `up -d` finds one container per service. Compose v1 hashes the image ID into its
// config hash (compose/service.py config_dict), so v1's next `up -d` recreates a service once
// more onto the same image whatever another tool does; compose v2 compares the
// com.docker.compose.image label instead, which test/integration/compose-order.test.ts asserts.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshResult } from '../../shared/dto.js';
import { docker, inspect, publish, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('a docker compose project', () => {
  const b = bed!;
  const id = uid();
  const project = `iw${id.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const dir = tempDir();
  const dbImage = `${b.registries.open}/compose/db-${id}:latest`;
  const webImage = `${b.registries.open}/compose/web-${id}:latest`;

  const compose = (args: string[]): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      execFile(
        'docker-compose',
        ['-p', project, '-f', path.join(dir, 'docker-compose.yml'), ...args],
        { env: { ...process.env, DOCKER_HOST: b.dockerHost } },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
  const containerOf = async (service: string): Promise<string[]> =>
    (await docker(b, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`]))
      .split('\n')
      .filter(Boolean);

  beforeAll(async () => {
    await publish(b, dbImage, { version: 'db-v1' });
    await publish(b, webImage, { version: 'web-v1' });
    writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      [
        "version: '2.4'",
        'services:',
        '  db:',
        `    image: ${dbImage}`,
        '    volumes: [data:/data]',
        '  web:',
        `    image: ${webImage}`,
        '    depends_on: [db]',
        'volumes:',
        '  data: {}',
        '',
      ].join('\n'),
    );
    const up = await compose(['up', '-d']);
    expect(up.code, up.out).toBe(0);
  });

  afterAll(async () => {
    await compose(['down', '-v']);
  });

  it('replaces a service container that compose keeps as its own, with its data', async () => {
    const [dbBefore] = await containerOf('db');
    expect(dbBefore).toBeDefined();
    const before = await inspect(b, dbBefore!);
    await docker(b, ['exec', dbBefore!, 'sh', '-c', 'echo kept > /data/file']);

    const { id: newImageId } = await publish(b, dbImage, { version: 'db-v2' });
    const config = writeConfig(dir, { runtimes: [{ name: 'db', image: dbImage }], dockerHost: b.dockerHost, startGraceSeconds: 0.5 });
    const refresh = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state.json')]);
    expect(refresh.code, refresh.stderr).toBe(0);
    const name = before.Name.slice(1);
    expect((JSON.parse(refresh.stdout) as RefreshResult).recreated).toEqual([name]);

    const [dbAfter, ...extra] = await containerOf('db');
    expect(extra).toEqual([]);
    const after = await inspect(b, dbAfter!);
    expect(after.Name).toBe(before.Name);
    expect(after.Image).toBe(newImageId.startsWith('sha256:') ? newImageId : `sha256:${newImageId}`);
    // Compose finds its containers by these labels: all kept as compose wrote them.
    for (const label of [
      'com.docker.compose.project',
      'com.docker.compose.service',
      'com.docker.compose.container-number',
      'com.docker.compose.oneoff',
      'com.docker.compose.config-hash',
    ]) {
      expect(after.Config.Labels[label], label).toBe(before.Config.Labels[label]);
    }
    expect((await docker(b, ['exec', dbAfter!, 'cat', '/data/file', '/version'])).split('\n')).toEqual(['kept', 'db-v2']);

    // The next `up -d`: compose adopts the replaced container (no name conflict, no second one),
    // leaves the web service running, and keeps the data. (v1 recreates db onto the same image.)
    const webBefore = (await containerOf('web'))[0];
    const up = await compose(['up', '-d']);
    expect(up.code, up.out).toBe(0);
    // v1's own hashing of the image ID (see the top of this file): db once more, onto the same image.
    expect(up.out).toMatch(new RegExp(`Recreating ${project}_db_1`));
    expect(up.out).not.toMatch(/Conflict|already in use|orphan/i);
    expect(up.out).toMatch(new RegExp(`${project}_web_1 is up-to-date`));
    expect(await containerOf('web')).toEqual([webBefore]);
    const [dbFinal, ...more] = await containerOf('db');
    expect(more).toEqual([]);
    expect((await docker(b, ['exec', dbFinal!, 'cat', '/data/file', '/version'])).split('\n')).toEqual(['kept', 'db-v2']);
  });
});
