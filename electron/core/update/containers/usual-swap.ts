// The usual swap: the strategy every replacement can fall back to, last in the list. The new
// container is created beside the old one, the old one stops, the new one takes its name and
// starts; any failure puts the old one back (frame.ts). Its recovery after a crash restores the
// old container (restore.ts).
import type { ContainerOutcome } from '../../../../shared/dto.js';
import type { EngineClient, ContainerInspect } from '../../engines/client.js';
import type { ImageDefaults } from './clone-spec.js';
import { createReplacement, runReplacement, stopOld, swapNames, type ReplaceOptions, type SwapContext } from './frame.js';
import { waitReady } from './readiness.js';
import { replaceOptions, replaceRefusal } from './replaceable.js';
import { restoreContainer } from './restore.js';
import type { ContainerContext, ContainerStrategy } from './target.js';

export function usualSwapStrategy(ctx: ContainerContext): ContainerStrategy {
  return {
    id: 'usual-swap',
    plan: async (target) => {
      const refused = replaceRefusal(target);
      return refused ? { kind: 'refuse', reason: refused } : { kind: 'plan', plan: { target } };
    },
    run: async ({ target }) => replaceContainer(ctx.docker, target.info, await target.oldImage(), target.imageId, await replaceOptions(ctx, target)),
    recover: (entry) => restoreContainer(ctx.docker, entry),
  };
}

/**
 * The usual swap: the new container is created, the old one stops, the new one takes its
 * name and starts. (Swapping the names before the stop was measured: it saves nothing
 * visible, and it hides the temporary name other imagewatches and the user see while a
 * replacement is in progress.)
 */
export function coldSwap(
  docker: EngineClient,
  info: ContainerInspect,
  oldImage: ImageDefaults,
  expectedImageId: string,
  wasRunning: boolean,
  options: ReplaceOptions,
): (ctx: SwapContext) => Promise<void> {
  return async (ctx) => {
    ctx.step('create');
    const created = await createReplacement(docker, info, oldImage, expectedImageId, ctx.progress);
    if (wasRunning) await stopOld(ctx);
    await swapNames(ctx, created);
    if (wasRunning) {
      ctx.step('start');
      await created.start();
      ctx.step('wait-running');
      await waitReady(created, options);
    }
  };
}

/**
 * Replaces the container described by `info` with one created from `expectedImageId`, the
 * usual way (`coldSwap`). `oldImage` holds the old image's defaults so they are not carried over.
 */
export function replaceContainer(
  docker: EngineClient,
  info: ContainerInspect,
  oldImage: ImageDefaults,
  expectedImageId: string,
  options: ReplaceOptions,
): Promise<ContainerOutcome> {
  const wasRunning = options.wasRunning ?? (info.State.Running || info.State.Restarting);
  return runReplacement(docker, info, wasRunning, options, 'usual-swap', coldSwap(docker, info, oldImage, expectedImageId, wasRunning, options));
}
