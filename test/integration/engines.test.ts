// Several engines in one imagewatch, on three real engines of the bed: `local` on its unix
// socket, `nas` on tcp:// with TLS, `vps` over ssh://. One registry lookup per tag per check
// whatever the number of engines; a move refreshes every engine, each container replaced with
// its config and data; `runtimes[].engines` and `--engine` narrow it; an engine that stops
// answering fails only its own part and is caught up when it is back.
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun, RefreshResult } from '../../shared/dto.js';
import { AppController } from '../../electron/core/app/controller.js';
import { MemorySettingsStore } from '../../electron/core/app/settings-store.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { docker, publish, requireBed, runCli, startServe, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

/** A TCP forwarder to an engine's port that can refuse connections, as an engine that went down does. */
async function forwarder(target: number): Promise<{ port: number; down: () => Promise<void>; up: () => Promise<void>; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = (): Promise<void> =>
    new Promise((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect({ host: '127.0.0.1', port: target });
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const down = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  return { port, down, up: listen, close: down };
}

describe.skipIf(bed === null)('several engines', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const engineSockets = (): Record<string, string> => ({ local: b.dockerHost, nas: b.engines.nas.socket, vps: b.engines.vps.socket });
  const on = (engine: string, args: string[]): Promise<string> => docker(b, args, { env: { DOCKER_HOST: engineSockets()[engine]! } });
  const name = (engine: string, what = 'app'): string => `multi-${what}-${id}-${engine}`;
  const env = (): NodeJS.ProcessEnv => ({
    HOME: home,
    DOCKER_HOST: '',
    DOCKER_CONTEXT: '',
    SSH_AUTH_SOCK: '',
    DOCKER_CERT_PATH: b.tls.certDir,
    DOCKER_TLS_VERIFY: '1',
  });
  let proxy: FaultProxy;
  let image = '';
  let only = '';
  let config = '';
  const state = path.join(dir, 'state.json');
  // imagewatch's lookups, not the engines' pulls (which send HEADs too).
  const heads = (repo: string): number =>
    proxy.requests.filter((r) => r.method === 'HEAD' && r.path.startsWith(`/v2/${repo}/manifests/`) && r.agent.startsWith('imagewatch')).length;

  const run = async (engine: string, image: string, what = 'app'): Promise<void> => {
    await on(engine, ['pull', '-q', image]);
    await on(engine, ['run', '-d', '--name', name(engine, what), '-v', `${name(engine, what)}-data:/data`, '-e', 'KEEP=me', '--label', 'keep=label', image]);
    await on(engine, ['exec', name(engine, what), 'sh', '-c', `echo ${engine}-data > /data/keep`]);
  };
  const versionOn = async (engine: string, what = 'app'): Promise<string> => (await on(engine, ['exec', name(engine, what), 'cat', '/version'])).trim();

  beforeAll(async () => {
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(b.ssh.identity, path.join(home, '.ssh', 'id_ed25519'));
    chmodSync(path.join(home, '.ssh', 'id_ed25519'), 0o600);
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `${b.engines.vps.knownHosts}\n`);
    proxy = await startFaultProxy(b.registries.open);
    image = `${proxy.host}/multi/app-${id}:latest`;
    only = `${proxy.host}/multi/only-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    await publish(b, only, { version: 'v1' });
    for (const engine of ['local', 'nas', 'vps']) await run(engine, image);
    for (const engine of ['local', 'nas']) await run(engine, only, 'only');
    config = writeConfig(dir, {
      engines: [
        { name: 'local', host: b.dockerHost },
        { name: 'nas', host: b.engines.nas.host },
        { name: 'vps', host: b.engines.vps.host },
      ],
      runtimes: [
        { name: 'app', image },
        { name: 'only-nas', image: only, engines: ['nas'] },
      ],
    });
  });

  afterAll(async () => {
    for (const engine of ['local', 'nas', 'vps']) {
      await on(engine, ['rm', '-f', name(engine), name(engine, 'only')]).catch(() => undefined);
    }
    await proxy?.close();
  });

  it('looks a tag up once per check for all three engines, and lists the engines with their health', async () => {
    const before = heads(`multi/app-${id}`);
    const check = await runCli(['check', '--json', '--config', config, '--state', state], env());
    expect(check.code, check.stderr).toBe(0);
    const result = JSON.parse(check.stdout) as CheckRun;
    expect(heads(`multi/app-${id}`) - before).toBe(1);
    expect(result.engines?.map((e) => [e.name, e.health])).toEqual([
      ['local', { reachable: true }],
      ['nas', { reachable: true }],
      ['vps', { reachable: true }],
    ]);
    expect(result.engines?.[1]).toMatchObject({ host: b.engines.nas.host, source: 'setting' });
    const app = result.runtimes.find((r) => r.name === 'app')!;
    // Each engine answered and runs the tag's image.
    expect(app).toMatchObject({ outcome: 'seeded', updateAvailable: false });
  });

  it('refreshes a move on all three engines with one lookup, each container keeping its config and data', async () => {
    await publish(b, image, { version: 'v2' });
    const before = heads(`multi/app-${id}`);
    const check = await runCli(['check', '--json', '--auto-refresh', '--config', config, '--state', state], env());
    expect(check.code, check.stderr).toBe(0);
    expect(heads(`multi/app-${id}`) - before).toBe(1);
    const app = (JSON.parse(check.stdout) as CheckRun).runtimes.find((r) => r.name === 'app')!;
    expect(app.outcome).toBe('moved');
    expect(app.refresh?.failed).toEqual([]);
    expect(app.refresh?.details.app?.engines?.map((d) => d.engine).sort()).toEqual(['local', 'nas', 'vps']);
    for (const engine of ['local', 'nas', 'vps']) {
      expect(await versionOn(engine), engine).toBe('v2');
      expect((await on(engine, ['exec', name(engine), 'cat', '/data/keep'])).trim()).toBe(`${engine}-data`);
      expect(await on(engine, ['inspect', '--format', '{{index .Config.Labels "keep"}} {{range .Config.Env}}{{.}} {{end}}', name(engine)])).toMatch(
        /^label .*KEEP=me/,
      );
    }
  });

  it('refreshes a runtime only on the engines it names', async () => {
    await publish(b, only, { version: 'v2' });
    const check = await runCli(['check', '--json', '--auto-refresh', '--config', config, '--state', state], env());
    expect(check.code, check.stderr).toBe(0);
    expect(await versionOn('nas', 'only')).toBe('v2');
    // Not one of its engines: left as it was.
    expect(await versionOn('local', 'only')).toBe('v1');
  });

  it('refreshes on the engines --engine names, and refuses an unknown engine by name', async () => {
    await publish(b, image, { version: 'v3' });
    const refresh = await runCli(['refresh', '--engine', 'vps', '--runtime', 'app', '--config', config, '--state', state], env());
    expect(refresh.code, refresh.stderr).toBe(0);
    expect((JSON.parse(refresh.stdout) as RefreshResult).recreated).toEqual([name('vps')]);
    expect(await versionOn('vps')).toBe('v3');
    expect(await versionOn('nas')).toBe('v2');
    expect(await versionOn('local')).toBe('v2');

    const unknown = await runCli(['check', '--engine', 'attic', '--config', config, '--state', state], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown engine: attic (engines: local, nas, vps)');
  });

  it('refreshes one engine through the admin endpoint with engine=, and names the engines for an unknown one', async () => {
    await publish(b, image, { version: 'v3b' });
    const serve = await startServe(config, path.join(dir, 'serve-state.json'), { ...env(), IMAGEWATCH_TOKEN: 'engines-admin-token-0123456789' });
    try {
      const admin = (query: string): Promise<Response> =>
        fetch(`http://127.0.0.1:${serve.port}/admin/workspace-images/refresh?${query}`, {
          method: 'POST',
          headers: { authorization: 'Bearer engines-admin-token-0123456789' },
        });
      const unknown = await admin('runtime=app&engine=attic');
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual({ error: 'unknown engine: attic (engines: local, nas, vps)', known_engines: ['local', 'nas', 'vps'] });
      const nas = await admin('runtime=app&engine=nas');
      expect(nas.status).toBe(200);
      // The origin's shape, exactly.
      expect(await nas.json()).toEqual({ pulled: ['app'], failed: [], recreated: [name('nas')] });
      expect(await versionOn('nas')).toBe('v3b');
      expect(await versionOn('local')).toBe('v2');
    } finally {
      serve.child.kill('SIGTERM');
    }
  });

  it('adds an engine from the window only once it answers, checks it at once, and removes it again', async () => {
    const settingsStore = new MemorySettingsStore({ runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost });
    const controller = await AppController.create({ settingsStore, stateStore: new MemoryStateStore(), env: env() });
    try {
      await controller.checkNow();
      const refuse = (setting: { name: string; host?: string; context?: string }): Promise<unknown> =>
        controller.addEngine(setting).then(
          () => 'added',
          (e: Error) => e.message,
        );
      expect(await refuse({ name: 'attic', host: 'unix:///nonexistent/docker.sock' })).toMatch(
        /attic \(unix:\/\/\/nonexistent\/docker\.sock\) does not answer: .*; not added/,
      );
      expect(await refuse({ name: 'lan', host: 'tcp://192.0.2.10:2375' })).toMatch(
        /plain tcp:\/\/ would hand registry credentials to the network in the clear/,
      );
      expect(await refuse({ name: 'local', host: b.engines.nas.host })).toMatch(/already an engine named local/);
      expect(await refuse({ name: 'ctx', context: 'no-such-context' })).toMatch(/docker context "no-such-context"/);
      expect((await settingsStore.load()).engines).toBeUndefined();

      const added = await controller.addEngine({ name: 'nas', host: b.engines.nas.host });
      expect(added.engines?.map((e) => e.name)).toEqual(['local', 'nas']);
      // Kept: the one engine found so far is written first, under its name; dockerHost gives way to the list.
      const saved = await settingsStore.load();
      expect(saved.engines).toEqual([
        { name: 'local', host: b.dockerHost },
        { name: 'nas', host: b.engines.nas.host },
      ]);
      expect(saved.dockerHost).toBeUndefined();
      // Checked at once: the runtime's part on nas is known without waiting for the interval.
      const part = await until('nas checked', () =>
        controller
          .getState()
          .runtimes.find((r) => r.config.name === 'app')
          ?.state.engines?.find((e) => e.engine === 'nas' && e.updateAvailable !== null),
      );
      expect(part.updateAvailable).toBe(false);

      expect(await controller.removeEngine('nas').then((s) => s.engines?.map((e) => e.name))).toEqual(['local']);
      expect((await settingsStore.load()).engines).toEqual([{ name: 'local', host: b.dockerHost }]);
      expect(controller.getState().runtimes[0]!.state.engines).toBeUndefined();
      expect(
        await controller.removeEngine('local').then(
          () => 'removed',
          (e: Error) => e.message,
        ),
      ).toMatch(/local is the only engine/);
    } finally {
      await controller.stop();
    }
  });

  it('keeps going when one engine stops answering, shows its rows stale, and catches it up when it is back', async () => {
    const tcpPort = Number(new URL(b.engines.nas.host.replace(/^tcp:/, 'http:')).port);
    const nas = await forwarder(tcpPort);
    const controller = await AppController.create({
      settingsStore: new MemorySettingsStore({
        engines: [
          { name: 'local', host: b.dockerHost },
          { name: 'nas', host: `tcp://127.0.0.1:${nas.port}` },
          { name: 'vps', host: b.engines.vps.host },
        ],
        runtimes: [{ name: 'app', image }],
        autoRefresh: true,
      }),
      stateStore: new MemoryStateStore(),
      env: env(),
    });
    try {
      await controller.checkNow();
      const nasBefore = await versionOn('nas');
      await nas.down();
      expect(await controller.checkEngine()).toEqual({ reachable: true }); // the first engine still answers
      await publish(b, image, { version: 'v4' });
      const during = await controller.checkNow();
      const row = during.runtimes.find((r) => r.config.name === 'app')!;
      const nasRow = row.state.engines?.find((e) => e.engine === 'nas');
      expect(nasRow?.stale?.error).toMatch(/ECONNREFUSED|cannot reach|socket hang up/);
      expect(nasRow?.lastError?.message).toMatch(/ECONNREFUSED|cannot reach|socket hang up/);
      expect(nasRow?.retry).not.toBeNull();
      expect(during.engines?.find((e) => e.name === 'nas')?.health).toMatchObject({ reachable: false });
      // The other two were refreshed meanwhile.
      expect(await versionOn('local')).toBe('v4');
      expect(await versionOn('vps')).toBe('v4');
      expect(await versionOn('nas')).toBe(nasBefore);

      await nas.up();
      await controller.checkEngine();
      const after = await controller.checkNow();
      expect(await versionOn('nas')).toBe('v4');
      const caughtUp = after.runtimes.find((r) => r.config.name === 'app')!.state;
      expect(caughtUp.engines?.every((e) => e.appliedDigest === caughtUp.seenDigest && !e.stale)).toBe(true);
      expect(caughtUp.updateAvailable).toBe(false);
    } finally {
      await controller.stop();
      await nas.close();
    }
  });
});
