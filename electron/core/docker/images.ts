import { engineName, repoDigestsContain, tryParseReference, repositoryKey, type ImageReference } from '../image/reference.js';
import { statusOf } from '../engines/connect.js';
import type { EngineClient, ImageInspect } from '../engines/client.js';

/** The image's own config, which a container's inspection merges in: what a clone must not pin. */
export interface ImageDefaults {
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string | string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
  StopSignal?: string;
  Healthcheck?: unknown;
  Shell?: string[] | null;
}

export interface LocalImage {
  id: string;
  repoDigests: string[];
  platform: string;
  defaults: ImageDefaults;
}

function platformOf(info: ImageInspect): string {
  const variant = (info as { Variant?: string }).Variant;
  return `${info.Os}/${info.Architecture}${variant ? `/${variant}` : ''}`;
}

/** Inspects an image by reference or ID; null when the engine does not have it. */
export async function inspectImage(docker: EngineClient, nameOrId: string): Promise<LocalImage | null> {
  try {
    const info = await docker.getImage(nameOrId).inspect();
    return {
      id: info.Id,
      repoDigests: info.RepoDigests ?? [],
      platform: platformOf(info),
      defaults: (info.Config ?? {}) as ImageDefaults,
    };
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

export function localTagImage(docker: EngineClient, ref: ImageReference): Promise<LocalImage | null> {
  return inspectImage(docker, engineName({ registry: ref.registry, repository: ref.repository, tag: ref.tag ?? 'latest' }));
}

/** The repository digest the engine recorded for the watched repository, if any. */
export function repoDigestFor(image: LocalImage, ref: ImageReference): string | undefined {
  for (const entry of image.repoDigests) {
    const parsed = tryParseReference(entry);
    if (parsed?.digest && repositoryKey(parsed) === repositoryKey(ref)) return parsed.digest;
  }
  return undefined;
}

export function imageHasDigest(image: LocalImage, ref: ImageReference, digest: string): boolean {
  return repoDigestsContain(image.repoDigests, ref, digest);
}
