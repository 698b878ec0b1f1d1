// An update strategy: one way of bringing a target (a container today; a Swarm service next)
// onto a new image. Each has an id, `plan` (the plan for a target, or why it does not apply),
// `run` (the plan carried out, its undo included when it fails) and `recover` (finishing or
// undoing what a dead imagewatch left in the journal). A kind of target has one ordered list of
// strategies; the first whose plan applies is run, so the order of preference lives in one
// place instead of inline in the refresh.

/** What a strategy says of a target. */
export type Decision<Plan> =
  /** It applies: run this plan. */
  | { kind: 'plan'; plan: Plan }
  /** It does not apply; the next strategy is asked. `why` is kept when the user asked for this one. */
  | { kind: 'pass'; why?: string }
  /** The target must not be touched at all; no later strategy is asked. */
  | { kind: 'refuse'; reason: string };

export interface UpdateStrategy<Target, Plan, Outcome, Entry> {
  readonly id: string;
  plan(target: Target): Promise<Decision<Plan>>;
  run(plan: Plan): Promise<Outcome>;
  /** Puts right what an interrupted run of this strategy left, from its journal entry; a note for the log, or null. */
  recover(entry: Entry): Promise<string | null>;
}

/**
 * Thrown by a strategy's `run` that found, before touching anything, that it cannot do this
 * target after all (a warm start whose new container would not stay up): the next strategy in
 * the list runs instead, and the message says why in the outcome.
 */
export class StrategyPassed extends Error {
  override name = 'StrategyPassed';
}

export type Chosen<Target, Plan, Outcome, Entry> =
  { kind: 'chosen'; strategy: UpdateStrategy<Target, Plan, Outcome, Entry>; plan: Plan; passed: string[] } | { kind: 'refused'; reason: string };

/** The first strategy in `order` whose plan applies, with the reasons of those asked for that could not. */
export async function choose<Target, Plan, Outcome, Entry>(
  order: ReadonlyArray<UpdateStrategy<Target, Plan, Outcome, Entry>>,
  target: Target,
): Promise<Chosen<Target, Plan, Outcome, Entry>> {
  const passed: string[] = [];
  for (const strategy of order) {
    const decision = await strategy.plan(target);
    if (decision.kind === 'refuse') return { kind: 'refused', reason: decision.reason };
    if (decision.kind === 'plan') return { kind: 'chosen', strategy, plan: decision.plan, passed };
    if (decision.why) passed.push(decision.why);
  }
  // Every list ends with a strategy that always applies; an empty choice is a programming error.
  throw new Error('no update strategy applies');
}
