// A runtime on each of its engines, when there are several: "2 of 3 engines on the new digest",
// then per engine whether it is up to date, refreshing, stale (its engine does not answer) or
// failed, with "Refresh on <engine>".
import type { ReactElement } from 'react';
import { enginesOnDigest, type RuntimeSummary } from '../../../shared/dto.js';
import { RelativeTime } from './RelativeTime.js';

function engineText(part: NonNullable<RuntimeSummary['engines']>[number]): string {
  if (part.lastError) return 'refresh failed';
  if (part.updateAvailable === null) return 'unknown';
  return part.updateAvailable ? 'update available' : 'up to date';
}

export function EngineStatuses({
  runtime,
  state,
  refreshingOn,
  onRefresh,
}: {
  runtime: string;
  state: RuntimeSummary;
  refreshingOn: readonly string[];
  onRefresh: (engine: string) => void;
}): ReactElement | null {
  const parts = state.engines;
  if (!parts) return null;
  const count = enginesOnDigest(state);
  return (
    <div className="engine-statuses">
      {count ? (
        <div className="muted">
          {count.on} of {count.of} engines on the new digest
        </div>
      ) : null}
      <ul aria-label={`${runtime} per engine`}>
        {parts.map((part) => (
          <li key={part.engine} className={part.stale ? 'stale' : undefined}>
            <strong>{part.engine}</strong>: {refreshingOn.includes(part.engine) ? 'refreshing…' : engineText(part)}
            {part.running && part.running.from !== 'digest' ? <span className="muted"> (runs {part.running.text})</span> : null}
            {part.stale ? (
              <span className="muted" title={part.stale.error}>
                {' '}
                (unreachable since <RelativeTime iso={part.stale.since} />; last known values)
              </span>
            ) : null}
            {part.lastError ? (
              <span className="muted message" title={part.lastError.message}>
                {' '}
                {part.lastError.message}
              </span>
            ) : null}{' '}
            <button type="button" className="secondary small" disabled={refreshingOn.includes(part.engine)} onClick={() => onRefresh(part.engine)}>
              Refresh on {part.engine}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
