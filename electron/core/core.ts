// Wires imagewatch's core together from resolved settings: the registry side (built once for
// every engine), the engines (each with its refresh service and watchlist), the watcher and its
// loop. In this code "engine" means a container engine (Docker) only; imagewatch's own
// machinery is "the core". Every front end gets its core from here, through AppController, so
// they behave the same.
import type { Log } from './log.js';
import type { CoreEvent } from '../../shared/events.js';
import type { ResolvedConfig } from './config/load.js';
import { connectDocker } from './engines/connect.js';
import { endpointFor, findEngine, type EngineEndpoint } from './engines/endpoint/find-endpoint.js';
import type { EngineInUse } from '../../shared/dto.js';
import { imageHasDigest, localTagImage, repoDigestFor } from './docker/images.js';
import { readImageFacts } from './versions/read.js';
import { EngineJournal, FileJournal, MemoryJournal, type ReplaceJournal } from './update/journal.js';
import { Engine } from './engines/engine.js';
import { EngineSet, type EngineMember } from './engines/engine-set.js';
import { defaultEngineName } from './engines/names.js';
import { defaultCredentialChain, SettingsCredentials, type CredentialSource } from './registry/credentials.js';
import { RegistryClient } from './registry/client.js';
import { poolFor } from './registry/connections.js';
import { TransportPolicy } from './registry/transport.js';
import { RegistryTrust } from './registry/trust.js';
import { PlatformLookup } from './registry/platform-lookup.js';
import { RefreshService } from './refresh/service.js';
import type { StateStore } from './state/store.js';
import { Watchlist } from './targets/watchlist.js';
import { WatchlistSet } from './targets/watchlist-set.js';
import type { WatchedEngine } from './watch/watched-engine.js';
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
  /** The engine's client (tests hand one in); else connected from the endpoint found. */
  docker?: EngineClient;
}

/** One engine and what the core builds on it: its refresh service and its watchlist. */
export interface EngineParts extends EngineMember {
  refresher: RefreshService;
  watchlist: Watchlist;
}

export interface Core {
  /** The settings in force. */
  readonly config: ResolvedConfig;
  /**
   * Puts new settings in force: runtimes, interval, auto-refresh, strategy and timings apply
   * from the next check or refresh, and the loop re-plans its sleep at once. The engines,
   * insecure registries and config-file credentials are read at start only.
   */
  applySettings(next: ResolvedConfig): void;
  /** The engines, each with its refresh service and watchlist. */
  readonly engines: EngineSet<EngineParts>;
  /** The first engine (the only one, while there is one) as the contract shows it. */
  readonly engineInUse: EngineInUse;
  /** The runtimes checked, on every engine: configured, and in discovery mode found from the containers. */
  readonly watchlist: WatchlistSet;
  watcher: Watcher;
  loop: WatchLoop;
  registry: RegistryClient;
  /**
   * Puts another endpoint in place of the named engine, once that engine's work has ended.
   * The registry side (pools, tokens), the watcher, its saved state and the loop stay.
   */
  replaceEngine(name: string, host: string): Promise<void>;
  /** Adds an engine (its endpoint already probed); the watcher takes it from the next check on. */
  addEngine(name: string, endpoint: EngineEndpoint): void;
  /** Takes an engine out once its work has ended, and forgets what was kept about it. */
  removeEngine(name: string): Promise<void>;
  close(): Promise<void>;
}

/** The engines the settings name, or the one found as the docker CLI would find it. */
function engineEndpoints(config: ResolvedConfig, env: NodeJS.ProcessEnv): Array<{ name: string; endpoint: EngineEndpoint }> {
  if (config.engines) return config.engines.map((e) => ({ name: e.name, endpoint: endpointFor(e, { env }) }));
  const found = findEngine({ setting: config.dockerHost, env });
  return [{ name: defaultEngineName(found), endpoint: found }];
}

