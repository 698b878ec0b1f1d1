// The notification channels the app tells, and the window's edits of them. Channels come from
// the settings' `notify` list (the config file headless, settings.json on the desktop) and, on
// the desktop, from a vault sealed with the system keychain, where the window's additions go.
// The window names a channel by an id and sees only its masked label: a channel's URL holds its
// secrets (passwords, tokens, webhook paths, topics), so it never crosses the contract.
import { createHmac, randomBytes } from 'node:crypto';
import type { ChannelInput } from '../../../shared/api.js';
import type { ChannelTestResult, ChannelView } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import type { Settings } from '../../../shared/schemas.js';
import { InvalidArgumentError } from '../../../shared/api-schemas.js';
import { ConfigError, ConflictError } from '../errors.js';
import type { Log } from '../log.js';
import type { NotifyMessage } from '../notify/message.js';
import { Notifier, routeOf, type ChannelSetting, type Route } from '../notify/notifier.js';

export interface SealedChannel {
  id: string;
  /** null: it could not be unsealed (the keychain changed); listed so it can be removed. */
  setting: ChannelSetting | null;
}

/** Where the desktop keeps the channels added in the window (safeStorage, in electron/main). */
export interface ChannelVault {
  list(): Promise<SealedChannel[]>;
  add(setting: ChannelSetting): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface NotifyChannelsDeps {
  settings: () => Settings;
  saveSettings: (settings: Settings) => Promise<void>;
  /** Where the settings live, for messages. */
  where: string;
  env: NodeJS.ProcessEnv;
  vault?: ChannelVault;
  log?: Log;
  retryDelaysMs?: readonly number[];
  gaveUp: (message: NotifyMessage, channel: string, reason: string) => void;
}

/** The settings' and the vault's channels together; the same cap as the settings' list. */
const MAX_CHANNELS = 50;

interface Entry {
  view: ChannelView;
  setting: ChannelSetting | null;
  route: Route | null;
}

export class NotifyChannels {
  readonly notifier: Notifier;
  private entries: Entry[] = [];
  // Ids of settings entries are keyed per process so they say nothing about the URL behind them.
  private readonly idKey = randomBytes(32);

  private constructor(private readonly deps: NotifyChannelsDeps) {
    this.notifier = new Notifier([], {
      ...(deps.log ? { log: deps.log } : {}),
      ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
      gaveUp: deps.gaveUp,
    });
  }

  /** Throws a ConfigError for a bad entry in the settings, as loading the config always has. */
  static async create(deps: NotifyChannelsDeps): Promise<NotifyChannels> {
    const channels = new NotifyChannels(deps);
    await channels.reload();
    return channels;
  }

  private async reload(): Promise<void> {
    const entries: Entry[] = (this.deps.settings().notify ?? []).map((raw, index) => {
      const setting = typeof raw === 'string' ? { url: raw } : raw;
      const route = routeOf(setting, `${this.deps.where}: notify[${index}]`, this.deps.env);
      const id = createHmac('sha256', this.idKey)
        .update(`${index}\n${JSON.stringify(setting)}`)
        .digest('base64url')
        .slice(0, 16);
      return { view: viewOf(`settings-${id}`, route, setting, 'settings'), setting, route };
    });
    for (const sealed of (await this.deps.vault?.list()) ?? []) {
      const id = `keychain-${sealed.id}`;
      let route: Route | null = null;
      let problem = 'it could not be unsealed (was the system keychain reset?)';
      try {
        if (sealed.setting) route = routeOf(sealed.setting, 'kept in the keychain', this.deps.env);
      } catch (err) {
        problem = (err as Error).message;
      }
      entries.push(
        route && sealed.setting
          ? { view: viewOf(id, route, sealed.setting, 'keychain'), setting: sealed.setting, route }
          : { view: { id, label: `unusable channel: ${problem}`, kept: 'keychain', unusable: true }, setting: null, route: null },
      );
    }
    this.entries = entries;
    this.notifier.setRoutes(entries.flatMap((e) => (e.route ? [e.route] : [])));
  }

  views(): ChannelView[] {
    return this.entries.map((e) => structuredClone(e.view));
  }

  handle(event: CoreEvent): void {
    this.notifier.handle(event);
  }

  async add(input: ChannelInput): Promise<void> {
    try {
      routeOf(input, 'addChannel: url', this.deps.env);
    } catch (err) {
      if (err instanceof ConfigError) throw new InvalidArgumentError(err.message);
      throw err;
    }
    if (this.entries.some((e) => e.setting?.url === input.url)) throw new ConflictError('addChannel: that channel is already set up');
    if (this.entries.length >= MAX_CHANNELS) throw new ConflictError(`addChannel: at most ${MAX_CHANNELS} channels`);
    const setting: ChannelSetting = {
      url: input.url,
      ...(input.events?.length ? { events: [...new Set(input.events)] } : {}),
      ...(input.runtimes?.length ? { runtimes: [...new Set(input.runtimes)] } : {}),
    };
    if (this.deps.vault) {
      await this.deps.vault.add(setting);
    } else {
      const settings = this.deps.settings();
      const kept = setting.events || setting.runtimes ? setting : setting.url;
      await this.deps.saveSettings({ ...settings, notify: [...(settings.notify ?? []), kept] });
    }
    await this.reload();
  }

  async remove(id: string): Promise<void> {
    const index = this.entries.findIndex((e) => e.view.id === id);
    const entry = this.entries[index];
    if (!entry) throw new InvalidArgumentError(`removeChannel: no channel ${id} (it may have been removed already)`);
    if (entry.view.kept === 'keychain') {
      await this.deps.vault?.remove(id.slice('keychain-'.length));
    } else {
      // Settings entries come first, in the settings' order.
      const settings = this.deps.settings();
      await this.deps.saveSettings({ ...settings, notify: (settings.notify ?? []).filter((_, i) => i !== index) });
    }
    await this.reload();
  }

  /** One channel (`id`) or all of them: a test message each, and what each answered. */
  async test(id?: string): Promise<ChannelTestResult[]> {
    if (id === undefined) return this.notifier.test();
    const entry = this.entries.find((e) => e.view.id === id);
    if (!entry) throw new InvalidArgumentError(`testChannel: no channel ${id} (it may have been removed)`);
    if (!entry.route) return [{ channel: entry.view.label, ok: false, answer: 'not sent: this channel is unusable; remove it and add it again' }];
    return [await this.notifier.testOne(entry.route.channel)];
  }

  close(): Promise<void> {
    return this.notifier.close();
  }
}

function viewOf(id: string, route: Route, setting: ChannelSetting, kept: ChannelView['kept']): ChannelView {
  return {
    id,
    label: route.channel.label,
    ...(setting.events ? { events: [...setting.events] } : {}),
    ...(setting.runtimes ? { runtimes: [...setting.runtimes] } : {}),
    kept,
  };
}
