// Refresh = pull the watched tag for the containers' platform, then bring every selected
// container onto the new image with the configured strategy. Returns the origin's
// `{pulled, failed, recreated}` shape plus per-runtime details.
import { type ContainerOutcome, type RecreateStrategy, type RefreshProgress, type RuntimeConfig, type RuntimeRefreshDetail } from '../../../shared/dto.js';
import { engineName, parseReference, withTag } from '../image/reference.js';
import { engineAuthConfig, type Credential } from '../registry/credentials.js';
import type { ImageReference } from '../image/reference.js';
import { engineMessage } from '../engines/connect.js';
import { inspectImage, localTagImage, repoDigestFor } from '../docker/images.js';
import { pullImage } from '../docker/pull.js';
import { containerName, orchestratorOf, selectContainers } from '../targets/select.js';
import { composeMember, dependenciesFirst, dependentsToRestart } from '../docker/compose.js';
import { MemoryJournal, type ReplaceJournal } from '../update/journal.js';
import { recoverInterrupted } from '../update/recover.js';
import { containerStrategies, recoverersOf } from '../update/containers/strategies.js';
import { bringContainer, ownedByOrchestrator, type ContainerStrategy, type ContainerTarget } from '../update/containers/target.js';
import { serviceUpdateStrategy, type ServiceStrategy } from '../update/services/service-update.js';
import { bringService } from '../update/services/target.js';
import type { FollowOptions } from '../update/services/follow.js';
import { selectServices, serviceName, type SelectedService } from '../targets/services.js';
import { Mutex } from '../util/limit.js';
import { InFlight } from './in-flight.js';
import { moveRefusal } from './move-tag.js';
import { previousImages, removeOldImages } from '../cleanup/old-images.js';
import { safeText } from '../util/safe-text.js';
import type { ContainerInspect, ContainerSummary, EngineClient } from '../engines/client.js';

export interface RefreshServiceOptions {
  docker: EngineClient;
  /** The engine's name, which its refreshes are keyed by; `local` when not given. */
  engine?: string;
  /** The tag's digest, looked up with imagewatch's own credentials (for services, which the engine does not pull for). */
  resolveDigest?: (ref: ImageReference, signal?: AbortSignal) => Promise<string>;
  /** The credential the engine may be given for a pull, or why it is withheld. */
  pullCredential: (ref: ImageReference, signal?: AbortSignal) => Promise<{ credential: Credential | null; withheld?: string }>;
  /** A pull without progress for this long is aborted. */
  pullStallMs: number;
  /** Global strategy; a runtime's own `recreate` wins. */
  strategy: RecreateStrategy;
  /** Clean the images containers were moved off (a runtime's own setting wins), keeping this many; true and 1 when absent. */
  cleanup?: boolean;
  keepPrevious?: number;
  /** Run the containers' pre-update and post-update hooks (`"hooks": true`); off when absent. */
  hooks?: boolean;
  startGraceMs: number;
  healthTimeoutMs: number;
  onProgress?: (progress: RefreshProgress) => void;
  /** Minimum gap between two pull-progress events of one runtime. */
  progressIntervalMs?: number;
  /** Where replacements in progress are noted; in memory when not given. */
  journal?: ReplaceJournal;
  onRecovered?: (note: string) => void;
  /** Told what deserves a warning but fails nothing (a Swarm service deployed without a digest). */
  onWarning?: (message: string) => void;
  /** How a service update is polled (tests poll faster). */
  serviceFollow?: FollowOptions;
}

export interface RefreshOptions {
  /** Pull the new image and leave every container as it is (the CLI's --no-recreate). */
  pullOnly?: boolean;
  /** Move the containers to this tag of the same repository (refresh --to-tag): pulled, then each replaced as usual. */
  toTag?: string;
  /** The images this runtime's containers were moved off before (from state), most recent first. */
  previousImages?: readonly string[];
  signal?: AbortSignal;
}

function strategyFor(runtime: RuntimeConfig, fallback: RecreateStrategy, pullOnly: boolean): RecreateStrategy {
  if (pullOnly) return 'none';
  return runtime.recreate ?? fallback;
}

export class RefreshService {
  private readonly inflight = new InFlight<RuntimeRefreshDetail>();
  /** One container replacement at a time per engine: they share ports, names and networks. */
  private readonly replaceLock = new Mutex();

