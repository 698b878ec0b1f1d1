// Putting another endpoint in place of an engine ("Use this" in the window) replaces that
// engine only: the registry side (its token cache and connection pools), the saved state and
// the watch loop stay. Before engines were first-class, a switch rebuilt the whole core and the
// next check fetched its registry token again.
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppController } from '../../electron/core/app/controller.js';
import { MemorySettingsStore } from '../../electron/core/app/settings-store.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { docker, publish, requireBed, tempDir, uid } from './helpers.js';

const bed = requireBed();

async function tokenRequests(url: string): Promise<number> {
  return ((await (await fetch(`${url}/stats`)).json()) as { tokenRequests: number }).tokenRequests;
}

describe.skipIf(bed === null)('replacing an engine', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const desktopSocket = `unix://${path.join(home, '.docker', 'run', 'docker.sock')}`;
  const image = `${b.registries.token}/private/replace-${id}:latest`;
  let controller: AppController;

  beforeAll(async () => {
    const loginEnv = { DOCKER_CONFIG: tempDir('iw-dockercfg-') };
    await docker(b, ['login', b.registries.token, '-u', b.user.username, '-p', b.user.password], { env: loginEnv });
    await publish(b, image, { version: 'v1' }, loginEnv);
    await fetch(`${b.tokenServer}/settings?expires_in=300`);
    mkdirSync(path.join(home, '.docker', 'run'), { recursive: true });
    symlinkSync(b.dockerHost.slice('unix://'.length), path.join(home, '.docker', 'run', 'docker.sock'));
    controller = await AppController.create({
      settingsStore: new MemorySettingsStore({
        runtimes: [{ name: 'app', image }],
        dockerHost: `unix://${path.join(dir, 'gone.sock')}`,
        credentials: { [b.registries.token]: { username: b.user.username, password: b.user.password } },
      }),
      stateStore: new MemoryStateStore(),
      env: { HOME: home, DOCKER_HOST: '', XDG_RUNTIME_DIR: '', DOCKER_CONFIG: path.join(home, '.docker') },
    });
  });

  afterAll(() => controller?.stop());

  it('keeps the registry token, the saved state and the engine name across the switch', async () => {
    const health = await controller.checkEngine();
    expect(health.reachable).toBe(false);
    const before = await tokenRequests(b.tokenServer);
    const first = await controller.checkNow();
    expect(first.runtimes[0]!.state.lastError).toBeNull();
    // The engine did not answer: whether it runs the latest is unknown.
    expect(first.runtimes[0]!.state.updateAvailable).toBeNull();
    expect(await tokenRequests(b.tokenServer)).toBe(before + 1);
    const checkedAt = first.runtimes[0]!.state.lastCheckAt;

    const switched = await controller.useEngine(desktopSocket);
    expect(switched.engine).toMatchObject({ name: 'local', host: desktopSocket, source: 'setting' });
    expect(switched.engineHealth).toEqual({ reachable: true });
    expect(switched.runtimes[0]!.state.lastCheckAt).toBe(checkedAt);

    const second = await controller.checkNow();
    expect(second.runtimes[0]!.state.lastError).toBeNull();
    // The engine now answers (it has no such image, so there is nothing to update): known at last.
    expect(second.runtimes[0]!.state.updateAvailable).toBe(false);
    // The token from before the switch served this check too.
    expect(await tokenRequests(b.tokenServer)).toBe(before + 1);
  });
});
