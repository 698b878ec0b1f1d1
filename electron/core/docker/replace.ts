// Replacing one container with one on a new image, without ever leaving the user with
// nothing: the replacement exists before the old container stops, and the old container
// is removed only once the new one runs (and is healthy). Any failure puts the old one back.
import type Docker from 'dockerode';
import type { ContainerOutcome, RecreateStep } from '../../../shared/dto.js';
import { buildCloneSpec, type ImageDefaults } from './clone-spec.js';
import { engineMessage, statusOf } from './connection.js';
import type { JournalEntry, ReplaceJournal } from './journal.js';
import { formatIdentity, selfIdentity } from '../owner/identity.js';
import { lastLogLines } from './logs.js';
import { markOf, replacementLabels, replacementsOf } from './marks.js';
import { safeText } from '../util/safe-text.js';
import { ReplacementInProgressError } from '../errors.js';

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
}

/** The container's configured values, masked wherever its output is shown. */
export function envSecrets(info: Pick<Docker.ContainerInspectInfo, 'Config'>): string[] {
  return (info.Config.Env ?? []).map((e) => e.slice(e.indexOf('=') + 1));
}

export const TEMP_SUFFIX_NEW = '.imagewatch-new';
export const TEMP_SUFFIX_OLD = '.imagewatch-old';

export const COMPOSE_IMAGE_LABEL = 'com.docker.compose.image';

/** The engine's stop timeout when the container names none. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;

/**
 * Looks for other replacements of this container. A live (or unknowable) imagewatch's are
 * left alone; a dead one's temporary, never swapped in since the old container still has
 * its name, is removed so it does not block the name.
 */
async function clearLeftovers(docker: Docker, oldId: string, name: string): Promise<void> {
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function hasHealthcheck(info: Docker.ContainerInspectInfo): boolean {
  const test = info.Config.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

async function describeExit(container: Docker.Container, info: Docker.ContainerInspectInfo): Promise<string> {
  const state = info.State;
  // Output and engine errors are the container's text: escapes stripped, its own env values masked.
  const secrets = envSecrets(info);
  const logs = safeText(await lastLogLines(container, 3).catch(() => ''), { secrets, max: 300 });
  const what = state.Restarting ? 'keeps restarting' : `exited (code ${state.ExitCode})`;
  const error = state.Error ? safeText(state.Error, { secrets, max: 200 }) : '';
  return `new container ${what}${error ? `: ${error}` : ''}${logs ? `; last output: ${logs}` : ''}`;
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
      throw new Error(await describeExit(container, info));
    }
    const elapsed = Date.now() - started;
    if (health) {
      const status = state.Health?.Status;
      if (status === 'healthy') return;
      if (status === 'unhealthy') {
        const last = safeText(state.Health?.Log?.at(-1)?.Output ?? '', { secrets: envSecrets(info), max: 200 });
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
  const wasRunning = options.wasRunning ?? (info.State.Running || info.State.Restarting);
  const progress: Progress = { oldStopped: false, oldRenamed: false };
  const step = (s: RecreateStep): void => options.onStep?.(s);
  const notTouched = (reason: string): ContainerOutcome => ({ name, id: info.Id, action: 'failed', reason, restored: true });

  try {
    await clearLeftovers(docker, info.Id, name);
  } catch (err) {
    return notTouched(err instanceof ReplacementInProgressError ? err.message : `not replaced: ${engineMessage(err)}`);
  }
  const journal = options.journal;
  const configured = (info.Config as { StopTimeout?: number }).StopTimeout;
  const entry: JournalEntry = {
    name,
    oldId: info.Id,
    wasRunning,
    startedAt: new Date().toISOString(),
    owner: formatIdentity(selfIdentity()),
    step: 'create',
    stepAt: new Date().toISOString(),
    stopTimeoutSeconds: typeof configured === 'number' && configured >= 0 ? configured : DEFAULT_STOP_TIMEOUT_SECONDS,
  };
  try {
    await journal?.record(entry);
  } catch (err) {
    return notTouched(`not replaced: cannot write the replace journal: ${(err as Error).message}`);
  }
  try {
    step('create');
    const spec = buildCloneSpec(info, oldImage, `${name}${TEMP_SUFFIX_NEW}`);
    spec.create.Labels = { ...spec.create.Labels, ...replacementLabels(info.Id) };
    // Compose v2 records the image ID it created the container from; the old one would make the
    // next `docker compose up -d` recreate the container again.
    if (spec.create.Labels[COMPOSE_IMAGE_LABEL] !== undefined) spec.create.Labels[COMPOSE_IMAGE_LABEL] = expectedImageId;
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

    if (wasRunning) {
      step('stop-old');
      // Noted first: recovery after a crash here must wait out the engine's stop before it decides.
      await journal?.record({ ...entry, step: 'stop-old', stepAt: new Date().toISOString() });
      await ignoreStatus(old.stop(typeof configured === 'number' ? { t: configured } : {}), 304);
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
    if (err instanceof ReplacementInProgressError) {
      await journal?.clear(info.Id).catch(() => undefined);
      return notTouched(err.message);
    }
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
