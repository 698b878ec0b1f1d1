// Reading and validating the config file into the settings the core runs with.
import type { EngineSetting, RecreateStrategy, RuntimeConfig } from '../../../shared/dto.js';
import { describeIssues, SETTING_DEFAULTS, SettingsSchema, type Settings } from '../../../shared/schemas.js';
import { parseReference } from '../image/reference.js';
import { defaultRuntimes, envAutoRefresh } from './defaults.js';
import { defaultConfigPath } from './paths.js';
import { readTextIfExists } from '../util/files.js';
import { ConfigError, InvalidReferenceError } from '../errors.js';
import { parseChannels } from '../notify/notifier.js';

import { parseWindow } from '../update/when/window.js';
export interface ResolvedConfig {
  /** Where the settings came from: a file path, or `built-in defaults`. */
  source: string;
  runtimes: RuntimeConfig[];
  intervalMs: number;
  autoRefresh: boolean;
  recreate: RecreateStrategy;
  dockerHost: string | undefined;
  /** Several engines, by name; undefined for the one engine `dockerHost` (or the environment) names. */
  engines: EngineSetting[] | undefined;
  insecureRegistries: string[];
  credentials: NonNullable<Settings['credentials']>;
  caFiles: NonNullable<Settings['caFiles']>;
  startGraceMs: number;
  healthTimeoutMs: number;
  pullStallMs: number;
  concurrency: number;
  /** Discovery mode: also watch the images of the engine's containers. */
  discover: boolean | 'opt-in';
  /** /metrics without the token. */
  metricsPublic: boolean;
  /** Notification channels, checked at load. */
  notify: NonNullable<Settings['notify']>;
  /** Newer version tags for every runtime, unless a runtime says otherwise; undefined: false for configured runtimes, minor for discovered ones. */
  newerTags: Settings['newerTags'];
  tagsIntervalMs: number;
  /** The update window of runtimes that set none (checked at load). */
  window: string | undefined;
  minAgeMinutes: number;
  /** Old images cleaned after a refresh (per runtime too), keeping this many for a rollback. */
  cleanup: boolean;
  keepPrevious: number;
  /** Whether containers' hook labels are acted on (see update/hooks/). */
  hooks: boolean;
}

