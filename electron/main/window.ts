// The one window: sandboxed, isolated, no Node, no navigation, no new windows, no
// permissions. Closing hides it; the tray keeps imagewatch running.
import { BrowserWindow, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isWebLink } from './web-link.js';

export class WindowManager {
  private window: BrowserWindow | null = null;
  quitting = false;

  constructor(
    private readonly rendererDir: string,
    private readonly preloadPath: string,
  ) {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
  }

  get rendererUrl(): string {
    return pathToFileURL(path.join(this.rendererDir, 'index.html')).href;
  }

  private create(): BrowserWindow {
    const window = new BrowserWindow({
      width: 1200,
      height: 760,
      show: false,
      title: 'imagewatch',
      webPreferences: {
        preload: this.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    const contents = window.webContents;
    contents.setWindowOpenHandler(({ url }) => {
      if (isWebLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    window.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      window.hide();
    });
    window.on('closed', () => {
      this.window = null;
    });
    return window;
  }

  /** Shows the window, opening it at a runtime's history when one is given. */
  show(runtime?: string): void {
    const fresh = this.window === null;
    this.window ??= this.create();
    if (fresh || runtime) {
      void this.window.loadFile(path.join(this.rendererDir, 'index.html'), runtime ? { query: { runtime } } : {});
    }
    if (this.window.isMinimized()) this.window.restore();
    this.window.show();
    this.window.focus();
  }
}
