// The sockets desktop engines listen on, in the order a user is likely to mean them. A tray
// app started from the dock has no DOCKER_HOST, and most desktop engines do not use
// /var/run/docker.sock, so imagewatch looks where each of them puts its socket.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function colimaSockets(root: string): string[] {
  let profiles: string[];
  try {
    profiles = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
      .map((d) => d.name);
  } catch {
    return [];
  }
  // The default profile first, then the others by name.
  profiles.sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  return profiles.map((p) => path.join(root, p, 'docker.sock'));
}

/** Every endpoint worth trying, most likely first, as `unix://` or `npipe://` URLs. */
export function wellKnownEndpoints(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') {
    return ['npipe:////./pipe/docker_engine', 'npipe:////./pipe/dockerDesktopLinuxEngine', 'npipe:////./pipe/podman-machine-default'];
  }
  const runtime = env.XDG_RUNTIME_DIR;
  const sockets = [
    '/var/run/docker.sock',
    path.join(home, '.docker', 'run', 'docker.sock'),
    ...colimaSockets(path.join(home, '.colima')),
    ...colimaSockets(path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'colima')),
    path.join(home, '.orbstack', 'run', 'docker.sock'),
    path.join(home, '.rd', 'docker.sock'),
    ...(runtime ? [path.join(runtime, 'docker.sock'), path.join(runtime, 'podman', 'podman.sock')] : []),
    '/run/podman/podman.sock',
  ];
  return [...new Set(sockets)].map((s) => `unix://${s}`);
}

/** Whether a `unix://` endpoint's socket exists; pipes cannot be asked without connecting, so they count. */
export function endpointPresent(url: string): boolean {
  if (!url.startsWith('unix://')) return true;
  try {
    return statSync(url.slice('unix://'.length)).isSocket();
  } catch {
    return false;
  }
}
