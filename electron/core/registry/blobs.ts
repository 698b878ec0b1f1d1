// Reading one blob (an image's config) from a registry. Registries answer a blob GET with a
// redirect to their storage (GHCR to pkg-containers.githubusercontent.com, Docker Hub to its
// CDN, S3 behind a self-hosted one); the registry's Authorization is sent only to the registry
// itself, never to where it redirects. What arrives must hash to the digest asked for.
import { createHash } from 'node:crypto';
import { formatReference, isSha256Digest, type ImageReference } from '../image/reference.js';
import { RegistryError } from '../errors.js';
import { header, type RegistryResponse, type Send } from './http.js';

/** Redirects followed before giving up (a registry sends one; a loop sends many). */
const MAX_REDIRECTS = 3;
/** An image config is a few KB; anything past this is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface BlobDeps {
  send: Send;
  baseUrl: (registry: string) => string;
  /** The Authorization for the registry and scope, or null when it needs none. */
  authorization: (registry: string, scope: string, signal?: AbortSignal) => Promise<string | null | undefined>;
  /** A 401: learn the registry's challenge anew (a token for this scope), once. */
  rechallenged: (registry: string, scope: string, res: RegistryResponse) => void;
}

export async function fetchBlob(deps: BlobDeps, ref: ImageReference, digest: string, signal?: AbortSignal): Promise<Buffer> {
  const name = formatReference(ref);
  if (!isSha256Digest(digest)) throw new RegistryError(`${name}: "${digest.slice(0, 100)}" is not a sha256 digest`);
  let url = new URL(`${deps.baseUrl(ref.registry)}/v2/${ref.repository}/blobs/${digest}`);
  const registryHost = url.host;
  const scope = `repository:${ref.repository}:pull`;
  let auth = await deps.authorization(ref.registry, scope, signal);
  let reauthenticated = false;
  for (let hops = 0; ; hops++) {
    const headers: Record<string, string> = url.host === registryHost && auth ? { authorization: auth } : {};
    const res = await deps.send('GET', url, headers, signal);
    if ([301, 302, 303, 307, 308].includes(res.status)) {
      const location = header(res, 'location');
      if (!location || hops >= MAX_REDIRECTS)
        throw new RegistryError(`${name}: blob ${digest} redirected ${location ? 'too many times' : 'without a Location'}`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && url.protocol === 'http:')) {
        throw new RegistryError(`${name}: blob ${digest} redirected from ${url.protocol} to ${next.protocol}`);
      }
      url = next;
      continue;
    }
    if (res.status === 401 && url.host === registryHost && !reauthenticated) {
      deps.rechallenged(ref.registry, scope, res);
      auth = await deps.authorization(ref.registry, scope, signal);
      reauthenticated = true;
      continue;
    }
    if (res.status !== 200) throw new RegistryError(`${name}: blob ${digest}: ${url.host} answered ${res.status}`, res.status);
    if (res.body.length > MAX_CONFIG_BYTES) throw new RegistryError(`${name}: blob ${digest} is larger than ${MAX_CONFIG_BYTES} bytes`);
    const actual = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    if (actual !== digest) throw new RegistryError(`${name}: the blob sent for ${digest} hashes to ${actual}`);
    return res.body;
  }
}
