// Per-user locations, following each platform's convention (XDG on Linux).
import os from 'node:os';
import path from 'node:path';

const APP = 'imagewatch';

export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP);
}

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || os.homedir();
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), APP);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP);
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), APP);
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userConfigDir(env), 'config.json');
}

/** The replace journal lives beside the state it belongs to. */
export function journalPathFor(statePath: string): string {
  return path.join(path.dirname(statePath), 'replace-journal.json');
}

export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userDataDir(env), 'state.json');
}
