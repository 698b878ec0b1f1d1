// Text from containers is the container's, not ours: a crashing image's last lines may hold
// terminal escapes and its own secrets. Neither may reach the terminal, the state file or
// the API. And a first check made while the engine was down must not settle "no update".
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../shared/dto.js';
import { docker, publish, removeContainers, requireBed, runCli, startServe, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();
const SECRET = 'hunter2-very-secret';

describe.skipIf(bed === null)('untrusted text and an unreachable engine', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();

  afterAll(async () => {
    await removeContainers(b, `name=${id}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a container printing escapes and its own secret env value: neither reaches the terminal, the state or the API', async () => {
    const image = `${b.registries.open}/text/app-${id}:latest`;
    const name = `text-${id}`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', name, '-e', `DB_PASSWORD=${SECRET}`, image]);
    const crash = 'printf \'\\033]0;pwned-title\\007\\033[31mred alert\\033[0m\\n\'; echo "DB_PASSWORD=$DB_PASSWORD"; exit 3';
    await publish(b, image, { version: 'v2', script: crash });
    const statePath = path.join(dir, 'state.json');
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image, match: { namePrefix: name } }], dockerHost: b.dockerHost, startGraceSeconds: 2 });

    const run = await runCli(['refresh', '--config', config, '--state', statePath]);
    expect(run.code).toBe(1);
    const printed = run.stdout + run.stderr;
    // The reason is still there, readable: the exit code and the output, masked.
    expect(printed).toContain('exited (code 3)');
    expect(printed).toContain('red alert');
    expect(printed).toContain('DB_PASSWORD=***');
    for (const text of [printed, readFileSync(statePath, 'utf8')]) {
      expect(text).not.toContain(SECRET);
      // eslint-disable-next-line no-control-regex -- the point is that no control character is there
      expect(text).not.toMatch(/\u001b|\u0007|\\u001b|\\u0007/);
    }

    const server = await startServe(config, statePath, { IMAGEWATCH_TOKEN: 'text-token-0123456789abcdef' });
    try {
      for (const [method, args] of [
        ['getHistory', ['app']],
        ['getState', []],
      ] as const) {
        const res = await fetch(new URL(`/api/${method}`, server.url), {
          method: 'POST',
          headers: { cookie: 'iw_session=text-token-0123456789abcdef', 'content-type': 'application/json' },
          body: JSON.stringify({ args }),
        });
        const body = await res.text();
        expect(res.status, body).toBe(200);
        expect(body).not.toContain(SECRET);
        expect(body).not.toMatch(/\\u001b|\\u0007/);
      }
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
  });

  it('the first check with the engine down leaves the update unknown, and the first with it up announces it', async () => {
    const image = `${b.registries.open}/text/down-${id}:latest`;
    const v1 = await publish(b, image, { version: 'v1' });
    await publish(b, image, { version: 'v2' });
    // The engine keeps v1 under the tag while the registry has v2.
    await docker(b, ['tag', v1.id, image]);
    const downDir = path.join(dir, 'down');
    const statePath = path.join(downDir, 'state.json');
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: `unix://${path.join(dir, 'no-engine.sock')}` });

    const down = await runCli(['check', '--config', config, '--state', statePath]);
    // The engine could not be asked: a cron job hears it (exit 1, the engine named), and the registry part is kept.
    expect(down.code, down.stderr).toBe(1);
    expect(down.stderr).toMatch(/^imagewatch: engine local cannot be reached: .*no-engine\.sock/m);
    expect((JSON.parse(down.stdout) as { runtimes: CheckReport[] }).runtimes[0]).toMatchObject({ outcome: 'seeded', updateAvailable: null });

    writeFileSync(config, JSON.stringify({ runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost }));
    const up = await runCli(['check', '--config', config, '--state', statePath]);
    expect(up.code, up.stderr).toBe(0);
    expect((JSON.parse(up.stdout) as { runtimes: CheckReport[] }).runtimes[0]).toMatchObject({ outcome: 'unchanged', updateAvailable: true });
  });
});
