// Desktop notifications: once per new digest, not once per tick; refresh outcomes with the
// reason on failure. References are held until a notification closes, or its click is lost.
import { Notification } from 'electron';
import type { ApiEvent } from '../../shared/api.js';
import { changedContainers } from '../../shared/dto.js';

export class Notifier {
  private readonly announced = new Set<string>();
  private readonly live = new Set<Notification>();

  constructor(private readonly openRuntime: (runtime: string) => void) {}

  private show(title: string, body: string, runtime: string): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    this.live.add(notification);
    notification.on('click', () => this.openRuntime(runtime));
    notification.on('close', () => this.live.delete(notification));
    notification.show();
  }

  handle(event: ApiEvent): void {
    if (event.type === 'digest-moved') {
      const key = `${event.runtime}@${event.to}`;
      if (this.announced.has(key)) return;
      this.announced.add(key);
      this.show(`New version of ${event.runtime}`, `${event.image} now points at ${event.to.slice(0, 19)}`, event.runtime);
      return;
    }
    if (event.type === 'update-found') {
      const key = `${event.runtime}@${event.digest}`;
      if (this.announced.has(key)) return;
      this.announced.add(key);
      this.show(`Update available for ${event.runtime}`, `${event.image} is at ${event.digest.slice(0, 19)}; your engine has an older image`, event.runtime);
      return;
    }
    if (event.type === 'refresh-finished') {
      const { detail } = event;
      if (detail.ok) {
        const replaced = changedContainers(detail).length;
        this.show(`Refreshed ${event.runtime}`, `${replaced} container${replaced === 1 ? '' : 's'} replaced`, event.runtime);
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
