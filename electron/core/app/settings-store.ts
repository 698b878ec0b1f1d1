// Where the app's settings live: the config file for the headless daemon, electron-store on
// the desktop. Both hold the same schema as the CLI's config file.
import type { Settings } from '../../../shared/schemas.js';
import { readSettingsFile } from '../config/load.js';
import { writeFileAtomic } from '../util/files.js';

export interface SettingsStore {
  /** Where the settings live, for messages. */
  readonly location: string;
  /** Problems found while loading (a corrupt file that was backed up). */
  readonly warnings?: string[];
  load(): Promise<Settings>;
  save(settings: Settings): Promise<void>;
}

export class JsonSettingsFile implements SettingsStore {
  /** `required`: a file the user named must exist; otherwise an absent one means defaults. */
  constructor(
    readonly location: string,
    private readonly options: { required?: boolean } = {},
  ) {}

  async load(): Promise<Settings> {
    return (await readSettingsFile(this.location, this.options.required === true)) ?? {};
  }

  save(settings: Settings): Promise<void> {
    return writeFileAtomic(this.location, `${JSON.stringify(settings, null, 2)}\n`);
  }
}

export class MemorySettingsStore implements SettingsStore {
  readonly location = 'memory';
  constructor(private settings: Settings = {}) {}

  async load(): Promise<Settings> {
    return structuredClone(this.settings);
  }

  async save(settings: Settings): Promise<void> {
    this.settings = structuredClone(settings);
  }
}
