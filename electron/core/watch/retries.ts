// Refreshes waiting to be tried again, per runtime and engine: which are due (the loop wakes
// for them), and making an engine's due at once when it answers again.
import type { RuntimeConfig } from '../../../shared/dto.js';
import type { SavedState } from '../state/saved-state.js';

export interface RetryView {
  state: SavedState;
  runtimes: readonly RuntimeConfig[];
  /** The engines a runtime is on. */
  enginesOf: (runtime: RuntimeConfig) => string[];
}

/** The earliest retry time among the runtimes on their engines, and the runtimes due at `nowMs`. */
export function dueRetries(view: RetryView, nowMs: number): { earliest: number | null; due: string[] } {
  let earliest: number | null = null;
  const due = new Set<string>();
  for (const runtime of view.runtimes) {
    for (const engine of view.enginesOf(runtime)) {
      // A refresh waiting for the update window or its cooling-off time wakes the loop as a retry does.
      const state = view.state.get(runtime.name, engine);
      for (const at of [state.retry?.nextAt, state.waiting?.until]) {
        if (at === undefined) continue;
        const ms = Date.parse(at);
        if (earliest === null || ms < earliest) earliest = ms;
        if (ms <= nowMs) due.add(runtime.name);
      }
    }
  }
  return { earliest, due: [...due] };
}

/** Makes every retry waiting on `engine` due at `nowMs`; whether there was any. */
export function retryNowOn(view: RetryView, engine: string, nowMs: number): boolean {
  const at = new Date(nowMs).toISOString();
  let any = false;
  for (const runtime of view.runtimes) {
    if (!view.enginesOf(runtime).includes(engine)) continue;
    const state = view.state.get(runtime.name, engine);
    if (!state.retry || Date.parse(state.retry.nextAt) <= nowMs) continue;
    view.state.setEngine(runtime.name, engine, { ...state, retry: { ...state.retry, nextAt: at } });
    any = true;
  }
  return any;
}