export function createCore(options: CoreOptions): Core {
  let config = options.config;
  const env = options.env ?? process.env;
  const credentials = options.credentials ?? defaultCredentialChain(new SettingsCredentials(config.credentials), env);
  const trust = new RegistryTrust(config.caFiles);
  // One registry client for every engine: a tag used on three engines costs one lookup.
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
  // One journal file per state directory, shared by the engines; each sees its own entries.
  const journal: ReplaceJournal = options.journalPath ? new FileJournal(options.journalPath) : new MemoryJournal();
  const platforms = new PlatformLookup(registry);

  const buildEngine = (endpoint: EngineEndpoint, name: string, first: boolean, client?: EngineClient): EngineParts => {
    const engine = new Engine({
      name,
      endpoint,
      client: client ?? connectDocker(endpoint, env),
      journal: new EngineJournal(journal, name, first),
      healthOptions: { env },
    });
    // Getters over `config`, which applySettings replaces: parts read the settings in force.
    const refresher = new RefreshService({
      docker: engine.client,
      engine: name,
      resolveDigest: async (ref, signal) => (await registry.getDigest(ref, signal)).digest,
      pullCredential: (ref, signal) => registry.pullCredential(ref, signal),
      get pullStallMs() {
        return config.pullStallMs;
      },
      get strategy() {
        return config.recreate;
      },
      get cleanup() {
        return config.cleanup;
      },
      get keepPrevious() {
        return config.keepPrevious;
      },
      get hooks() {
        return config.hooks;
      },
      get startGraceMs() {
        return config.startGraceMs;
      },
      get healthTimeoutMs() {
        return config.healthTimeoutMs;
      },
      journal: engine.journal,
      onRecovered: options.notice ?? ((note) => process.stderr.write(`imagewatch: ${note}\n`)),
      onWarning: (message) =>
        options.log ? options.log(`image-auto-refresh: ${message}`, { level: 'warn', engine: name }) : process.stderr.write(`imagewatch: ${message}\n`),
      ...(options.emit ? { onProgress: (progress) => options.emit!({ type: 'refresh-progress', progress }) } : {}),
    });
    const watchlist = new Watchlist({
      docker: engine.client,
      mode: () => config.discover,
      configured: () => config.runtimes,
      ...(options.log ? { log: options.log } : {}),
    });
    return { engine, refresher, watchlist, close: () => refresher.idle() };
  };
  const engines = new EngineSet(
    engineEndpoints(config, env).map(({ name, endpoint }, i) => buildEngine(endpoint, name, i === 0, i === 0 ? options.docker : undefined)),
  );
  const first = (): EngineParts => engines.first;
  const watchlist = new WatchlistSet({
    lists: () => engines.list().map((m) => ({ engine: m.engine.name, watchlist: m.watchlist })),
    mode: () => config.discover,
    configured: () => config.runtimes,
  });
  // What the watcher needs of an engine, read from the set at each use: replacing an engine does not rebuild the watcher.
  const watched = (member: EngineParts): WatchedEngine => ({
    name: member.engine.name,
    refresher: member.refresher,
    localView: async (ref, digest) => {
      const image = await localTagImage(member.engine.client, ref);
      if (image === null) return { present: false, hasDigest: false };
      const held = repoDigestFor(image, ref);
      return {
        present: true,
        hasDigest: imageHasDigest(image, ref, digest),
        ...(held ? { digest: held } : {}),
        ...(image.defaults.Labels ? { labels: image.defaults.Labels } : {}),
      };
    },
    platformImage: (ref, digest, signal) => platforms.platformImage(ref, digest, signal, () => member.engine.platform()),
  });

  const settings = (): WatchSettings => ({
    runtimes: watchlist.runtimes(),
    intervalMs: config.intervalMs,
    autoRefresh: config.autoRefresh,
    concurrency: config.concurrency,
    tagsIntervalMs: config.tagsIntervalMs,
    window: config.window,
    minAgeMinutes: config.minAgeMinutes,
  });
  const watcher = new Watcher({
    settings,
    engines: () => engines.list().map(watched),
    enginesOf: (runtime) => runtime.engines ?? engines.names(),
    stale: (name) => engines.get(name).engine.health.down,
    discover: () => watchlist.update(),
    lookupDigest: (ref, signal) => platforms.digest(ref, signal),
    // Labels are the same on each platform in practice; the first engine's platform is read when the move's index read found none.
    readFacts: async (ref, digest, platformImage, signal) =>
      readImageFacts(registry, ref, digest, {
        platformImage,
        platform: platformImage
          ? null
          : await first()
              .engine.platform()
              .catch(() => null),
        ...(signal ? { signal } : {}),
        ...(options.now ? { now: options.now } : {}),
      }),
    prepareLookups: (refs, signal) => registry.prepareTokens(refs, signal),
    listTags: (ref, signal) => registry.listTags(ref, undefined, signal),
    // Configured runtimes look for newer tags only when asked; discovered ones at `minor`, the setting aside.
    newerTagsOf: (runtime) => {
      const level = runtime.newerTags ?? config.newerTags ?? (watchlist.isDiscovered(runtime.name) ? 'minor' : false);
      return level ? { level, filters: runtime.tags ?? {} } : null;
    },
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
    engines,
    get engineInUse() {
      return first().engine.inUse;
    },
    watchlist,
    watcher,
    loop,
    registry,
    async replaceEngine(name, host) {
      const endpoint = findEngine({ setting: host, env });
      await engines.replace(buildEngine(endpoint, name, name === first().engine.name));
    },
    addEngine(name, endpoint) {
      engines.add(buildEngine(endpoint, name, false));
    },
    async removeEngine(name) {
      await engines.remove(name);
      await watcher.init();
      await watcher.state.forgetEngine(name);
    },
    async close() {
      await engines.close();
      await registry.close();
    },
  };
}
