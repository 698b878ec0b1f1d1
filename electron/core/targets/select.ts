// Choosing the containers a refresh may touch: those whose configured image follows the
// watched tag (compared normalised, never by substring), narrowed by name prefix or label.
// Anything else on the host is never touched.
import type { RuntimeMatch } from '../../../shared/dto.js';
import { followsTag, type ImageReference } from '../image/reference.js';
import { TEMP_SUFFIX_NEW, TEMP_SUFFIX_OLD } from '../labels.js';
import { ContainerListError } from '../errors.js';
import { engineMessage } from '../engines/connect.js';
import type { ContainerInspect, ContainerSummary, EngineClient } from '../engines/client.js';
import { KUBERNETES_PREFIX, SWARM_TASK_LABEL } from '../labels.js';

/** What the engine lists instead of a name once the tag has moved on, or a container made from an ID. */
export const IMAGE_ID = /^(sha256:)?[a-f0-9]{12,64}$/;

/** A replacement's temporary container (or the old one parked): never a target of its own. */
export function isTemporary(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX_NEW) || name.endsWith(TEMP_SUFFIX_OLD);
}

export function matchesLabel(labels: Record<string, string> | undefined, selector: string): boolean {
  const eq = selector.indexOf('=');
  const key = eq >= 0 ? selector.slice(0, eq) : selector;
  if (!labels || !(key in labels)) return false;
  return eq < 0 || labels[key] === selector.slice(eq + 1);
}

/**
 * The orchestrator that owns a container, if any. Replacing a Swarm task or a Kubernetes pod's
 * container behind its back makes the orchestrator start another (on the old image), so such
 * containers are reported and left alone in every mode.
 */
export function orchestratorOf(labels: Record<string, string> | null | undefined): 'Swarm' | 'Kubernetes' | null {
  if (!labels) return null;
  if (labels[SWARM_TASK_LABEL] !== undefined) return 'Swarm';
  if (Object.keys(labels).some((key) => key.startsWith(KUBERNETES_PREFIX))) return 'Kubernetes';
  return null;
}

export function containerName(names: readonly string[] | undefined, fallback: string): string {
  return (names?.[0] ?? fallback).replace(/^\//, '');
}

export interface Selection {
  containers: ContainerInspect[];
  /** Every container on the host, for checks such as shared network namespaces. */
  all: ContainerSummary[];
}

export async function selectContainers(docker: EngineClient, watched: ImageReference, match: RuntimeMatch = {}): Promise<Selection> {
  let all: ContainerSummary[];
  try {
    all = await docker.listContainers({ all: true });
  } catch (err) {
    throw new ContainerListError(`cannot list containers: ${engineMessage(err)}`);
  }
  const containers: ContainerInspect[] = [];
  for (const entry of all) {
    const name = containerName(entry.Names, entry.Id);
    if (isTemporary(name)) continue;
    if (match.namePrefix && !name.startsWith(match.namePrefix)) continue;
    if (match.label && !matchesLabel(entry.Labels, match.label)) continue;
    // The list shows an image ID instead of the name once the tag has moved on; only
    // inspect can tell what such a container was created from.
    if (!followsTag(entry.Image, watched) && !IMAGE_ID.test(entry.Image)) continue;
    let info: ContainerInspect;
    try {
      info = await docker.getContainer(entry.Id).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) continue; // removed meanwhile
      throw new ContainerListError(`cannot inspect container ${name}: ${engineMessage(err)}`);
    }
    if (followsTag(info.Config.Image, watched)) containers.push(info);
  }
  return { containers, all };
}

/** Containers that run inside `target`'s network namespace and would lose it if it were replaced. */
export function namespaceDependents(target: ContainerInspect, all: readonly ContainerSummary[]): string[] {
  const name = target.Name.replace(/^\//, '');
  const modes = new Set([`container:${target.Id}`, `container:${target.Id.slice(0, 12)}`, `container:${name}`]);
  return all.filter((c) => c.Id !== target.Id && modes.has(c.HostConfig?.NetworkMode ?? '')).map((c) => containerName(c.Names, c.Id));
}
