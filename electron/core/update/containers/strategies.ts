// The container strategies of one engine, in the one order they are asked: remove (when the
// runtime's mode is `remove`), overlap (asked for, and possible), the warm start (on unless
// told not to, where possible), and the usual swap, which always applies.
import type { JournalEntry } from '../journal.js';
import type { Recoverers } from '../recover.js';
import { overlapStrategy } from './overlap.js';
import { removeStrategy } from './remove.js';
import type { ContainerContext, ContainerStrategy } from './target.js';
import { usualSwapStrategy } from './usual-swap.js';
import { warmStartStrategy } from './warm-start.js';

export function containerStrategies(ctx: ContainerContext): ContainerStrategy[] {
  return [removeStrategy(ctx), overlapStrategy(ctx), warmStartStrategy(ctx), usualSwapStrategy(ctx)];
}

/** Each strategy's recovery, by id, for the journal's entries. */
export function recoverersOf(strategies: ReadonlyArray<{ id: string; recover: (entry: JournalEntry) => Promise<string | null> }>): Recoverers {
  return Object.fromEntries(strategies.map((s) => [s.id, (entry) => s.recover(entry)]));
}
