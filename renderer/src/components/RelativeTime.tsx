// One shared clock: relative times tick without re-rendering the rows around them.
import { useSyncExternalStore, type ReactElement } from 'react';
import { exactTime, relativeTime } from '../format.js';
import { useHydrated, useServerClock } from '../hydration.js';

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 15_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function RelativeTime({ iso }: { iso: string | null }): ReactElement {
  const serverNow = useServerClock();
  const current = useSyncExternalStore(
    subscribe,
    () => now,
    () => serverNow,
  );
  const hydrated = useHydrated();
  if (!iso) return <span className="muted">never</span>;
  // Served pages: the server's clock and a fixed language until hydrated (hydration.ts); the
  // exact time, in the browser's zone, only then.
  if (!hydrated) return <time dateTime={iso}>{relativeTime(iso, current, 'en')}</time>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {relativeTime(iso, Math.max(current, Date.now()))}
    </time>
  );
}
