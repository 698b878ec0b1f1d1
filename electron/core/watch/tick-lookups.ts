// One tick's registry requests, shared: runtimes watching the same tag cost one lookup, however
// many engines run it, and one read of its index per engine when it moved. Each registry has
// its own concurrency limit, so a slow registry does not hold up the lookups of another; each
// engine that fails to answer is asked no more in this tick, and the others go on.
import { formatReference, type ImageReference } from '../image/reference.js';
import type { PlatformImage } from '../registry/platform-lookup.js';
import type { LocalView } from './transitions.js';
import type { ImageFacts } from '../../../shared/dto.js';
import { Semaphore } from '../util/limit.js';
import type { WatchedEngine } from './watched-engine.js';

export interface LookupFunctions {
  /** What the (one) engine holds for a tag; throws when the engine cannot be asked. Engines given to `local` bring their own. */
  localView?: (ref: ImageReference, digest: string) => Promise<LocalView>;
  lookupDigest: (ref: ImageReference, signal?: AbortSignal) => Promise<string>;
  platformImage?: (ref: ImageReference, digest: string, signal?: AbortSignal) => Promise<PlatformImage | null>;
  /**
   * What the image `digest` names says about itself (its config's labels). `platformImage`: the
   * engine platform's image in it, when the move's index read found one. Absent: not read.
   */
  readFacts?: (ref: ImageReference, digest: string, platformImage: string | null, signal?: AbortSignal) => Promise<ImageFacts>;
}

export class TickLookups {
  private readonly limits = new Map<string, Semaphore>();
  private readonly digests = new Map<string, Promise<string>>();
  private readonly platforms = new Map<string, Promise<PlatformImage | null>>();
  private readonly factReads = new Map<string, Promise<ImageFacts | null>>();
  /** Per engine, set once it failed to answer in this tick: the other runtimes do not ask it again. */
  private readonly engineDown = new Map<string, Error>();

  constructor(
    private readonly fns: LookupFunctions,
    private readonly concurrency: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private limitFor(registry: string): Semaphore {
    let limit = this.limits.get(registry);
    if (!limit) this.limits.set(registry, (limit = new Semaphore(this.concurrency)));
    return limit;
  }

  digest(ref: ImageReference): Promise<string> {
    return this.once(ref.registry, this.digests, formatReference(ref), () => this.fns.lookupDigest(ref, this.signal));
  }

  /** The image an engine would run from the index `digest` names (each engine has its platform). */
  platform(ref: ImageReference, digest: string, engine?: WatchedEngine): Promise<PlatformImage | null> {
    const read = engine ? engine.platformImage : this.fns.platformImage;
    if (!read) return Promise.resolve(null);
    return this.once(ref.registry, this.platforms, `${formatReference(ref)}@${digest}@${engine?.name ?? ''}`, () => read(ref, digest, this.signal));
  }

  /** What the image a digest names says about itself, read once in a tick however many runtimes follow it; null when not read. */
  facts(ref: ImageReference, digest: string, platformImage: string | null): Promise<ImageFacts | null> {
    const read = this.fns.readFacts;
    if (!read) return Promise.resolve(null);
    // By digest alone: a digest names the same image in whichever repository it is read.
    return this.once(ref.registry, this.factReads, digest, () => read(ref, digest, platformImage, this.signal));
  }

  /** An engine's view of a tag; after one failure in this tick, the same failure without asking. */
  async local(ref: ImageReference, digest: string, engine?: WatchedEngine): Promise<LocalView> {
    const key = engine?.name ?? '';
    const down = this.engineDown.get(key);
    if (down) throw down;
    const view = engine ? engine.localView : this.fns.localView;
    try {
      if (!view) throw new Error('internal: no way to ask the engine');
      return await view(ref, digest);
    } catch (err) {
      this.engineDown.set(key, err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  private once<T>(registry: string, cache: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
    let pending = cache.get(key);
    if (!pending) {
      pending = this.limitFor(registry).run(start);
      // Awaited by the runtimes later; an early failure must not count as unhandled meanwhile.
      pending.catch(() => undefined);
      cache.set(key, pending);
    }
    return pending;
  }
}
