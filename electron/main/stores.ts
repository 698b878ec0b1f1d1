// electron-store adapters. The state file has the same schema and version as the headless
// one (and goes through the same migrations); settings use the config-file schema. A corrupt
// or invalid file is backed up with a timestamp, replaced by defaults, and reported.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import Store from 'electron-store';
import { safeStorage } from 'electron';
import { ChannelInputSchema, type PersistedState, type Settings } from '../../shared/schemas.js';
import type { ChannelVault, SealedChannel } from '../core/app/notify-channels.js';
import type { ChannelSetting } from '../core/notify/notifier.js';
import type { SecretStore } from '../core/app/secrets.js';
import type { SettingsStore } from '../core/app/settings-store.js';
import { validateSettings } from '../core/config/load.js';
import { backupCorrupt, emptyState, migrateState, type StateStore } from '../core/state/store.js';
import { ConfigError } from '../core/errors.js';

type Json = Record<string, unknown>;

/** Opens a store, moving an unparseable file aside instead of letting it be wiped. */
async function openStore(name: string, cwd: string | undefined, warnings: string[]): Promise<Store<Json>> {
  const options = { name, clearInvalidConfig: false, ...(cwd ? { cwd } : {}) };
  try {
    return new Store<Json>(options);
  } catch (err) {
    const probe = new Store<Json>({ ...options, name: `${name}.probe` });
    const file = probe.path.replace(/\.probe\.json$/, '.json');
    probe.clear();
    if (existsSync(file)) {
      const backup = await backupCorrupt(file);
      warnings.push(`${file} was unreadable (${(err as Error).message}); moved it to ${backup} and started from defaults`);
    }
    return new Store<Json>(options);
  }
}

export class ElectronStateStore implements StateStore {
  readonly warnings: string[] = [];
  private store: Store<Json> | null = null;

  constructor(private readonly cwd?: string) {}

  async load(): Promise<PersistedState> {
    this.store = await openStore('state', this.cwd, this.warnings);
    if (this.store.size === 0) return emptyState();
    const migrated = migrateState(this.store.store);
    if ('state' in migrated) return migrated.state;
    const backup = await backupCorrupt(this.store.path);
    this.warnings.push(`${this.store.path} was invalid (${migrated.error}); moved it to ${backup} and started fresh`);
    this.store = await openStore('state', this.cwd, this.warnings);
    return emptyState();
  }

  async save(state: PersistedState): Promise<void> {
    if (!this.store) this.store = await openStore('state', this.cwd, this.warnings);
    this.store.store = state as unknown as Json;
  }
}

export class ElectronSettingsStore implements SettingsStore {
  readonly warnings: string[] = [];
  private store: Store<Json> | null = null;

  constructor(private readonly cwd?: string) {}

  get location(): string {
    return this.store?.path ?? 'settings.json';
  }

  async load(): Promise<Settings> {
    this.store = await openStore('settings', this.cwd, this.warnings);
    try {
      return validateSettings(this.store.store, this.store.path);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const backup = await backupCorrupt(this.store.path);
      this.warnings.push(`${err.message.split('\n')[0]}; moved the settings to ${backup} and started from defaults`);
      this.store = await openStore('settings', this.cwd, this.warnings);
      return {};
    }
  }

  async save(settings: Settings): Promise<void> {
    if (!this.store) this.store = await openStore('settings', this.cwd, this.warnings);
    this.store.store = settings as Json;
  }
}

/** A value sealed with the OS keychain (safeStorage), as base64 ciphertext; `what` and `instead` word the refusal. */
function seal(value: unknown, what: string, instead: string): string {
  if (!safeStorage.isEncryptionAvailable()) {
    throw new Error(`the system keychain is not available, so ${what} cannot be stored safely; ${instead}`);
  }
  return safeStorage.encryptString(JSON.stringify(value)).toString('base64');
}

/** The value back, or null when it cannot be (no keychain now, or sealed by another one). */
function unseal(sealed: unknown): unknown {
  if (typeof sealed !== 'string' || !safeStorage.isEncryptionAvailable()) return null;
  try {
    return JSON.parse(safeStorage.decryptString(Buffer.from(sealed, 'base64'))) as unknown;
  } catch {
    return null;
  }
}

/** Credentials encrypted with the OS keychain through safeStorage; only ciphertext is stored. */
export class SafeStorageSecrets implements SecretStore {
  private store: Store<Json> | null = null;

  constructor(private readonly cwd?: string) {}

  private async open(): Promise<Store<Json>> {
    this.store ??= await openStore('secrets', this.cwd, []);
    return this.store;
  }

  async registries(): Promise<string[]> {
    return Object.keys((await this.open()).store).sort();
  }

  async get(registry: string): Promise<{ username: string; password: string } | null> {
    // Whole-object access: electron-store reads dotted keys such as "ghcr.io" as paths.
    return unseal((await this.open()).store[registry]) as { username: string; password: string } | null;
  }

  async set(registry: string, credential: { username: string; password: string }): Promise<void> {
    const sealed = seal(credential, 'credentials', 'use ~/.docker/config.json instead');
    const store = await this.open();
    store.store = { ...store.store, [registry]: sealed };
  }

  async delete(registry: string): Promise<void> {
    const store = await this.open();
    const next = { ...store.store };
    delete next[registry];
    store.store = next;
  }
}

/**
 * Notification channels added in the window, each URL (which holds the channel's secrets)
 * sealed with safeStorage. The file keeps only an id and the ciphertext.
 */
export class SafeStorageChannels implements ChannelVault {
  private store: Store<Json> | null = null;

  constructor(private readonly cwd?: string) {}

  private async open(): Promise<Store<Json>> {
    this.store ??= await openStore('channels', this.cwd, []);
    return this.store;
  }

  private async sealed(): Promise<Array<{ id: string; sealed: string }>> {
    const list = (await this.open()).store.channels;
    return Array.isArray(list) ? list.filter((e): e is { id: string; sealed: string } => typeof e?.id === 'string' && typeof e?.sealed === 'string') : [];
  }

  async list(): Promise<SealedChannel[]> {
    const out: SealedChannel[] = [];
    for (const entry of await this.sealed()) {
      const parsed = ChannelInputSchema.safeParse(unseal(entry.sealed));
      // Unreadable (the keychain changed, or no keychain now): left on disk, listed for removal.
      out.push({ id: entry.id, setting: parsed.success ? parsed.data : null });
    }
    return out;
  }

  async add(setting: ChannelSetting): Promise<void> {
    const sealed = seal(setting, 'a channel (its URL holds secrets)', 'add it to the settings file instead');
    const store = await this.open();
    store.store = { channels: [...(await this.sealed()), { id: randomUUID(), sealed }] };
  }

  async remove(id: string): Promise<void> {
    const store = await this.open();
    store.store = { channels: (await this.sealed()).filter((e) => e.id !== id) };
  }
}
