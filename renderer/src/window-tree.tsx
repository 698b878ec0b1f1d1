// The one tree of the window: drawn by the browser (main.tsx) and by the server
// (server.tsx), so a served page and the script that takes it over agree element for element.
import { StrictMode, type ReactElement } from 'react';
import type { AppState, ImagewatchApi } from '../../shared/api.js';
import { App } from './App.js';
import { ServerClock } from './hydration.js';
import type { WindowStore } from './window-store.js';

export function WindowTree(props: {
  api: ImagewatchApi;
  initialRuntime: string | null;
  store?: WindowStore;
  firstState?: Promise<AppState>;
  /** The clock of the server that drew the page (hydration.ts); 0 when nothing was. */
  serverNow?: number;
}): ReactElement {
  const { serverNow = 0, ...app } = props;
  return (
    <StrictMode>
      <ServerClock.Provider value={serverNow}>
        <App {...app} />
      </ServerClock.Provider>
    </StrictMode>
  );
}
