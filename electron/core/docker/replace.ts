// Replacing one container with one on a new image, without ever leaving the user with
// nothing: the replacement exists before the old container stops, and the old container
// is removed only once the new one runs (and is healthy). Any failure puts the old one back.
import type Docker from 'dockerode';
import type { ContainerOutcome, RecreateStep } from '../../../shared/dto.js';
import { buildCloneSpec, type ImageDefaults } from './clone-spec.js';
import { engineMessage, statusOf } from './engine.js';
import type { ReplaceJournal } from './journal.js';
import { lastLogLines } from './logs.js';

export interface ReplaceOptions {
  /** How long a started container without a healthcheck must stay up to count as running. */
  startGraceMs: number;
  /** Bound on waiting for a healthcheck to report healthy. */
  healthTimeoutMs: number;
  pollMs?: number;
  onStep?: (step: RecreateStep) => void;
  journal?: ReplaceJournal;
}

export const TEMP_SUFFIX_NEW = '.imagewatch-new';
export const TEMP_SUFFIX_OLD = '.imagewatch-old';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function hasHealthcheck(info: Docker.ContainerInspectInfo): boolean {
  const test = info.Config.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

async function describeExit(container: Docker.Container, state: Docker.ContainerInspectInfo['State']): Promise<string> {
  const logs = await lastLogLines(container, 3).catch(() => '');
  const what = state.Restarting ? 'keeps restarting' : `exited (code ${state.ExitCode})`;
  return `new container ${what}${state.Error ? `: ${state.Error}` : ''}${logs ? `; last output: ${logs}` : ''}`;
}

/** Waits until the container is running and stays so (or turns healthy); throws with the reason otherwise. */
export async function waitReady(container: Docker.Container, options: ReplaceOptions): Promise<void> {
  const poll = options.pollMs ?? 200;
  const started = Date.now();
  const first = await container.inspect();
  const restarts = first.RestartCount;
  const health = hasHealthcheck(first);
  if (health) options.onStep?.('wait-healthy');
  for (;;) {
    const info = await container.inspect();
    const state = info.State;
    if (!state.Running || state.Restarting || info.RestartCount !== restarts) {
      throw new Error(await describeExit(container, state));
    }
    const elapsed = Date.now() - started;
    if (health) {
      const status = state.Health?.Status;
      if (status === 'healthy') return;
      if (status === 'unhealthy') {
        const last = state.Health?.Log?.at(-1)?.Output?.trim().slice(0, 200);
        throw new Error(`new container is unhealthy${last ? `: ${last}` : ''}`);
      }
      if (elapsed >= options.healthTimeoutMs) {
        throw new Error(`new container not healthy after ${Math.round(options.healthTimeoutMs / 1000)}s (status ${status ?? 'none'})`);
      }
    } else if (elapsed >= options.startGraceMs) {
      return;
    }
    await sleep(poll);
  }
}

async function ignoreStatus(promise: Promise<unknown>, ...statuses: number[]): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (!statuses.includes(statusOf(err) ?? -1)) throw err;
  }
}

interface Progress {
  created?: Docker.Container;
  oldStopped: boolean;
  oldRenamed: boolean;
}

async function rollback(old: Docker.Container, name: string, wasRunning: boolean, progress: Progress): Promise<string | null> {
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
  if (wasRunning) {
    try {
      const state = (await old.inspect()).State;
      if (!state.Running) await ignoreStatus(old.start(), 304);
    } catch (err) {
      problems.push(`could not restart the old container: ${engineMessage(err)}`);
    }
  }
  return problems.length ? problems.join('; ') : null;
}

/**
 * Replaces the container described by `info` with one created from `expectedImageId`.
 * `oldImage` holds the old image's defaults so they are not carried over.
 */
export async function replaceContainer(
  docker: Docker,
  info: Docker.ContainerInspectInfo,
  oldImage: ImageDefaults,
  expectedImageId: string,
  options: ReplaceOptions,
): Promise<ContainerOutcome> {
  const name = info.Name.replace(/^\//, '');
  const old = docker.getContainer(info.Id);
  const wasRunning = info.State.Running || info.State.Restarting;
  const progress: Progress = { oldStopped: false, oldRenamed: false };
  const step = (s: RecreateStep): void => options.onStep?.(s);

  const journal = options.journal;
  try {
    await journal?.record({ name, oldId: info.Id, wasRunning, startedAt: new Date().toISOString() });
  } catch (err) {
    return { name, id: info.Id, action: 'failed', reason: `not replaced: cannot write the replace journal: ${(err as Error).message}`, restored: true };
  }
  try {
    step('create');
    const spec = buildCloneSpec(info, oldImage, `${name}${TEMP_SUFFIX_NEW}`);
    // A leftover from an interrupted earlier run would block the temporary name.
    await ignoreStatus(docker.getContainer(`${name}${TEMP_SUFFIX_NEW}`).remove({ force: true, v: false }), 404);
    progress.created = await docker.createContainer(spec.create);
    for (const network of spec.extraNetworks) {
      await docker.getNetwork(network.name).connect({ Container: progress.created.id, EndpointConfig: network.endpoint });
    }
    const createdImage = (await progress.created.inspect()).Image;
    if (createdImage !== expectedImageId) {
      throw new Error(`engine resolved ${info.Config.Image} to ${createdImage}, not the pulled ${expectedImageId}; the tag moved again`);
    }

    if (wasRunning) {
      step('stop-old');
      const timeout = (info.Config as { StopTimeout?: number }).StopTimeout;
      await ignoreStatus(old.stop(typeof timeout === 'number' ? { t: timeout } : {}), 304);
      progress.oldStopped = true;
    }
    step('rename');
    await old.rename({ name: `${name}${TEMP_SUFFIX_OLD}` });
    progress.oldRenamed = true;
    await progress.created.rename({ name });

    if (wasRunning) {
      step('start');
      await progress.created.start();
      step('wait-running');
      await waitReady(progress.created, options);
    }
  } catch (err) {
    const reason = engineMessage(err);
    step('rollback');
    const problem = await rollback(old, name, wasRunning, progress);
    const outcome: ContainerOutcome = { name, id: info.Id, action: 'failed', reason, restored: problem === null };
    if (problem) outcome.reason = `${reason}; rollback incomplete: ${problem}`;
    // An incomplete rollback stays in the journal, so the next run tries again.
    else await journal?.clear(info.Id).catch(() => undefined);
    return outcome;
  }

  step('remove-old');
  const replaced: ContainerOutcome = { name, id: info.Id, newId: progress.created.id, action: 'replaced' };
  try {
    // v:false keeps anonymous volumes: the new container has them attached now.
    await old.remove({ force: true, v: false });
  } catch (err) {
    // The new container runs; failing it now would be worse than leaving the old one parked.
    replaced.reason = `old container left as ${name}${TEMP_SUFFIX_OLD}: ${engineMessage(err)}`;
  }
  await journal?.clear(info.Id).catch(() => undefined);
  return replaced;
}
