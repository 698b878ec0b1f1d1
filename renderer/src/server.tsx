// The window drawn on the server, for `imagewatch serve` (shared/served-window.ts): the page
// shows the whole table as soon as it arrives, before its script has loaded or run.
import { renderToString } from 'react-dom/server';
import { API_METHODS, type ImagewatchApi } from '../../shared/api.js';
import { SERVED_STATE_ID, type RenderWindow, type ServedState } from '../../shared/served-window.js';
import { WindowStore } from './window-store.js';
import { WindowTree } from './window-tree.js';

/** Nothing is called while drawing (calls happen in effects and handlers, which the server never runs). */
function drawingOnlyApi(): ImagewatchApi {
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) api[method] = () => Promise.reject(new Error(`${method}: not available while the server draws the window`));
  api.onEvent = () => () => undefined;
  return api as unknown as ImagewatchApi;
}

/**
 * JSON that stays data inside a <script> element: no `</script>` or `<!--` can end or bend it
 * (`<`, `>` and `&` are escaped), and U+2028/U+2029 are escaped for older parsers.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const renderWindow: RenderWindow = ({ state, now, runtime }) => {
  const store = new WindowStore();
  store.load(state);
  const root = renderToString(<WindowTree api={drawingOnlyApi()} store={store} initialRuntime={runtime} serverNow={now} />);
  const served: ServedState = { state, now };
  return { root, after: `<script type="application/json" id="${SERVED_STATE_ID}">${scriptSafeJson(served)}</script>` };
};
