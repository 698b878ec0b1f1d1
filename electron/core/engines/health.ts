// Whether the engine in use answers, and when it does not, which other engine sockets exist on
// this machine and which of those answer: what the window offers the user to switch to.
import os from 'node:os';
import type { EngineHealth } from '../../../shared/dto.js';
import { connectDocker, engineMessage } from './connect.js';
import { safeText } from '../util/safe-text.js';
import type { EngineEndpoint } from './endpoint/find-endpoint.js';
import { endpointPresent, wellKnownEndpoints } from './endpoint/probes.js';
import type { EngineClient } from './client.js';

const PING_MS = 3_000;

async function answers(docker: EngineClient): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_MS / 1000} s`)), PING_MS);
      }),
    ]);
    return null;
  } catch (err) {
    return safeText(engineMessage(err), { max: 300 });
  } finally {
    clearTimeout(timer);
  }
}

export interface EngineHealthOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  present?: (url: string) => boolean;
  /** A client for another endpoint (tests inject faults here). */
  connect?: (host: string) => EngineClient;
}

export async function engineHealth(docker: EngineClient, endpoint: EngineEndpoint, options: EngineHealthOptions = {}): Promise<EngineHealth> {
  const error = await answers(docker);
  if (error === null) return { reachable: true };
  const env = options.env ?? process.env;
  const present = options.present ?? endpointPresent;
  const connect = options.connect ?? ((host: string) => connectDocker({ host }, env));
  const looked = endpoint.tried.length ? endpoint.tried : wellKnownEndpoints(env, options.home ?? (env.HOME || os.homedir()), options.platform);
  const sockets = looked.filter((host) => host !== endpoint.host && host.startsWith('unix://') && present(host));
  const found = await Promise.all(sockets.map(async (host) => ({ host, answers: (await answers(connect(host))) === null })));
  return { reachable: false, error, found };
}

/** Whether an endpoint answers (before it is kept as an engine): null, or why not in a few words. */
export async function probeEndpoint(endpoint: EngineEndpoint, env: NodeJS.ProcessEnv): Promise<string | null> {
  return answers(connectDocker(endpoint, env));
}

/** The engines the window may switch to: other sockets found answering while the one in use does not. */
export function offeredEngines(health: EngineHealth | undefined): string[] {
  return health?.reachable === false ? health.found.filter((f) => f.answers).map((f) => f.host) : [];
}
