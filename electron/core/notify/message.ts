// What a notification channel is told, built from the core's events. A new version is told
// once per digest, as the tray does; refreshes with the containers replaced or the reason.
// With several engines, a refresh names its engine ("Refreshed app on nas").
import { changedContainers } from '../../../shared/dto.js';
import type { CoreEvent } from '../../../shared/events.js';
import type { NotifyKind, RuntimeRefreshDetail } from '../../../shared/dto.js';
import { builtAgo, changeText } from '../../../shared/versions.js';

export type { NotifyKind };

export interface NotifyMessage {
  kind: NotifyKind;
  title: string;
  body: string;
  runtime?: string;
  image?: string;
  digest?: string;
  containers?: string[];
  /** The engine it happened on, with several engines. */
  engine?: string;
  /** A new version with several engines: the engines the runtime is on. */
  engines?: string[];
  /** The version as people read it (the image's label, else a version tag, else absent), and the one it replaces. */
  version?: string;
  previousVersion?: string;
  /** The release notes of `version`. */
  link?: string;
  /** When the new image was built. */
  created?: string;
  /** When auto-refresh will apply it (the update window, the cooling-off time). */
  appliesAt?: string;
  at: string;
}

/** The fields a structured channel (JSON webhook, MQTT) carries beside the text. */
/** "2 containers replaced: a, b", and Swarm services said apart: "1 service updated by Swarm: web". */
function refreshedBody(detail: RuntimeRefreshDetail, changed: readonly string[]): string {
  const services = detail.containers.filter((c) => c.kind === 'service' && c.action === 'replaced').map((c) => c.name);
  const containers = changed.filter((name) => !services.includes(name));
  const parts: string[] = [];
  if (containers.length || !services.length) {
    parts.push(`${containers.length} container${containers.length === 1 ? '' : 's'} replaced${containers.length ? `: ${containers.join(', ')}` : ''}`);
  }
  if (services.length) parts.push(`${services.length} service${services.length === 1 ? '' : 's'} updated by Swarm: ${services.join(', ')}`);
  if (detail.deferred) parts.push(`put off: ${detail.deferred}`);
  return parts.join('; ');
}

export function messageFields(message: NotifyMessage): Record<string, unknown> {
  return {
    ...(message.runtime ? { runtime: message.runtime } : {}),
    ...(message.image ? { image: message.image } : {}),
    ...(message.digest ? { digest: message.digest } : {}),
    ...(message.containers ? { containers: message.containers } : {}),
    ...(message.engine ? { engine: message.engine } : {}),
    ...(message.engines ? { engines: message.engines } : {}),
    ...(message.version ? { version: message.version } : {}),
    ...(message.previousVersion ? { previousVersion: message.previousVersion } : {}),
    ...(message.link ? { link: message.link } : {}),
    ...(message.created ? { created: message.created } : {}),
    ...(message.appliesAt ? { appliesAt: message.appliesAt } : {}),
    at: message.at,
  };
}

/** "applies at 2026-12-08T02:00:00.000Z (update window)" */
function appliesText(at: string, because: 'window' | 'min-age' | undefined): string {
  return `auto-refresh applies it at ${at} (${because === 'min-age' ? 'after its cooling-off time' : 'in the update window'})`;
}

export class MessageMaker {
  private readonly announced = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  private at(): string {
    return new Date(this.now()).toISOString();
  }

  /** The message an event is worth, if any. */
  fromEvent(event: CoreEvent): NotifyMessage | null {
    if (event.type === 'digest-moved' || event.type === 'update-found') {
      const digest = event.type === 'digest-moved' ? event.to : event.digest;
      const key = `${event.runtime}@${digest}`;
      if (this.announced.has(key)) return null;
      this.announced.add(key);
      const change = event.version ? changeText(event.version, event.previousVersion) : null;
      const built = builtAgo(event.created, this.now());
      return {
        kind: 'new-version',
        title: change ? `New version of ${event.runtime}: ${change}` : `New version of ${event.runtime}`,
        body: [
          `${event.image} now points at ${digest.slice(0, 19)}`,
          built,
          event.type === 'digest-moved' && event.appliesAt ? appliesText(event.appliesAt, event.appliesBecause) : null,
          event.link ? `what changed: ${event.link}` : null,
        ]
          .filter(Boolean)
          .join(' · '),
        ...(event.type === 'digest-moved' && event.appliesAt ? { appliesAt: event.appliesAt } : {}),
        runtime: event.runtime,
        image: event.image,
        digest,
        ...(event.version ? { version: event.version } : {}),
        ...(event.previousVersion ? { previousVersion: event.previousVersion } : {}),
        ...(event.link ? { link: event.link } : {}),
        ...(event.created ? { created: event.created } : {}),
        ...(event.type === 'digest-moved' && event.engines ? { engines: event.engines } : {}),
        ...(event.type === 'update-found' && event.engine ? { engine: event.engine } : {}),
        at: this.at(),
      };
    }
    if (event.type === 'new-tag') {
      const key = `${event.runtime}#${event.tag}`;
      if (this.announced.has(key)) return null;
      this.announced.add(key);
      return {
        kind: 'new-tag',
        title: `${event.runtime} ${event.current} → ${event.tag} available`,
        body: `${event.image} has a newer tag, ${event.tag}. imagewatch does not move to another tag by itself: use "Move to ${event.tag}" in the window, or imagewatch refresh --runtime ${event.runtime} --to-tag ${event.tag}`,
        runtime: event.runtime,
        image: event.image,
        version: event.tag,
        previousVersion: event.current,
        at: this.at(),
      };
    }
    // A refused request (a move compose would undo) is the asker's answer, not news for the channels.
    if (event.type === 'refresh-finished' && !event.detail.refused) {
      const { detail } = event;
      const containers = changedContainers(detail);
      const who = event.engine ? `${event.runtime} on ${event.engine}` : event.runtime;
      const base = {
        runtime: event.runtime,
        image: detail.image,
        ...(detail.digest ? { digest: detail.digest } : {}),
        ...(event.version ? { version: event.version } : {}),
        containers,
        ...(event.engine ? { engine: event.engine } : {}),
        at: this.at(),
      };
      // Put off by the container's own hook, nothing replaced: the user's script chose to wait; the log and history say it.
      if (detail.ok && detail.deferred && containers.length === 0) return null;
      if (detail.ok) {
        return {
          kind: 'refreshed',
          title: event.version ? `Refreshed ${who} to ${event.version}` : `Refreshed ${who}`,
          body: refreshedBody(detail, containers),
          ...base,
        };
      }
      return { kind: 'refresh-failed', title: `Refresh of ${who} failed`, body: detail.error ?? 'unknown error', ...base };
    }
    return null;
  }

  message(kind: Exclude<NotifyKind, 'new-version' | 'refreshed' | 'refresh-failed'>, title: string, body: string): NotifyMessage {
    return { kind, title, body, at: this.at() };
  }
}
