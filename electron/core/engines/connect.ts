// Connecting to the Docker engine. The API version is never pinned: dockerode then talks to
// the unversioned endpoints and the engine answers with its own current version, so old
// NAS daemons and new engines both work.
// First: keeps modules dockerode never needs here from loading with it (see the file).
import './lazy-modules.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { DockerHostError } from '../errors.js';
import { SshAgent, sshTarget } from './ssh.js';

/** Where the engine is and how to reach it; see core/discovery for how it is found. */
export interface EngineAddress {
  host: string;
  /** ca.pem, cert.pem and key.pem for tcp:// with TLS. */
  tlsDir?: string;
  tlsVerify?: boolean;
}

function readTls(host: string, dir: string): Pick<Docker.DockerOptions, 'ca' | 'cert' | 'key'> {
  try {
    return {
      ca: readFileSync(path.join(dir, 'ca.pem')),
      cert: readFileSync(path.join(dir, 'cert.pem')),
      key: readFileSync(path.join(dir, 'key.pem')),
    };
  } catch (err) {
    throw new DockerHostError(`Docker host "${host}": cannot read its TLS files in ${dir}: ${(err as Error).message}`);
  }
}

export function dockerOptions(address: EngineAddress, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  const { host } = address;
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new DockerHostError(`invalid Docker host "${host}": want unix:///path, npipe:////./pipe/name, tcp://host:port or ssh://user@host`);
  }
  switch (url.protocol) {
    case 'unix:':
      if (!url.pathname) throw new DockerHostError(`invalid Docker host "${host}": missing socket path`);
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'npipe:':
      return { socketPath: host.replace(/^npipe:\/\//, '').replace(/\//g, '\\') };
    case 'ssh:':
      // Plain HTTP through sessions of the system's ssh (see ssh.ts); the host and port here
      // only fill the requests' Host header.
      // (docker-modem takes `agent`; dockerode's option type does not list it.)
      return { protocol: 'http', host: 'docker', port: '80', agent: new SshAgent(sshTarget(url), env) } as Docker.DockerOptions;
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = url.protocol === 'https:' || address.tlsVerify === true || url.port === '2376';
      return {
        host: url.hostname,
        port: url.port || (tls ? '2376' : '2375'),
        protocol: tls ? 'https' : 'http',
        ...(tls && address.tlsDir ? readTls(host, address.tlsDir) : {}),
      };
    }
    default:
      throw new DockerHostError(`invalid Docker host "${host}": unsupported scheme ${url.protocol.replace(/:$/, '')}`);
  }
}

export function connectDocker(address: EngineAddress, env: NodeJS.ProcessEnv = process.env): Docker {
  return new Docker(dockerOptions(address, env));
}

/** Engine errors carry the HTTP status; 404 and 304 mean different things per call. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Awaits an engine call, taking these HTTP statuses as done (a 404 on a removal: already gone). */
export async function ignoreStatus(promise: Promise<unknown>, ...statuses: number[]): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (!statuses.includes(statusOf(err) ?? -1)) throw err;
  }
}

/** The engine's own message, without dockerode's "(HTTP code 500) server error -" prefix. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } }).json;
  if (json && typeof json.message === 'string') return json.message;
  const reason = (err as { reason?: unknown }).reason;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof reason === 'string' && /HTTP code/.test(message)) return `${reason}: ${message.replace(/^\(HTTP code \d+\)\s*/, '')}`;
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
    return `cannot reach the Docker engine (${String(code)}): ${message}`;
  }
  return message;
}
