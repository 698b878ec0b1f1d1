// One container engine imagewatch acts on: its name, where it is, the narrow client the core
// acts through, its platform, its health (with its own backoff) and its journal of replacements
// in progress. Nothing here knows about registries or runtimes.
import type { EngineInUse } from '../../../shared/dto.js';
import type { ReplaceJournal } from '../update/journal.js';
import { enginePlatform, type Platform } from '../registry/platform.js';
import type { EngineClient } from './client.js';
import { engineInUse, type EngineEndpoint } from './endpoint/find-endpoint.js';
import { engineHealth, type EngineHealthOptions } from './health.js';
import { HealthWatch } from './health-watch.js';

export interface EngineOptions {
  name: string;
  endpoint: EngineEndpoint;
  client: EngineClient;
  journal: ReplaceJournal;
  /** How `health` looks for other sockets when this engine does not answer. */
  healthOptions?: EngineHealthOptions;
}

export class Engine {
  readonly name: string;
  readonly endpoint: EngineEndpoint;
  readonly client: EngineClient;
  readonly journal: ReplaceJournal;
  /** The engine as the contract shows it (computed once: an engine's endpoint does not change). */
  readonly inUse: EngineInUse;
  readonly health: HealthWatch;
  private platformKnown: Platform | null = null;

  constructor(options: EngineOptions) {
    this.name = options.name;
    this.endpoint = options.endpoint;
    this.client = options.client;
    this.journal = options.journal;
    this.inUse = { name: options.name, ...engineInUse(options.endpoint) };
    this.health = new HealthWatch(() => engineHealth(this.client, this.endpoint, options.healthOptions));
  }

  /** The platform the engine pulls for; asked until it answers once, then kept (it does not change while it runs). */
  async platform(): Promise<Platform | null> {
    this.platformKnown ??= enginePlatform(await this.client.version());
    return this.platformKnown;
  }
}
