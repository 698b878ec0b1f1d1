// One engine's health over time: the last answer, whether it just went down or came back (told
// once each, not at every check while it stays down), and when to ask again while it is down,
// with a backoff of its own so that a dead NAS is asked less and less often while the others
// are checked as usual.
import type { EngineHealth } from '../../../shared/dto.js';

export interface HealthChange {
  health: EngineHealth;
  /** The health differs from the last answer (the window redraws). */
  changed: boolean;
  /** It stopped or started answering; null when neither, and at the first answer. */
  transition: 'down' | 'back' | null;
}

/** Waits between asks while the engine does not answer: 5 s, doubling, at most 5 min. */
export const HEALTH_BACKOFF = { firstMs: 5_000, maxMs: 300_000 } as const;

export class HealthWatch {
  private last: EngineHealth | undefined;
  private failures = 0;
  private asking: Promise<HealthChange> | null = null;
  private since: string | undefined;

  constructor(
    private readonly ask: () => Promise<EngineHealth>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Since when and why the engine does not answer; undefined while it answers (or was never asked). */
  get down(): { since: string; error: string } | undefined {
    const last = this.last;
    return last && !last.reachable && this.since ? { since: this.since, error: last.error } : undefined;
  }

  /** The last answer; undefined until the engine has been asked once. */
  get health(): EngineHealth | undefined {
    return this.last;
  }

  /** Asks the engine (callers arriving meanwhile share the one ask). */
  check(): Promise<HealthChange> {
    this.asking ??= this.ask()
      .then((health) => this.note(health))
      .finally(() => (this.asking = null));
    return this.asking;
  }

  private note(health: EngineHealth): HealthChange {
    const before = this.last;
    this.last = health;
    this.failures = health.reachable ? 0 : this.failures + 1;
    if (health.reachable) this.since = undefined;
    else this.since ??= new Date(this.now()).toISOString();
    const transition = before === undefined || before.reachable === health.reachable ? null : health.reachable ? 'back' : 'down';
    return { health, changed: JSON.stringify(health) !== JSON.stringify(before), transition };
  }

  /** How long until the next ask while the engine does not answer; null while it answers. */
  retryInMs(): number | null {
    if (this.failures === 0) return null;
    return Math.min(HEALTH_BACKOFF.firstMs * 2 ** (this.failures - 1), HEALTH_BACKOFF.maxMs);
  }
}
