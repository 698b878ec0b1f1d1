// The service update: Swarm's own rolling update, with Swarm's own rollback. imagewatch changes
// only the spec's image, to `repo:tag@sha256:<new>` (so every node runs exactly what was
// looked up, whatever the tag does meanwhile), sends it with the service's version and with
// X-Registry-Auth (so nodes can pull from a private registry), and follows UpdateStatus to the
// end. Everything else in the spec stays as its owner wrote it, UpdateConfig and RollbackConfig
// included. A pause left by the owner's failure action is rolled back (`rollback=previous`),
// and said so. The journal notes the update before it is sent: an imagewatch killed while
// Swarm works follows the same update to its end when it starts again, and never sends a
// second one for the same digest.
import type { ContainerOutcome } from '../../../../shared/dto.js';
import { engineMessage, statusOf } from '../../engines/connect.js';
import type { EngineClient, ServiceInspect, ServiceSpec } from '../../engines/client.js';
import { tryParseReference } from '../../image/reference.js';
import { formatIdentity, selfIdentity } from '../../owner/identity.js';
import { serviceImage, serviceName } from '../../targets/services.js';
import type { JournalEntry, ReplaceJournal } from '../journal.js';
import type { UpdateStrategy } from '../strategy.js';
import { desiredTasks, followUpdate, tasksSummary, updateBoundMs, type FollowOptions, type Followed } from './follow.js';

export interface ServiceTarget {
  service: ServiceInspect;
  /** The digest the tag points to now (the index's, so every node picks its platform). */
  digest: string;
  /** X-Registry-Auth for the nodes' pulls, when the registry wants credentials. */
  authconfig?: unknown;
}

export interface ServiceContext {
  docker: EngineClient;
  journal: ReplaceJournal;
  /** Told once per service: a service deployed without a digest. */
  onWarning?: (message: string) => void;
  follow?: FollowOptions;
}

export type ServiceStrategy = UpdateStrategy<ServiceTarget, ServiceTarget, ContainerOutcome, JournalEntry>;

/** The spec image with its digest replaced: `repo:tag@<digest>`, the repository written as the owner wrote it. */
export function pinnedImage(image: string, digest: string): string {
  return `${image.replace(/@sha256:[a-f0-9]{64}$/, '')}@${digest}`;
}

function withImage(spec: ServiceSpec, image: string): ServiceSpec {
  const next = structuredClone(spec);
  const template = (next.TaskTemplate ?? {}) as { ContainerSpec?: { Image?: string } };
  template.ContainerSpec = { ...template.ContainerSpec, Image: image };
  next.TaskTemplate = template as ServiceSpec['TaskTemplate'];
  return next;
}

function outcome(service: ServiceInspect, action: ContainerOutcome['action'], reason: string, tasks?: string): ContainerOutcome {
  return { name: serviceName(service), id: service.ID, action, reason, kind: 'service', ...(tasks ? { tasks } : {}) };
}

async function taskCount(docker: EngineClient, id: string): Promise<number> {
  try {
    return (await desiredTasks(docker, id)).length;
  } catch {
    return 1;
  }
}

/** The services warned about already, so the warning is told once per service per run. */
const warned = new Set<string>();

