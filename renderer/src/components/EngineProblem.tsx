// Shown when the engine in use does not answer: what was tried, and the other engine sockets
// found on this machine, with "Use this" for those that answer (a tray app started from the
// dock may have found the wrong one, or the user's engine moved).
import { useState, type ReactElement } from 'react';
import { useServices } from '../context.js';
import { useStoreValue } from '../hydration.js';

export function EngineProblem(): ReactElement | null {
  const { api, store, report } = useServices();
  const header = useStoreValue(store.subscribeHeader, store.getHeader);
  const [switching, setSwitching] = useState<string | null>(null);
  const health = header?.engineHealth;
  if (!header?.engine || !health || health.reachable) return null;
  const use = (host: string): void => {
    setSwitching(host);
    api
      .useEngine(host)
      .catch(report)
      .finally(() => setSwitching(null));
  };
  return (
    <section className="engine-problem" role="region" aria-label="Engine not answering">
      <p>
        <strong>No container engine answers</strong> at <code>{header.engine.host}</code>: {health.error}
      </p>
      {header.engine.tried.length ? <p className="muted">Looked at: {header.engine.tried.join(', ')}</p> : null}
      {health.found.length ? (
        <ul aria-label="Engines found">
          {health.found.map((f) => (
            <li key={f.host}>
              <code>{f.host}</code>{' '}
              {f.answers ? (
                <button type="button" disabled={switching !== null} onClick={() => use(f.host)}>
                  {switching === f.host ? 'Switching…' : 'Use this'}
                </button>
              ) : (
                <span className="muted">(there, but not answering)</span>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No other engine socket was found. Start your engine, or set dockerHost in the config.</p>
      )}
    </section>
  );
}
