// The window's edits of the engines: adding one (probed before it is kept), removing one, and
// putting an offered socket in place of the first engine ("Use this" while it does not answer;
// only a socket `engineHealth` found answering is accepted there).
import type { AppState } from '../../../shared/api.js';
import { InvalidArgumentError } from '../../../shared/api-schemas.js';
import type { Settings } from '../../../shared/schemas.js';
import { resolveSettings, type ResolvedConfig } from '../config/load.js';
import { offeredEngines, probeEndpoint } from '../engines/health.js';
import { endpointFor, type EngineEndpoint } from '../engines/endpoint/find-endpoint.js';
import type { Engine } from '../engines/engine.js';
import type { EngineSetting } from '../../../shared/dto.js';
import type { CoreRunner } from './core-runner.js';

export interface EngineEdits {
  runner: CoreRunner;
  settings: Settings;
  where: string;
  env: NodeJS.ProcessEnv;
  /** Saves the settings (already validated) and keeps them as the controller's. */
  keep: (next: Settings) => Promise<void>;
  /** Validates, saves and applies the settings to the running core. */
  save: (next: Settings) => Promise<void>;
  changed: () => AppState;
}

/**
 * The offered socket in place of the first engine, kept as the `dockerHost` setting, or as that
 * engine's host when the settings list `engines`.
 */
export async function useEngine(edits: EngineEdits, host: string): Promise<AppState> {
  const offered = offeredEngines(edits.runner.engineHealth);
  if (!offered.includes(host)) {
    throw new InvalidArgumentError(
      `useEngine: ${host.slice(0, 200)} is not an engine socket found answering here${offered.length ? ` (found: ${offered.join(', ')})` : ''}`,
    );
  }
  const name = edits.runner.core.engines.first.engine.name;
  const next: Settings = edits.settings.engines
    ? { ...edits.settings, engines: edits.settings.engines.map((e) => (e.name === name ? { name, host } : e)) }
    : { ...edits.settings, dockerHost: host };
  const resolved: ResolvedConfig = resolveSettings(next, edits.where, edits.env);
  await edits.runner.replaceEngine(name, host, resolved, () => edits.keep(next));
  return edits.changed();
}

/** Where an engine the window adds may be: plain tcp:// is refused beyond loopback (registry credentials go with each pull). */
function hostProblem(host: string): string | null {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return 'not a URL (want unix://, ssh://user@host, or tcp://host:2376 with TLS)';
  }
  const loopback = /^(127\.|localhost$|\[::1\]$)/.test(url.hostname);
  if ((url.protocol === 'tcp:' || url.protocol === 'http:') && !loopback && url.port !== '2376') {
    return 'plain tcp:// would hand registry credentials to the network in the clear; use ssh://user@host, or tcp://host:2376 with TLS';
  }
  return null;
}

/**
 * Adds an engine from the window: its name must be new, its endpoint must answer (probed before
 * it is kept), and it is checked at once rather than at the next interval. Kept in the settings'
 * `engines` (the one engine found so far is written there first, under its name).
 */
export async function addEngine(edits: EngineEdits, setting: EngineSetting): Promise<AppState> {
  const core = edits.runner.core;
  const names = core.engines.names();
  if (names.includes(setting.name)) throw new InvalidArgumentError(`addEngine: there is already an engine named ${setting.name}`);
  const problem = setting.host ? hostProblem(setting.host) : null;
  if (problem) throw new InvalidArgumentError(`addEngine: ${setting.host!.slice(0, 200)}: ${problem}`);
  let endpoint: EngineEndpoint;
  try {
    endpoint = endpointFor(setting, { env: edits.env });
  } catch (err) {
    throw new InvalidArgumentError(`addEngine: ${(err as Error).message}`);
  }
  const silent = await probeEndpoint(endpoint, edits.env);
  if (silent !== null) throw new InvalidArgumentError(`addEngine: ${setting.name} (${endpoint.host}) does not answer: ${silent}; not added`);
  const current: EngineSetting[] = edits.settings.engines ?? [firstAsSetting(core.engines.first.engine)];
  const { dockerHost: _dockerHost, ...rest } = edits.settings;
  const next: Settings = { ...rest, engines: [...current, setting] };
  await edits.save(next);
  core.addEngine(setting.name, endpoint);
  // Checked at once: its health, then its part of every runtime (a failure is the runtimes' own, shown there).
  void edits.runner
    .checkEngine()
    .then(() => core.watcher.tick({ engines: [setting.name] }))
    .then(
      () => edits.changed(),
      () => undefined,
    );
  return edits.changed();
}

/** Removes an engine: never the last one, nor one a runtime is limited to alone. What was kept about it is forgotten. */
export async function removeEngine(edits: EngineEdits, name: string): Promise<AppState> {
  const core = edits.runner.core;
  core.engines.get(name);
  if (core.engines.names().length === 1) throw new InvalidArgumentError(`removeEngine: ${name} is the only engine`);
  const only = (edits.settings.runtimes ?? []).find((r) => r.engines?.length === 1 && r.engines[0] === name);
  if (only) throw new InvalidArgumentError(`removeEngine: runtime ${only.name} runs on ${name} alone; change or remove it first`);
  const engines = (edits.settings.engines ?? [firstAsSetting(core.engines.first.engine)]).filter((e) => e.name !== name);
  const runtimes = edits.settings.runtimes?.map((r) => (r.engines ? { ...r, engines: r.engines.filter((e) => e !== name) } : r));
  const next: Settings = { ...edits.settings, engines, ...(runtimes ? { runtimes } : {}) };
  await edits.save(next);
  await core.removeEngine(name);
  return edits.changed();
}

/** The one engine found without an `engines` list, as an entry of that list. */
function firstAsSetting(engine: Engine): EngineSetting {
  return engine.endpoint.source === 'context' && engine.endpoint.context
    ? { name: engine.name, context: engine.endpoint.context }
    : { name: engine.name, host: engine.endpoint.host };
}
