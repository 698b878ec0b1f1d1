// How a controller's parts are built from its options: the settings, the credential store, the
// notification channels, and the running core, each wired to the controller's hooks. Also what
// the channels are told beside the core's events: an engine going away or coming back, a crash
// repaired, a notification given up (kept in the runtime's history).
import type { Settings } from '../../../shared/schemas.js';
import type { CoreEvent } from '../../../shared/events.js';
import { resolveSettings } from '../config/load.js';
import { createCore } from '../core.js';
import { defaultCredentialChain } from '../registry/credentials.js';
import { CoreRunner } from './core-runner.js';
import { NotifyChannels, type ChannelVault } from './notify-channels.js';
import { CredentialEdits, SecretCredentials, SettingsSecrets, type SecretStore } from './secrets.js';
import type { SettingsStore } from './settings-store.js';
import type { StateStore } from '../state/store.js';
import type { Log } from '../log.js';
import type { CoreMetrics } from '../metrics/metrics.js';
import type { EngineClient } from '../engines/client.js';

export interface AppControllerOptions {
  settingsStore: SettingsStore;
  stateStore: StateStore;
  /** Defaults to the `credentials` map in the settings. */
  secrets?: (controller: { settings: () => Settings; saveSettings: (s: Settings) => Promise<void> }) => SecretStore;
  env?: NodeJS.ProcessEnv;
  docker?: EngineClient;
  journalPath?: string;
  log?: Log;
  /** Things the user should be told once (a crash repaired); also kept in the warnings. Else logged. */
  notice?: (line: string) => void;
  /** What /metrics exports (imagewatch serve). */
  metrics?: CoreMetrics;
  /** Waits between notification attempts (tests shorten them). */
  notifyRetryDelaysMs?: readonly number[];
  /** Where channels added in the window are kept (the desktop's keychain); else the settings. */
  channelVault?: ChannelVault;
}

export interface ControllerHooks {
  env: NodeJS.ProcessEnv;
  settings: () => Settings;
  /** Validates, saves and applies new settings. */
  saveSettings: (next: Settings) => Promise<void>;
  onCoreEvent: (event: CoreEvent) => void;
  /** Something changed that the window should redraw. */
  changed: () => void;
  /** A line kept among the warnings the window shows. */
  warn: (line: string) => void;
}

export interface ControllerParts {
  credentials: CredentialEdits;
  channels: NotifyChannels;
  runner: CoreRunner;
}

export async function wireController(options: AppControllerOptions, hooks: ControllerHooks): Promise<ControllerParts> {
  const { env } = hooks;
  // The settings as the controller has loaded them (`hooks.settings`), read by every part.
  const config = resolveSettings(hooks.settings(), options.settingsStore.location, env);
  const secrets = options.secrets
    ? options.secrets({ settings: hooks.settings, saveSettings: hooks.saveSettings })
    : new SettingsSecrets(hooks.settings, hooks.saveSettings);
  // `runner` is made below; the callbacks that read it run only once it exists.
  const credentials = new CredentialEdits(secrets, (registry) => runner.core.registry.forgetCredentials(registry));
  await credentials.load();
  const channels = await NotifyChannels.create({
    settings: hooks.settings,
    saveSettings: hooks.saveSettings,
    where: options.settingsStore.location,
    env,
    ...(options.channelVault ? { vault: options.channelVault } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.notifyRetryDelaysMs ? { retryDelaysMs: options.notifyRetryDelaysMs } : {}),
    gaveUp: (message, channel, reason) => {
      const entry = { at: new Date().toISOString(), kind: 'notify-failed' as const, message: `${message.title}: not delivered to ${channel}: ${reason}` };
      if (message.runtime) void runner.core.watcher.note(message.runtime, entry).catch(() => undefined);
      else hooks.warn(entry.message);
    },
  });
  const runner: CoreRunner = new CoreRunner(config, {
    build: (c) =>
      createCore({
        config: c,
        store: options.stateStore,
        env,
        credentials: defaultCredentialChain(new SecretCredentials(credentials.store), env),
        emit: (event) => runner.observe(event),
        ...(options.log ? { log: options.log } : {}),
        notice: (line) => {
          hooks.warn(line);
          (options.notice ?? options.log)?.(line);
          if (/^restored /.test(line)) channels.notifier.tell('recovered', 'Recovered after a crash', line);
        },
        ...(options.docker ? { docker: options.docker } : {}),
        ...(options.journalPath ? { journalPath: options.journalPath } : {}),
        ...(options.metrics ? { metrics: options.metrics } : {}),
      }),
    onEvent: hooks.onCoreEvent,
    onHealthChanged: hooks.changed,
    onEngineChange: (reachable, line, engine) =>
      channels.notifier.tell(
        reachable ? 'engine-back' : 'engine-unreachable',
        `Container engine ${engine ? `${engine} ` : ''}${reachable ? 'back' : 'unreachable'}`,
        line,
      ),
    onStopped: () => channels.close(),
  });
  return { credentials, channels, runner };
}
