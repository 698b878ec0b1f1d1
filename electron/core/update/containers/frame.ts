// Replacing one container with one on a new image, without ever leaving the user with
// nothing: the replacement exists before the old container stops, and the old container
// is removed only once the new one runs (and is healthy). Any failure puts the old one back.
import type { ContainerOutcome, RecreateStep } from '../../../../shared/dto.js';
import { buildCloneSpec, type CloneSpec, type ImageDefaults } from './clone-spec.js';
import { engineMessage, ignoreStatus, statusOf } from '../../engines/connect.js';
import type { JournalEntry, JournalStrategy, ReplaceJournal } from '../journal.js';
import { formatIdentity, selfIdentity } from '../../owner/identity.js';
import { markOf, replacementLabels, replacementsOf } from './marks.js';
import { ReplacementInProgressError } from '../../errors.js';
import { StrategyPassed } from '../strategy.js';
import type { ContainerHandle, ContainerInspect, EngineClient } from '../../engines/client.js';
import { COMPOSE_IMAGE_LABEL, TEMP_SUFFIX_NEW, TEMP_SUFFIX_OLD } from '../../labels.js';

export interface ReplaceOptions {
  /** How long a started container without a healthcheck must stay up to count as running. */
  startGraceMs: number;
  /** Bound on waiting for a healthcheck to report healthy. */
  healthTimeoutMs: number;
  pollMs?: number;
  onStep?: (step: RecreateStep) => void;
  journal?: ReplaceJournal;
  /** Whether the container is to be running afterwards; its own state when not given. */
  wasRunning?: boolean;
  /** Run in the new container once it is ready (the post-update hook); a throw rolls the replacement back. */
  postUpdate?: (created: ContainerHandle) => Promise<void>;
}

/** The engine's stop timeout when the container names none. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;

/**
 * Looks for other replacements of this container. A live (or unknowable) imagewatch's are
 * left alone; a dead one's temporary, never swapped in since the old container still has
 * its name, is removed so it does not block the name.
 */
