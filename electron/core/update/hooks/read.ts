// The hooks a container asks for through its labels: a command run inside the old container
// before it is stopped (pre-update) and inside the new one once it is ready (post-update).
// imagewatch's own labels win; Watchtower's lifecycle labels are read too, since people moving
// from it have already set them (their timeouts are in minutes, as Watchtower reads them).
import { HOOK_LABELS, type HookLabels } from '../../labels.js';

export type HookWhen = 'pre-update' | 'post-update';

export interface Hook {
  when: HookWhen;
  command: string;
  timeoutMs: number;
  /** The label the command came from, as the outcome names it. */
  label: string;
}

export interface ContainerHooks {
  pre?: Hook;
  post?: Hook;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;
/**
 * The longest any hook may run. Watchtower's timeout 0 means "no limit"; here it means this,
 * because a hook that never ends would hold every other replacement on the engine.
 */
export const MAX_HOOK_TIMEOUT_MS = 3_600_000;
/** A command longer than this is not a hook but a mistake (or a whole script pasted into a label). */
const MAX_COMMAND = 4096;

/** A label's value that cannot be used, named with the label. */
export class HookLabelError extends Error {}

function timeoutOf(labels: Record<string, string>, names: HookLabels): number {
  const own = labels[names.ownTimeout];
  if (own !== undefined) {
    const seconds = Number(own.trim());
    if (own.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds * 1000 > MAX_HOOK_TIMEOUT_MS) {
      throw new HookLabelError(`label ${names.ownTimeout}="${own.slice(0, 40)}" is not a number of seconds from 1 to ${MAX_HOOK_TIMEOUT_MS / 1000}`);
    }
    return seconds * 1000;
  }
  const theirs = labels[names.watchtowerTimeout];
  if (theirs !== undefined) {
    const minutes = Number(theirs.trim());
    if (theirs.trim() === '' || !Number.isFinite(minutes) || minutes < 0) {
      throw new HookLabelError(`label ${names.watchtowerTimeout}="${theirs.slice(0, 40)}" is not a number of minutes`);
    }
    return minutes === 0 ? MAX_HOOK_TIMEOUT_MS : Math.min(minutes * 60_000, MAX_HOOK_TIMEOUT_MS);
  }
  return DEFAULT_HOOK_TIMEOUT_MS;
}

function hookOf(labels: Record<string, string>, when: HookWhen): Hook | undefined {
  const names = HOOK_LABELS[when];
  const label = labels[names.own]?.trim() ? names.own : labels[names.watchtower]?.trim() ? names.watchtower : null;
  if (!label) return undefined;
  const command = labels[label]!.trim();
  if (command.length > MAX_COMMAND) throw new HookLabelError(`label ${label} holds ${command.length} characters; a hook command may have ${MAX_COMMAND}`);
  if (command.includes('\0')) throw new HookLabelError(`label ${label} holds a NUL character`);
  return { when, command, timeoutMs: timeoutOf(labels, names), label };
}

/** The container's hooks; throws HookLabelError naming the label when one cannot be used. */
export function hooksOf(labels: Record<string, string> | null | undefined): ContainerHooks {
  if (!labels) return {};
  const pre = hookOf(labels, 'pre-update');
  const post = hookOf(labels, 'post-update');
  return { ...(pre ? { pre } : {}), ...(post ? { post } : {}) };
}

/** Whether any hook label is set (to say that hooks are off when they are). */
export function hasHookLabels(labels: Record<string, string> | null | undefined): boolean {
  if (!labels) return false;
  return Object.values(HOOK_LABELS).some((names) => Boolean(labels[names.own]?.trim() || labels[names.watchtower]?.trim()));
}
