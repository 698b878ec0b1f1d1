import { describe, expect, it } from 'vitest';
import { API_METHODS, ipcChannel, IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, type ApiEvent, type ImagewatchApi } from '../../shared/api.js';
import { contextBridge, ipcMain, ipcRenderer } from '../fakes/electron.js';

describe('preload', () => {
  it('exposes one named API implementing the contract, and nothing else', async () => {
    await import('../../electron/preload/index.js');
    expect([...contextBridge.exposed.keys()]).toEqual(['imagewatch']);
    const api = contextBridge.exposed.get('imagewatch') as ImagewatchApi;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onEvent'].sort());
    expect(Object.isFrozen(api)).toBe(true);

    ipcMain.handle(ipcChannel('getHistory'), (_e, name) =>
      name === 'ok' ? { ok: true, result: [] } : { ok: false, error: { error: `unknown runtime: ${String(name)}`, code: 'unknown-runtime' } },
    );
    await expect(api.getHistory('ok')).resolves.toEqual([]);
    await expect(api.getHistory('ghost')).rejects.toMatchObject({ message: 'unknown runtime: ghost', code: 'unknown-runtime' });
    ipcMain.removeHandler(ipcChannel('getHistory'));

    const received: ApiEvent[] = [];
    const off = api.onEvent((e) => received.push(e));
    expect(ipcRenderer.sent).toEqual([IPC_READY_CHANNEL]);
    ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, { type: 'check-started' });
    off();
    ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, { type: 'check-finished' });
    expect(received).toEqual([{ type: 'check-started' }]);
  });
});
