// One home per machine: the desktop app (the fake electron module, in this process) and a real
// CLI `check` run by a script with default paths. With the app running, the CLI hands its check
// to the app, which announces the new version once; with the app stopped, the CLI reads the
// seen digests the app kept (its electron-store file, in the same home), so nothing is
// announced twice.
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun } from '../../shared/dto.js';
import { app } from '../fakes/electron.js';
import { publish, requireBed, runCli, tempDir, uid } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('one home per machine', () => {
  const b = bed!;
  const id = uid();
  const root = tempDir('iw-home-');
  // The user's own dirs: the CLI's default config and state live here, and now the app's state.
  const env = { HOME: root, XDG_DATA_HOME: path.join(root, 'data'), XDG_CONFIG_HOME: path.join(root, 'config'), IMAGEWATCH_STATE: '' };
  const home = path.join(env.XDG_DATA_HOME, 'imagewatch');
  const image = `${b.registries.open}/home/app-${id}:latest`;
  const received: Array<{ event: string; digest?: string }> = [];
  let hook: Server;
  let hookUrl = '';

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as { event: string; digest?: string });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `json://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => hook.close(() => resolve())));

  const settings = (): Record<string, unknown> => ({
    runtimes: [{ name: 'app', image }],
    dockerHost: b.dockerHost,
    intervalSeconds: 3600,
    notify: [hookUrl],
  });
  const seen = (): string | null => {
    const file = path.join(home, 'state.json');
    if (!existsSync(file)) return null;
    const state = JSON.parse(readFileSync(file, 'utf8')) as { runtimes: Record<string, { seenDigest?: string | null }> };
    return state.runtimes.app?.seenDigest ?? null;
  };
  const check = () => runCli(['check'], env);

  it('hands a script’s check to the running app, and with the app stopped announces nothing twice', async () => {
    const v1 = await publish(b, image, { version: 'v1' });
    // The app's settings in Electron's userData; the script's config where the CLI looks by default.
    writeFileSync(path.join(app.getPath('userData'), 'settings.json'), JSON.stringify(settings()));
    mkdirSync(path.join(env.XDG_CONFIG_HOME, 'imagewatch'), { recursive: true });
    writeFileSync(path.join(env.XDG_CONFIG_HOME, 'imagewatch', 'config.json'), JSON.stringify(settings()));

    Object.assign(process.env, env);
    await import('../../electron/main/index.js');
    // The app's first check seeds the tag's digest, kept in the shared home.
    await expect.poll(seen, { timeout: 30_000 }).toBe(v1.digest);
    await expect.poll(() => existsSync(path.join(home, 'owner.json')), { timeout: 10_000 }).toBe(true);

    const v2 = await publish(b, image, { version: 'v2' });
    const handed = await check();
    expect(handed.code, handed.stderr).toBe(0);
    expect(handed.stderr).toContain('handing this check to the running imagewatch app');
    const report = JSON.parse(handed.stdout) as CheckRun;
    expect(report.runtimes.find((r) => r.name === 'app')).toMatchObject({ outcome: 'moved', remoteDigest: v2.digest });
    await expect.poll(() => received.filter((m) => m.event === 'new-version' && m.digest === v2.digest).length).toBe(1);

    // The app stops (the tray's Quit): it lets go of the home.
    app.emit('before-quit', { preventDefault: () => undefined });
    await expect.poll(() => app.quitCalls, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => existsSync(path.join(home, 'owner.json')), { timeout: 10_000 }).toBe(false);

    const alone = await check();
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr).not.toContain('handing');
    expect((JSON.parse(alone.stdout) as CheckRun).runtimes.find((r) => r.name === 'app')).toMatchObject({ outcome: 'unchanged', remoteDigest: v2.digest });
    // Give a wrongly announced message time to arrive: still the app's one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received.filter((m) => m.event === 'new-version')).toHaveLength(1);
  });
});