export async function clearLeftovers(docker: EngineClient, oldId: string, name: string): Promise<void> {
  const found = new Map<string, Record<string, string> | undefined>();
  for (const c of await replacementsOf(docker, oldId)) found.set(c.Id, c.Labels);
  try {
    const byName = await docker.getContainer(`${name}${TEMP_SUFFIX_NEW}`).inspect();
    found.set(byName.Id, byName.Config.Labels ?? undefined);
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  for (const [id, labels] of found) {
    const mark = markOf(labels);
    if (mark.liveness === 'alive' || mark.liveness === 'unknown') throw new ReplacementInProgressError(mark.owner);
    await ignoreStatus(docker.getContainer(id).remove({ force: true, v: false }), 404);
  }
}

export interface Progress {
  created?: ContainerHandle;
  oldStopped: boolean;
  oldRenamed: boolean;
  /**
   * A strategy's own undo of what it did to the old container (overlap takes it off its
   * networks), run by the rollback after the old container has its name back and before it is
   * started again; each returns the problems it met.
   */
  undo?: Array<() => Promise<string[]>>;
}

export async function rollback(old: ContainerHandle, name: string, wasRunning: boolean, progress: Progress): Promise<string | null> {
  const problems: string[] = [];
  if (progress.created) {
    try {
      await ignoreStatus(progress.created.remove({ force: true, v: false }), 404);
    } catch (err) {
      problems.push(`could not remove the new container: ${engineMessage(err)}`);
    }
  }
  if (progress.oldRenamed) {
    try {
      await old.rename({ name });
    } catch (err) {
      problems.push(`could not rename the old container back to ${name}: ${engineMessage(err)}`);
    }
  }
  for (const undo of progress.undo ?? []) problems.push(...(await undo()));
  if (wasRunning) {
    try {
      const state = (await old.inspect()).State;
      if (!state.Running) await ignoreStatus(old.start(), 304);
    } catch (err) {
      problems.push(`could not restart the old container: ${engineMessage(err)}`);
    }
  }
  // Report what is, not what the steps above meant to do.
  try {
    const final = await old.inspect();
    if (final.Name.replace(/^\//, '') !== name) problems.push(`the old container is named ${final.Name.replace(/^\//, '')}, not ${name}`);
    if (wasRunning && !final.State.Running) problems.push(`the old container is not running (${final.State.Status})`);
  } catch (err) {
    problems.push(`cannot inspect the old container: ${engineMessage(err)}`);
  }
  return problems.length ? [...new Set(problems)].join('; ') : null;
}

/**
 * Creates the replacement under the temporary name, on every network the old one is on, and
 * checks it got the pulled image. `tune` may adjust the spec first (overlap adds aliases).
 */
export async function createReplacement(
  docker: EngineClient,
  info: ContainerInspect,
  oldImage: ImageDefaults,
  expectedImageId: string,
  progress: Progress,
  tune?: (spec: CloneSpec) => void,
): Promise<ContainerHandle> {
  const name = info.Name.replace(/^\//, '');
  const spec = buildCloneSpec(info, oldImage, `${name}${TEMP_SUFFIX_NEW}`);
  spec.create.Labels = { ...spec.create.Labels, ...replacementLabels(info.Id) };
  // Compose v2 records the image ID it created the container from; the old one would make the
  // next `docker compose up -d` recreate the container again.
  if (spec.create.Labels[COMPOSE_IMAGE_LABEL] !== undefined) spec.create.Labels[COMPOSE_IMAGE_LABEL] = expectedImageId;
  tune?.(spec);
  try {
    progress.created = await docker.createContainer(spec.create);
  } catch (err) {
    // Another imagewatch took the temporary name between our look and our create.
    if (statusOf(err) === 409) throw new ReplacementInProgressError(`it holds ${name}${TEMP_SUFFIX_NEW}`);
    throw err;
  }
  for (const network of spec.extraNetworks) {
    await docker.getNetwork(network.name).connect({ Container: progress.created.id, EndpointConfig: network.endpoint });
  }
  const createdImage = (await progress.created.inspect()).Image;
  if (createdImage !== expectedImageId) {
    throw new Error(`engine resolved ${info.Config.Image} to ${createdImage}, not the pulled ${expectedImageId}; the tag moved again`);
  }
  return progress.created;
}

/** The journal entry of a replacement about to begin. */
export function journalEntry(info: ContainerInspect, wasRunning: boolean, strategy: JournalStrategy): JournalEntry {
  const configured = (info.Config as { StopTimeout?: number }).StopTimeout;
  return {
    strategy,
    name: info.Name.replace(/^\//, ''),
    oldId: info.Id,
    wasRunning,
    startedAt: new Date().toISOString(),
    owner: formatIdentity(selfIdentity()),
    step: 'create',
    stepAt: new Date().toISOString(),
    stopTimeoutSeconds: typeof configured === 'number' && configured >= 0 ? configured : DEFAULT_STOP_TIMEOUT_SECONDS,
  };
}

/** What a way of swapping containers is given: the container, its journal entry, and the progress rollback reads. */
export interface SwapContext {
  name: string;
  old: ContainerHandle;
  wasRunning: boolean;
  progress: Progress;
  step: (s: RecreateStep) => void;
  entry: JournalEntry;
  journal: ReplaceJournal | undefined;
  /** The container's own stop timeout, if it names one. */
  stopTimeout: number | undefined;
}

/**
 * The frame of every replacement: other replacements looked for, the journal written before
 * the engine is touched, the swap, then either the old container removed or the rollback, and
 * the journal cleared only when the result is known. `note` goes with a replaced outcome.
 */
export async function runReplacement(
  docker: EngineClient,
  info: ContainerInspect,
  wasRunning: boolean,
  options: Pick<ReplaceOptions, 'onStep' | 'journal' | 'postUpdate'>,
  strategy: JournalStrategy,
  swap: (ctx: SwapContext) => Promise<void>,
  note?: string,
): Promise<ContainerOutcome> {
  const name = info.Name.replace(/^\//, '');
  const old = docker.getContainer(info.Id);
  const notTouched = (reason: string): ContainerOutcome => ({ name, id: info.Id, action: 'failed', reason, restored: true });
  try {
    await clearLeftovers(docker, info.Id, name);
  } catch (err) {
    return notTouched(err instanceof ReplacementInProgressError ? err.message : `not replaced: ${engineMessage(err)}`);
  }
  const journal = options.journal;
  const entry = journalEntry(info, wasRunning, strategy);
  try {
    await journal?.record(entry);
  } catch (err) {
    return notTouched(`not replaced: cannot write the replace journal: ${(err as Error).message}`);
  }
  const configured = (info.Config as { StopTimeout?: number }).StopTimeout;
  const ctx: SwapContext = {
    name,
    old,
    wasRunning,
    progress: { oldStopped: false, oldRenamed: false },
    step: (s) => options.onStep?.(s),
    entry,
    journal,
    stopTimeout: typeof configured === 'number' ? configured : undefined,
  };
  try {
    await swap(ctx);
    // The new container is ready and named; its post-update hook decides whether it stays.
    if (options.postUpdate && ctx.progress.created && wasRunning) {
      ctx.step('post-update');
      await options.postUpdate(ctx.progress.created);
    }
  } catch (err) {
    if (err instanceof ReplacementInProgressError) {
      await journal?.clear(info.Id).catch(() => undefined);
      return notTouched(err.message);
    }
    // Nothing of the old container was touched and the strategy cleared what it made: the next one runs.
    if (err instanceof StrategyPassed) {
      await journal?.clear(info.Id).catch(() => undefined);
      throw err;
    }
    const reason = engineMessage(err);
    ctx.step('rollback');
    const problem = await rollback(old, name, wasRunning, ctx.progress);
    const outcome: ContainerOutcome = { name, id: info.Id, action: 'failed', reason, restored: problem === null };
    if (problem) outcome.reason = `${reason}; rollback incomplete: ${problem}`;
    // An incomplete rollback stays in the journal, so the next run tries again.
    else await journal?.clear(info.Id).catch(() => undefined);
    return outcome;
  }

  ctx.step('remove-old');
  const replaced: ContainerOutcome = { name, id: info.Id, newId: ctx.progress.created!.id, action: 'replaced', ...(note ? { reason: note } : {}) };
  try {
    // v:false keeps anonymous volumes: the new container has them attached now.
    await old.remove({ force: true, v: false });
  } catch (err) {
    // The new container runs; failing it now would be worse than leaving the old one parked.
    replaced.reason = `${note ? `${note}; ` : ''}old container left as ${name}${TEMP_SUFFIX_OLD}: ${engineMessage(err)}`;
  }
  await journal?.clear(info.Id).catch(() => undefined);
  return replaced;
}

/** Stops the old container, noting the step first: recovery after a crash here must wait out the engine's stop. */
export async function stopOld(ctx: SwapContext, extra: Partial<JournalEntry> = {}): Promise<void> {
  ctx.step('stop-old');
  await ctx.journal?.record({ ...ctx.entry, ...extra, step: 'stop-old', stepAt: new Date().toISOString() });
  await ignoreStatus(ctx.old.stop(ctx.stopTimeout !== undefined ? { t: ctx.stopTimeout } : {}), 304);
  ctx.progress.oldStopped = true;
}

/** The old container steps aside under the temporary name; the new one takes the name. */
export async function swapNames(ctx: SwapContext, created: ContainerHandle): Promise<void> {
  ctx.step('rename');
  await ctx.old.rename({ name: `${ctx.name}${TEMP_SUFFIX_OLD}` });
  ctx.progress.oldRenamed = true;
  await created.rename({ name: ctx.name });
}
