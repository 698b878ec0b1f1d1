// What a container's hooks mean for its update. Hooks run only when the config says
// `"hooks": true`, and only around a running container (a stopped one has nothing to run them
// in; the outcome says so). pre-update: exit 0 goes on, exit 75 (EX_TEMPFAIL, as Watchtower
// reads it) puts this update off with nothing touched, anything else stops it with nothing
// touched. post-update: anything but exit 0 fails the replacement, which rolls back like a
// failed health check.
import type { ContainerOutcome } from '../../../../shared/dto.js';
import type { ContainerHandle, ContainerInspect } from '../../engines/client.js';
import { envSecrets } from '../containers/readiness.js';
import { hasHookLabels, hooksOf, type ContainerHooks, type Hook } from './read.js';
import { runHook } from './run.js';

/** The exit code with which a pre-update hook asks for the update to wait (sysexits' EX_TEMPFAIL). */
export const PUT_OFF_EXIT = 75;

export interface HookPlan {
  hooks: ContainerHooks;
  /** Why hooks the labels ask for do not run (off in the config, container not running). */
  note?: string;
}

/** The hooks that run for this update; throws HookLabelError when a label cannot be used. */
export function planHooks(info: ContainerInspect, enabled: boolean): HookPlan {
  const labels = info.Config.Labels;
  if (!hasHookLabels(labels)) return { hooks: {} };
  if (!enabled) return { hooks: {}, note: 'hook labels ignored: hooks are off ("hooks": true in the config runs them)' };
  const hooks = hooksOf(labels);
  if (!info.State.Running) return { hooks: {}, note: 'hooks not run: the container was not running' };
  return { hooks };
}

function named(info: ContainerInspect): Pick<ContainerOutcome, 'name' | 'id'> {
  return { name: info.Name.replace(/^\//, ''), id: info.Id };
}

/**
 * Runs the pre-update hook in the old container: null to go on, or the outcome that ends this
 * container's update with nothing touched.
 */
export async function preUpdate(container: ContainerHandle, info: ContainerInspect, hook: Hook): Promise<ContainerOutcome | null> {
  let ran;
  try {
    ran = await runHook(container, hook, envSecrets(info));
  } catch (err) {
    return { ...named(info), action: 'failed', reason: `not replaced: ${(err as Error).message}`, restored: true };
  }
  const said = ran.output ? `; output: ${ran.output}` : '';
  if (ran.exitCode === 0) return null;
  if (ran.exitCode === PUT_OFF_EXIT) {
    return { ...named(info), action: 'skipped', deferred: true, reason: `put off by its pre-update hook (exit ${PUT_OFF_EXIT}); tried again later${said}` };
  }
  return { ...named(info), action: 'failed', reason: `not replaced: pre-update hook failed (exit ${ran.exitCode})${said}`, restored: true };
}

/** The post-update step of a replacement: throws (so the replacement rolls back) unless the hook exits 0. */
export function postUpdate(info: ContainerInspect, hook: Hook): (created: ContainerHandle) => Promise<void> {
  return async (created) => {
    const ran = await runHook(created, hook, envSecrets(info));
    if (ran.exitCode !== 0) throw new Error(`post-update hook failed (exit ${ran.exitCode})${ran.output ? `; output: ${ran.output}` : ''}`);
  };
}
