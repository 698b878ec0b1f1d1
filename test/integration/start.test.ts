// `npm start` where Electron cannot run (this machine: no Electron binary, Node 20, no
// display): one line saying why and what to do, then the same window served to a browser.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireBed, tempDir, until, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('npm start without a desktop', () => {
  const b = bed!;
  const dir = tempDir();
  let stop: (() => void) | null = null;

  afterAll(() => stop?.());

  it('says why in one line and serves the window instead', async () => {
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image: `${b.registries.open}/start/app:latest` }], dockerHost: b.dockerHost });
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'scripts', 'start.mjs'), '--config', config, '--state', path.join(dir, 'state.json'), '--port', '0'],
      {
        env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    stop = () => child.kill('SIGTERM');

    const url = await until('the served window', () => /serving the window at (\S+)/.exec(out)?.[1], 30_000);
    const first = err.split('\n')[0]!;
    expect(first).toMatch(/^imagewatch: cannot start the desktop app: .+\. Opening the same window in the browser instead \(npm run serve\)\.$/);
    // On this machine the binary was never downloaded; the reason says what to do about it.
    expect(first).toMatch(/Electron is not installed.*(install a newer Node|run npm ci)/);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);

    child.kill('SIGTERM');
    await until('serve to stop', () => exited !== undefined, 15_000);
    expect(exited).toBe(0);
    stop = null;
  });
});
