// One tick's registry requests, shared: runtimes watching the same tag cost one lookup, and
// one read of its index when it moved. All of them go through one concurrency limit.
import { formatReference, type ImageReference } from '../image/reference.js';
import type { PlatformImage } from '../registry/platform-lookup.js';
import { Semaphore } from '../util/limit.js';

export interface LookupFunctions {
  lookupDigest: (ref: ImageReference, signal?: AbortSignal) => Promise<string>;
  platformImage?: (ref: ImageReference, digest: string, signal?: AbortSignal) => Promise<PlatformImage | null>;
}

export class TickLookups {
  private readonly limit: Semaphore;
  private readonly digests = new Map<string, Promise<string>>();
  private readonly platforms = new Map<string, Promise<PlatformImage | null>>();

  constructor(
    private readonly fns: LookupFunctions,
    concurrency: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.limit = new Semaphore(concurrency);
  }

  digest(ref: ImageReference): Promise<string> {
    return this.once(this.digests, formatReference(ref), () => this.fns.lookupDigest(ref, this.signal));
  }

  platform(ref: ImageReference, digest: string): Promise<PlatformImage | null> {
    const read = this.fns.platformImage;
    if (!read) return Promise.resolve(null);
    return this.once(this.platforms, `${formatReference(ref)}@${digest}`, () => read(ref, digest, this.signal));
  }

  private once<T>(cache: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
    let pending = cache.get(key);
    if (!pending) {
      pending = this.limit.run(start);
      // Awaited by the runtimes later; an early failure must not count as unhandled meanwhile.
      pending.catch(() => undefined);
      cache.set(key, pending);
    }
    return pending;
  }
}
