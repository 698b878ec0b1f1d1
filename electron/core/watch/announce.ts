// What a check of one runtime tells once it has an answer: the log line for what it saw
// (moved, seeded, the engine back) and the events the window and the channels act on.
import type { CoreEvent } from '../../../shared/events.js';
import type { CheckOutcome, RuntimeConfig, RuntimeState, VersionView } from '../../../shared/dto.js';
import type { VersionFields } from '../../../shared/events.js';
import { versionChange } from '../../../shared/versions.js';
import type { Hold } from '../update/when/hold.js';
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
  /** An automatic refresh held back: until when, and why. */
  held?: Hold;
  /** The versions of the latest and of what it replaces (the previous digest, or what the engine runs). */
  versions?: VersionView;
  /** With several engines: the engine this is about, and whether it is the runtime's first (which tells the move). */
  engine?: string;
  first?: boolean;
  /** With several engines: the engines the runtime is on. */
  engines?: string[];
}

/** An event's version fields: the texts people read, the release notes, the build time. */
function versionFields(view: VersionView | undefined): VersionFields {
  if (!view) return {};
  // Digests alone are already in the event (from, to, digest): versions only when there is one to read.
  const readable = view.latest.from !== 'digest' || (view.running !== undefined && view.running.from !== 'digest');
  return {
    ...(readable ? { version: view.latest.text } : {}),
    ...(readable && view.running ? { previousVersion: view.running.text } : {}),
    ...(view.link ? { link: view.link } : {}),
    ...(view.created ? { created: view.created } : {}),
  };
}

/** " (0.86.0 → 0.87.1)" for a log line, when the image says more than its digest. */
function versionNote(view: VersionView | undefined): string {
  if (!view || (view.latest.from === 'digest' && view.running?.from !== 'label')) return '';
  return ` (${versionChange(view)})`;
}

/** "waiting for the update window (until 2026-12-08T02:00:00.000Z)" */
function heldText(held: Hold): string {
  const until = new Date(held.until).toISOString();
  return held.reason === 'window' ? `waiting for the update window (opens ${until})` : `cooling off until ${until} before refreshing`;
}

export function announce(o: Observation, log: Log, emit: ((event: CoreEvent) => void) | undefined): void {
  const { runtime, state, remote } = o;
  const versions = versionFields(o.versions);
  const note = versionNote(o.versions);
  // With several engines, what is about one engine names it: "app on nas".
  const who = o.engine ? `${runtime.name} on ${o.engine}` : runtime.name;
  const tag = o.engine ? { engine: o.engine } : {};
  const fields = { runtime: runtime.name, image: runtime.image, digest: remote, ...tag };
  if (o.outcome === 'moved') {
    const action = o.refresh ? 'refreshing' : o.held ? heldText(o.held) : o.autoRefresh ? 'already applied' : 'auto-refresh off, update available';
    if (o.first !== false)
      emit?.({
        type: 'digest-moved',
        runtime: runtime.name,
        image: runtime.image,
        from: o.previousDigest!,
        to: remote,
        ...(o.engines ? { engines: o.engines } : {}),
        ...versions,
        ...(o.held ? { appliesAt: new Date(o.held.until).toISOString(), appliesBecause: o.held.reason } : {}),
      });
    if (!o.engine) log(`image-auto-refresh: ${runtime.name} digest moved ${shortDigest(o.previousDigest)} → ${shortDigest(remote)}${note}, ${action}`, fields);
    else {
      if (o.first)
        log(`image-auto-refresh: ${runtime.name} digest moved ${shortDigest(o.previousDigest)} → ${shortDigest(remote)}${note}`, {
          runtime: runtime.name,
          image: runtime.image,
          digest: remote,
        });
      log(`image-auto-refresh: ${who}: ${action}`, fields);
    }
  } else if (o.outcome === 'seeded' && state.updateAvailable) {
    log(`image-auto-refresh: ${who} seeded at ${shortDigest(remote)}${note}; local image differs, update available`, fields);
    emit?.({ type: 'update-found', runtime: runtime.name, image: runtime.image, digest: remote, ...tag, ...versions });
  } else if (o.outcome === 'seeded' && state.updateAvailable === null) {
    log(`image-auto-refresh: ${who} seeded at ${shortDigest(remote)}; engine unreachable, update unknown until it answers`, {
      level: 'warn',
      ...fields,
    });
  } else if (o.wasUnknown && state.updateAvailable) {
    log(`image-auto-refresh: ${who} engine reachable again; local image differs from ${shortDigest(remote)}${note}, update available`, fields);
    emit?.({ type: 'update-found', runtime: runtime.name, image: runtime.image, digest: remote, ...tag, ...versions });
  }
  if (o.refresh && o.outcome !== 'moved') {
    log(`image-auto-refresh: ${who} retrying refresh to ${shortDigest(remote)} (attempt ${(state.retry?.attempt ?? 0) + 1})`, fields);
  }
}
