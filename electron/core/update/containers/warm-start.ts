// The usual replacement, with the new container's start taken out of the gap. The new
// container starts first, on a private internal network of its own (it reaches nothing and
// nothing reaches it), and must stay up for the grace period while the old one still serves.
// Then the old one stops as usual, with its networks, so its shutdown can still reach what it
// needs; the new one joins its networks, which publishes its ports, and leaves the private one.
// The service is down from the old one's stop to that join (about 0.1 s on the bed) instead
// of through a cold start (about 1.2 s: EngineClient's port proxy accepts connections before the
// container's network is up, and a connection made then waits out a lost SYN).
//
// Two copies exist for a while, so it is used only where they share nothing they could both
// write: no writable volumes or binds (unless the container's label asks), no devices, no
// shared IPC or PID namespace, and only user-defined bridge networks (a container on the
// default bridge gets its DNS set up at start, which a later join would not redo). An app
// that cannot start without its network fails the grace period and is replaced the usual way.
import type { ContainerOutcome } from '../../../../shared/dto.js';
import { isUserNetwork, type EndpointSpec, type ImageDefaults } from './clone-spec.js';
import { engineMessage, ignoreStatus, statusOf } from '../../engines/connect.js';
import { ReplacementInProgressError } from '../../errors.js';
import { REPLACES_LABEL, WARM_START_LABEL } from '../../labels.js';
import { waitReady } from './readiness.js';
import { createReplacement, runReplacement, stopOld, swapNames, type ReplaceOptions, type SwapContext } from './frame.js';
import { StrategyPassed } from '../strategy.js';
import { replaceOptions, replaceRefusal } from './replaceable.js';
import { restoreContainer } from './restore.js';
import type { ContainerContext, ContainerStrategy } from './target.js';
import type { ContainerHandle, ContainerInspect, EngineClient } from '../../engines/client.js';

export type WarmStartPlan = { warm: true } | { warm: false; why?: string };

/** The private network a container's replacement starts on; one name per old container, so a dead run's is found again. */
export function isolationNetworkName(oldId: string): string {
  return `imagewatch-warm-${oldId.slice(0, 12)}`;
}

/**
 * Whether this container is replaced with a warm start. `runtimeSetting` is the runtime's
 * `warmStart`: on unless false. `why` is given only when the container or runtime asked for it.
 */
export async function warmStartPlan(docker: EngineClient, info: ContainerInspect, runtimeSetting: boolean | undefined): Promise<WarmStartPlan> {
  const label = info.Config.Labels?.[WARM_START_LABEL]?.trim().toLowerCase();
  if (label === 'false' || (runtimeSetting === false && label !== 'true')) return { warm: false };
  const asked = label === 'true' || runtimeSetting === true;
  const no = (why: string): WarmStartPlan => (asked ? { warm: false, why: `warm start not possible (${why}); replaced the usual way` } : { warm: false });
  if (!info.State.Running) return { warm: false };
  const writable = (info.Mounts ?? []).filter((m) => m.Type !== 'tmpfs' && m.RW);
  if (writable.length && label !== 'true')
    return no(`it writes to ${writable.map((m) => m.Destination).join(', ')}; label it ${WARM_START_LABEL}=true if two copies may share them`);
  const host = info.HostConfig;
  const devices = (host.Devices ?? []).length + ((host as { DeviceRequests?: unknown[] | null }).DeviceRequests ?? []).length;
  if (devices && label !== 'true') return no('it uses host devices, which two copies would contend for');
  const ipc = host.IpcMode ?? '';
  if (ipc === 'shareable' || ipc === 'host' || ipc.startsWith('container:') || (host.PidMode ?? '') !== '') return no('it shares an IPC or PID namespace');
  const mode = host.NetworkMode ?? 'default';
  const networks = Object.keys(info.NetworkSettings?.Networks ?? {});
  if (!isUserNetwork(mode) || !networks.includes(mode)) return no(`network mode ${mode}`);
  if (!networks.every(isUserNetwork)) return no('it is on the default bridge');
  for (const name of networks) {
    let network: { Driver?: string; Scope?: string };
    try {
      network = (await docker.getNetwork(name).inspect()) as typeof network;
    } catch (err) {
      return no(`network ${name} cannot be inspected: ${engineMessage(err)}`);
    }
    if (network.Driver !== 'bridge' || network.Scope !== 'local') return no(`network ${name} is a ${network.Scope ?? '?'} ${network.Driver ?? '?'} network`);
  }
  return { warm: true };
}

