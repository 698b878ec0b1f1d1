// electron-store adapters. The state file has the same schema and version as the headless
// one (and goes through the same migrations); settings use the config-file schema. A corrupt
// or invalid file is backed up with a timestamp, replaced by defaults, and reported.
import { existsSync } from 'node:fs';
import Store from 'electron-store';
import { safeStorage } from 'electron';
import type { PersistedState, Settings } from '../../shared/schemas.js';
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
    const sealed = (await this.open()).store[registry];
    if (typeof sealed !== 'string' || !safeStorage.isEncryptionAvailable()) return null;
    try {
      return JSON.parse(safeStorage.decryptString(Buffer.from(sealed, 'base64'))) as { username: string; password: string };
    } catch {
      return null;
    }
  }

  async set(registry: string, credential: { username: string; password: string }): Promise<void> {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new Error('the system keychain is not available, so credentials cannot be stored safely; use ~/.docker/config.json instead');
    }
    const store = await this.open();
    store.store = { ...store.store, [registry]: safeStorage.encryptString(JSON.stringify(credential)).toString('base64') };
  }

  async delete(registry: string): Promise<void> {
    const store = await this.open();
    const next = { ...store.store };
    delete next[registry];
    store.store = next;
  }
}
