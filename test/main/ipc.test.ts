import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannel, IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, type AppState } from '../../shared/api.js';
import { AppController } from '../../electron/core/app/controller.js';
import { MemorySettingsStore } from '../../electron/core/app/settings-store.js';
import { connectDocker } from '../../electron/core/engines/connect.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { registerIpc, trustedSender, type IpcReply } from '../../electron/main/ipc.js';
import { FakeWebContents, ipcMain } from '../fakes/electron.js';

const PAGE = 'file:///opt/imagewatch/dist/renderer/index.html';
const own = { url: `${PAGE}?runtime=crewai` };

describe('IPC handlers', () => {
  let controller: AppController;
  let unregister: () => void;

  beforeEach(async () => {
    controller = await AppController.create({
      settingsStore: new MemorySettingsStore({ runtimes: [{ name: 'crewai', image: 'ghcr.io/o/crewai:latest' }] }),
      stateStore: new MemoryStateStore(),
      docker: connectDocker({ host: 'unix:///nonexistent/docker.sock' }),
      env: {},
    });
    unregister = registerIpc(ipcMain as never, controller, trustedSender(PAGE));
  });

  afterEach(async () => {
    unregister();
    await controller.stop();
  });

  const invoke = (method: string, frame: { url: string; parent?: unknown } | null, ...args: unknown[]): Promise<IpcReply> =>
    ipcMain.invoke(ipcChannel(method as never), frame, ...args) as Promise<IpcReply>;

  it('answers our own page', async () => {
    const reply = await invoke('getState', own);
    expect(reply.ok).toBe(true);
    const runtime = (reply as { result: AppState }).result.runtimes[0]!;
    expect(runtime.config.name).toBe('crewai');
    // Histories stay on the engine side until asked for: state pushes stay small with many runtimes.
    expect('history' in runtime.state).toBe(false);
    expect(runtime.state.historyLength).toBe(0);
  });

  it.each([
    ['another origin', { url: 'https://evil.example/index.html' }],
    ['another local file', { url: 'file:///tmp/evil.html' }],
    ['a subframe of our page', { url: PAGE, parent: {} }],
    ['no frame', null],
  ])('rejects %s and never reaches the engine', async (_name, frame) => {
    const spy = vi.spyOn(controller, 'refresh');
    const reply = await invoke('refresh', frame, 'crewai');
    expect(reply).toEqual({ ok: false, error: { error: 'sender not allowed', code: 'invalid-argument' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it.each([
    ['refresh', [42], /refresh: argument 1/],
    ['refresh', ['crewai', { pullOnly: 'yes' }], /refresh: argument 2/],
    ['setAutoRefresh', ['true'], /setAutoRefresh: argument 1/],
    ['addRuntime', [{ name: 'x', image: 'x', evil: 1 }], /unknown key "evil"/],
    ['updateSettings', [{ intervalSeconds: -5 }], /intervalSeconds/],
    ['getHistory', [], /getHistory/],
  ])('rejects invalid arguments to %s with a message naming them', async (method, args, message) => {
    const spies = [
      vi.spyOn(controller, 'refresh'),
      vi.spyOn(controller, 'setAutoRefresh'),
      vi.spyOn(controller, 'addRuntime'),
      vi.spyOn(controller, 'updateSettings'),
      vi.spyOn(controller, 'getHistory'),
    ];
    const reply = await invoke(method, own, ...args);
    expect(reply.ok).toBe(false);
    const error = (reply as { error: { error: string; code: string } }).error;
    expect(error.code).toBe('invalid-argument');
    expect(error.error).toMatch(message);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('names an unknown runtime', async () => {
    expect(await invoke('refresh', own, 'ghost')).toEqual({ ok: false, error: { error: 'unknown runtime: ghost', code: 'unknown-runtime' } });
    expect(await invoke('getHistory', own, 'ghost')).toEqual({ ok: false, error: { error: 'unknown runtime: ghost', code: 'unknown-runtime' } });
  });

  it('sends events only to a window that said it is ready, and never credentials', async () => {
    const contents = new FakeWebContents();
    await controller.setAutoRefresh(true);
    expect(contents.sent).toEqual([]);
    ipcMain.emit(IPC_READY_CHANNEL, { senderFrame: { url: PAGE, parent: null }, sender: contents });
    const stranger = new FakeWebContents();
    ipcMain.emit(IPC_READY_CHANNEL, { senderFrame: { url: 'https://evil.example/', parent: null }, sender: stranger });
    await invoke('setCredential', own, { registry: 'ghcr.io', username: 'me', password: 's3cret-token' });
    expect(contents.sent.length).toBeGreaterThan(0);
    expect(contents.sent.every((m) => m.channel === IPC_EVENT_CHANNEL)).toBe(true);
    expect(JSON.stringify(contents.sent)).not.toContain('s3cret-token');
    expect(JSON.stringify(await invoke('getState', own))).not.toContain('s3cret-token');
    expect(stranger.sent).toEqual([]);
  });
});
