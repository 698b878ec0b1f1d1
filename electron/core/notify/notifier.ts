// Delivery to the channels: never in the way of a check or a refresh (each send runs on its
// own, bounded by its timeout), retried with backoff a bounded number of times, then given up
// with the reason recorded (the runtime's history, the log). Filters per channel by event kind
// and runtime.
import type { ChannelTestResult } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import type { Log } from '../log.js';
import { parseChannel, type Channel } from './channels.js';
import { MessageMaker, type NotifyKind, type NotifyMessage } from './message.js';

export interface ChannelSetting {
  url: string;
  events?: NotifyKind[] | undefined;
  runtimes?: string[] | undefined;
}

interface Route {
  channel: Channel;
  events: ReadonlySet<NotifyKind> | null;
  runtimes: ReadonlySet<string> | null;
}

export interface NotifierDeps {
  log?: Log;
  /** Told a delivery that was given up, for the runtime's history. */
  gaveUp?: (message: NotifyMessage, channel: string, reason: string) => void;
  /** Waits between attempts; its length + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  now?: () => number;
}

export const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000];

/** Parses the `notify` setting; a bad entry is a config error naming its index, never its secret. */
export function parseChannels(settings: ReadonlyArray<string | ChannelSetting>, where: string, env: NodeJS.ProcessEnv = {}): Route[] {
  return settings.map((entry, index) => routeOf(entry, `${where}: notify[${index}]`, env));
}

/** One channel and its filters; a bad URL is a config error that says `where`, never the secret. */
export function routeOf(entry: string | ChannelSetting, where: string, env: NodeJS.ProcessEnv = {}): Route {
  const setting = typeof entry === 'string' ? { url: entry } : entry;
  return {
    channel: parseChannel(setting.url, where, env),
    events: setting.events ? new Set(setting.events) : null,
    runtimes: setting.runtimes ? new Set(setting.runtimes) : null,
  };
}

export class Notifier {
  private readonly maker: MessageMaker;
  private readonly pending = new Set<Promise<void>>();
  private readonly delays: readonly number[];
  private readonly stop = new AbortController();

  constructor(
    private routes: Route[],
    private readonly deps: NotifierDeps = {},
  ) {
    this.maker = new MessageMaker(deps.now);
    this.delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** A channel added or removed in the window: deliveries under way finish on the old list. */
  setRoutes(routes: Route[]): void {
    this.routes = routes;
  }

  get channels(): string[] {
    return this.routes.map((r) => r.channel.label);
  }

  handle(event: CoreEvent): void {
    if (this.routes.length === 0) return;
    const message = this.maker.fromEvent(event);
    if (message) this.send(message);
  }

  /** Events that are not the core's: a crash repaired, the engine gone and back. */
  tell(kind: 'recovered' | 'engine-unreachable' | 'engine-back', title: string, body: string): void {
    if (this.routes.length) this.send(this.maker.message(kind, title, body));
  }

  /** Starts the deliveries and returns at once. */
  send(message: NotifyMessage): void {
    for (const route of this.routes) {
      if (route.events && !route.events.has(message.kind)) continue;
      if (route.runtimes && message.runtime && !route.runtimes.has(message.runtime)) continue;
      const delivery = this.deliver(route.channel, message).finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  private async deliver(channel: Channel, message: NotifyMessage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await channel.send(message, this.stop.signal);
        return;
      } catch (err) {
        const reason = (err as Error).message;
        if (this.stop.signal.aborted) return;
        const delay = this.delays[attempt];
        if (delay === undefined) {
          this.deps.log?.(`image-auto-refresh: notification "${message.title}" not delivered after ${attempt + 1} attempts: ${reason}`, {
            level: 'warn',
            ...(message.runtime ? { runtime: message.runtime } : {}),
          });
          this.deps.gaveUp?.(message, channel.label, reason);
          return;
        }
        this.deps.log?.(
          `image-auto-refresh: notification to ${channel.label} failed (attempt ${attempt + 1}), retrying in ${Math.round(delay / 1000)} s: ${reason}`,
          {
            level: 'warn',
          },
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (this.stop.signal.aborted) return;
      }
    }
  }

  /** `imagewatch notify-test`: one message to each channel, and what each answered. */
  async test(): Promise<ChannelTestResult[]> {
    return Promise.all(this.routes.map(({ channel }) => this.testOne(channel)));
  }

  /** The window's "Send test": one message now, not retried, and what the channel answered. */
  async testOne(channel: Channel): Promise<ChannelTestResult> {
    const message = this.maker.message('test', 'imagewatch test', 'This channel works: imagewatch will tell you here when a watched image has a new version.');
    try {
      return { channel: channel.label, ok: true, answer: await channel.send(message, this.stop.signal) };
    } catch (err) {
      return { channel: channel.label, ok: false, answer: (err as Error).message };
    }
  }

  /** At shutdown: deliveries under way get `graceMs`, retries waiting are dropped. */
  async close(graceMs = 2_000): Promise<void> {
    const all = Promise.allSettled([...this.pending]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.stop.abort();
  }
}

export type { Route };
