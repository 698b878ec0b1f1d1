// The window's edits of the settings that change what is watched: each is saved, applied to
// the running core, and shown at once; a change that adds something to watch checks it now
// rather than at the next interval.
import type { AppState, SettingsPatch } from '../../../shared/api.js';
import { InvalidArgumentError } from '../../../shared/api-schemas.js';
import type { RuntimeConfig } from '../../../shared/dto.js';
import type { Settings } from '../../../shared/schemas.js';
import { checkRuntimeImages } from '../config/load.js';
import type { Core } from '../core.js';
import { ConfigError, ConflictError } from '../errors.js';
import type { CoreMetrics } from '../metrics/metrics.js';

export interface SettingsEdits {
  core: Core;
  settings: Settings;
  /** Validates, saves and applies. */
  save: (next: Settings) => Promise<void>;
  /** Tells the window; returns the state it was told. */
  changed: () => AppState;
  metrics?: CoreMetrics;
}

/** A check now, whose end the window is told; its failures are the runtimes' own, shown there. */
function checkSoon(edits: SettingsEdits, only?: string[]): void {
  void edits.core.watcher.tick(only ? { only } : {}).then(
    () => edits.changed(),
    () => undefined,
  );
}

export async function updateSettings(edits: SettingsEdits, patch: SettingsPatch): Promise<AppState> {
  const discoveryChanged = patch.discover !== undefined && patch.discover !== edits.core.config.discover;
  await edits.save({ ...edits.settings, ...patch });
  const state = edits.changed();
  // Turning discovery on shows the containers' images now rather than at the next interval.
  if (discoveryChanged) checkSoon(edits);
  return state;
}

export async function addRuntime(edits: SettingsEdits, runtime: RuntimeConfig): Promise<AppState> {
  const taken = edits.core.watchlist.runtimes().find((r) => r.name.toLowerCase() === runtime.name.toLowerCase());
  if (taken) {
    throw new ConflictError(
      taken.name === runtime.name
        ? `a runtime named "${runtime.name}" already exists`
        : `a runtime named "${taken.name}" already exists; names differ in more than letter case`,
    );
  }
  try {
    checkRuntimeImages([runtime], 'addRuntime');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new InvalidArgumentError(err.message.replace('runtimes[0].image', 'image'));
  }
  await edits.save({ ...edits.settings, runtimes: [...edits.core.config.runtimes, runtime] });
  const state = edits.changed();
  checkSoon(edits, [runtime.name]);
  return state;
}

/** `name` is known to be watched (the controller checked). */
export async function removeRuntime(edits: SettingsEdits, name: string): Promise<AppState> {
  if (edits.core.watchlist.isDiscovered(name)) {
    throw new ConflictError(`"${name}" is watched because a container uses it; label the container imagewatch.enable=false to stop watching it`);
  }
  await edits.save({ ...edits.settings, runtimes: edits.core.config.runtimes.filter((r) => r.name !== name) });
  await edits.core.watcher.forget(name);
  edits.metrics?.forget(name);
  return edits.changed();
}
