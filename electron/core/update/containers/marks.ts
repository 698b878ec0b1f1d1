// The labels imagewatch puts on the containers it creates, so another imagewatch (another
// state directory, another user's app, a cron job) can tell a replacement in progress from
// a leftover, and leave the first alone.
import { formatIdentity, liveness, parseIdentity, selfIdentity, type Liveness } from '../../owner/identity.js';
import type { ContainerSummary, EngineClient } from '../../engines/client.js';
import { OWNER_LABEL, REPLACES_LABEL } from '../../labels.js';

export function replacementLabels(oldId: string): Record<string, string> {
  return { [OWNER_LABEL]: formatIdentity(selfIdentity()), [REPLACES_LABEL]: oldId };
}

export interface Mark {
  owner: string;
  /** 'dead' also for an unlabelled temporary, which only an older imagewatch made. */
  liveness: Liveness | 'self';
}

export function markOf(labels: Record<string, string> | null | undefined): Mark {
  const text = labels?.[OWNER_LABEL];
  const id = parseIdentity(text);
  if (!id) return { owner: 'an older imagewatch', liveness: 'dead' };
  const me = selfIdentity();
  if (id.host === me.host && id.pid === me.pid && id.start === me.start) return { owner: 'this imagewatch', liveness: 'self' };
  return { owner: `imagewatch pid ${id.pid} on ${id.host}`, liveness: liveness(id) };
}

/** Containers created to replace `oldId`, by any imagewatch. */
export async function replacementsOf(docker: EngineClient, oldId: string): Promise<ContainerSummary[]> {
  return docker.listContainers({ all: true, filters: { label: [`${REPLACES_LABEL}=${oldId}`] } });
}
