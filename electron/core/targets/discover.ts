// Discovery mode: the images the user's containers (running or stopped) were created from, and
// on a Swarm manager the tags its services follow, become runtimes, one per tag, named after
// the repository. What is not watched is listed
// with the reason: local builds and digest-pinned images are never looked up, orchestrated
// and opted-out containers are never touched.
import type { RuntimeConfig, UnwatchedImage, UnwatchedReason } from '../../../shared/dto.js';
import { RuntimeNameSchema } from '../../../shared/schemas.js';
import { inspectImage, repoDigestFor } from '../docker/images.js';
import { DOCKER_HUB, followsTag, formatReference, tryParseReference, type ImageReference } from '../image/reference.js';
import { ContainerListError } from '../errors.js';
import { engineMessage } from '../engines/connect.js';
import { safeText } from '../util/safe-text.js';
import { ENABLE_LABEL, linkTemplate, optedIn, optedOutBy, tagFilters } from '../labels.js';
import type { TagFilters } from '../versions/tags/newer.js';
import { containerName, IMAGE_ID, isTemporary, orchestratorOf } from './select.js';
import { managedServices, serviceFollowsTag, serviceImage, serviceName } from './services.js';
import type { ContainerSummary, EngineClient } from '../engines/client.js';

/** true: every container unless opted out; 'opt-in': only containers labelled imagewatch.enable=true. */
export type DiscoverMode = boolean | 'opt-in';

export interface Discovery {
  runtimes: RuntimeConfig[];
  unwatched: UnwatchedImage[];
}

interface Found {
  ref: ImageReference;
  /** The reference as the first container wrote it, for display. */
  written: string;
  containers: string[];
  /** A release link template set as a label on one of them. */
  link?: string;
  /** Tag filters (include, exclude, transform) set as labels on one of them. */
  tags?: TagFilters;
}

