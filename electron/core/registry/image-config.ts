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

/** The labels in the config of the image `digest` names for `platform` (an index needs one). */
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
    if (!platform) throw new RegistryError(`${name}: ${digest} is a multi-platform index and the engine's platform is not known`);
    const image = platformManifest(manifest.body, platform, name);
    if (!image) throw new RegistryError(`${name}: ${digest} has no image for ${formatPlatform(platform)}`);
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
