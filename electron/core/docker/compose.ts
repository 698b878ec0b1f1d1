// Keeping docker compose in step. Compose v2 labels each container with its project, its
// service and what it depends on (`com.docker.compose.depends_on`: `db:service_started:true,…`,
// the last field saying whether a dependent is restarted with its dependency). A refresh
// replaces dependencies before their dependents, and restarts the dependents that asked to be.
import type { ContainerSummary } from '../engines/client.js';
import { COMPOSE_DEPENDS_ON, COMPOSE_PROJECT, COMPOSE_SERVICE } from '../labels.js';

export interface ComposeDependency {
  service: string;
  restart: boolean;
}

export interface ComposeMember {
  project: string;
  service: string;
  dependsOn: ComposeDependency[];
}

export function composeMember(labels: Record<string, string> | null | undefined): ComposeMember | null {
  const project = labels?.[COMPOSE_PROJECT];
  const service = labels?.[COMPOSE_SERVICE];
  if (!project || !service) return null;
  const dependsOn = (labels[COMPOSE_DEPENDS_ON] ?? '')
    .split(',')
    .map((entry) => entry.trim().split(':'))
    .filter(([name]) => Boolean(name))
    .map(([name, , restart]) => ({ service: name!, restart: restart === 'true' }));
  return { project, service, dependsOn };
}

/**
 * The containers in an order that puts a compose service's dependencies before it (stable
 * otherwise). A cycle, which compose itself refuses, is broken where it is met.
 */
export function dependenciesFirst<T extends { Config: { Labels?: Record<string, string> | null } }>(containers: readonly T[]): T[] {
  const members = containers.map((c) => composeMember(c.Config.Labels));
  const placed = new Set<number>();
  const out: T[] = [];
  const visiting = new Set<number>();
  const place = (i: number): void => {
    if (placed.has(i) || visiting.has(i)) return;
    visiting.add(i);
    const me = members[i];
    if (me) {
      containers.forEach((_, j) => {
        const other = members[j];
        if (j !== i && other && other.project === me.project && me.dependsOn.some((d) => d.service === other.service)) place(j);
      });
    }
    visiting.delete(i);
    placed.add(i);
    out.push(containers[i]!);
  };
  containers.forEach((_, i) => place(i));
  return out;
}

/** Running containers of the project that asked to be restarted when `service` is replaced. */
export function dependentsToRestart(all: readonly ContainerSummary[], project: string, service: string): ContainerSummary[] {
  return all.filter((c) => {
    const member = composeMember(c.Labels);
    return c.State === 'running' && member?.project === project && member.dependsOn.some((d) => d.service === service && d.restart);
  });
}
