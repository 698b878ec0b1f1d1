// Registry credentials entered in the app. The desktop keeps them encrypted with the OS
// keychain (safeStorage, in electron/main); the daemon keeps them in its private config file.
// Either way they are read only on the core's side and never sent to the window.
import type { Settings } from '../../../shared/schemas.js';
import type { Credential, CredentialSource } from '../registry/credentials.js';
import { registryKeyHost } from '../registry/credentials.js';

export interface SecretStore {
  registries(): Promise<string[]>;
  get(registry: string): Promise<{ username: string; password: string } | null>;
  set(registry: string, credential: { username: string; password: string }): Promise<void>;
  delete(registry: string): Promise<void>;
}

/** Reads secrets first in the credential chain. */
export class SecretCredentials implements CredentialSource {
  constructor(private readonly secrets: SecretStore) {}

  async lookup(registry: string): Promise<Credential | null> {
    const found = await this.secrets.get(registryKeyHost(registry));
    return found ? { ...found, source: 'credentials saved in imagewatch' } : null;
  }
}

/** Secrets kept in the settings' `credentials` map (the headless daemon's config file). */
export class SettingsSecrets implements SecretStore {
  constructor(
    private readonly read: () => Settings,
    private readonly write: (settings: Settings) => Promise<void>,
  ) {}

  async registries(): Promise<string[]> {
    return Object.keys(this.read().credentials ?? {}).sort();
  }

  async get(registry: string): Promise<{ username: string; password: string } | null> {
    const entry = Object.entries(this.read().credentials ?? {}).find(([key]) => registryKeyHost(key) === registry)?.[1];
    return entry && 'username' in entry ? { username: entry.username, password: entry.password } : null;
  }

  async set(registry: string, credential: { username: string; password: string }): Promise<void> {
    const settings = this.read();
    await this.write({ ...settings, credentials: { ...settings.credentials, [registry]: credential } });
  }

  async delete(registry: string): Promise<void> {
    const settings = this.read();
    const credentials = { ...settings.credentials };
    delete credentials[registry];
    await this.write({ ...settings, credentials });
  }
}

/** The window's credential edits: kept in the store, and the registry client's copy dropped. */
export class CredentialEdits {
  private list: string[] = [];

  constructor(
    readonly store: SecretStore,
    private readonly forget: (registry: string) => void,
  ) {}

  /** Registries that have credentials stored (what the window is shown). */
  get registries(): readonly string[] {
    return this.list;
  }

  async load(): Promise<void> {
    this.list = await this.store.registries();
  }

  async set(input: { registry: string; username: string; password: string }): Promise<void> {
    const registry = input.registry.toLowerCase();
    await this.store.set(registry, { username: input.username, password: input.password });
    this.forget(registry);
    await this.load();
  }

  async remove(registry: string): Promise<void> {
    const key = registry.toLowerCase();
    await this.store.delete(key);
    this.forget(key);
    await this.load();
  }
}
