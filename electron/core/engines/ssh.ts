// ssh:// engines, reached as the docker CLI reaches them: the system's `ssh` runs
// `docker system dial-stdio` on the far side, and the engine's API flows through its stdin and
// stdout. The user's OpenSSH does everything ssh is trusted with here: ~/.ssh/config (aliases,
// ports, users, ProxyJump, IdentityFile), the agent, and the host key check against known_hosts,
// which refuses a host it does not know (BatchMode: never a prompt). A spoofed engine would be
// handed registry credentials with every pull, so that check is not ours to loosen.
// (docker-modem's own ssh transport uses ssh2, which loads ~14 MB into the daemon, trusts any
// host key unless a verifier is written for it, reads no ssh config, and opens a new ssh session
// for every request. No npm package spawns the system ssh as an http.Agent, so this one is ours.)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DockerHostError } from '../errors.js';
import { SshStream } from './ssh-stream.js';

export interface SshTarget {
  hostname: string;
  /** Absent: ssh's own choice (the config's Port, else 22). */
  port?: number;
  user?: string;
}

/** How long an unused session stays open for the next request before its ssh exits. */
const IDLE_MS = 30_000;

/** The engine's address in an ssh:// URL, checked: a name that ssh would read as an option is refused. */
export function sshTarget(url: URL): SshTarget {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  if (!hostname) throw new DockerHostError(`invalid Docker host "${url.href}": missing host`);
  if (hostname.startsWith('-') || user?.startsWith('-')) throw new DockerHostError(`invalid Docker host "${url.href}": a host or user may not start with "-"`);
  return { hostname, ...(url.port ? { port: Number(url.port) } : {}), ...(user ? { user } : {}) };
}

/** The account's home as OpenSSH finds it (passwd); a uid without a passwd entry (some containers) has none to compare. */
function accountHome(): string {
  try {
    return os.userInfo().homedir;
  } catch {
    return os.homedir();
  }
}

/**
 * The ssh command line. OpenSSH finds ~/.ssh in the account's home, not $HOME; imagewatch reads
 * its other files (docker config, contexts) from $HOME, so when $HOME points elsewhere its
 * ~/.ssh is named explicitly and both agree.
 */
export function sshArgs(target: SshTarget, env: NodeJS.ProcessEnv): string[] {
  const args = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15', '-o', 'ServerAliveInterval=30'];
  const home = env.HOME;
  if (home && path.resolve(home) !== path.resolve(accountHome())) {
    const dir = path.join(home, '.ssh');
    const config = path.join(dir, 'config');
    if (existsSync(config)) args.push('-F', config);
    args.push('-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')} /etc/ssh/ssh_known_hosts`);
    for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
      if (existsSync(path.join(dir, name))) args.push('-i', path.join(dir, name));
    }
  }
  if (target.user) args.push('-l', target.user);
  if (target.port) args.push('-p', String(target.port));
  // `--`: nothing after it is read as an option, whatever the host is called.
  return [...args, '--', target.hostname, 'docker', 'system', 'dial-stdio'];
}

/** What ssh said when it gave up, in words that say what to do. */
export function sshFailure(stderr: string, target: SshTarget, code: number | null): string {
  const name = target.port && target.port !== 22 ? `[${target.hostname}]:${target.port}` : target.hostname;
  const port = target.port ? `-p ${target.port} ` : '';
  // Accepting a host key needs no particular user; logging in does.
  const accept = `ssh ${port}${target.hostname}`;
  const login = `ssh ${port}${target.user ? `${target.user}@` : ''}${target.hostname}`;
  const said = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('@@@'));
  let reason: string;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) {
    reason = `the SSH host key of ${name} does not match known_hosts: it changed, or someone is in between; check it before you trust it`;
  } else if (/host key is known for|Host key verification failed/.test(stderr)) {
    reason = `${name} is not in known_hosts; connect once with \`${accept}\` to check and accept its key`;
  } else if (/Permission denied/.test(stderr)) {
    reason = `${name} refused the login (${said.at(-1) ?? 'permission denied'}); check that \`${login}\` logs in without a password prompt`;
  } else if (/command not found|docker: not found|not recognized/.test(stderr)) {
    reason = `${name} has no \`docker\` command for \`docker system dial-stdio\``;
  } else {
    reason = said.at(-1) ?? `ssh exited with code ${String(code)}`;
  }
  return `cannot reach the Docker engine over ssh: ${reason}`;
}

/** Thrown into the request when ssh could not open the session; the message is for the user. */
export class SshError extends Error {
  override name = 'SshError';
  readonly code = 'ESSH';
}

/**
 * An http.Agent whose connections are ssh sessions. Sessions are kept open between requests (one
 * handshake serves many requests, where docker-modem's transport shakes hands for each), at most
 * two at once per engine, and closed after 30 s unused.
 */
export class SshAgent extends http.Agent {
  constructor(
    private readonly target: SshTarget,
    private readonly env: NodeJS.ProcessEnv,
    private readonly command = 'ssh',
  ) {
    // Two at most: a pull's long stream and the calls around it. Each session is an ssh process
    // (about 3.5 MB of memory of its own, measured), so more would cost more than they save.
    super({ keepAlive: true, maxSockets: 2, maxFreeSockets: 1, timeout: IDLE_MS });
  }

  override createConnection(): Socket {
    const child = spawn(this.command, sshArgs(this.target, this.env), { env: this.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const stream = new SshStream(child, (stderr, code, spawnError) =>
      spawnError && (spawnError as NodeJS.ErrnoException).code === 'ENOENT'
        ? new SshError(`cannot reach the Docker engine over ssh: no \`${this.command}\` client was found; install OpenSSH's client`)
        : new SshError(sshFailure(stderr, this.target, code)),
    );
    stream.setTimeout(IDLE_MS);
    // http.Agent asks only for what a net.Socket offers; SshStream provides the part it uses.
    return stream as unknown as Socket;
  }
}
