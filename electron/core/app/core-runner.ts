// The running core behind the controller: the Core built from the settings, its watch loop,
// whether it is checking now, whether its engines answer (each asked again with its own
// backoff while it does not), and putting another endpoint in place of an engine. The
// controller puts the contract on top of this.
import type { EngineHealth } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Core, EngineParts } from '../core.js';

export interface CoreRunnerDeps {
  /** Builds the Core whose events come to `runner.observe`. */
  build: (config: ResolvedConfig) => Core;
  /** Each core event, after the runner has noted it. */
  onEvent: (event: CoreEvent) => void;
  /** An engine's health changed (the window redraws). */
  onHealthChanged: () => void;
  /** An engine went away or came back (told to the notification channels); `engine` is named when there are several. */
  onEngineChange: (reachable: boolean, line: string, engine?: string) => void;
  /** After the loop and the core have stopped, before `stop` returns. */
  onStopped: () => Promise<void>;
}

export class CoreRunner {
  readonly core: Core;
  checking = false;
  private loop: { controller: AbortController; done: Promise<void> } | null = null;
  private stopped: Promise<void> | null = null;
  /** Per engine: the next ask while it does not answer. */
  private readonly retries = new Map<string, NodeJS.Timeout>();

  constructor(
    config: ResolvedConfig,
    private readonly deps: CoreRunnerDeps,
  ) {
    this.core = deps.build(config);
  }

  /** The first engine's last known health (the only engine's, while there is one). */
  get engineHealth(): EngineHealth | undefined {
    return this.core.engines.first.engine.health.health;
  }

  observe(event: CoreEvent): void {
    if (event.type === 'check-started') this.checking = true;
    if (event.type === 'check-finished') this.checking = false;
    this.deps.onEvent(event);
    // After each check, whether the engines still answer (one ping each; more only when one does not).
    if (event.type === 'check-finished') void this.checkEngine().catch(() => undefined);
  }

  /** Asks whether each engine answers (and, if not, which other sockets do); returns the first's health. */
  async checkEngine(): Promise<EngineHealth> {
    const [first] = await Promise.all(this.core.engines.list().map((member) => this.checkOne(member)));
    return first!;
  }

  private async checkOne(member: EngineParts): Promise<EngineHealth> {
    const { engine } = member;
    const { health, changed, transition } = await engine.health.check();
    // Replaced meanwhile: this answer is about an endpoint no longer in use.
    if (this.core.engines.get(engine.name) !== member) return health;
    if (transition) {
      // Told on a change only: not at every check while it stays down.
      this.deps.onEngineChange(
        health.reachable,
        health.reachable ? `${engine.inUse.description} answers again` : `${engine.inUse.description}: ${health.error}`,
        this.core.engines.names().length > 1 ? engine.name : undefined,
      );
    }
    // Back: what it missed is caught up at once, not after its refreshes' backoff.
    if (transition === 'back' && this.core.watcher.retryNow(engine.name)) this.core.loop.wake();
    if (changed) this.deps.onHealthChanged();
    this.planRetry(member);
    return health;
  }

  /** While the loop runs and an engine does not answer, it is asked again with its own backoff, between checks. */
  private planRetry(member: EngineParts): void {
    const name = member.engine.name;
    clearTimeout(this.retries.get(name));
    this.retries.delete(name);
    const wait = member.engine.health.retryInMs();
    if (wait === null || !this.loop) return;
    const timer = setTimeout(() => {
      this.retries.delete(name);
      if (this.loop && this.core.engines.get(name) === member) void this.checkOne(member).catch(() => undefined);
    }, wait);
    timer.unref();
    this.retries.set(name, timer);
  }

  /** Repairs replacements a crashed run left (only the state directory's owner may call it). */
  async recover(): Promise<void> {
    await Promise.all(this.core.engines.list().map((member) => member.refresher.recover()));
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
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
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

  /**
   * Puts the endpoint `host` in place of the named engine, with the settings that say so: the
   * loop (if it ran) waits for that engine's work, then goes on with the rest of the core as it was.
   */
  async replaceEngine(name: string, host: string, config: ResolvedConfig, save: () => Promise<void>): Promise<void> {
    const wasRunning = await this.stopLoop(new Error('switching engines'));
    await save();
    await this.core.replaceEngine(name, host);
    this.core.applySettings(config);
    await this.checkEngine();
    if (wasRunning) this.start();
  }
}
