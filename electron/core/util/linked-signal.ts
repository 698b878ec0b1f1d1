// A signal for one request: aborted when any parent is, or when its time is up, and unhooked
// from its parents when the request ends. Why not AbortSignal.any / AbortSignal.timeout: a
// daemon makes one per lookup, hundreds a check. AbortSignal.timeout's timer cannot be cleared,
// so each stays pending (with a WeakRef to its signal) for the whole timeout after the lookup
// ended; AbortSignal.any hangs a WeakRef on each long-lived parent for every signal it makes.
// Both are freed only by the garbage collector, which lets them pile up between collections.

export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Whether it was the time limit (not a parent) that aborted it. */
  readonly timedOut: boolean;
  /** Clears the timer and unhooks from the parents; call when the work is over. */
  dispose(): void;
}

export function linkedSignal(parents: ReadonlyArray<AbortSignal | undefined>, timeoutMs?: number, timeoutReason?: () => Error): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const live = parents.filter((p): p is AbortSignal => p !== undefined);
  const onAbort = function (this: AbortSignal): void {
    controller.abort(this.reason);
  };
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(timeoutReason?.() ?? new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
        }, timeoutMs);
  timer?.unref();
  for (const parent of live) {
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    parent.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      for (const parent of live) parent.removeEventListener('abort', onAbort);
    },
  };
}
