import { createRoot, hydrateRoot } from 'react-dom/client';
import { SERVED_STATE_ID, type ServedState } from '../../shared/served-window.js';
import { connect } from './transport/index.js';
import { WindowStore } from './window-store.js';
import { WindowTree } from './window-tree.js';

const initialRuntime = new URLSearchParams(window.location.search).get('runtime');
const api = connect();
const container = document.getElementById('root')!;

/** The state a served page was drawn from (shared/served-window.ts); null in Electron, or if unreadable. */
function servedState(): ServedState | null {
  const text = document.getElementById(SERVED_STATE_ID)?.textContent;
  if (!text) return null;
  try {
    const served = JSON.parse(text) as ServedState;
    return typeof served.now === 'number' && Array.isArray(served.state?.runtimes) ? served : null;
  } catch {
    return null;
  }
}

const served = servedState();
if (served) {
  const store = new WindowStore();
  store.load(served.state);
  // Painted already (boot.ts): React takes the drawing over.
  hydrateRoot(container, <WindowTree api={api} store={store} initialRuntime={initialRuntime} serverNow={served.now} />);
} else {
  // Asked now, while React starts: the first full table does not wait for the first render.
  const firstState = api.getState();
  firstState.catch(() => undefined); // reported by App when it reads it
  createRoot(container).render(<WindowTree api={api} initialRuntime={initialRuntime} firstState={firstState} />);
}
