// Multi-arch images: a tag that names an image index moves whenever any platform's image
// changes (or an attestation is added). What matters to the user is the image for the
// engine's own platform, picked here from the index the way the engine picks it when pulling.
import { RegistryError } from '../errors.js';

export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function isIndex(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_MEDIA_TYPES.has(mediaType);
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** The engine's platform from its version answer (Go's GOOS/GOARCH names, as indexes use). */
export function enginePlatform(version: { Os?: string; Arch?: string }): Platform | null {
  if (!version.Os || !version.Arch) return null;
  // The engine does not report an ARM variant; these are the ones it assumes when pulling.
  const variant = version.Arch === 'arm' ? 'v7' : undefined;
  return { os: version.Os, architecture: version.Arch, ...(variant ? { variant } : {}) };
}

interface IndexEntry {
  digest?: unknown;
  platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
}

/**
 * The digest of `platform`'s image in an index body; null when the index has none for it.
 * An exact variant wins; else the first entry for the OS and architecture (as the engine does
 * for arm64, whose indexes say "v8" or nothing).
 */
export function platformManifest(body: Buffer, platform: Platform, where: string): string | null {
  let doc: { manifests?: unknown };
  try {
    doc = JSON.parse(body.toString('utf8')) as { manifests?: unknown };
  } catch {
    throw new RegistryError(`${where}: the image index is not valid JSON`);
  }
  if (!Array.isArray(doc.manifests)) throw new RegistryError(`${where}: the image index has no manifests list`);
  const candidates = (doc.manifests as IndexEntry[]).filter(
    (m) => typeof m.digest === 'string' && m.platform?.os === platform.os && m.platform?.architecture === platform.architecture,
  );
  const exact = candidates.find((m) => (m.platform?.variant ?? undefined) === platform.variant);
  const chosen = exact ?? candidates[0];
  if (!chosen) return null;
  const digest = chosen.digest as string;
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new RegistryError(`${where}: the image index names a malformed digest for ${formatPlatform(platform)}`);
  return digest;
}
