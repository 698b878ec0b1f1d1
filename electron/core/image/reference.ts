import { InvalidReferenceError } from '../errors.js';
// Image references follow the distribution grammar. Everything that compares images
// compares these normalised forms, never raw strings, so `nginx`, `nginx:latest` and
// `docker.io/library/nginx:latest` are one image and `nginx2` is not.

export const DOCKER_HUB = 'registry-1.docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_NAME = 255;

export interface ImageReference {
  /** Registry host with optional port, e.g. `ghcr.io`, `127.0.0.1:5000`, `registry-1.docker.io`. */
  registry: string;
  /** Repository path, e.g. `library/nginx`, `molecule-ai/workspace-template-crewai`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function isSha256Digest(value: string): boolean {
  return SHA256_DIGEST.test(value);
}

function looksLikeDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

function checkDomain(ref: string, domain: string): void {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']');
    if (end < 0) throw new InvalidReferenceError(ref, `unterminated IPv6 address in registry "${domain}"`);
    host = domain.slice(1, end);
    const rest = domain.slice(end + 1);
    if (rest && !rest.startsWith(':')) throw new InvalidReferenceError(ref, `bad registry "${domain}"`);
    port = rest ? rest.slice(1) : undefined;
    // The grammar's IPv6 is hex and colons only; the engine refuses an embedded IPv4 (a dot).
    if (host.includes('.')) throw new InvalidReferenceError(ref, `IPv6 address "${host}" has an embedded IPv4 part, which the Docker engine refuses`);
    if (!/^[0-9a-fA-F:]+$/.test(host)) throw new InvalidReferenceError(ref, `bad IPv6 address "${host}"`);
  } else {
    const colon = domain.lastIndexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    for (const label of host.split('.')) {
      if (!DOMAIN_LABEL.test(label)) throw new InvalidReferenceError(ref, `bad registry host "${host}"`);
    }
  }
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) {
    throw new InvalidReferenceError(ref, `bad registry port "${port}"`);
  }
  if (port !== undefined && Number(port) > 65535) {
    throw new InvalidReferenceError(ref, `registry port ${port} is out of range`);
  }
}

export function parseReference(input: string): ImageReference {
  if (typeof input !== 'string' || input.length === 0) throw new InvalidReferenceError(String(input), 'empty');
  if (input.trim() !== input) throw new InvalidReferenceError(input, 'surrounding whitespace');
  if (/\s/.test(input)) throw new InvalidReferenceError(input, 'contains whitespace');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) {
      throw new InvalidReferenceError(input, `bad digest "${digest}" (want sha256: and 64 lowercase hex)`);
    }
  }

  // The engine reads a bare 64-hex name as an image ID, never as a repository.
  if (/^[a-f0-9]{64}$/.test(rest.replace(/:[^/]*$/, ''))) {
    throw new InvalidReferenceError(input, 'a 64-hex name is an image ID to the Docker engine, not a repository');
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(input, `bad tag "${tag}"`);
  }
  if (rest.length === 0) throw new InvalidReferenceError(input, 'missing repository name');

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && looksLikeDomain(first)) {
    checkDomain(input, first);
    registry = HUB_ALIASES.has(first.toLowerCase()) ? DOCKER_HUB : first;
    parts.shift();
  }
  for (const component of parts) {
    if (component === '') throw new InvalidReferenceError(input, 'empty path component');
    if (!COMPONENT.test(component)) {
      const why = component !== component.toLowerCase() ? 'repository names must be lowercase' : 'bad characters';
      throw new InvalidReferenceError(input, `bad path component "${component}": ${why}`);
    }
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > MAX_NAME) {
    throw new InvalidReferenceError(input, `name longer than ${MAX_NAME} characters`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  const ref: ImageReference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

export function tryParseReference(input: string): ImageReference | null {
  try {
    return parseReference(input);
  } catch {
    return null;
  }
}

export function formatReference(ref: ImageReference): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

export function normalizeReference(input: string): string {
  return formatReference(parseReference(input));
}

/** `registry/repository`, the key the engine uses in RepoDigests. */
export function repositoryKey(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The name to hand the Docker engine: it spells Docker Hub `docker.io`, not the API host. */
export function engineName(ref: ImageReference): string {
  const registry = ref.registry === DOCKER_HUB ? 'docker.io' : ref.registry;
  let out = `${registry}/${ref.repository}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/**
 * Whether a container created from `candidate` follows the watched tag. A container pinned
 * to a digest deliberately does not follow any tag, so it never matches.
 */
export function followsTag(candidate: string, watched: ImageReference): boolean {
  const ref = tryParseReference(candidate);
  if (!ref || ref.digest !== undefined) return false;
  return ref.registry === watched.registry && ref.repository === watched.repository && ref.tag === watched.tag;
}

/** Whether an engine RepoDigests entry (`repo@sha256:…`) records `digest` for the watched repository. */
export function repoDigestsContain(repoDigests: readonly string[], watched: ImageReference, digest: string): boolean {
  return repoDigests.some((entry) => {
    const ref = tryParseReference(entry);
    return ref !== null && ref.digest === digest && repositoryKey(ref) === repositoryKey(watched);
  });
}

/**
 * The reference as the user wrote it, with another tag (`nginx:1.25.3` → `nginx:1.27.0`): what a
 * container moved to a newer tag is created from, and what a configured runtime then watches.
 */
export function withTag(written: string, tag: string): string {
  const colon = written.lastIndexOf(':');
  const slash = written.lastIndexOf('/');
  return colon > slash ? `${written.slice(0, colon)}:${tag}` : `${written}:${tag}`;
}
