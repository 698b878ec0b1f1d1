// Channels set up from the window (the contract's addChannel / removeChannel / testChannel):
// kept in the settings headless or in a vault (the desktop's keychain), shown only masked,
// tested on demand, and honoured at once. The channel is a real HTTP server in the test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../shared/api.js';
import { AppController } from '../../electron/core/app/controller.js';
import { dispatch } from '../../electron/core/app/dispatch.js';
import type { ChannelVault, SealedChannel } from '../../electron/core/app/notify-channels.js';
import { MemorySettingsStore } from '../../electron/core/app/settings-store.js';
import type { ChannelSetting } from '../../electron/core/notify/notifier.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';

const SECRET = 'hook-path-s3cret';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

class MemoryVault implements ChannelVault {
  entries: Array<{ id: string; setting: ChannelSetting | null }> = [];
  async list(): Promise<SealedChannel[]> {
    return structuredClone(this.entries);
  }
  async add(setting: ChannelSetting): Promise<void> {
    this.entries.push({ id: `v${this.entries.length + 1}`, setting: structuredClone(setting) });
  }
  async remove(id: string): Promise<void> {
    this.entries = this.entries.filter((e) => e.id !== id);
  }
}

describe('channels set up in the window', () => {
  const received: Received[] = [];
  let server: http.Server;
  let port = 0;
  let status = 200;
  const open: AppController[] = [];
  // The engine is not what this is about: a ping that answers keeps the health quiet.
  const docker = { ping: async () => 'OK' } as unknown as Docker;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
        res.statusCode = status;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(async () => {
    received.length = 0;
    status = 200;
    await Promise.all(open.splice(0).map((c) => c.stop()));
  });

  const controllerWith = async (settingsStore: MemorySettingsStore, channelVault?: ChannelVault, engine: Docker = docker): Promise<AppController> => {
    const controller = await AppController.create({
      settingsStore,
      stateStore: new MemoryStateStore(),
      docker: engine,
      env: { HOME: '/nonexistent' },
      notifyRetryDelaysMs: [],
      ...(channelVault ? { channelVault } : {}),
    });
    open.push(controller);
    return controller;
  };
  const url = (): string => `json://127.0.0.1:${port}/${SECRET}?+X-Token=${SECRET}-header`;

  it('headless: keeps a channel in the settings, shows it masked, tests it, and removes it', async () => {
    const settingsStore = new MemorySettingsStore({ runtimes: [], dockerHost: 'unix:///nonexistent/fake.sock' });
    const controller = await controllerWith(settingsStore);
    const state = (await dispatch(controller, 'addChannel', [{ url: url(), events: ['refresh-failed', 'new-version'] }])) as AppState;
    expect(state.settings.channels).toEqual([
      {
        id: expect.stringMatching(/^settings-/),
        label: `json://127.0.0.1:${port}/*** (headers X-Token)`,
        events: ['refresh-failed', 'new-version'],
        kept: 'settings',
      },
    ]);
    // Nothing the window or any client is given holds the secret.
    expect(JSON.stringify(controller.getState())).not.toContain(SECRET);
    expect((await settingsStore.load()).notify).toEqual([{ url: url(), events: ['refresh-failed', 'new-version'] }]);

    const id = state.settings.channels[0]!.id;
    const result = await dispatch(controller, 'testChannel', [id]);
    expect(result).toEqual({ channel: `json://127.0.0.1:${port}/*** (headers X-Token)`, ok: true, answer: 'HTTP 200' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: `/${SECRET}`, headers: { 'x-token': `${SECRET}-header`, 'content-type': 'application/json' } });
    expect(received[0]!.body).toMatchObject({ event: 'test', title: 'imagewatch test' });

    // A failing answer is reported, masked, and not retried (the user pressed the button).
    status = 500;
    const failed = (await dispatch(controller, 'testChannel', [id])) as { ok: boolean; answer: string };
    expect(failed).toMatchObject({ ok: false, answer: expect.stringContaining('HTTP 500') });
    expect(failed.answer).not.toContain(SECRET);

    const removed = (await dispatch(controller, 'removeChannel', [id])) as AppState;
    expect(removed.settings.channels).toEqual([]);
    expect((await settingsStore.load()).notify).toEqual([]);
    await expect(dispatch(controller, 'testChannel', [id])).rejects.toMatchObject({ status: 400, body: { code: 'invalid-argument' } });
  });

  it('refuses a bad URL, naming the problem and not the secret, and a channel already set up', async () => {
    const controller = await controllerWith(new MemorySettingsStore({ runtimes: [], dockerHost: 'unix:///nonexistent/fake.sock' }));
    const bad = dispatch(controller, 'addChannel', [{ url: `ntfy://127.0.0.1/${SECRET}/extra` }]);
    await expect(bad).rejects.toMatchObject({
      status: 400,
      body: { code: 'invalid-argument', error: expect.stringMatching(/^addChannel: url: ntfy:\/\/ needs a host and a topic/) },
    });
    await expect(bad).rejects.not.toMatchObject({ body: { error: expect.stringContaining(SECRET) } });
    await expect(dispatch(controller, 'addChannel', [{ url: 'telegram://x' }])).rejects.toMatchObject({ status: 400 });
    await expect(dispatch(controller, 'addChannel', [{ url: url(), events: ['sometimes'] }])).rejects.toMatchObject({ status: 400 });
    await dispatch(controller, 'addChannel', [{ url: url() }]);
    await expect(dispatch(controller, 'addChannel', [{ url: url() }])).rejects.toMatchObject({ status: 409 });
    await expect(dispatch(controller, 'removeChannel', ['../etc'])).rejects.toMatchObject({ status: 400 });
    expect(controller.getState().settings.channels).toHaveLength(1);
  });

  it('desktop: a channel added in the window goes to the vault, is honoured at once, and an unreadable one can only be removed', async () => {
    const vault = new MemoryVault();
    vault.entries.push({ id: 'old', setting: null });
    const settingsStore = new MemorySettingsStore({ runtimes: [], dockerHost: 'unix:///nonexistent/fake.sock' });
    let up = true;
    const flaky = {
      ping: async () => {
        if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return 'OK';
      },
    } as unknown as Docker;
    const controller = await controllerWith(settingsStore, vault, flaky);
    expect(controller.getState().settings.channels).toEqual([
      { id: 'keychain-old', label: expect.stringMatching(/^unusable channel: it could not be unsealed/), kept: 'keychain', unusable: true },
    ]);
    expect(await controller.testChannel('keychain-old')).toMatchObject({ ok: false, answer: expect.stringMatching(/^not sent/) });

    const state = await controller.addChannel({ url: url(), events: ['engine-unreachable'] });
    expect(vault.entries[1]).toEqual({ id: 'v2', setting: { url: url(), events: ['engine-unreachable'] } });
    expect((await settingsStore.load()).notify).toBeUndefined();
    expect(state.settings.channels.map((c) => c.id)).toEqual(['keychain-old', 'keychain-v2']);

    // Honoured without a restart: the engine going away is told to the new channel.
    await controller.checkEngine();
    up = false;
    await controller.checkEngine();
    await expect.poll(() => received.map((r) => r.body.event)).toEqual(['engine-unreachable']);

    await controller.removeChannel('keychain-old');
    expect(vault.entries.map((e) => e.id)).toEqual(['v2']);
  });
});
