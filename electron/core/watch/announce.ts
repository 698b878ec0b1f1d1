// What a check of one runtime tells once it has an answer: the log line for what it saw
// (moved, seeded, the engine back) and the events the window and the channels act on.
import type { CoreEvent } from '../../../shared/events.js';
import type { CheckOutcome, RuntimeConfig, RuntimeState } from '../../../shared/dto.js';
import { shortDigest } from '../../../shared/digest.js';
import type { Log } from '../log.js';

export interface Observation {
  runtime: RuntimeConfig;
  outcome: CheckOutcome;
  /** The state after this check. */
  state: RuntimeState;
  previousDigest: string | null;
  remote: string;
  /** The engine had not answered before this check, so whether an update was there was unknown. */
  wasUnknown: boolean;
  autoRefresh: boolean;
  /** A refresh starts now. */
  refresh: boolean;
}

export function announce(o: Observation, log: Log, emit: ((event: CoreEvent) => void) | undefined): void {
  const { runtime, state, remote } = o;
  const fields = { runtime: runtime.name, image: runtime.image, digest: remote };
  if (o.outcome === 'moved') {
    emit?.({ type: 'digest-moved', runtime: runtime.name, image: runtime.image, from: o.previousDigest!, to: remote });
    const action = o.refresh ? 'refreshing' : o.autoRefresh ? 'already applied' : 'auto-refresh off, update available';
    log(`image-auto-refresh: ${runtime.name} digest moved ${shortDigest(o.previousDigest)} → ${shortDigest(remote)}, ${action}`, fields);
  } else if (o.outcome === 'seeded' && state.updateAvailable) {
    log(`image-auto-refresh: ${runtime.name} seeded at ${shortDigest(remote)}; local image differs, update available`, fields);
    emit?.({ type: 'update-found', runtime: runtime.name, image: runtime.image, digest: remote });
  } else if (o.outcome === 'seeded' && state.updateAvailable === null) {
    log(`image-auto-refresh: ${runtime.name} seeded at ${shortDigest(remote)}; engine unreachable, update unknown until it answers`, {
      level: 'warn',
      ...fields,
    });
  } else if (o.wasUnknown && state.updateAvailable) {
    log(`image-auto-refresh: ${runtime.name} engine reachable again; local image differs from ${shortDigest(remote)}, update available`, fields);
    emit?.({ type: 'update-found', runtime: runtime.name, image: runtime.image, digest: remote });
  }
  if (o.refresh && o.outcome !== 'moved') {
    log(`image-auto-refresh: ${runtime.name} retrying refresh to ${shortDigest(remote)} (attempt ${(state.retry?.attempt ?? 0) + 1})`, fields);
  }
}
