// The desktop entry wired up with the fake electron module: the window's security settings,
// close-to-tray, refused navigation and permissions, the tray, and a quit that waits.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ipcChannel, type AppState } from '../../shared/api.js';
import { describe, expect, it } from 'vitest';
import { app, BrowserWindow, ipcMain, session, shell, Tray } from '../fakes/electron.js';

// The app's state lives in the machine's one home (XDG_DATA_HOME/imagewatch): here, a temporary one.
process.env.XDG_DATA_HOME = mkdtempSync(path.join(os.tmpdir(), 'iw-entry-home-'));

describe('desktop entry', () => {
  it('starts with a locked-down window, a tray, and quits only after stopping', async () => {
    // A runtime on a closed loopback port: the first check fails fast and touches no network.
    writeFileSync(
      path.join(app.getPath('userData'), 'settings.json'),
      JSON.stringify({ runtimes: [{ name: 'local', image: '127.0.0.1:9/x/y:latest' }], dockerHost: 'unix:///nonexistent.sock' }),
    );
    const logFile = path.join(app.getPath('logs'), 'imagewatch.log');
    await import('../../electron/main/index.js');
    const deadline = Date.now() + 5000;
    while ((!Tray.current?.menu || BrowserWindow.created.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    const window = BrowserWindow.created[0]!;
    const prefs = (window.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(window.loaded[0]!.file).toMatch(/renderer[\\/]index\.html$/);
    expect(window.visible).toBe(true);

    // Closing hides; the app lives on in the tray.
    expect(window.close()).toBe(true);
    expect(window.visible).toBe(false);
    app.emit('second-instance');
    expect(window.visible).toBe(true);

    // Navigation, new windows and permissions are refused; only web links leave, to the browser.
    let navigationPrevented = false;
    window.webContents.emit('will-navigate', { preventDefault: () => (navigationPrevented = true) });
    expect(navigationPrevented).toBe(true);
    expect(window.webContents.openHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(window.webContents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(window.webContents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    // A release link on a plain-http forge opens too; only web pages leave.
    expect(window.webContents.openHandler!({ url: 'http://gitea.lan/o/r/releases' })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://example.com/docs', 'http://gitea.lan/o/r/releases']);
    let granted: boolean | null = null;
    (session.defaultSession.permissionHandler as (c: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);

    const items = Tray.current!.menu!.template as Array<{ label?: string; click?: () => void }>;
    const labels = items.map((i) => i.label);
    expect(labels).toContain('Open imagewatch');
    expect(labels.some((l) => l?.startsWith('local:'))).toBe(true);
    // The core's log lines reach the log file, and "Open logs" opens its folder.
    items.find((i) => i.label === 'Open logs')!.click!();
    expect(shell.openedPaths).toEqual([app.getPath('logs')]);
    // The same records as the daemon's --log-format json: one object a line, fields kept apart.
    const records = (): Array<Record<string, unknown>> =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
    await expect.poll(() => records().some((r) => r.level === 'warn' && r.runtime === 'local' && /127\.0\.0\.1:9/.test(String(r.msg)))).toBe(true);
    expect(records().find((r) => String(r.msg).startsWith('started'))).toMatchObject({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    // A channel added from the window is sealed with the keychain, not written in the clear.
    const frame = { url: pathToFileURL(window.loaded[0]!.file!).href, parent: null };
    const reply = (await ipcMain.invoke(ipcChannel('addChannel'), frame, { url: 'ntfy://127.0.0.1:9/s3cret-topic' })) as { ok: boolean; result: AppState };
    expect(reply.ok).toBe(true);
    expect(reply.result.settings.channels).toEqual([{ id: expect.stringMatching(/^keychain-/), label: 'ntfy://127.0.0.1:9/s***', kept: 'keychain' }]);
    const userData = app.getPath('userData');
    expect(readFileSync(path.join(userData, 'channels.json'), 'utf8')).not.toContain('s3cret-topic');
    expect(readFileSync(path.join(userData, 'settings.json'), 'utf8')).not.toContain('s3cret-topic');

    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    const quitDeadline = Date.now() + 5000;
    while (app.quitCalls === 0 && Date.now() < quitDeadline) await new Promise((r) => setTimeout(r, 10));
    expect(app.quitCalls).toBe(1);
    // Once stopping has begun, the window closes for real.
    expect(window.close()).toBe(false);
  });
});
