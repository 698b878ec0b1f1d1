// IPC handlers: every message is checked for its sender and validated by dispatch() before
// anything reaches the core. Events go only to windows that said they are ready.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { API_METHODS, IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, ipcChannel, type ApiErrorBody, type ApiEvent } from '../../shared/api.js';
import type { AppController } from '../core/app/controller.js';
import { dispatch, toApiError } from '../core/app/dispatch.js';

export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/** Only the main frame of our own renderer page may call. */
export function trustedSender(rendererUrl: string): (event: IpcMainInvokeEvent | IpcMainEvent) => boolean {
  const expected = new URL(rendererUrl);
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    try {
      const url = new URL(frame.url);
      return url.protocol === expected.protocol && url.host === expected.host && url.pathname === expected.pathname;
    } catch {
      return false;
    }
  };
}

export function registerIpc(ipcMain: IpcMain, controller: AppController, isTrusted: (event: IpcMainInvokeEvent | IpcMainEvent) => boolean): () => void {
  const ready = new Set<WebContents>();
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event, ...args: unknown[]): Promise<IpcReply> => {
      if (!isTrusted(event)) return { ok: false, error: { error: 'sender not allowed', code: 'invalid-argument' } };
      try {
        return { ok: true, result: await dispatch(controller, method, args) };
      } catch (err) {
        return { ok: false, error: toApiError(err).body };
      }
    });
  }
  const onReady = (event: IpcMainEvent): void => {
    if (!isTrusted(event)) return;
    const contents = event.sender;
    ready.add(contents);
    contents.once('destroyed', () => ready.delete(contents));
  };
  ipcMain.on(IPC_READY_CHANNEL, onReady);
  const off = controller.onEvent((event: ApiEvent) => {
    for (const contents of ready) if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event);
  });
  return () => {
    off();
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
    ipcMain.removeListener(IPC_READY_CHANNEL, onReady);
  };
}
