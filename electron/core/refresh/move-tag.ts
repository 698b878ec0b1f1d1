// Moving a runtime's containers to another tag (`refresh --to-tag`, the window's "Move to"):
// what may not be moved, and why, in words that say where the tag is changed instead.
import { composeMember } from '../docker/compose.js';
import type { ContainerInspect } from '../engines/client.js';
import { orchestratorOf } from '../targets/select.js';

/**
 * Why the containers cannot be moved to another tag, or null. What compose or Swarm manages is
 * refused: they would put the old tag back at the next `up` or deploy, so the owner's file is
 * where the tag changes.
 */
export function moveRefusal(containers: readonly ContainerInspect[], services: number, from: string, to: string): string | null {
  const compose = containers.map((c) => ({ name: c.Name.replace(/^\//, ''), member: composeMember(c.Config.Labels) })).filter((c) => c.member !== null);
  if (compose.length) {
    const names = compose.map((c) => c.name).join(', ');
    const project = compose[0]!.member!.project;
    return `not moved to ${to}: ${names} ${compose.length === 1 ? 'is' : 'are'} managed by compose (project ${project}); edit the tag in your compose file and run docker compose up -d, since compose would put ${from} back`;
  }
  const orchestrated = containers.find((c) => orchestratorOf(c.Config.Labels));
  if (orchestrated)
    return `not moved to ${to}: ${orchestrated.Name.replace(/^\//, '')} belongs to ${orchestratorOf(orchestrated.Config.Labels)}; change the image where it is defined`;
  if (services > 0) return `not moved to ${to}: a Swarm service follows ${from}; change the image in its stack file or with docker service update --image`;
  if (containers.length === 0) return `not moved to ${to}: no container runs ${from}`;
  return null;
}
