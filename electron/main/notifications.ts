// Desktop notifications: once per new digest, not once per tick, with the versions people read
// ("0.86.0 → 0.87.1") and a "What changed" action that opens the release notes in the system
// browser; refresh outcomes with the reason on failure. References are held until a
// notification closes, or its click is lost.
import { Notification } from 'electron';
import type { ApiEvent } from '../../shared/api.js';
import { changedContainers } from '../../shared/dto.js';
import type { VersionFields } from '../../shared/events.js';
import { builtAgo, changeText } from '../../shared/versions.js';

/** " 0.86.0 → 0.87.1" from an event's versions; empty when it has none. */
function change(fields: VersionFields): string {
  return fields.version ? `: ${changeText(fields.version, fields.previousVersion)}` : '';
}

/** The body's end: the image's age, when it says. */
function age(fields: VersionFields, now: number): string {
  const built = builtAgo(fields.created, now);
  return built ? ` (${built})` : '';
}

export class Notifier {
  private readonly announced = new Set<string>();
  private readonly live = new Set<Notification>();

  constructor(
    private readonly openRuntime: (runtime: string) => void,
    /** Opens a release link in the system browser (never in an imagewatch window). */
    private readonly openLink: (url: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  private show(title: string, body: string, runtime: string, link?: string): void {
    if (!Notification.isSupported()) return;
    // The action button (where the system shows one) opens the release notes; a click opens the window's row.
    const notification = new Notification({ title, body, ...(link ? { actions: [{ type: 'button' as const, text: 'What changed' }] } : {}) });
    this.live.add(notification);
    notification.on('click', () => this.openRuntime(runtime));
    if (link) notification.on('action', () => this.openLink(link));
    notification.on('close', () => this.live.delete(notification));
    notification.show();
  }

  handle(event: ApiEvent): void {
    if (event.type === 'digest-moved') {
      const key = `${event.runtime}@${event.to}`;
      if (this.announced.has(key)) return;
      this.announced.add(key);
      this.show(
        `New version of ${event.runtime}${change(event)}`,
        `${event.image} now points at ${event.to.slice(0, 19)}${age(event, this.now())}${event.appliesAt ? `; auto-refresh applies it at ${new Date(event.appliesAt).toLocaleString()}` : ''}`,
        event.runtime,
        event.link,
      );
      return;
    }
    if (event.type === 'update-found') {
      const key = `${event.runtime}@${event.digest}`;
      if (this.announced.has(key)) return;
      this.announced.add(key);
      this.show(
        `Update available for ${event.runtime}${change(event)}`,
        `${event.image} is at ${event.digest.slice(0, 19)}${age(event, this.now())}; your engine has an older image`,
        event.runtime,
        event.link,
      );
      return;
    }
    if (event.type === 'new-tag') {
      const key = `${event.runtime}#${event.tag}`;
      if (this.announced.has(key)) return;
      this.announced.add(key);
      this.show(`${event.runtime} ${event.current} → ${event.tag} available`, `A newer tag of ${event.image}; move to it from the window`, event.runtime);
      return;
    }
    if (event.type === 'refresh-finished' && !event.detail.refused) {
      const { detail } = event;
      if (detail.ok && detail.deferred && changedContainers(detail).length === 0) return;
      if (detail.ok) {
        const replaced = changedContainers(detail).length;
        this.show(
          `Refreshed ${event.runtime}${event.version ? ` to ${event.version}` : ''}`,
          `${replaced} container${replaced === 1 ? '' : 's'} replaced`,
          event.runtime,
        );
      } else {
        this.show(`Refresh of ${event.runtime} failed`, detail.error ?? 'unknown error', event.runtime);
      }
    }
  }

  /** Notifications still open (held so their clicks reach us). */
  get openCount(): number {
    return this.live.size;
  }
}
