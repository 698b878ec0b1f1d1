// The facts of one image from the registry, as state keeps them: its labels read through the
// manifest (the platform's image in an index) and the config blob. Two requests when the
// platform's image is already known from the move's index read, three otherwise.
import type { ImageFacts } from '../../../shared/dto.js';
import type { ImageReference } from '../image/reference.js';
import type { RegistryClient } from '../registry/client.js';
import { imageLabels } from '../registry/image-config.js';
import type { Platform } from '../registry/platform.js';
import { safeText } from '../util/safe-text.js';
import { imageVersion } from './labels.js';

/** How long a failed read stands before the next check tries again. */
export const FACTS_RETRY_MS = 24 * 60 * 60_000;

/**
 * `platformImage`: the digest of the engine platform's image inside the index `digest` names,
 * when the move's index read found it; else the index is read here (for `platform`, or its
 * first real platform when the engine's is not known).
 */
export async function readImageFacts(
  registry: Pick<RegistryClient, 'getManifest' | 'getBlob'>,
  ref: ImageReference,
  digest: string,
  options: { platformImage?: string | null; platform?: Platform | null; signal?: AbortSignal; now?: () => number },
): Promise<ImageFacts> {
  const readAt = new Date((options.now ?? Date.now)()).toISOString();
  const labels = await imageLabels(registry, ref, options.platformImage ?? digest, options.platform ?? null, options.signal);
  return { ...imageVersion(labels), from: 'registry', readAt };
}

/** A read that failed, kept so the next checks do not ask again before FACTS_RETRY_MS. */
export function failedFacts(err: unknown, at: number): ImageFacts {
  return { from: 'registry', readAt: new Date(at).toISOString(), error: safeText((err as Error).message, { max: 300 }) };
}

/** Whether the facts of a digest are to be read (again) now. */
export function factsDue(facts: ImageFacts | undefined, nowMs: number): boolean {
  if (!facts) return true;
  return facts.error !== undefined && Date.parse(facts.readAt) + FACTS_RETRY_MS <= nowMs;
}

/** The facts of what an engine holds, from its copy's labels: no registry request. */
export function engineFacts(labels: Readonly<Record<string, string>> | null | undefined, at: number): ImageFacts {
  return { ...imageVersion(labels), from: 'engine', readAt: new Date(at).toISOString() };
}
