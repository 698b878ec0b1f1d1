// Docker CLI contexts, read the way the docker CLI reads them: the current context's name from
// DOCKER_CONTEXT or `currentContext` in config.json, its endpoint from
// contexts/meta/<sha256 of the name>/meta.json, and its TLS files from contexts/tls/<same>/docker/.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerHostError } from '../../errors.js';

export interface ContextEndpoint {
  name: string;
  host: string;
  skipTlsVerify: boolean;
  /** Directory holding ca.pem, cert.pem and key.pem, when the context has TLS material. */
  tlsDir?: string;
}

export function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG || path.join(home, '.docker');
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

/** The context in force, or null for none ("default" is the docker CLI's name for none). */
export function currentContextName(env: NodeJS.ProcessEnv, configDir: string): string | null {
  const fromEnv = env.DOCKER_CONTEXT?.trim();
  if (fromEnv) return fromEnv === 'default' ? null : fromEnv;
  const file = path.join(configDir, 'config.json');
  if (!existsSync(file)) return null;
  let config: unknown;
  try {
    config = readJson(file);
  } catch {
    // An unreadable config is the credential code's to report; it names no context here.
    return null;
  }
  const name = (config as { currentContext?: unknown }).currentContext;
  return typeof name === 'string' && name !== '' && name !== 'default' ? name : null;
}

export function readContext(name: string, configDir: string): ContextEndpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
  if (!existsSync(meta)) throw new DockerHostError(`docker context "${name}" is in use but ${meta} does not exist (docker context ls lists the contexts)`);
  let parsed: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    parsed = readJson(meta) as typeof parsed;
  } catch (err) {
    throw new DockerHostError(`docker context "${name}": ${meta} is not valid JSON: ${(err as Error).message}`);
  }
  const host = parsed.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || host === '') throw new DockerHostError(`docker context "${name}" has no docker endpoint in ${meta}`);
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  return {
    name,
    host,
    skipTlsVerify: parsed.Endpoints?.docker?.SkipTLSVerify === true,
    ...(existsSync(tlsDir) ? { tlsDir } : {}),
  };
}
