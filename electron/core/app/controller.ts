// The core behind the contract in shared/api.ts. Electron main and `imagewatch serve` both
// put their transport in front of one of these; neither holds any update logic of its own.
import type { AppState, ApiEvent, ChannelInput, CredentialInput, RefreshRequestOptions, SettingsPatch } from '../../../shared/api.js';
import { ALL_RUNTIMES } from '../../../shared/api.js';
import type { ChannelTestResult, CheckReport, EngineHealth, EngineSetting, HistoryEntry, RefreshResult, RuntimeConfig } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import type { Settings } from '../../../shared/schemas.js';
import { resolveSettings } from '../config/load.js';
import type { CoreRunner } from './core-runner.js';
import { addRuntime, removeRuntime, updateSettings, type SettingsEdits } from './settings-edits.js';
import { appStateOf } from './app-state.js';
import { cliWork } from './cli-work.js';
import { addEngine, removeEngine, useEngine, type EngineEdits } from './engine-edits.js';
import { healthOf, type Health } from './health.js';
import type { NotifyChannels } from './notify-channels.js';
import type { Core } from '../core.js';
import type { CredentialEdits } from './secrets.js';
import { wireController, type AppControllerOptions } from './wiring.js';
import { Broadcast } from './broadcast.js';
import type { HandoffHandler } from '../owner/channel.js';
import { handoffHandler, type HandoffTarget } from '../owner/handoff.js';
import { UnknownRuntimeError } from '../errors.js';
import { InvalidArgumentError } from '../../../shared/api-schemas.js';
import { withTag } from '../image/reference.js';

export type { AppControllerOptions };

export class AppController {
  private readonly events = new Broadcast<ApiEvent>();
  private readonly warnings: string[] = [];
  private runner!: CoreRunner;
  private settings: Settings = {};
  private credentials!: CredentialEdits;
  private channels!: NotifyChannels;
  private readonly env: NodeJS.ProcessEnv;
  private readonly startedAtMs = Date.now();

  private constructor(private readonly options: AppControllerOptions) {
    this.env = options.env ?? process.env;
  }

  static async create(options: AppControllerOptions): Promise<AppController> {
    const controller = new AppController(options);
    await controller.init();
    return controller;
  }

  private async init(): Promise<void> {
    this.settings = await this.options.settingsStore.load();
    const parts = await wireController(this.options, {
      env: this.env,
      settings: () => this.settings,
      saveSettings: (s) => this.saveSettings(s),
      onCoreEvent: (event) => this.onCoreEvent(event),
      changed: () => void this.changed(),
      warn: (line) => void this.warnings.push(line),
    });
    ({ credentials: this.credentials, channels: this.channels, runner: this.runner } = parts);
    await this.core.watcher.init();
    this.warnings.push(...(this.options.settingsStore.warnings ?? []), ...this.options.stateStore.warnings);
    // Not awaited: a silent engine must not hold up the window; the answer comes as app-changed.
    void this.checkEngine();
  }

  private get core(): Core {
    return this.runner.core;
  }

  /** Whether /metrics is served without the token (the `metrics.public` setting). */
  get metricsPublic(): boolean {
    return this.core.config.metricsPublic;
  }

  /** For /healthz: ok, or the reasons it is not. */
  health(nowMs: number = Date.now()): Health {
    return healthOf(this.getState(), { nowMs, startedAtMs: this.startedAtMs });
  }

  /** `imagewatch notify-test`: a test message to each channel, and what each answered. */
  notifyTest(): Promise<ChannelTestResult[]> {
    return this.channels.test();
  }

  /** Asks whether the engine answers (and, if not, which other sockets do); tells the window when that changed. */
  checkEngine(): Promise<EngineHealth> {
    return this.runner.checkEngine();
  }

  private onCoreEvent(event: CoreEvent): void {
    this.options.metrics?.observe(event);
    this.channels.handle(event);
    this.events.emit(event);
    // A check in discovery mode may have found new containers' images: the window's list follows.
    if (event.type === 'check-finished' && this.core.config.discover !== false) this.changed();
  }

  private changed(): AppState {
    const state = this.getState();
    this.events.emit({ type: 'app-changed', state });
    return state;
  }

