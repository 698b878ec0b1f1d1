// Swarm services a refresh may update: on an engine that is a Swarm manager, those whose spec
// image follows the watched tag, `repo:tag` or `repo:tag@sha256:…` (what Swarm writes when it
// resolves the tag at deploy), compared normalised. A service its owner pinned to a digest with
// no tag follows no tag and is never selected. Their tasks' containers are never targets (see
// select.ts's orchestratorOf): Swarm updates them.
import type { RuntimeMatch } from '../../../shared/dto.js';
import { tryParseReference, type ImageReference } from '../image/reference.js';
import { engineMessage } from '../engines/connect.js';
import type { EngineClient, ServiceInspect } from '../engines/client.js';
import { ContainerListError } from '../errors.js';
import { matchesLabel } from './select.js';

/** The image a service's tasks are created from, as its spec says. */
export function serviceImage(service: ServiceInspect): string | undefined {
  const template = service.Spec?.TaskTemplate as { ContainerSpec?: { Image?: string } } | undefined;
  return template?.ContainerSpec?.Image;
}

export function serviceName(service: ServiceInspect): string {
  return service.Spec?.Name ?? service.ID;
}

/** Whether a service image (`repo:tag`, or `repo:tag@sha256:…` once Swarm resolved it) follows the watched tag. */
export function serviceFollowsTag(image: string, watched: ImageReference): boolean {
  const ref = tryParseReference(image);
  if (!ref || ref.tag === undefined) return false;
  return ref.registry === watched.registry && ref.repository === watched.repository && ref.tag === watched.tag;
}

/** Whether the engine manages a Swarm (only a manager can list and update services). */
export async function isSwarmManager(docker: EngineClient): Promise<boolean> {
  const info = await docker.info();
  return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
}

/** Whether a service image is the watched repository pinned to a digest with no tag: its owner's choice, shown and left alone. */
export function pinnedByOwner(image: string, watched: ImageReference): boolean {
  const ref = tryParseReference(image);
  return ref !== null && ref.tag === undefined && ref.digest !== undefined && ref.registry === watched.registry && ref.repository === watched.repository;
}

export interface SelectedService {
  service: ServiceInspect;
  /** Pinned by its owner to a digest with no tag: reported, never updated. */
  pinned: boolean;
}

/** The services that follow the watched tag (and those of its repository pinned by their owner), narrowed like containers by name prefix or label. */
export async function selectServices(docker: EngineClient, watched: ImageReference, match: RuntimeMatch = {}): Promise<SelectedService[]> {
  const services = (await managedServices(docker)) ?? [];
  const selected: SelectedService[] = [];
  for (const service of services) {
    const image = serviceImage(service);
    if (!image) continue;
    const pinned = pinnedByOwner(image, watched);
    if (!pinned && !serviceFollowsTag(image, watched)) continue;
    if (match.namePrefix && !serviceName(service).startsWith(match.namePrefix)) continue;
    if (match.label && !matchesLabel(service.Spec?.Labels, match.label)) continue;
    selected.push({ service, pinned });
  }
  return selected;
}

/** Every service on the engine when it is a Swarm manager; none otherwise (a worker or a plain engine). */
export async function managedServices(docker: EngineClient): Promise<ServiceInspect[] | null> {
  if (!(await isSwarmManager(docker))) return null;
  try {
    return await docker.listServices();
  } catch (err) {
    throw new ContainerListError(`cannot list services: ${engineMessage(err)}`);
  }
}
