// The running core behind the controller: the Core built from the settings, its watch loop,
// what it is doing now (checking, which runtimes are refreshing), whether its engine answers,
// and switching to another engine. The controller puts the contract on top of this.
import type { EngineHealth } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Core } from '../core.js';
import { engineHealth } from '../engines/health.js';

export interface CoreRunnerDeps {
  /** Builds a Core whose events come to `runner.observe`. */
  build: (config: ResolvedConfig) => Core;
  env: NodeJS.ProcessEnv;
  /** Each core event, after the runner has noted it. */
  onEvent: (event: CoreEvent) => void;
  /** The engine's health changed (the window redraws). */
  onHealthChanged: () => void;
  /** The engine went away or came back (told to the notification channels). */
  onEngineChange: (reachable: boolean, line: string) => void;
  /** After the loop and the core have stopped, before `stop` returns. */
  onStopped: () => Promise<void>;
}

export class CoreRunner {
  core: Core;
  engineHealth: EngineHealth | undefined;
  checking = false;
  readonly refreshing = new Set<string>();
  private loop: { controller: AbortController; done: Promise<void> } | null = null;
  private stopped: Promise<void> | null = null;

  constructor(
    config: ResolvedConfig,
    private readonly deps: CoreRunnerDeps,
  ) {
    this.core = deps.build(config);
  }

  observe(event: CoreEvent): void {
    if (event.type === 'refresh-started') this.refreshing.add(event.runtime);
    if (event.type === 'refresh-finished') this.refreshing.delete(event.runtime);
    if (event.type === 'check-started') this.checking = true;
    if (event.type === 'check-finished') this.checking = false;
    this.deps.onEvent(event);
    // After each check, whether the engine still answers (one ping; more only when it does not).
    if (event.type === 'check-finished') void this.checkEngine().catch(() => undefined);
  }

  /** Asks whether the engine answers (and, if not, which other sockets do). */
  async checkEngine(): Promise<EngineHealth> {
    const core = this.core;
    const health = await engineHealth(core.docker, core.engine, { env: this.deps.env });
    if (core !== this.core) return health; // the engine was switched meanwhile
    const changed = JSON.stringify(health) !== JSON.stringify(this.engineHealth);
    const before = this.engineHealth?.reachable;
    this.engineHealth = health;
    // Told on a change only: not at every check while it stays down.
    if (before !== undefined && before !== health.reachable) {
      this.deps.onEngineChange(
        health.reachable,
        health.reachable ? `${core.engineInUse.description} answers again` : `${core.engineInUse.description}: ${health.error}`,
      );
    }
    if (changed) this.deps.onHealthChanged();
    return health;
  }

  /** Repairs replacements a crashed run left (only the state directory's owner may call it). */
  recover(): Promise<void> {
    return this.core.refresher.recover();
  }

  /** Starts the watch loop (one tick at once, then every interval). */
  start(): void {
    if (this.loop || this.stopped) return;
    const controller = new AbortController();
    this.loop = { controller, done: this.recover().then(() => this.core.loop.run(controller.signal)) };
  }

  private async stopLoop(reason: Error): Promise<boolean> {
    const loop = this.loop;
    this.loop = null;
    if (!loop) return false;
    loop.controller.abort(reason);
    await loop.done;
    return true;
  }

  /** Stops the loop and waits for any replacement in flight, so none is left half done. */
  stop(reason: Error = new Error('quit')): Promise<void> {
    this.stopped ??= (async () => {
      await this.stopLoop(reason);
      await this.core.close();
      await this.deps.onStopped();
    })();
    return this.stopped;
  }

  /** A new core on another engine: the loop (if it ran) waits for the old one's work, then moves over. */
  async switchEngine(config: ResolvedConfig, save: () => Promise<void>): Promise<void> {
    const wasRunning = await this.stopLoop(new Error('switching engines'));
    await this.core.close();
    await save();
    this.core = this.deps.build(config);
    await this.core.watcher.init();
    this.engineHealth = undefined;
    await this.checkEngine();
    if (wasRunning) this.start();
  }
}