  onEvent(listener: (event: ApiEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** Repairs replacements a crashed run left (only the state directory's owner may call it). */
  recover(): Promise<void> {
    return this.runner.recover();
  }

  /** Starts the watch loop (one tick at once, then every interval). */
  start(): void {
    this.runner.start();
  }

  /** Stops the loop and waits for any replacement in flight, so none is left half done. */
  stop(reason?: Error): Promise<void> {
    return this.runner.stop(reason);
  }

  /** Whether a refresh is running on any engine, for "quit waits" messages. */
  get busy(): boolean {
    return this.core.engines.list().some((m) => m.refresher.busy);
  }

  /** Whether a container is being replaced on any engine (quit waits for it; a pull is aborted). */
  get replacing(): boolean {
    return this.core.engines.list().some((m) => m.refresher.replacing);
  }

  /** `check` and `refresh` as the CLI runs them, here or handed over; `signal` cuts them short. */
  work(signal?: AbortSignal): HandoffTarget {
    return cliWork(
      { core: () => this.core, check: (o) => this.check(o), refresh: (names, o) => this.refreshNamed(names, o), checkEngine: () => this.checkEngine() },
      signal,
    );
  }

  /** The channel handler for work handed over while this process owns the state directory. */
  handoff(signal?: AbortSignal): HandoffHandler {
    return handoffHandler(this.work(signal));
  }

  /** One check of every runtime (`imagewatch check`); `autoRefresh` overrides the setting for it. */
  async check(options: { autoRefresh?: boolean; signal?: AbortSignal; engines?: readonly string[] } = {}): Promise<CheckReport[]> {
    const reports = await this.core.watcher.tick({
      ...(options.autoRefresh ? { autoRefresh: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.engines ? { engines: options.engines } : {}),
    });
    this.changed();
    return reports;
  }

  getState(): AppState {
    return appStateOf({
      core: this.core,
      checking: this.runner.checking,
      refreshing: this.core.watcher.refreshing(),
      warnings: this.warnings,
      credentialRegistries: this.credentials.registries,
      engineHealth: this.runner.engineHealth,
      channels: this.channels.views(),
      env: this.env,
    });
  }

  private async saveSettings(next: Settings): Promise<void> {
    const resolved = resolveSettings(next, this.options.settingsStore.location, this.env);
    await this.options.settingsStore.save(next);
    this.settings = next;
    this.core.applySettings(resolved);
  }

  private runtime(name: string): RuntimeConfig {
    const all = this.core.watchlist.runtimes();
    const found = all.find((r) => r.name === name);
    if (!found)
      throw new UnknownRuntimeError(
        name,
        all.map((r) => r.name),
      );
    return found;
  }

  async checkNow(): Promise<AppState> {
    await this.core.watcher.tick();
    return this.getState();
  }

  async refresh(target: string, options: RefreshRequestOptions = {}): Promise<RefreshResult> {
    const { engine, ...rest } = options;
    return this.refreshNamed(target === ALL_RUNTIMES ? [] : [target], { ...rest, ...(engine ? { engines: [engine] } : {}) });
  }

  /** Refreshes the named runtimes, or all of them for an empty list; an unknown name changes nothing. */
  async refreshNamed(
    names: readonly string[],
    options: RefreshRequestOptions & { signal?: AbortSignal; engines?: readonly string[] } = {},
  ): Promise<RefreshResult> {
    if (options.toTag !== undefined && names.length !== 1) throw new InvalidArgumentError('toTag moves one runtime: name it');
    const moving = options.toTag !== undefined ? this.runtime(names[0]!) : null;
    const result = await this.core.watcher.refresh(names, {
      ...(options.pullOnly ? { pullOnly: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.engines ? { engines: options.engines } : {}),
      ...(options.toTag ? { toTag: options.toTag } : {}),
    });
    // A configured runtime moved to another tag watches that tag from now on (a discovered one follows its containers).
    if (moving && result.details[moving.name]?.ok && !this.core.watchlist.isDiscovered(moving.name)) {
      const image = withTag(moving.image, options.toTag!);
      await this.saveSettings({ ...this.settings, runtimes: this.core.config.runtimes.map((r) => (r.name === moving.name ? { ...r, image } : r)) });
    }
    this.changed();
    return result;
  }

  async setAutoRefresh(enabled: boolean): Promise<AppState> {
    await this.saveSettings({ ...this.settings, autoRefresh: enabled });
    return this.changed();
  }

  updateSettings(patch: SettingsPatch): Promise<AppState> {
    return updateSettings(this.edits(), patch);
  }

  addRuntime(runtime: RuntimeConfig): Promise<AppState> {
    return addRuntime(this.edits(), runtime);
  }

  async removeRuntime(name: string): Promise<AppState> {
    this.runtime(name);
    return removeRuntime(this.edits(), name);
  }

  private edits(): SettingsEdits {
    return {
      core: this.core,
      settings: this.settings,
      save: (next) => this.saveSettings(next),
      changed: () => this.changed(),
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
    };
  }

  private engineEdits(): EngineEdits {
    return {
      runner: this.runner,
      settings: this.settings,
      where: this.options.settingsStore.location,
      env: this.env,
      keep: async (next) => {
        await this.options.settingsStore.save(next);
        this.settings = next;
      },
      save: (next) => this.saveSettings(next),
      changed: () => this.changed(),
    };
  }

  /** Puts a socket the window was offered in place of the first engine (see engine-edits.ts). */
  useEngine(host: string): Promise<AppState> {
    return useEngine(this.engineEdits(), host);
  }

  /** Adds an engine, probed before it is kept, and checks it at once. */
  addEngine(setting: EngineSetting): Promise<AppState> {
    return addEngine(this.engineEdits(), setting);
  }

  removeEngine(name: string): Promise<AppState> {
    return removeEngine(this.engineEdits(), name);
  }

  async getHistory(name: string): Promise<HistoryEntry[]> {
    this.runtime(name);
    return structuredClone(this.core.watcher.stateOf(name).history);
  }

  async setCredential(input: CredentialInput): Promise<AppState> {
    await this.credentials.set(input);
    return this.changed();
  }

  async removeCredential(registry: string): Promise<AppState> {
    await this.credentials.remove(registry);
    return this.changed();
  }

  async addChannel(input: ChannelInput): Promise<AppState> {
    await this.channels.add(input);
    return this.changed();
  }

  async removeChannel(id: string): Promise<AppState> {
    await this.channels.remove(id);
    return this.changed();
  }

  async testChannel(id: string): Promise<ChannelTestResult> {
    const [result] = await this.channels.test(id);
    if (!result) throw new Error('internal: no test result');
    return result;
  }
}
