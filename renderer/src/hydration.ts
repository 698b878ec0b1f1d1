// A window served by `imagewatch serve` arrives drawn: the server renders the table into the
// page (electron/serve/window-page.ts) and React takes it over (hydrates it) here. What the
// server cannot know, the browser's clock, language and time zone, is drawn the server's way
// until that takeover is done, then the browser's: a first render that differs from the
// server's HTML would make React throw it away and draw everything again.
import { createContext, useContext, useSyncExternalStore } from 'react';

const never = (): (() => void) => () => undefined;

/** False on the server and while hydrating; true once the window is the browser's own (and always in Electron). */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}

/** The clock the server rendered with (ms since the epoch); relative times use it until hydrated. */
export const ServerClock = createContext<number>(0);

export function useServerClock(): number {
  return useContext(ServerClock);
}

/**
 * A value of the window's store. The server renders from a store loaded with the very state it
 * embeds in the page, and the browser loads that state before hydrating, so the server's
 * snapshot is the store's own.
 */
export function useStoreValue<T>(subscribe: (listener: () => void) => () => void, get: () => T): T {
  return useSyncExternalStore(subscribe, get, get);
}
