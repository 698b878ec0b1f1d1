// Start at login on each platform, and a login launch staying in the tray.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { app } from '../fakes/electron.js';
import { autostartFile, launchedHidden, loginItem } from '../../electron/main/login-item.js';

describe('start at login', () => {
  it('on Linux writes and removes an XDG autostart entry that starts hidden', () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(path.join(os.tmpdir(), 'iw-xdg-')) };
    const item = loginItem(app, 'linux', env, '/opt/imagewatch/imagewatch');
    expect(item.get()).toBe(false);
    item.set(true);
    expect(item.get()).toBe(true);
    const entry = readFileSync(autostartFile(env), 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/opt/imagewatch/imagewatch" --hidden');
    item.set(false);
    expect(existsSync(autostartFile(env))).toBe(false);
    expect(item.get()).toBe(false);
  });

  it('runs the AppImage itself, quoted as the spec asks', () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(path.join(os.tmpdir(), 'iw-xdg-')), APPIMAGE: '/home/me/Apps/image "watch" $1.AppImage' };
    loginItem(app, 'linux', env, '/tmp/.mount_x/imagewatch').set(true);
    expect(readFileSync(autostartFile(env), 'utf8')).toContain('Exec="/home/me/Apps/image \\"watch\\" \\$1.AppImage" --hidden');
  });

  it("elsewhere uses Electron's login item, with the hidden flag", () => {
    const item = loginItem(app, 'win32', {}, 'C:\\imagewatch.exe');
    item.set(true);
    expect(item.get()).toBe(true);
    item.set(false);
    expect(item.get()).toBe(false);
  });

  it('a launch with --hidden stays in the tray; a plain one opens the window', () => {
    expect(launchedHidden(['/opt/imagewatch/imagewatch', '--hidden'], app, 'linux')).toBe(true);
    expect(launchedHidden(['/opt/imagewatch/imagewatch'], app, 'linux')).toBe(false);
  });
});
