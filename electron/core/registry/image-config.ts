// An image's own labels, read from the registry: the manifest the digest names (for an index,
// the engine platform's manifest in it), then the config blob it points to. At most three
// requests (index, manifest, config), made when a tag moves, never on a steady check.
import { formatReference, type ImageReference } from '../image/reference.js';
import { RegistryError } from '../errors.js';
import type { RegistryClient } from './client.js';
import { formatPlatform, isIndex, platformManifest, type Platform } from './platform.js';

function parse<T>(body: Buffer, what: string): T {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new RegistryError(`${what} is not valid JSON`);
  }
}

/**
 * An index's first image for a real platform (attestations say `unknown/unknown`): with no
 * engine platform known yet, an image's labels are the same on each platform in practice.
 */
function firstImage(body: Buffer, name: string): string | null {
  const doc = parse<{ manifests?: Array<{ digest?: unknown; platform?: { os?: unknown } }> }>(body, `${name}: the image index`);
  const entry = (Array.isArray(doc.manifests) ? doc.manifests : []).find((m) => typeof m.digest === 'string' && m.platform?.os !== 'unknown');
  const digest = entry?.digest;
  return typeof digest === 'string' && /^sha256:[a-f0-9]{64}$/.test(digest) ? digest : null;
}

/** The labels in the config of the image `digest` names for `platform` (any real one when null). */
export async function imageLabels(
  registry: Pick<RegistryClient, 'getManifest' | 'getBlob'>,
  ref: ImageReference,
  digest: string,
  platform: Platform | null,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const name = formatReference(ref);
  let manifest = await registry.getManifest(ref, digest, signal);
  if (isIndex(manifest.mediaType)) {
    const image = platform ? platformManifest(manifest.body, platform, name) : firstImage(manifest.body, name);
    if (!image) throw new RegistryError(`${name}: ${digest} has no image for ${platform ? formatPlatform(platform) : 'any platform'}`);
    manifest = await registry.getManifest(ref, image, signal);
  }
  const config = parse<{ config?: { digest?: unknown } }>(manifest.body, `${name}: the manifest of ${digest}`).config?.digest;
  if (typeof config !== 'string') throw new RegistryError(`${name}: the manifest of ${digest} names no config`);
  const blob = parse<{ config?: { Labels?: unknown } }>(await registry.getBlob(ref, config, signal), `${name}: the config of ${digest}`);
  const labels = blob.config?.Labels;
  if (!labels || typeof labels !== 'object') return {};
  // Only string values: the config is the image author's text.
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
