// The window's edits of the engines: putting an offered socket in place of the first engine
// ("Use this" while it does not answer). Only a socket `engineHealth` found answering is
// accepted, so the window cannot point imagewatch (and the registry credentials it hands the
// engine with each pull) at an arbitrary host.
import type { AppState } from '../../../shared/api.js';
import { InvalidArgumentError } from '../../../shared/api-schemas.js';
import type { Settings } from '../../../shared/schemas.js';
import { resolveSettings, type ResolvedConfig } from '../config/load.js';
import { offeredEngines } from '../engines/health.js';
import type { CoreRunner } from './core-runner.js';

export interface EngineEdits {
  runner: CoreRunner;
  settings: Settings;
  where: string;
  env: NodeJS.ProcessEnv;
  /** Saves the settings (already validated) and keeps them as the controller's. */
  keep: (next: Settings) => Promise<void>;
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
