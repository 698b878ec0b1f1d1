import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import type { AppState, ImagewatchApi } from '../../shared/api.js';
import { AddRuntime } from './components/AddRuntime.js';
import { Channels } from './components/Channels.js';
import { Engines } from './components/Engines.js';
import { Credentials } from './components/Credentials.js';
import { EngineProblem } from './components/EngineProblem.js';
import { SharedProblems } from './components/SharedProblems.js';
import { Header } from './components/Header.js';
import { HistoryPanel } from './components/HistoryPanel.js';
import { RuntimeRow } from './components/RuntimeRow.js';
import { ServicesContext, useServices, type Services } from './context.js';
import { WindowStore } from './window-store.js';
import { useStoreValue } from './hydration.js';

/** Discovery mode: the containers' images that are not watched, and why. */
function Unwatched(): ReactElement | null {
  const { store } = useServices();
  const unwatched = useStoreValue(store.subscribeHeader, () => store.getHeader()?.unwatched);
  if (!unwatched?.length) return null;
  return (
    <details className="more unwatched">
      <summary>Not watched ({unwatched.length})</summary>
      <ul aria-label="Not watched">
        {unwatched.map((u) => (
          <li key={`${u.reason}:${u.image}`}>
            <code>{u.image}</code> <span className="muted">({u.containers.join(', ')})</span>: {u.detail}
          </li>
        ))}
      </ul>
    </details>
  );
}

function RuntimeTable({ onHistory }: { onHistory: (name: string) => void }): ReactElement {
  const { store } = useServices();
  const order = useStoreValue(store.subscribeList, store.getOrder);
  if (order.length === 0) return <p className="empty">No runtimes are watched. Add one below.</p>;
  return (
    <div className="table-wrap">
      <table className="runtimes" aria-label="Runtimes">
        <thead>
          <tr>
            <th scope="col" className="col-runtime">
              Runtime
            </th>
            <th scope="col" className="col-digest">
              Digest
            </th>
            <th scope="col" className="col-update">
              Update
            </th>
            <th scope="col" className="col-time">
              Last check
            </th>
            <th scope="col" className="col-time">
              Last refresh
            </th>
            <th scope="col" className="col-status">
              Status
            </th>
            <th scope="col" className="col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {order.map((name) => (
            <RuntimeRow key={name} name={name} onHistory={onHistory} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `initialRuntime` opens the history of a runtime (a notification click lands there). */
/**
 * `firstState`: the state already asked for while the page loaded (main.tsx asks before React
 * starts, so the table does not wait for the first render to fetch it).
 */
export function App({
  api,
  initialRuntime,
  store: given,
  firstState,
}: {
  api: ImagewatchApi;
  initialRuntime?: string | null;
  store?: WindowStore;
  firstState?: Promise<AppState>;
}): ReactElement {
  const store = useMemo(() => given ?? new WindowStore(), [given]);
  const [errors, setErrors] = useState<string[]>([]);
  const [history, setHistory] = useState<string | null>(initialRuntime ?? null);
  const report = useCallback((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    setErrors((list) => [...list.slice(-2), message]);
  }, []);
  const services: Services = useMemo(() => ({ api, store, report }), [api, store, report]);

  useEffect(() => {
    const off = api.onEvent((event) => store.apply(event));
    // A served page arrives with its state (hydration.ts); the event stream brings what changed since.
    if (!store.loaded) (firstState ?? api.getState()).then((state) => store.load(state), report);
    return off;
  }, [api, store, report, firstState]);

  const loaded = useStoreValue(store.subscribeHeader, () => store.loaded);
  const warnings = useStoreValue(store.subscribeHeader, () => store.getHeader()?.warnings);

  return (
    <ServicesContext.Provider value={services}>
      <div className="app">
        <Header />
        {warnings?.length ? (
          <ul className="warnings" aria-label="Warnings">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
        <div role="alert" className="errors">
          {errors.map((e, i) => (
            <p key={`${i}-${e}`}>
              {e}
              <button type="button" className="icon" aria-label="Dismiss" onClick={() => setErrors((list) => list.filter((_, j) => j !== i))}>
                ×
              </button>
            </p>
          ))}
        </div>
        <main>
          <EngineProblem />
          <SharedProblems />
          {loaded ? <RuntimeTable onHistory={setHistory} /> : <p className="muted">Connecting…</p>}
          <Unwatched />
          {history ? <HistoryPanel name={history} onClose={() => setHistory(null)} /> : null}
        </main>
        <footer>
          <AddRuntime />
          <details className="more">
            <summary>Registry credentials</summary>
            <Credentials />
          </details>
          <details className="more">
            <summary>Notification channels</summary>
            <Channels />
          </details>
          <details className="more">
            <summary>Engines</summary>
            <Engines />
          </details>
        </footer>
      </div>
    </ServicesContext.Provider>
  );
}