/** Validates the image references the schema can only see as strings. */
export function checkRuntimeImages(runtimes: readonly RuntimeConfig[], where: string): void {
  runtimes.forEach((runtime, index) => {
    try {
      const ref = parseReference(runtime.image);
      if (ref.digest !== undefined) {
        throw new InvalidReferenceError(runtime.image, 'pinned to a digest, which never moves; watch a tag instead');
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ConfigError(`${where}: runtimes[${index}].image (runtime "${runtime.name}"): ${message}`);
    }
  });
}

/** The engines a runtime names must be configured ones; `dockerHost` is the one-engine form of `engines`. */
export function checkEngines(settings: Pick<Settings, 'engines' | 'dockerHost' | 'runtimes'>, where: string): void {
  if (settings.engines && settings.dockerHost) throw new ConfigError(`${where}: dockerHost and engines are both set; give that host as one of the engines`);
  const known = settings.engines?.map((e) => e.name) ?? [];
  (settings.runtimes ?? []).forEach((runtime, index) => {
    for (const name of runtime.engines ?? []) {
      if (known.includes(name)) continue;
      const have = known.length ? `the engines are ${known.join(', ')}` : 'no "engines" are configured';
      throw new ConfigError(`${where}: runtimes[${index}].engines (runtime "${runtime.name}") names engine "${name}", but ${have}`);
    }
  });
}

/** Update windows are read now, so a wrong one is a config error naming it, not a refresh that never comes. */
export function checkWindows(settings: Pick<Settings, 'window' | 'runtimes'>, where: string): void {
  const check = (text: string | undefined, key: string): void => {
    if (text === undefined) return;
    try {
      parseWindow(text);
    } catch (err) {
      throw new ConfigError(`${where}: ${key}: ${(err as Error).message}`);
    }
  };
  check(settings.window, 'window');
  (settings.runtimes ?? []).forEach((runtime, index) => check(runtime.window, `runtimes[${index}].window (runtime "${runtime.name}")`));
}

export function resolveSettings(settings: Settings, source: string, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const discover = settings.discover ?? SETTING_DEFAULTS.discover;
  // In discovery mode the containers say what to watch; the origin's eight are the default only without it.
  const runtimes = settings.runtimes ?? (discover === false ? defaultRuntimes(env) : []);
  checkRuntimeImages(runtimes, source);
  checkEngines(settings, source);
  checkWindows(settings, source);
  // A channel that cannot work is a config error now, not a silent loss at the first event.
  parseChannels(settings.notify ?? [], source, env);
  return {
    source,
    runtimes,
    intervalMs: (settings.intervalSeconds ?? SETTING_DEFAULTS.intervalSeconds) * 1000,
    autoRefresh: (settings.autoRefresh ?? SETTING_DEFAULTS.autoRefresh) || envAutoRefresh(env),
    recreate: settings.recreate ?? SETTING_DEFAULTS.recreate,
    dockerHost: settings.dockerHost,
    engines: settings.engines,
    insecureRegistries: settings.insecureRegistries ?? [...SETTING_DEFAULTS.insecureRegistries],
    credentials: settings.credentials ?? { ...SETTING_DEFAULTS.credentials },
    caFiles: settings.caFiles ?? { ...SETTING_DEFAULTS.caFiles },
    startGraceMs: (settings.startGraceSeconds ?? SETTING_DEFAULTS.startGraceSeconds) * 1000,
    healthTimeoutMs: (settings.healthTimeoutSeconds ?? SETTING_DEFAULTS.healthTimeoutSeconds) * 1000,
    pullStallMs: (settings.pullStallSeconds ?? SETTING_DEFAULTS.pullStallSeconds) * 1000,
    concurrency: settings.concurrency ?? SETTING_DEFAULTS.concurrency,
    discover,
    metricsPublic: settings.metrics?.public === true,
    notify: settings.notify ?? [],
    newerTags: settings.newerTags,
    tagsIntervalMs: (settings.tagsIntervalSeconds ?? SETTING_DEFAULTS.tagsIntervalSeconds) * 1000,
    window: settings.window,
    minAgeMinutes: settings.minAgeMinutes ?? SETTING_DEFAULTS.minAgeMinutes,
    cleanup: settings.cleanup ?? SETTING_DEFAULTS.cleanup,
    keepPrevious: settings.keepPrevious ?? SETTING_DEFAULTS.keepPrevious,
    hooks: settings.hooks ?? SETTING_DEFAULTS.hooks,
  };
}

export function validateSettings(raw: unknown, where: string): Settings {
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, where));
  checkRuntimeImages(parsed.data.runtimes ?? [], where);
  checkEngines(parsed.data, where);
  checkWindows(parsed.data, where);
  return parsed.data;
}

export function parseSettings(text: string, where: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${where}: not valid JSON: ${(err as Error).message}`);
  }
  return validateSettings(raw, where);
}

/**
 * `--config`, else IMAGEWATCH_CONFIG, else the per-user config file. A file named
 * explicitly must exist; the per-user one is optional and the origin's defaults apply.
 */
export function configLocation(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): { file: string; required: boolean } {
  const named = explicitPath ?? (env.IMAGEWATCH_CONFIG || undefined);
  return { file: named ?? defaultConfigPath(env), required: named !== undefined };
}

/** The settings in `file`; null when it is absent and not required. */
export async function readSettingsFile(file: string, required: boolean): Promise<Settings | null> {
  let text: string | null;
  try {
    text = await readTextIfExists(file);
  } catch (err) {
    throw new ConfigError(`${file}: cannot read config: ${(err as Error).message}`);
  }
  if (text === null) {
    if (required) throw new ConfigError(`${file}: cannot read config: no such file`);
    return null;
  }
  return parseSettings(text, file);
}

export async function loadConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  const { file, required } = configLocation(explicitPath, env);
  const settings = await readSettingsFile(file, required);
  return settings === null ? resolveSettings({}, 'built-in defaults', env) : resolveSettings(settings, file, env);
}
