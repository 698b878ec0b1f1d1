// Which container engine imagewatch talks to, found the way the docker CLI finds it, then by
// looking where desktop engines put their sockets: so a tray app launched from the dock,
// with no DOCKER_HOST and no shell, finds the same engine `docker ps` uses in a terminal.
import os from 'node:os';
import type { EngineInUse } from '../../../../shared/dto.js';
import { currentContextName, dockerConfigDir, readContext } from './contexts.js';
import { endpointPresent, wellKnownEndpoints } from './probes.js';

export type EngineSource = EngineInUse['source'];

export interface EngineEndpoint {
  /** The engine's URL: unix://, npipe://, tcp://, https:// or ssh://. */
  host: string;
  source: EngineSource;
  /** The docker context it came from. */
  context?: string;
  /** TLS files (ca.pem, cert.pem, key.pem) to use: the context's, or DOCKER_CERT_PATH's. */
  tlsDir?: string;
  /** Verify the engine's certificate (DOCKER_TLS_VERIFY, or a context that does not skip it). */
  tlsVerify?: boolean;
  /** The well-known endpoints that were looked at, for a window that has to say what it tried. */
  tried: string[];
}

export interface FindEngineOptions {
  setting?: string | undefined;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  present?: (url: string) => boolean;
}

export function defaultEngineHost(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}

/** Describes an endpoint in a few words: "unix:///x.sock (docker context colima)". */
export function describeEngine(endpoint: Pick<EngineEndpoint, 'host' | 'source' | 'context'>): string {
  const why = {
    setting: 'the dockerHost setting',
    DOCKER_HOST: 'DOCKER_HOST',
    context: `docker context "${endpoint.context ?? ''}"`,
    probe: 'found by looking',
    default: 'the default; nothing else was found',
  }[endpoint.source];
  return `${endpoint.host} (${why})`;
}

/** The endpoint as the contract shows it: no TLS paths, a description in words. */
export function engineInUse(endpoint: EngineEndpoint): EngineInUse {
  return {
    host: endpoint.host,
    source: endpoint.source,
    ...(endpoint.context ? { context: endpoint.context } : {}),
    description: describeEngine(endpoint),
    tried: [...endpoint.tried],
  };
}

export function findEngine(options: FindEngineOptions = {}): EngineEndpoint {
  const env = options.env ?? process.env;
  const home = options.home ?? (env.HOME || os.homedir());
  const platform = options.platform ?? process.platform;
  const present = options.present ?? endpointPresent;
  const envTls = (): Pick<EngineEndpoint, 'tlsDir' | 'tlsVerify'> => ({
    ...(env.DOCKER_CERT_PATH ? { tlsDir: env.DOCKER_CERT_PATH } : {}),
    ...((env.DOCKER_TLS_VERIFY ?? '') !== '' ? { tlsVerify: true } : {}),
  });

  if (options.setting) return { host: options.setting, source: 'setting', ...envTls(), tried: [] };
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST, source: 'DOCKER_HOST', ...envTls(), tried: [] };
  const configDir = dockerConfigDir(env, home);
  const contextName = currentContextName(env, configDir);
  if (contextName) return contextEndpoint(contextName, configDir);
  const tried = wellKnownEndpoints(env, home, platform);
  const found = tried.find(present);
  if (found) return { host: found, source: 'probe', tried };
  return { host: defaultEngineHost(platform), source: 'default', tried };
}

/** The endpoint of an engine the settings name: its host URL, or its docker context read as the docker CLI does. */
export function endpointFor(
  setting: { host?: string | undefined; context?: string | undefined },
  options: Pick<FindEngineOptions, 'env' | 'home'> = {},
): EngineEndpoint {
  const env = options.env ?? process.env;
  if (setting.host) return findEngine({ setting: setting.host, env, ...(options.home ? { home: options.home } : {}) });
  const home = options.home ?? (env.HOME || os.homedir());
  return contextEndpoint(setting.context ?? '', dockerConfigDir(env, home));
}

/** A docker context's endpoint, with its TLS files. */
function contextEndpoint(name: string, configDir: string): EngineEndpoint {
  const context = readContext(name, configDir);
  return {
    host: context.host,
    source: 'context',
    context: context.name,
    ...(context.tlsDir ? { tlsDir: context.tlsDir } : {}),
    tlsVerify: !context.skipTlsVerify,
    tried: [],
  };
}