  private readonly journal: ReplaceJournal;
  private recovery: Promise<void> | null = null;
  private replacements = 0;
  /** The container strategies, in the order they are asked (see update/containers/strategies.ts). */
  private readonly strategies: ContainerStrategy[];
  /** Swarm services' one strategy: Swarm's own update. */
  private readonly serviceStrategy: ServiceStrategy;

  constructor(private readonly options: RefreshServiceOptions) {
    this.journal = options.journal ?? new MemoryJournal();
    this.strategies = containerStrategies({
      docker: options.docker,
      journal: this.journal,
      startGraceMs: options.startGraceMs,
      healthTimeoutMs: options.healthTimeoutMs,
    });
    this.serviceStrategy = serviceUpdateStrategy({
      docker: options.docker,
      journal: this.journal,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      ...(options.serviceFollow ? { follow: options.serviceFollow } : {}),
    });
  }

  /**
   * Rolls back replacements a previous run did not finish. Runs before the first refresh;
   * call it at start-up too so a crash is repaired without waiting for a digest to move.
   */
  recover(): Promise<void> {
    this.recovery ??= recoverInterrupted(this.journal, recoverersOf([...this.strategies, this.serviceStrategy])).then(
      ({ notes, unresolved }) => {
        notes.forEach((note) => this.options.onRecovered?.(note));
        // Not all put back: try again before the next refresh, not only at the next start.
        if (unresolved > 0) this.recovery = null;
      },
      () => {
        // Engine unreachable: try again next time.
        this.recovery = null;
      },
    );
    return this.recovery;
  }

  /** Whether any runtime is being refreshed right now. */
  get busy(): boolean {
    return this.inflight.size > 0;
  }

  /** Whether a container is being replaced right now (a shutdown waits for that; a pull it aborts). */
  get replacing(): boolean {
    return this.replacements > 0;
  }

  /** Resolves once every in-flight refresh has finished. */
  idle(): Promise<void> {
    return this.inflight.idle();
  }

  /** A second request for a runtime already refreshing waits for the first and shares its result. */
  refreshOne(runtime: RuntimeConfig, options: RefreshOptions = {}): Promise<RuntimeRefreshDetail> {
    return this.inflight.run(this.options.engine ?? 'local', runtime.name, () => this.run(runtime, options));
  }

  private progressEmitter(runtime: string): (p: Omit<Extract<RefreshProgress, { phase: 'pull' }>, 'runtime' | 'phase'>) => void {
    const gap = this.options.progressIntervalMs ?? 100;
    let last = 0;
    return (p) => {
      const now = Date.now();
      const finished = p.layersTotal > 0 && p.layersDone === p.layersTotal;
      if (!finished && now - last < gap) return;
      last = now;
      this.options.onProgress?.({ runtime, phase: 'pull', ...p });
    };
  }

