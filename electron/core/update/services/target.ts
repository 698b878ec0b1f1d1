// A Swarm service as a target of an update. The checks that keep a service out of any update
// come first (its owner opted it out, pinned it to a digest, or it is already on the new
// digest); then its one strategy, the service update, runs.
import type { ContainerOutcome } from '../../../../shared/dto.js';
import { tryParseReference } from '../../image/reference.js';
import { optedOutBy } from '../../labels.js';
import { serviceImage, serviceName, type SelectedService } from '../../targets/services.js';
import { choose } from '../strategy.js';
import type { ServiceStrategy, ServiceTarget } from './service-update.js';

function skipped(selected: SelectedService, action: ContainerOutcome['action'], reason: string): ContainerOutcome {
  return { name: serviceName(selected.service), id: selected.service.ID, action, reason, kind: 'service' };
}

export async function bringService(
  strategy: ServiceStrategy,
  selected: SelectedService,
  target: Omit<ServiceTarget, 'service'>,
  signal?: AbortSignal,
): Promise<ContainerOutcome> {
  const { service } = selected;
  if (selected.pinned) return skipped(selected, 'skipped', `left alone: pinned by its owner to ${serviceImage(service)}, with no tag to follow`);
  const optOut = optedOutBy(service.Spec?.Labels);
  if (optOut) return skipped(selected, 'skipped', `left alone: opted out with the label ${optOut}`);
  if (tryParseReference(serviceImage(service) ?? '')?.digest === target.digest) return skipped(selected, 'skipped', 'already on the new image');
  if (signal?.aborted) return skipped(selected, 'failed', 'not updated: imagewatch is shutting down');
  const chosen = await choose([strategy], { ...target, service });
  if (chosen.kind === 'refused') return skipped(selected, 'failed', chosen.reason);
  return chosen.strategy.run(chosen.plan);
}
