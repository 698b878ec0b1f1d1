// Wires imagewatch's core together from resolved settings: the registry client, the Docker
// connection, the refresh service, the watcher and its loop. In this code "engine" means the
// container engine (Docker) only; imagewatch's own machinery is "the core". Every front end
// gets its core from here, through AppController, so they behave the same.
import type { Log } from './log.js';
import type { CoreEvent } from '../../shared/events.js';
import type { ResolvedConfig } from './config/load.js';
import { connectDocker } from './engines/connect.js';
import { engineInUse, findEngine, type EngineEndpoint } from './engines/endpoint/find-endpoint.js';
import type { EngineInUse } from '../../shared/dto.js';
import { imageHasDigest, localTagImage } from './docker/images.js';
import { FileJournal } from './docker/journal.js';
import { defaultCredentialChain, SettingsCredentials, type CredentialSource } from './registry/credentials.js';
import { RegistryClient } from './registry/client.js';
import { poolFor } from './registry/connections.js';
import { TransportPolicy } from './registry/transport.js';
import { RegistryTrust } from './registry/trust.js';
import { PlatformLookup } from './registry/platform-lookup.js';
import { enginePlatform } from './registry/platform.js';
import { RefreshService } from './refresh/service.js';
import type { StateStore } from './state/store.js';
import { Watchlist } from './targets/watchlist.js';
import type { CoreMetrics } from './metrics/metrics.js';
import { WatchLoop } from './watch/loop.js';
import { Watcher, type WatchSettings } from './watch/watcher.js';
import type { EngineClient } from './engines/client.js';

export interface CoreOptions {
  config: ResolvedConfig;
  store: StateStore;
  env?: NodeJS.ProcessEnv;
  emit?: (event: CoreEvent) => void;
  log?: Log;
  /** Things the user should be told once (a crash repaired); stderr when not given. */
  notice?: (line: string) => void;
  /** File noting replacements in progress, for crash recovery; in memory when absent. */
  journalPath?: string;
  /** Injected in tests to count or fault requests. */
  credentials?: CredentialSource;
  /** The clock for tokens, schedules and state times (the bench runs days of checks in seconds). */
  now?: () => number;
  /** Told what /metrics exports (imagewatch serve). */
  metrics?: CoreMetrics;
  docker?: EngineClient;
}

export interface Core {
  /** The settings in force. */
  readonly config: ResolvedConfig;
  /**
   * Puts new settings in force: runtimes, interval, auto-refresh, strategy and timings apply
   * from the next check or refresh, and the loop re-plans its sleep at once. The Docker
   * endpoint, insecure registries and config-file credentials are read at start only.
   */
  applySettings(next: ResolvedConfig): void;
  /** The container engine in use, and why that one. */
  engine: EngineEndpoint;
  /** The same, as the contract shows it (computed once: it does not change while the core runs). */
  engineInUse: EngineInUse;
  /** The runtimes checked: configured, and in discovery mode found from the containers. */
  watchlist: Watchlist;
  watcher: Watcher;
  loop: WatchLoop;
  refresher: RefreshService;
  registry: RegistryClient;
  docker: EngineClient;
  close(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
  let config = options.config;
  const env = options.env ?? process.env;
  const engine = findEngine({ setting: config.dockerHost, env });
  const docker = options.docker ?? connectDocker(engine, env);
  const credentials = options.credentials ?? defaultCredentialChain(new SettingsCredentials(config.credentials), env);
  const trust = new RegistryTrust(config.caFiles);
  const registry = new RegistryClient({
    credentials,
    env,
    pool: poolFor(config.concurrency, config.intervalMs),
    ...(options.metrics
      ? { observe: { answer: (r, k, s) => options.metrics!.request(r, k, s), lookup: (r, result) => options.metrics!.lookup(r, result) } }
      : {}),
    ...(options.now ? { now: options.now } : {}),
    caFor: (host) => trust.caFor(host),
    transport: new TransportPolicy(config.insecureRegistries, trust.registries),
  });
  // Getters over `config`, which applySettings replaces: parts read the settings in force.
  const refresher = new RefreshService({
    docker,
    pullCredential: (ref, signal) => registry.pullCredential(ref, signal),
    get pullStallMs() {
      return config.pullStallMs;
    },
    get strategy() {
      return config.recreate;
    },
    get startGraceMs() {
      return config.startGraceMs;
    },
    get healthTimeoutMs() {
      return config.healthTimeoutMs;
    },
    ...(options.journalPath ? { journal: new FileJournal(options.journalPath) } : {}),
    onRecovered: options.notice ?? ((note) => process.stderr.write(`imagewatch: ${note}\n`)),
    ...(options.emit ? { onProgress: (progress) => options.emit!({ type: 'refresh-progress', progress }) } : {}),
  });
  const watchlist = new Watchlist({
    docker,
    mode: () => config.discover,
    configured: () => config.runtimes,
    ...(options.log ? { log: options.log } : {}),
  });
  const settings = (): WatchSettings => ({
    runtimes: watchlist.runtimes(),
    intervalMs: config.intervalMs,
    autoRefresh: config.autoRefresh,
    concurrency: config.concurrency,
  });
  const platforms = new PlatformLookup(registry, async () => enginePlatform(await docker.version()));
  const watcher = new Watcher({
    settings,
    discover: () => watchlist.update(),
    lookupDigest: (ref, signal) => platforms.digest(ref, signal),
    platformImage: (ref, digest, signal) => platforms.platformImage(ref, digest, signal),
    prepareLookups: (refs, signal) => registry.prepareTokens(refs, signal),
    localView: async (ref, digest) => {
      const image = await localTagImage(docker, ref);
      return { present: image !== null, hasDigest: image !== null && imageHasDigest(image, ref, digest) };
    },
    refresher,
    store: options.store,
    restoreRateLimits: (until) => registry.restoreRateLimits(until),
    ...(options.emit ? { emit: options.emit } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const loop = new WatchLoop(watcher, { settings, ...(options.log ? { log: options.log } : {}) });
  return {
    get config() {
      return config;
    },
    applySettings(next) {
      config = next;
      loop.wake();
    },
    engine,
    engineInUse: engineInUse(engine),
    watchlist,
    watcher,
    loop,
    refresher,
    registry,
    docker,
    async close() {
      await refresher.idle();
      await registry.close();
    },
  };
}