  private async run(runtime: RuntimeConfig, options: RefreshOptions): Promise<RuntimeRefreshDetail> {
    const watched = parseReference(runtime.image);
    // Moving to another tag: the containers are found by the tag they run, then get the new one.
    const moveTo = options.toTag ? withTag(runtime.image, options.toTag) : null;
    const ref = moveTo ? parseReference(moveTo) : watched;
    const detail: RuntimeRefreshDetail = { image: moveTo ?? runtime.image, ok: false, containers: [] };
    const { docker } = this.options;
    const strategy = strategyFor(runtime, this.options.strategy, options.pullOnly === true);

    await this.recover();
    const selection = await selectContainers(docker, watched, runtime.match);
    const services = await selectServices(docker, watched, runtime.match);
    if (moveTo) {
      const refusal = moveRefusal(selection.containers, services.length, runtime.image, moveTo);
      if (refusal) return { ...detail, error: refusal, refused: true };
    }
    // Only services (their tasks' containers are Swarm's): the nodes pull, each for its own platform; the manager need not.
    const ownContainers = selection.containers.filter((c) => !orchestratorOf(c.Config.Labels));
    if (services.length && !ownContainers.length && strategy !== 'none' && this.options.resolveDigest) {
      for (const info of selection.containers) detail.containers.push(ownedByOrchestrator(info)!);
      return this.updateServicesOnly(ref, services, detail, options.signal);
    }
    let authconfig: unknown;
    try {
      const before = await localTagImage(docker, ref);
      if (before) detail.imageIdBefore = before.id;
      const platform = await this.platformFor(selection.containers);
      if (platform) detail.platform = platform;
      const { credential, withheld } = await this.options.pullCredential(ref, options.signal);
      if (credential) authconfig = engineAuthConfig(credential, ref.registry);
      let pulled: Awaited<ReturnType<typeof pullImage>>;
      try {
        pulled = await pullImage(docker, engineName(ref), {
          ...(platform ? { platform } : {}),
          ...(credential ? { authconfig: engineAuthConfig(credential, ref.registry)! } : {}),
          onProgress: this.progressEmitter(runtime.name),
          stallMs: this.options.pullStallMs,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (err) {
        if (withheld) throw new Error(`${engineMessage(err)} (pulled without credentials: ${withheld})`, { cause: err });
        throw err;
      }
      const after = await localTagImage(docker, ref);
      if (!after) throw new Error(`pulled ${engineName(ref)} but the engine does not list it`);
      detail.imageIdAfter = after.id;
      const digest = pulled.digest ?? repoDigestFor(after, ref);
      if (digest) detail.digest = digest;
    } catch (err) {
      // Pull errors carry the registry's and the engine's words: made safe like container text.
      detail.error = safeText(engineMessage(err), { max: 1000 });
      return detail;
    }

    if (strategy !== 'none') {
      // Containers of this refresh are replaced (fresh starts) anyway: never restarted as dependents.
      const selected = new Set(selection.containers.map((c) => c.Id));
      for (const found of dependenciesFirst(selection.containers)) {
        // A move writes the new tag into the replacement's config, as `docker run` would have.
        const info = moveTo ? { ...found, Config: { ...found.Config, Image: withTag(found.Config.Image, options.toTag!) } } : found;
        const outcome = await this.bring(runtime, info, selection.all, detail.imageIdAfter!, strategy, options.signal);
        detail.containers.push(outcome);
        if (outcome.action === 'replaced') await this.restartDependents(info, selection.all, selected, detail);
      }
      await this.updateServices(services, detail, authconfig, options.signal);
    }
    this.settle(detail);
    if (detail.ok && strategy !== 'none') await this.cleanOldImages(runtime, selection.containers, detail, options.previousImages ?? []);
    return detail;
  }

  /** After a good refresh: the images its containers were moved off, cleaned but for the last `keepPrevious` (see cleanup/old-images.ts). */
  private async cleanOldImages(
    runtime: RuntimeConfig,
    containers: readonly ContainerInspect[],
    detail: RuntimeRefreshDetail,
    remembered: readonly string[],
  ): Promise<void> {
    const changed = new Set(detail.containers.filter((c) => c.action === 'replaced' || c.action === 'removed').map((c) => c.id));
    const movedOff = containers.filter((c) => changed.has(c.Id)).map((c) => c.Image);
    const candidates = previousImages(movedOff, remembered, detail.imageIdAfter);
    if (runtime.cleanup === false || (runtime.cleanup === undefined && this.options.cleanup === false)) {
      detail.cleanup = { removed: [], skipped: [], freedBytes: 0, previous: candidates.slice(0, 16) };
      return;
    }
    try {
      const cleaned = await removeOldImages(this.options.docker, candidates, runtime.keepPrevious ?? this.options.keepPrevious ?? 1);
      detail.cleanup = {
        removed: cleaned.removed.map((r) => r.id),
        skipped: cleaned.skipped.map((s) => ({ image: s.id, reason: s.reason })),
        freedBytes: cleaned.freedBytes,
        previous: cleaned.previous,
      };
      for (const skip of cleaned.skipped) this.options.onWarning?.(`${runtime.name}: old image ${skip.id.slice(0, 19)} left in place: ${skip.reason}`);
    } catch (err) {
      // The refresh succeeded; cleaning is upkeep: said, and tried again after the next refresh.
      detail.cleanup = { removed: [], skipped: [], freedBytes: 0, previous: candidates.slice(0, 16) };
      this.options.onWarning?.(`${runtime.name}: old images not cleaned: ${safeText(engineMessage(err), { max: 300 })}`);
    }
  }

  private settle(detail: RuntimeRefreshDetail): RuntimeRefreshDetail {
    const deferred = detail.containers.filter((c) => c.deferred);
    if (deferred.length) detail.deferred = safeText(deferred.map((c) => `${c.name}: ${c.reason ?? 'put off'}`).join('; '), { max: 2000 });
    const failed = detail.containers.filter((c) => c.action === 'failed');
    detail.ok = failed.length === 0;
    if (!detail.ok) detail.error = safeText(failed.map((c) => `${c.name}: ${c.reason ?? 'failed'}`).join('; '), { max: 2000 });
    return detail;
  }

  /** Services are updated by Swarm, one after another, to `detail.digest`. */
  private async updateServices(services: readonly SelectedService[], detail: RuntimeRefreshDetail, authconfig: unknown, signal?: AbortSignal): Promise<void> {
    for (const service of services) {
      const { name, id } = { name: serviceName(service.service), id: service.service.ID };
      detail.containers.push(
        detail.digest
          ? await bringService(this.serviceStrategy, service, { digest: detail.digest, ...(authconfig ? { authconfig } : {}) }, signal)
          : { name, id, action: 'failed', kind: 'service', reason: 'not updated: the engine reported no digest for the pulled tag' },
      );
    }
  }

  /** A runtime only services follow: the digest is looked up, not pulled, and sent with the credentials the nodes pull with. */
  private async updateServicesOnly(
    ref: ImageReference,
    services: readonly SelectedService[],
    detail: RuntimeRefreshDetail,
    signal?: AbortSignal,
  ): Promise<RuntimeRefreshDetail> {
    let authconfig: unknown;
    try {
      detail.digest = await this.options.resolveDigest!(ref, signal);
      const { credential } = await this.options.pullCredential(ref, signal);
      if (credential) authconfig = engineAuthConfig(credential, ref.registry);
    } catch (err) {
      detail.error = safeText(engineMessage(err), { max: 1000 });
      return detail;
    }
    await this.updateServices(services, detail, authconfig, signal);
    return this.settle(detail);
  }

  /** Compose dependents marked `restart: true` follow their replaced dependency, as compose does. */
  private async restartDependents(
    info: ContainerInspect,
    all: readonly ContainerSummary[],
    selected: ReadonlySet<string>,
    detail: RuntimeRefreshDetail,
  ): Promise<void> {
    const member = composeMember(info.Config.Labels);
    if (!member) return;
    for (const dependent of dependentsToRestart(all, member.project, member.service)) {
      if (selected.has(dependent.Id)) continue;
      const name = containerName(dependent.Names, dependent.Id);
      try {
        await this.options.docker.getContainer(dependent.Id).restart();
        detail.restarted = [...(detail.restarted ?? []), name];
      } catch (err) {
        detail.restartFailures = [...(detail.restartFailures ?? []), `${name}: ${safeText(engineMessage(err), { max: 300 })}`];
      }
    }
  }

  private async platformFor(containers: readonly ContainerInspect[]): Promise<string | undefined> {
    const first = containers[0];
    if (!first) return undefined;
    return (await inspectImage(this.options.docker, first.Image))?.platform;
  }

  private async bring(
    runtime: RuntimeConfig,
    info: ContainerInspect,
    all: ContainerSummary[],
    imageId: string,
    recreate: RecreateStrategy,
    signal: AbortSignal | undefined,
  ): Promise<ContainerOutcome> {
    const name = info.Name.replace(/^\//, '');
    const target: ContainerTarget = {
      info,
      all,
      imageId,
      oldImage: async () => (await inspectImage(this.options.docker, info.Image))?.defaults ?? {},
      recreate,
      overlap: runtime.overlap === true,
      warmStart: runtime.warmStart,
      onStep: (step) => this.options.onProgress?.({ runtime: runtime.name, phase: 'recreate', container: name, step }),
      ...(this.options.hooks ? { hookEngine: this.options.docker } : {}),
    };
    return this.replaceLock.run(async () => {
      this.replacements++;
      try {
        return await bringContainer(this.strategies, target, signal);
      } finally {
        this.replacements--;
      }
    });
  }
}
