// The one shared stand-in for the `electron` module, which cannot run on these machines.
// It records what the main process asks of Electron so tests can assert on it. Aliased as
// `electron` in the `main` test project.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';

const userData = mkdtempSync(path.join(os.tmpdir(), 'iw-electron-'));

class FakeApp extends EventEmitter {
  quitCalls = 0;
  loginItem = { openAtLogin: false };
  getPath(name: string): string {
    return name === 'userData' ? userData : path.join(userData, name);
  }
  getName(): string {
    return 'imagewatch';
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    this.quitCalls++;
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.loginItem = { openAtLogin: settings.openAtLogin };
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return this.loginItem;
  }
}

export const app = new FakeApp();

export class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static supported = true;
  constructor(readonly options: { title: string; body: string; actions?: Array<{ type: 'button'; text: string }> }) {
    super();
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}
export { FakeNotification as Notification };

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke would do, from a frame at `url`. */
  invoke(channel: string, frame: { url: string; parent?: unknown } | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`no handler for ${channel}`));
    const senderFrame = frame ? { url: frame.url, parent: frame.parent ?? null } : null;
    return Promise.resolve(handler({ senderFrame, sender: new FakeWebContents() }, ...args));
  }
}

export const ipcMain = new FakeIpcMain();

export class FakeWebContents extends EventEmitter {
  sent: Array<{ channel: string; payload: unknown }> = [];
  destroyed = false;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  loaded: Array<{ file: string; options: unknown }> = [];
  constructor(readonly options: unknown) {
    super();
    BrowserWindow.created.push(this);
  }
  loadFile(file: string, options: unknown): Promise<void> {
    this.loaded.push({ file, options });
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  /** What the user closing the window does. */
  close(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.visible = false;
    return prevented;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
}

export class Tray {
  static current: Tray | null = null;
  image: unknown = null;
  tooltip = '';
  menu: { template: unknown[] } | null = null;
  destroyed = false;
  constructor(image: unknown) {
    this.image = image;
    Tray.current = this;
  }
  setImage(image: unknown): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { template: unknown[] }): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const Menu = {
  buildFromTemplate(template: unknown[]): { template: unknown[] } {
    return { template };
  },
};

export const nativeImage = {
  createFromBuffer(buffer: Buffer): { buffer: Buffer } {
    return { buffer };
  },
};

export const nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false });

/** Reversible stand-in for the OS keychain: enough to prove only ciphertext is stored. */
export const safeStorage = {
  available: true,
  isEncryptionAvailable(): boolean {
    return this.available;
  },
  encryptString(text: string): Buffer {
    return Buffer.from(`sealed:${Buffer.from(text).reverse().toString('base64')}`);
  },
  decryptString(buffer: Buffer): string {
    const text = buffer.toString();
    if (!text.startsWith('sealed:')) throw new Error('not sealed');
    return Buffer.from(text.slice(7), 'base64').reverse().toString();
  },
};

export const session = {
  defaultSession: {
    permissionHandler: null as unknown,
    setPermissionRequestHandler(handler: unknown): void {
      this.permissionHandler = handler;
    },
    setPermissionCheckHandler(): void {},
  },
};

export const shell = {
  opened: [] as string[],
  openedPaths: [] as string[],
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  },
  async openPath(dir: string): Promise<string> {
    this.openedPaths.push(dir);
    return '';
  },
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  sent: [] as string[],
  invoke: async (channel: string, ...args: unknown[]): Promise<unknown> => ipcMain.invoke(channel, { url: 'file:///app/dist/renderer/index.html' }, ...args),
  send(channel: string): void {
    this.sent.push(channel);
  },
});

export default {
  app,
  ipcMain,
  BrowserWindow,
  Tray,
  Menu,
  nativeImage,
  nativeTheme,
  Notification: FakeNotification,
  safeStorage,
  session,
  shell,
  contextBridge,
  ipcRenderer,
};
