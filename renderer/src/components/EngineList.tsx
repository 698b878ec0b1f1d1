// The engines in the header, when there are several: each with whether it answers (and since
// when not), and where it is and why that one on hover.
import type { ReactElement } from 'react';
import type { EngineView } from '../../../shared/dto.js';
import { RelativeTime } from './RelativeTime.js';

export function EngineList({ engines }: { engines: EngineView[] }): ReactElement {
  return (
    <ul className="engines" aria-label="Engines">
      {engines.map((engine) => {
        const down = engine.health && !engine.health.reachable ? engine.health : null;
        return (
          <li key={engine.name} className={down ? 'engine down' : 'engine'} title={engine.description}>
            <span className="dot" aria-hidden="true" />
            {engine.name}
            {down ? (
              <span className="muted" title={down.error}>
                {' '}
                unreachable
                {engine.downSince ? (
                  <>
                    {' '}
                    since <RelativeTime iso={engine.downSince} />
                  </>
                ) : null}
              </span>
            ) : engine.health ? null : (
              <span className="muted"> (not asked yet)</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
