// The order in which the engine is found, from a fake home with real sockets in it.
import { mkdirSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endpointPresent, wellKnownEndpoints } from '../../electron/core/engines/endpoint/probes.js';
import { findEngine } from '../../electron/core/engines/endpoint/find-endpoint.js';

const servers: net.Server[] = [];
async function socketAt(file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
}

afterAll(() => servers.forEach((s) => s.close()));

describe('finding the engine', () => {
  it("lists the desktop engines' sockets in order", () => {
    const list = wellKnownEndpoints({ XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/u', 'linux');
    expect(list).toEqual([
      'unix:///var/run/docker.sock',
      'unix:///home/u/.docker/run/docker.sock',
      'unix:///home/u/.orbstack/run/docker.sock',
      'unix:///home/u/.rd/docker.sock',
      'unix:///run/user/1000/docker.sock',
      'unix:///run/user/1000/podman/podman.sock',
      'unix:///run/podman/podman.sock',
    ]);
    expect(wellKnownEndpoints({}, 'C:\\Users\\u', 'win32')[0]).toBe('npipe:////./pipe/docker_engine');
  });

  it('setting, then DOCKER_HOST, then the context, each winning over what follows', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'iw-find-'));
    expect(findEngine({ setting: 'tcp://a:2375', env: { DOCKER_HOST: 'tcp://b:2375' }, home })).toMatchObject({ host: 'tcp://a:2375', source: 'setting' });
    expect(findEngine({ env: { DOCKER_HOST: 'tcp://b:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c' }, home })).toMatchObject({
      host: 'tcp://b:2376',
      source: 'DOCKER_HOST',
      tlsVerify: true,
      tlsDir: '/c',
    });
    expect(() => findEngine({ env: { DOCKER_CONTEXT: 'nope' }, home })).toThrow(/docker context "nope" is in use/);
    // "default" is the docker CLI's name for no context.
    expect(findEngine({ env: { DOCKER_CONTEXT: 'default' }, home, present: () => false })).toMatchObject({ source: 'default' });
  });

  it('probes a fake home: Docker Desktop before Colima before OrbStack before rootless', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'iw-find-'));
    const runtime = path.join(home, 'run');
    const inHome = (url: string): boolean => url.includes(home) && endpointPresent(url);
    const find = () => findEngine({ env: { XDG_RUNTIME_DIR: runtime }, home, platform: 'linux', present: inHome });

    expect(find()).toMatchObject({ source: 'default', host: 'unix:///var/run/docker.sock' });
    await socketAt(path.join(runtime, 'docker.sock'));
    expect(find()).toMatchObject({ source: 'probe', host: `unix://${path.join(runtime, 'docker.sock')}` });
    await socketAt(path.join(home, '.orbstack', 'run', 'docker.sock'));
    expect(find().host).toBe(`unix://${path.join(home, '.orbstack', 'run', 'docker.sock')}`);
    await socketAt(path.join(home, '.colima', 'work', 'docker.sock'));
    await socketAt(path.join(home, '.colima', 'default', 'docker.sock'));
    expect(find().host).toBe(`unix://${path.join(home, '.colima', 'default', 'docker.sock')}`);
    await socketAt(path.join(home, '.docker', 'run', 'docker.sock'));
    const found = find();
    expect(found.host).toBe(`unix://${path.join(home, '.docker', 'run', 'docker.sock')}`);
    // What was looked at is kept, for a window that must say so when nothing answers.
    expect(found.tried).toContain(`unix://${path.join(home, '.colima', 'work', 'docker.sock')}`);
  });
});