export async function discoverContainers(docker: EngineClient, mode: Exclude<DiscoverMode, false>, configured: readonly RuntimeConfig[]): Promise<Discovery> {
  let list: ContainerSummary[];
  try {
    list = await docker.listContainers({ all: true });
  } catch (err) {
    throw new ContainerListError(`cannot list containers: ${engineMessage(err)}`);
  }
  const unwatched = new Map<string, UnwatchedImage>();
  const note = (image: string, container: string, reason: UnwatchedReason, detail: string): void => {
    const key = `${reason}\u0000${image}\u0000${detail}`;
    const entry = unwatched.get(key) ?? { image, reason, detail, containers: [] };
    entry.containers.push(container);
    unwatched.set(key, entry);
  };
  const configuredRefs = configured.map((r) => tryParseReference(r.image)).filter((r): r is ImageReference => r !== null);
  const found = new Map<string, Found>();
  // Whether an image has a registry digest for the repository it is tagged as, per image ID.
  const fromRegistry = new Map<string, Promise<boolean>>();

  // On a Swarm manager the services are found below; their tasks' containers are theirs.
  const services = await managedServices(docker);
  for (const entry of list) {
    const name = containerName(entry.Names, entry.Id);
    if (services && orchestratorOf(entry.Labels) === 'Swarm') continue;
    if (isTemporary(name)) continue;
    let written = entry.Image;
    // The list shows an image ID once the tag has moved on; the container's own config says what it was made from.
    if (IMAGE_ID.test(written)) {
      try {
        written = (await docker.getContainer(entry.Id).inspect()).Config.Image;
      } catch {
        continue; // removed meanwhile
      }
    }
    const orchestrator = orchestratorOf(entry.Labels);
    if (orchestrator) {
      note(
        written,
        name,
        'orchestrated',
        `${orchestrator} owns it; update it through ${orchestrator === 'Swarm' ? 'docker service update' : 'its deployment'}`,
      );
      continue;
    }
    const optOut = optedOutBy(entry.Labels);
    if (optOut) {
      note(written, name, 'opted-out', `opted out with ${optOut}`);
      continue;
    }
    if (mode === 'opt-in' && !optedIn(entry.Labels)) {
      note(written, name, 'not-opted-in', `opt-in mode: label it ${ENABLE_LABEL}=true to watch it`);
      continue;
    }
    if (IMAGE_ID.test(written)) {
      note(written, name, 'no-tag', 'created from an image ID, so there is no tag to follow');
      continue;
    }
    const ref = tryParseReference(written);
    if (!ref) {
      note(safeText(written, { max: 300 }), name, 'unreadable', 'not an image reference imagewatch can look up');
      continue;
    }
    if (ref.digest !== undefined) {
      note(written, name, 'pinned', 'pinned to a digest, which never moves; it is never followed');
      continue;
    }
    const tagged: ImageReference = { ...ref, tag: ref.tag ?? 'latest' };
    let registryImage = fromRegistry.get(entry.ImageID);
    if (!registryImage) {
      registryImage = inspectImage(docker, entry.ImageID).then(
        (image) => image !== null && repoDigestFor(image, tagged) !== undefined,
        () => false,
      );
      fromRegistry.set(entry.ImageID, registryImage);
    }
    if (!(await registryImage)) {
      note(written, name, 'local-build', 'local build, not checked: the image did not come from a registry');
      continue;
    }
    const key = formatReference(tagged);
    if (configuredRefs.some((watched) => followsTag(key, watched))) continue; // a configured runtime watches it already
    const seen = found.get(key);
    const link = linkTemplate(entry.Labels);
    const tags = tagFilters(entry.Labels);
    if (seen) {
      seen.containers.push(name);
      seen.link ??= link;
      seen.tags ??= tags;
    } else found.set(key, { ref: tagged, written, containers: [name], ...(link ? { link } : {}), ...(tags ? { tags } : {}) });
  }

  for (const service of services ?? []) {
    const name = `service ${serviceName(service)}`;
    const written = serviceImage(service);
    const ref = written ? tryParseReference(written) : null;
    if (!written || !ref) continue;
    const optOut = optedOutBy(service.Spec?.Labels);
    if (optOut) note(written, name, 'opted-out', `opted out with ${optOut}`);
    else if (mode === 'opt-in' && !optedIn(service.Spec?.Labels))
      note(written, name, 'not-opted-in', `opt-in mode: label the service ${ENABLE_LABEL}=true to watch it`);
    else if (ref.tag === undefined) note(written, name, 'pinned', 'pinned to a digest by its owner, with no tag to follow');
    else {
      // The tag it follows, without the digest Swarm resolved at deploy.
      const tagged: ImageReference = { registry: ref.registry, repository: ref.repository, tag: ref.tag };
      const key = formatReference(tagged);
      if (configuredRefs.some((watched) => serviceFollowsTag(key, watched))) continue;
      const seen = found.get(key);
      const link = linkTemplate(service.Spec?.Labels);
      const tags = tagFilters(service.Spec?.Labels);
      if (seen) {
        seen.containers.push(name);
        seen.link ??= link;
        seen.tags ??= tags;
      } else
        found.set(key, {
          ref: tagged,
          written: written.replace(/@sha256:[a-f0-9]{64}$/, ''),
          containers: [name],
          ...(link ? { link } : {}),
          ...(tags ? { tags } : {}),
        });
    }
  }

  const taken = new Set(configured.map((r) => r.name));
  const runtimes: RuntimeConfig[] = [];
  // Sorted, so a tag keeps its name from one check to the next.
  for (const [, item] of [...found.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const name = runtimeName(item.ref, taken);
    taken.add(name);
    runtimes.push({
      name,
      image: item.written,
      ...(mode === 'opt-in' ? { match: { label: `${ENABLE_LABEL}=true` } } : {}),
      ...(item.link ? { link: item.link } : {}),
      ...(item.tags ? { tags: item.tags } : {}),
    });
  }
  return { runtimes, unwatched: [...unwatched.values()].sort((a, b) => a.image.localeCompare(b.image)) };
}

/** A valid, unused runtime name for a tag: the repository's last part, then more of it, then the registry. */
export function runtimeName(ref: ImageReference, taken: ReadonlySet<string>): string {
  const parts = ref.repository.split('/');
  const tag = ref.tag && ref.tag !== 'latest' ? `-${ref.tag}` : '';
  const candidates: string[] = [];
  for (let n = 1; n <= parts.length; n += 1) candidates.push(`${parts.slice(-n).join('-')}${tag}`);
  if (ref.registry !== DOCKER_HUB) candidates.push(`${ref.registry}-${parts.join('-')}${tag}`);
  const clean = (raw: string): string =>
    raw
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 63);
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  const free = (name: string): boolean => name.length > 0 && !used.has(name.toLowerCase()) && RuntimeNameSchema.safeParse(name).success;
  for (const candidate of candidates.map(clean)) if (free(candidate)) return candidate;
  const base = clean(candidates[candidates.length - 1]!).slice(0, 58) || 'image';
  for (let n = 2; ; n += 1) if (free(`${base}-${n}`)) return `${base}-${n}`;
}
