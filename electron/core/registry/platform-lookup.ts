// Lookups that know whether a tag names a multi-arch index, and the engine platform's image
// inside it. The index itself is fetched only when asked, which the watcher does only when the
// tag's digest has moved: one extra GET per move, none in steady state.
import { formatReference, type ImageReference } from '../image/reference.js';
import type { RegistryClient } from './client.js';
import { formatPlatform, isIndex, platformManifest, type Platform } from './platform.js';

export interface PlatformImage {
  /** `os/arch[/variant]` of the engine. */
  platform: string;
  /** That platform's image in the index; null when the index has none for it. */
  digest: string | null;
}

export class PlatformLookup {
  /** Per tag: the last digest looked up and its media type. */
  private readonly last = new Map<string, { digest: string; mediaType: string | undefined }>();

  constructor(private readonly registry: Pick<RegistryClient, 'getDigest' | 'getManifest'>) {}

  async digest(ref: ImageReference, signal?: AbortSignal): Promise<string> {
    const result = await this.registry.getDigest(ref, signal);
    this.last.set(formatReference(ref), { digest: result.digest, mediaType: result.mediaType });
    return result.digest;
  }

  /**
   * The image in the index `digest` names for an engine's platform (each engine has its own).
   * null: `digest` is one image (not an index), or the engine's platform is unknown now.
   */
  async platformImage(
    ref: ImageReference,
    digest: string,
    signal: AbortSignal | undefined,
    enginePlatform: () => Promise<Platform | null>,
  ): Promise<PlatformImage | null> {
    const seen = this.last.get(formatReference(ref));
    if (!seen || seen.digest !== digest || !isIndex(seen.mediaType)) return null;
    // The engine keeps its platform once it has answered (engines/engine.ts); unknown until then.
    const platform = await enginePlatform().catch(() => null);
    if (!platform) return null;
    const { body } = await this.registry.getManifest(ref, digest, signal);
    return { platform: formatPlatform(platform), digest: platformManifest(body, platform, formatReference(ref)) };
  }
}