export function serviceUpdateStrategy(ctx: ServiceContext): ServiceStrategy {
  const { docker } = ctx;

  /** Sends `rollback=previous` for a paused update and follows the rollback; what it ended in. */
  async function rollBack(service: ServiceInspect): Promise<string> {
    const handle = docker.getService(service.ID);
    try {
      await handle.update({ _query: { version: service.Version?.Index ?? 0, rollback: 'previous' }, _body: service.Spec ?? {} });
    } catch (err) {
      return `its rollback could not be sent: ${engineMessage(err)}`;
    }
    const bound = updateBoundMs(service.Spec, await taskCount(docker, service.ID), 'RollbackConfig');
    const followed = await followUpdate(handle, service.UpdateStatus?.StartedAt, bound, ctx.follow);
    if (!followed.ended) return `its rollback did not end within ${Math.round(bound / 1000)} s (${followed.state})`;
    return followed.state === 'rollback_completed' ? 'imagewatch rolled it back' : `its rollback ended ${followed.state}: ${followed.message}`;
  }

  /** What an update that ended (or did not) means for the refresh. */
  async function ending(followed: Followed, boundMs: number): Promise<ContainerOutcome> {
    const { service } = followed;
    const tasks = await tasksSummary(docker, service.ID);
    if (!followed.ended)
      return outcome(service, 'failed', `Swarm's update did not end within ${Math.round(boundMs / 1000)} s (${followed.state}); left to Swarm`, tasks);
    switch (followed.state) {
      case 'completed':
        return outcome(service, 'replaced', 'updated by Swarm', tasks);
      case 'rollback_completed':
        return outcome(service, 'failed', `Swarm rolled the update back: ${followed.message}`, tasks);
      case 'rollback_paused':
        return outcome(service, 'failed', `Swarm paused the update's rollback: ${followed.message}; the service needs a look`, tasks);
      case 'paused': {
        const rolled = await rollBack(service);
        return outcome(service, 'failed', `Swarm paused the update: ${followed.message}; ${rolled}`, await tasksSummary(docker, service.ID));
      }
    }
  }

  return {
    id: 'service-update',
    plan: async (target) => ({ kind: 'plan', plan: target }),

    run: async (target) => {
      let service: ServiceInspect;
      try {
        service = await docker.getService(target.service.ID).inspect();
      } catch (err) {
        return outcome(target.service, 'failed', `cannot read the service: ${engineMessage(err)}`);
      }
      const current = serviceImage(service) ?? '';
      if (tryParseReference(current)?.digest === undefined && !warned.has(service.ID)) {
        warned.add(service.ID);
        ctx.onWarning?.(
          `service ${serviceName(service)} runs ${current} without a digest: it was deployed without registry credentials (or with --no-resolve-image), so its nodes may run different images; deploy with \`docker stack deploy --with-registry-auth\` (or \`docker service update --with-registry-auth\`). imagewatch pins it to a digest when it updates it`,
        );
      }
      const image = pinnedImage(current, target.digest);
      const version = service.Version?.Index ?? 0;
      const since = service.UpdateStatus?.StartedAt;
      const entry: JournalEntry = {
        strategy: 'service-update',
        name: serviceName(service),
        oldId: service.ID,
        wasRunning: true,
        startedAt: new Date().toISOString(),
        owner: formatIdentity(selfIdentity()),
        data: { image, version, ...(since ? { since } : {}) },
      };
      try {
        await ctx.journal.record(entry);
      } catch (err) {
        return outcome(service, 'failed', `not updated: cannot write the journal: ${(err as Error).message}`);
      }
      const handle = docker.getService(service.ID);
      try {
        await handle.update({
          ...(target.authconfig ? { authconfig: target.authconfig } : {}),
          _query: { version },
          _body: withImage(service.Spec ?? {}, image),
        });
      } catch (err) {
        await ctx.journal.clear(service.ID).catch(() => undefined);
        return outcome(service, 'failed', `Swarm refused the update: ${engineMessage(err)}`);
      }
      const bound = updateBoundMs(service.Spec, await taskCount(docker, service.ID));
      try {
        return await ending(await followUpdate(handle, since, bound, ctx.follow), bound);
      } catch (err) {
        return outcome(service, 'failed', `lost sight of Swarm's update: ${engineMessage(err)}`);
      } finally {
        await ctx.journal.clear(service.ID).catch(() => undefined);
      }
    },

    recover: async (entry) => {
      const handle = docker.getService(entry.oldId);
      let service: ServiceInspect;
      try {
        service = await handle.inspect();
      } catch (err) {
        if (statusOf(err) === 404) return `service ${entry.name} is gone; nothing to follow`;
        throw err;
      }
      // Not sent (killed before the engine took it), or changed since by someone else: nothing of ours to follow.
      const data = entry.data;
      if (!data?.image || serviceImage(service) !== data.image) return null;
      const bound = updateBoundMs(service.Spec, await taskCount(docker, service.ID));
      const ended = await ending(await followUpdate(handle, data.since, bound, ctx.follow), bound);
      const how = ended.action === 'replaced' ? `completed (${ended.tasks ?? 'tasks unknown'})` : `failed: ${ended.reason}`;
      return `followed the update of service ${entry.name} to ${data.image} that an interrupted imagewatch sent: ${how}`;
    },
  };
}
