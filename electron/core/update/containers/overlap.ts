// Zero-downtime replacement for containers reached through a user network by name (behind
// Traefik, Caddy or nginx-proxy): the new container starts beside the old one, answering to
// the same name, and the old one leaves the network only once the new one is ready. Two copies
// must be able to run at once, so it is opt-in: per runtime (`"overlap": true`) for containers
// without volumes, or per container with the label imagewatch.overlap=true (the only way for a
// container with volumes: two copies of a database on one volume would corrupt it).
import type { ContainerOutcome } from '../../../../shared/dto.js';
import { isUserNetwork, type EndpointSpec, type ImageDefaults } from './clone-spec.js';
import { createReplacement, runReplacement, stopOld, swapNames, type ReplaceOptions, type SwapContext } from './frame.js';
import { engineMessage } from '../../engines/connect.js';
import { replaceOptions, replaceRefusal } from './replaceable.js';
import { restoreContainer } from './restore.js';
import type { ContainerContext, ContainerStrategy } from './target.js';
import { waitReady } from './readiness.js';
import { OVERLAP_LABEL } from '../../labels.js';
import type { ContainerInspect, EngineClient } from '../../engines/client.js';

export type OverlapPlan = { overlap: true; networks: string[] } | { overlap: false; why?: string };

/** Whether this container is replaced by overlapping; `why` says why not when it was asked for. */
export function overlapPlan(info: ContainerInspect, runtimeAsks: boolean): OverlapPlan {
  const label = info.Config.Labels?.[OVERLAP_LABEL]?.trim().toLowerCase();
  if (label === 'false' || (!runtimeAsks && label !== 'true')) return { overlap: false };
  const no = (why: string): OverlapPlan => ({ overlap: false, why: `overlap not possible (${why}); replaced the usual way` });
  if (!info.State.Running) return { overlap: false };
  const mounts = (info.Mounts ?? []).filter((m) => m.Type === 'volume' || m.Type === 'bind');
  if (mounts.length && label !== 'true') return no(`it has volumes; label it ${OVERLAP_LABEL}=true if two copies may share them`);
  const host = info.HostConfig;
  const published = Object.values(host.PortBindings ?? {}).some((bindings) => Array.isArray(bindings) && bindings.length > 0);
  if (published || host.PublishAllPorts) return no('it publishes host ports, which two copies cannot share');
  const mode = host.NetworkMode ?? 'default';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return no(`network mode ${mode}`);
  const endpoints = (info.NetworkSettings?.Networks ?? {}) as Record<string, { IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null }>;
  const networks = Object.keys(endpoints).filter(isUserNetwork);
  if (!networks.length) return no('it is on no user network, so nothing reaches it by name');
  if (networks.some((n) => endpoints[n]?.IPAMConfig?.IPv4Address || endpoints[n]?.IPAMConfig?.IPv6Address)) return no('it has a fixed IP address');
  return { overlap: true, networks };
}

/** Overlapping replacement, in the same frame (journal, rollback) as the usual one. */
export function overlapReplace(
  docker: EngineClient,
  info: ContainerInspect,
  oldImage: ImageDefaults,
  expectedImageId: string,
  networks: readonly string[],
  options: ReplaceOptions,
): Promise<ContainerOutcome> {
  // The old container's endpoints as they are, to put it back on its networks if need be.
  const endpoints = (info.NetworkSettings?.Networks ?? {}) as Record<string, { Aliases?: string[] | null }>;
  const detach = networks.map((network) => {
    const aliases = (endpoints[network]?.Aliases ?? []).filter((a) => a !== info.Id.slice(0, 12) && a !== info.Id);
    const endpoint: EndpointSpec = aliases.length ? { Aliases: aliases } : {};
    return { name: network, endpoint };
  });
  const swap = async (ctx: SwapContext): Promise<void> => {
    ctx.step('create');
    const created = await createReplacement(docker, info, oldImage, expectedImageId, ctx.progress, (spec) => {
      // The new container answers to the old one's name on every user network while both run.
      const all = [...Object.entries(spec.create.NetworkingConfig?.EndpointsConfig ?? {}), ...spec.extraNetworks.map((n) => [n.name, n.endpoint] as const)];
      for (const [network, endpoint] of all) {
        if (!networks.includes(network)) continue;
        const target = endpoint as EndpointSpec;
        target.Aliases = [...new Set([...(target.Aliases ?? []), ctx.name])];
      }
    });
    ctx.step('start');
    await created.start();
    ctx.step('wait-running');
    await waitReady(created, options);
    // Off the networks first: the name then resolves to the new container only, and the old
    // one's shutdown is never seen by a caller. Noted before, so a crash puts it back on them.
    const data = { detached: detach };
    await ctx.journal?.record({ ...ctx.entry, step: 'stop-old', stepAt: new Date().toISOString(), data });
    const detached: typeof detach = [];
    // Its own undo: the rollback puts the old container back on the networks it was taken off.
    ctx.progress.undo = [...(ctx.progress.undo ?? []), () => reattach(docker, info.Id, detached)];
    for (const network of detach) {
      await docker.getNetwork(network.name).disconnect({ Container: info.Id, Force: false });
      detached.push(network);
    }
    await stopOld(ctx, { data });
    await swapNames(ctx, created);
  };
  return runReplacement(docker, info, true, options, 'overlap', swap, 'overlapped: the new container served before the old one stopped');
}

/** Puts the old container back on the networks it was taken off; the problems met. */
async function reattach(docker: EngineClient, id: string, networks: ReadonlyArray<{ name: string; endpoint: EndpointSpec }>): Promise<string[]> {
  const problems: string[] = [];
  for (const network of networks) {
    try {
      await docker.getNetwork(network.name).connect({ Container: id, EndpointConfig: network.endpoint });
    } catch (err) {
      problems.push(`could not reconnect the old container to ${network.name}: ${engineMessage(err)}`);
    }
  }
  return problems;
}

/** Overlap, first of the replacing strategies: only where asked for and possible (`overlapPlan`). */
export function overlapStrategy(ctx: ContainerContext): ContainerStrategy {
  return {
    id: 'overlap',
    plan: async (target) => {
      const refused = replaceRefusal(target);
      if (refused) return { kind: 'refuse', reason: refused };
      const plan = overlapPlan(target.info, target.overlap);
      if (!plan.overlap) return plan.why ? { kind: 'pass', why: plan.why } : { kind: 'pass' };
      return { kind: 'plan', plan: { target, networks: plan.networks } };
    },
    run: async ({ target, networks }) =>
      overlapReplace(ctx.docker, target.info, await target.oldImage(), target.imageId, networks ?? [], await replaceOptions(ctx, target)),
    // The old container goes back on the networks it was taken off before it starts again.
    recover: (entry) =>
      restoreContainer(ctx.docker, entry, {
        beforeStart: async (old) => {
          const attached = new Set(Object.keys(old.NetworkSettings?.Networks ?? {}));
          for (const network of entry.data?.detached ?? []) {
            if (!attached.has(network.name)) await ctx.docker.getNetwork(network.name).connect({ Container: entry.oldId, EndpointConfig: network.endpoint });
          }
        },
      }),
  };
}
