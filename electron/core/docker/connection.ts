// Connecting to the Docker engine. The API version is never pinned: dockerode then talks to
// the unversioned endpoints and the engine answers with its own current version, so old
// NAS daemons and new engines both work.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { DockerHostError } from '../errors.js';

export function defaultDockerHost(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}

export function dockerOptions(host: string, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new DockerHostError(`invalid Docker host "${host}": want unix:///path, npipe:////./pipe/name, tcp://host:port`);
  }
  switch (url.protocol) {
    case 'unix:':
      if (!url.pathname) throw new DockerHostError(`invalid Docker host "${host}": missing socket path`);
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'npipe:':
      return { socketPath: host.replace(/^npipe:\/\//, '').replace(/\//g, '\\') };
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = url.protocol === 'https:' || (env.DOCKER_TLS_VERIFY ?? '') !== '';
      const options: Docker.DockerOptions = {
        host: url.hostname,
        port: url.port || (tls ? '2376' : '2375'),
        protocol: tls ? 'https' : 'http',
      };
      if (tls && env.DOCKER_CERT_PATH) {
        const dir = env.DOCKER_CERT_PATH;
        try {
          options.ca = readFileSync(path.join(dir, 'ca.pem'));
          options.cert = readFileSync(path.join(dir, 'cert.pem'));
          options.key = readFileSync(path.join(dir, 'key.pem'));
        } catch (err) {
          throw new DockerHostError(`Docker host "${host}": cannot read TLS files from DOCKER_CERT_PATH: ${(err as Error).message}`);
        }
      }
      return options;
    }
    default:
      throw new DockerHostError(`invalid Docker host "${host}": unsupported scheme ${url.protocol.replace(/:$/, '')}`);
  }
}

/** `dockerHost` from settings, else DOCKER_HOST, else the platform's default socket. */
export function connectDocker(dockerHost: string | undefined, env: NodeJS.ProcessEnv = process.env): Docker {
  const host = dockerHost || env.DOCKER_HOST || defaultDockerHost();
  return new Docker(dockerOptions(host, env));
}

/** Engine errors carry the HTTP status; 404 and 304 mean different things per call. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
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
