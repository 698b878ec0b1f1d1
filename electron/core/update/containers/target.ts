// A container as a target of an update, and what every container strategy is given. The checks
// that keep a container out of any update (already on the image, owned by an orchestrator, opted
// out, paused) come first, in `bringContainer`; then the first strategy of the ordered list
// whose plan applies is run (see strategies.ts for the list).
import type { ContainerOutcome, RecreateStep, RecreateStrategy } from '../../../../shared/dto.js';
import { optedOutBy } from '../../labels.js';
import { orchestratorOf } from '../../targets/select.js';
import type { ImageDefaults } from '../../docker/images.js';
import type { ContainerHandle, ContainerInspect, ContainerSummary, EngineClient } from '../../engines/client.js';
import { HookLabelError } from '../hooks/read.js';
import { planHooks, postUpdate, preUpdate, type HookPlan } from '../hooks/around.js';
import type { JournalEntry, ReplaceJournal } from '../journal.js';
import { choose, StrategyPassed, type UpdateStrategy } from '../strategy.js';

export interface ContainerTarget {
  info: ContainerInspect;
  /** Every container on the engine (for namespace dependents). */
  all: readonly ContainerSummary[];
  /** The pulled image the container is to run. */
  imageId: string;
  /** The old image's defaults, so they are not carried over (see clone-spec.ts); asked only by a replacing strategy. */
  oldImage: () => Promise<ImageDefaults>;
  /** What the runtime asks for: its recreate mode, overlap, and warm start (on unless false). */
  recreate: RecreateStrategy;
  overlap: boolean;
  warmStart: boolean | undefined;
  onStep: (step: RecreateStep) => void;
  /** The engine the container's hooks run through; set only when the config says `"hooks": true` (a label alone never runs one). */
  hookEngine?: EngineClient;
  /** Set by bringContainer from the container's post-update hook: run in the new container once it is ready. */
  postUpdate?: (created: ContainerHandle) => Promise<void>;
}

/** A container strategy's plan: the target, and what the plan found (overlap: the networks it overlaps on). */
export interface ContainerPlan {
  target: ContainerTarget;
  networks?: readonly string[];
}

/** What the container strategies of one engine share. */
export interface ContainerContext {
  docker: EngineClient;
  journal: ReplaceJournal;
  startGraceMs: number;
  healthTimeoutMs: number;
}

export type ContainerStrategy = UpdateStrategy<ContainerTarget, ContainerPlan, ContainerOutcome, JournalEntry>;

export function outcomeOf(info: ContainerInspect, action: ContainerOutcome['action'], reason?: string): ContainerOutcome {
  const name = info.Name.replace(/^\//, '');
  return reason === undefined ? { name, id: info.Id, action } : { name, id: info.Id, action, reason };
}

/** A container an orchestrator owns (a Swarm task, a pod's container), reported and left alone; null for any other. */
export function ownedByOrchestrator(info: ContainerInspect): ContainerOutcome | null {
  const orchestrator = orchestratorOf(info.Config.Labels);
  if (!orchestrator) return null;
  const how = orchestrator === 'Swarm' ? 'docker service update --image' : 'its deployment';
  return outcomeOf(info, 'skipped', `left alone: ${orchestrator} owns it and would replace it behind imagewatch's back; update it through ${how}`);
}

/** Brings one container onto the new image with the first strategy of `order` that applies. */
export async function bringContainer(order: readonly ContainerStrategy[], target: ContainerTarget, signal?: AbortSignal): Promise<ContainerOutcome> {
  const { info } = target;
  if (info.Image === target.imageId) return outcomeOf(info, 'skipped', 'already on the new image');
  const owned = ownedByOrchestrator(info);
  if (owned) return owned;
  const optOut = optedOutBy(info.Config.Labels);
  if (optOut) return outcomeOf(info, 'skipped', `left alone: opted out with the label ${optOut}`);
  if (signal?.aborted) return outcomeOf(info, 'failed', 'not replaced: imagewatch is shutting down');
  if (info.State.Paused) return outcomeOf(info, 'failed', 'paused; unpause it so imagewatch can replace it');
  let hooks: HookPlan;
  try {
    hooks = planHooks(info, target.hookEngine !== undefined);
  } catch (err) {
    if (err instanceof HookLabelError) return { ...outcomeOf(info, 'failed', `not replaced: ${err.message}`), restored: true };
    throw err;
  }
  const post = hooks.hooks.post;
  const hooked: ContainerTarget = post ? { ...target, postUpdate: postUpdate(info, post) } : target;
  let rest = order;
  const passed: string[] = [];
  // The pre-update hook runs once, before the first strategy that applies touches anything.
  let pre = hooks.hooks.pre;
  for (;;) {
    const chosen = await choose(rest, hooked);
    if (chosen.kind === 'refused') return outcomeOf(info, 'failed', chosen.reason);
    passed.push(...chosen.passed);
    if (pre) {
      target.onStep('pre-update');
      const stopped = await preUpdate(target.hookEngine!.getContainer(info.Id), info, pre);
      if (stopped) return stopped;
      pre = undefined;
    }
    let outcome: ContainerOutcome;
    try {
      outcome = await chosen.strategy.run(chosen.plan);
    } catch (err) {
      if (!(err instanceof StrategyPassed)) throw err;
      passed.push(err.message);
      rest = rest.slice(rest.indexOf(chosen.strategy) + 1);
      continue;
    }
    // Asked for a strategy that could not be used here: replaced another way, and the outcome says why.
    const why = [...passed, ...(hooks.note ? [hooks.note] : [])].join('; ');
    if (why && outcome.action === 'replaced') outcome.reason = outcome.reason ? `${why}; ${outcome.reason}` : why;
    return outcome;
  }
}