/** Creates the private network, replacing a dead run's (the replacement frame has cleared that run's containers). */
async function createIsolation(docker: EngineClient, name: string, oldId: string): Promise<void> {
  const spec = { Name: name, Driver: 'bridge', Internal: true, CheckDuplicate: true, Labels: { [REPLACES_LABEL]: oldId } };
  try {
    await docker.createNetwork(spec);
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    await docker.getNetwork(name).remove();
    await docker.createNetwork(spec);
  }
}

/** Best effort: a network left behind holds nothing and is removed by the next replacement or recovery. */
export async function removeIsolation(docker: EngineClient, name: string): Promise<void> {
  await ignoreStatus(docker.getNetwork(name).remove(), 404).catch(() => undefined);
}

/** A replacement with the new container started before the old one stops, in the usual frame (journal, rollback). */
export async function warmStartReplace(
  docker: EngineClient,
  info: ContainerInspect,
  oldImage: ImageDefaults,
  expectedImageId: string,
  options: ReplaceOptions,
): Promise<ContainerOutcome> {
  const isolation = isolationNetworkName(info.Id);
  const swap = async (ctx: SwapContext): Promise<void> => {
    // The primary network (the container's network mode) first: it is the one that gave the old container its gateway.
    let joins: Array<{ name: string; endpoint: EndpointSpec }> = [];
    let created: ContainerHandle;
    try {
      ctx.entry.data = { isolation };
      await ctx.journal?.record({ ...ctx.entry });
      ctx.step('create');
      await createIsolation(docker, isolation, info.Id);
      created = await createReplacement(docker, info, oldImage, expectedImageId, ctx.progress, (spec) => {
        const primary = Object.entries(spec.create.NetworkingConfig?.EndpointsConfig ?? {}).map(([name, endpoint]) => ({
          name,
          endpoint: endpoint as EndpointSpec,
        }));
        joins = [...primary, ...spec.extraNetworks];
        spec.extraNetworks = [];
      });
      // Off the network it was created on (its network mode): it joins that one again after the stop.
      const primary = joins[0];
      if (primary) await docker.getNetwork(primary.name).disconnect({ Container: created.id, Force: true });
      await docker.getNetwork(isolation).connect({ Container: created.id });
      ctx.step('start-isolated');
      await created.start();
      ctx.step('wait-running');
      // Health is judged once it is on its networks: a check may well need them.
      await waitReady(created, options, { health: false });
    } catch (err) {
      if (err instanceof ReplacementInProgressError) throw err;
      // Nothing of the old container was touched: clear what was made; the next strategy (the usual swap) runs.
      if (ctx.progress.created) await ignoreStatus(ctx.progress.created.remove({ force: true, v: false }), 404);
      delete ctx.progress.created;
      await removeIsolation(docker, isolation);
      throw new StrategyPassed(`warm start failed (${engineMessage(err)}); replaced the usual way`);
    }
    await stopOld(ctx);
    await swapNames(ctx, created);
    ctx.step('connect');
    for (const join of joins) await docker.getNetwork(join.name).connect({ Container: created.id, EndpointConfig: join.endpoint });
    await docker.getNetwork(isolation).disconnect({ Container: created.id, Force: true });
    ctx.step('wait-running');
    await waitReady(created, options);
  };
  try {
    return await runReplacement(docker, info, true, options, 'warm-start', swap);
  } finally {
    // After a rollback the new container is gone, so the network can go too.
    await removeIsolation(docker, isolation);
  }
}

/** The warm start: on unless the runtime or the container says no, where two copies share nothing (`warmStartPlan`). */
export function warmStartStrategy(ctx: ContainerContext): ContainerStrategy {
  return {
    id: 'warm-start',
    plan: async (target) => {
      const refused = replaceRefusal(target);
      if (refused) return { kind: 'refuse', reason: refused };
      const plan = await warmStartPlan(ctx.docker, target.info, target.warmStart);
      if (!plan.warm) return plan.why ? { kind: 'pass', why: plan.why } : { kind: 'pass' };
      return { kind: 'plan', plan: { target } };
    },
    run: async ({ target }) => warmStartReplace(ctx.docker, target.info, await target.oldImage(), target.imageId, await replaceOptions(ctx, target)),
    recover: async (entry) => {
      const note = await restoreContainer(ctx.docker, entry);
      // Its private network: nothing is on it once the half-made replacement is gone.
      if (entry.data?.isolation) await ignoreStatus(ctx.docker.getNetwork(entry.data.isolation).remove(), 404);
      return note;
    },
  };
}
