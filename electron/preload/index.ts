// The window's only door to the core: one named API implementing the contract. No raw
// ipcRenderer, no Node. Bundled into one CommonJS file because sandboxed preloads cannot import.
import { contextBridge, ipcRenderer } from 'electron';
import { API_METHODS, IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, ipcChannel, type ApiEvent, type ApiErrorBody } from '../../shared/api.js';

type Reply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

const api: Record<string, unknown> = {};
for (const method of API_METHODS) {
  api[method] = async (...args: unknown[]) => {
    const reply = (await ipcRenderer.invoke(ipcChannel(method), ...args)) as Reply;
    if (reply.ok) return reply.result;
    const error = new Error(reply.error.error) as Error & { code?: string };
    error.code = reply.error.code;
    throw error;
  };
}

const listeners = new Set<(event: ApiEvent) => void>();
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, payload: ApiEvent) => {
  for (const listener of listeners) listener(payload);
});
api.onEvent = (listener: (event: ApiEvent) => void) => {
  listeners.add(listener);
  if (listeners.size === 1) ipcRenderer.send(IPC_READY_CHANNEL);
  return () => listeners.delete(listener);
};

contextBridge.exposeInMainWorld('imagewatch', Object.freeze(api));
