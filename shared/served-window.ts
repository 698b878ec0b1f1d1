// How `imagewatch serve` sends the window already drawn: it renders the window with the
// server-side build of the renderer (renderer/src/server.tsx, built to dist/renderer-ssr/) and
// puts the result in the page; the page's script takes the drawing over (hydrates it).
import type { AppState } from './api.js';

/** The element, after the window's root, that carries the state the page was drawn from (JSON). */
export const SERVED_STATE_ID = 'imagewatch-served-state';

export interface ServedState {
  state: AppState;
  /** The server's clock when it drew the page (ms since the epoch): relative times agree until hydrated. */
  now: number;
}

export interface WindowRenderInput extends ServedState {
  /** The runtime whose history the page opens on (`?runtime=`), if any. */
  runtime: string | null;
}

/** The server-side build's one export. `root` goes inside the page's root element, `after` right after it. */
export type RenderWindow = (input: WindowRenderInput) => { root: string; after: string };
