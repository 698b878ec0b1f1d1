// Start at login. Electron's setLoginItemSettings works on macOS and Windows only; on Linux
// desktops follow the XDG autostart spec: a .desktop file in $XDG_CONFIG_HOME/autostart. A
// launch at login carries --hidden, so imagewatch starts in the tray without its window.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItem {
  get(): boolean;
  set(enabled: boolean): void;
}

/** The part of Electron's app this needs (a narrow shape, so the fake module fits it too). */
interface LoginApp {
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

export function autostartFile(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(config, 'autostart', 'imagewatch.desktop');
}

/** What autostart runs: the AppImage itself when run as one (its execPath is a temporary mount). */
function launchCommand(env: NodeJS.ProcessEnv, execPath: string): string {
  const program = env.APPIMAGE || execPath;
  return `"${program.replace(/(["\\`$])/g, '\\$1')}" ${HIDDEN_FLAG}`;
}

export function loginItem(app: LoginApp, platform: NodeJS.Platform, env: NodeJS.ProcessEnv, execPath: string): LoginItem {
  if (platform !== 'linux') {
    return {
      get: () => app.getLoginItemSettings().openAtLogin,
      set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] }),
    };
  }
  const file = autostartFile(env);
  return {
    get: () => existsSync(file),
    set: (enabled) => {
      if (!enabled) {
        rmSync(file, { force: true });
        return;
      }
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(
        file,
        [
          '[Desktop Entry]',
          'Type=Application',
          'Name=imagewatch',
          'Comment=Keeps your containers on their latest images',
          `Exec=${launchCommand(env, execPath)}`,
          'Terminal=false',
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
      );
    },
  };
}

/** Whether this launch came from login, and should stay in the tray. */
export function launchedHidden(argv: readonly string[], app: LoginApp, platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
