// What the replacing strategies (overlap, warm start, the usual swap) share before they plan:
// the containers no replacement may touch, and the options a replacement runs with.
import { namespaceDependents } from '../../targets/select.js';
import type { ReplaceOptions } from './frame.js';
import type { ContainerContext, ContainerTarget } from './target.js';

/** Why this container cannot be replaced by any strategy, or null. */
export function replaceRefusal(target: ContainerTarget): string | null {
  const { info } = target;
  if (info.HostConfig.AutoRemove && (info.State.Running || info.State.Restarting)) {
    // Stopping an --rm container makes the engine delete it and its anonymous volumes,
    // so there would be nothing to roll back to.
    return 'not replaced: started with --rm, so stopping it would delete it; use recreate "remove" for such containers';
  }
  const dependents = namespaceDependents(info, target.all);
  if (dependents.length) return `not replaced: ${dependents.join(', ')} share its network namespace and would lose it`;
  return null;
}

/** The options a replacement of `target` runs with. */
export async function replaceOptions(ctx: ContainerContext, target: ContainerTarget): Promise<ReplaceOptions> {
  // A container imagewatch stopped and could not restart is still meant to run.
  const noted = (await ctx.journal.entries()).find((e) => e.oldId === target.info.Id);
  return {
    startGraceMs: ctx.startGraceMs,
    healthTimeoutMs: ctx.healthTimeoutMs,
    onStep: target.onStep,
    journal: ctx.journal,
    ...(noted?.wasRunning ? { wasRunning: true } : {}),
    ...(target.postUpdate ? { postUpdate: target.postUpdate } : {}),
  };
}
