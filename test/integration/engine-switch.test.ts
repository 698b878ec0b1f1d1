// When the engine in use does not answer, the window learns what was tried and which other
// engine sockets exist here (and answer), and can switch to one of those, and only those.
// `serve` with a dockerHost on a dead socket, and a fake home where Docker Desktop's socket
// (~/.docker/run/docker.sock) leads to the bed's engine.
import http from 'node:http';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../shared/api.js';
import { publish, requireBed, startServe, tempDir, uid, until, writeConfig, type ServeProcess } from './helpers.js';

const bed = requireBed();
const TOKEN = 'switch-token-0123456789abcdef';

function call(port: number, method: string, args: unknown[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/${method}`,
        headers: { host: `127.0.0.1:${port}`, cookie: `iw_session=${TOKEN}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ args }));
  });
}

describe.skipIf(bed === null)('switching to an engine that answers', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const desktopSocket = `unix://${path.join(home, '.docker', 'run', 'docker.sock')}`;
  const dead = `unix://${path.join(dir, 'gone.sock')}`;
  let config = '';
  let server: ServeProcess;
  const result = (body: string): AppState => (JSON.parse(body) as { result: AppState }).result;
  const state = async (): Promise<AppState> => result((await call(server.port, 'getState', [])).body);

  beforeAll(async () => {
    const image = `${b.registries.open}/switch/app-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    mkdirSync(path.join(home, '.docker', 'run'), { recursive: true });
    symlinkSync(b.dockerHost.slice('unix://'.length), path.join(home, '.docker', 'run', 'docker.sock'));
    config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: dead });
    server = await startServe(config, path.join(dir, 'state.json'), { IMAGEWATCH_TOKEN: TOKEN, HOME: home, DOCKER_HOST: '', XDG_RUNTIME_DIR: '' });
  });

  afterAll(() => server?.child.kill('SIGKILL'));

  it('offers the socket it found, refuses any other host, and switches to the offered one', async () => {
    const down = await until('the engine check', async () => {
      const s = await state();
      return s.engineHealth ? s : undefined;
    });
    expect(down.engine).toMatchObject({ host: dead, source: 'setting' });
    expect(down.engineHealth).toMatchObject({ reachable: false, error: expect.stringMatching(/cannot reach the Docker engine \(ENOENT\)/) });
    const found = down.engineHealth!.reachable ? [] : down.engineHealth!.found;
    expect(found).toContainEqual({ host: desktopSocket, answers: true });

    // Only an offered socket: the window must not be able to point imagewatch anywhere else.
    const refused = await call(server.port, 'useEngine', ['tcp://127.0.0.1:2375']);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error).toMatch(/tcp:\/\/127\.0\.0\.1:2375 is not an engine socket found answering here/);

    const switched = await call(server.port, 'useEngine', [desktopSocket]);
    expect(switched.status, switched.body).toBe(200);
    const now = result(switched.body);
    expect(now.engine).toMatchObject({ host: desktopSocket, source: 'setting' });
    expect(now.engineHealth).toEqual({ reachable: true });
    // Kept: the next start uses it too.
    expect(JSON.parse(readFileSync(config, 'utf8')).dockerHost).toBe(desktopSocket);
    // And the engine is used: a check now knows the local image (no update), which needs the engine.
    const checked = result((await call(server.port, 'checkNow', [])).body);
    expect(checked.runtimes[0]!.state.updateAvailable).toBe(false);
  });
});
