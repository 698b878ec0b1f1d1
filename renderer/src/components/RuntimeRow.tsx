// One runtime. Subscribes to its own slice of the store, so progress in one row leaves the
// other rows alone.
import { memo, useCallback, useState, type ReactElement } from 'react';
import { changedContainers, type RecreateStep } from '../../../shared/dto.js';
import { useServices } from '../context.js';
import { bytes } from '../format.js';
import type { RowView } from '../window-store.js';
import { CopyDigest } from './CopyDigest.js';
import { RelativeTime } from './RelativeTime.js';
import { useStoreValue } from '../hydration.js';
import { EngineStatuses } from './EngineStatuses.js';
import { readableFailure, shortImage } from '../failure.js';
import { Versions } from './Versions.js';

const STEP_TEXT: Record<RecreateStep, string> = {
  create: 'creating replacement',
  'start-isolated': 'starting new container, cut off from the network',
  connect: 'moving new container onto its networks',
  'stop-old': 'stopping old container',
  rename: 'swapping names',
  start: 'starting new container',
  'wait-running': 'waiting until it runs',
  'wait-healthy': 'waiting until it is healthy',
  'remove-old': 'removing old container',
  rollback: 'rolling back',
  remove: 'removing container',
  'pre-update': 'running its pre-update hook',
  'post-update': 'running its post-update hook',
};

function progressText(row: RowView): string {
  if (row.step) return `${row.step.container}: ${STEP_TEXT[row.step.step] ?? row.step.step}`;
  if (row.pull && row.pull.layersTotal > 0) {
    const size = row.pull.bytesTotal > 0 ? `, ${bytes(row.pull.bytesCurrent)} of ${bytes(row.pull.bytesTotal)}` : '';
    return `Pulling: ${row.pull.layersDone} of ${row.pull.layersTotal} layers${size}`;
  }
  return 'Pulling…';
}

function Status({ row }: { row: RowView }): ReactElement {
  const { runtime, lastResult } = row;
  if (runtime.refreshing) {
    return (
      <span className="status busy" role="status">
        {/* A bar only once the size is known: an indeterminate bar animates on every frame, and
            "Refresh all" would run one per row (200 of them cost ~170 ms a frame in software). */}
        {row.pull?.bytesTotal ? (
          <progress aria-label={`Refresh progress of ${runtime.config.name}`} max={row.pull.bytesTotal} value={row.pull.bytesCurrent} />
        ) : null}
        {progressText(row)}
      </span>
    );
  }
  const error = runtime.state.lastError;
  if (error) {
    const retry = runtime.state.retry;
    return (
      <span className="status failed">
        <strong>{error.phase === 'check' ? 'Check failed' : 'Refresh failed'}:</strong>{' '}
        {/* The reason first, in words; the request it came from in the tooltip. */}
        <span className="message" title={error.message}>
          {readableFailure(error.message).reason}
        </span>
        {retry ? (
          <span className="retry muted">
            {' '}
            Retry {retry.attempt + 1} <RelativeTime iso={retry.nextAt} />
          </span>
        ) : null}
      </span>
    );
  }
  if (lastResult?.ok) {
    const replaced = changedContainers(lastResult).length;
    return (
      <span className="status ok">
        Refreshed: {replaced} container{replaced === 1 ? '' : 's'} replaced
        {lastResult.cleanup?.removed.length
          ? `; ${lastResult.cleanup.removed.length} old image${lastResult.cleanup.removed.length === 1 ? '' : 's'} removed, ${bytes(lastResult.cleanup.freedBytes)} freed`
          : ''}
      </span>
    );
  }
  return <span className="status ok">OK</span>;
}

export const RuntimeRow = memo(function RuntimeRow({ name, onHistory }: { name: string; onHistory: (name: string) => void }): ReactElement | null {
  const { api, store, report } = useServices();
  const subscribe = useCallback((listener: () => void) => store.subscribeRow(name, listener), [store, name]);
  const row = useStoreValue(subscribe, () => store.getRow(name));
  const [confirmRemove, setConfirmRemove] = useState(false);
  if (!row) return null;
  const { config, state, refreshing, discovered } = row.runtime;

  const refresh = (): void => {
    api.refresh(name).catch(report);
  };
  // Moving to another tag changes what the containers run: the answer (done, or refused with the reason) is shown.
  const moveToTag = (): void => {
    const tag = state.newerTag?.tag;
    if (!tag) return;
    api.refresh(name, { toTag: tag }).then((result) => {
      const detail = result.details[name];
      if (detail && !detail.ok) report(new Error(detail.error ?? `not moved to ${tag}`));
    }, report);
  };
  const remove = (): void => {
    if (!confirmRemove) {
      setConfirmRemove(true);
      return;
    }
    api.removeRuntime(name).catch(report);
  };

  return (
    <tr aria-label={name} className={state.updateAvailable ? 'has-update' : undefined}>
      <th scope="row">
        <div className="name">
          {name}
          {discovered ? (
            <span className="muted found" title="Watched because a container uses this image; label the container imagewatch.enable=false to stop">
              {' '}
              · from containers
            </span>
          ) : null}
        </div>
        <div className="image" title={config.image}>
          {shortImage(config.image)}
        </div>
      </th>
      <td>
        <CopyDigest runtime={name} digest={state.seenDigest} />
      </td>
      <td>
        <EngineStatuses runtime={name} state={state} refreshingOn={row.refreshingOn} onRefresh={(engine) => void api.refresh(name, { engine }).catch(report)} />
        {state.updateAvailable ? (
          <span className="badge">Update available</span>
        ) : state.seenDigest === null ? (
          // Never looked up: unknown, never "up to date".
          <span className="muted" title={state.lastError?.phase === 'check' ? 'The tag could not be looked up yet' : 'The tag has not been looked up yet'}>
            Unknown ({state.lastError?.phase === 'check' ? 'check failed' : 'not checked yet'})
          </span>
        ) : state.updateAvailable === null ? (
          <span className="muted" title="The container engine has not answered since this tag was first seen">
            Unknown (engine unreachable)
          </span>
        ) : (
          <span className="muted">Up to date</span>
        )}
        {state.waiting && state.updateAvailable ? (
          <div className="muted waiting">
            {state.waiting.reason === 'window' ? 'Waiting for the update window' : 'Cooling off'} (applies <RelativeTime iso={state.waiting.until} />)
          </div>
        ) : null}
        <Versions runtime={name} versions={state.versions} />
        {state.newerTag ? (
          <div className="newer-tag">
            <span className="badge" title="A newer version tag of the same shape; imagewatch never moves to another tag by itself">
              {state.newerTag.tag} available
            </span>{' '}
            <button type="button" className="secondary small" disabled={refreshing} onClick={moveToTag}>
              Move to {state.newerTag.tag}
            </button>
          </div>
        ) : null}
      </td>
      <td>
        <RelativeTime iso={state.lastCheckAt} />
      </td>
      <td>
        <RelativeTime iso={state.lastRefreshAt} />
      </td>
      <td className="status-cell" aria-live="polite">
        <Status row={row} />
      </td>
      <td>
        <div className="actions">
          <button type="button" onClick={refresh} disabled={refreshing}>
            Refresh now
          </button>
          <button type="button" className="secondary" onClick={() => onHistory(name)}>
            History
          </button>
          {discovered ? null : (
            <button type="button" className="secondary danger" onClick={remove} onBlur={() => setConfirmRemove(false)}>
              {confirmRemove ? 'Confirm remove' : 'Remove'}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
});
