import { type ReactElement } from 'react';
import { STATUS_TEXT } from '../../../shared/status.js';
import { useServices } from '../context.js';
import { useStoreValue } from '../hydration.js';
import { EngineList } from './EngineList.js';

const INTERVALS = [60, 300, 900, 1800, 3600, 6 * 3600, 24 * 3600];

function intervalText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function Header(): ReactElement | null {
  const { api, store, report } = useServices();
  const header = useStoreValue(store.subscribeHeader, store.getHeader);
  if (!header) return null;
  const { settings } = header;
  const options = INTERVALS.includes(settings.intervalSeconds) ? INTERVALS : [settings.intervalSeconds, ...INTERVALS];

  return (
    <header className="toolbar">
      <div className={`summary status-${header.status}`} role="status" aria-label="Overall status">
        <span className="dot" aria-hidden="true" />
        {STATUS_TEXT[header.status]}
        <span className="muted">
          {' '}
          · {header.count} runtime{header.count === 1 ? '' : 's'}
        </span>
        {header.engines && header.engines.length > 1 ? null : header.engine ? (
          <span className="muted engine" title={header.engine.tried.length ? `Looked at: ${header.engine.tried.join(', ')}` : undefined}>
            {' '}
            · engine {header.engine.description}
          </span>
        ) : null}
      </div>
      {header.engines && header.engines.length > 1 ? <EngineList engines={header.engines} /> : null}
      <label className="toggle">
        <input
          type="checkbox"
          checked={settings.autoRefresh}
          disabled={settings.autoRefreshForcedByEnv}
          onChange={(e) => void api.setAutoRefresh(e.currentTarget.checked).catch(report)}
        />
        Auto-refresh
        {settings.autoRefreshForcedByEnv ? <span className="muted"> (forced on by IMAGE_AUTO_REFRESH)</span> : null}
      </label>
      <label className="toggle" title="Also watch the images your containers use (a container labelled imagewatch.enable=false is left out)">
        <input
          type="checkbox"
          checked={settings.discover !== false}
          onChange={(e) => void api.updateSettings({ discover: e.currentTarget.checked }).catch(report)}
        />
        Watch my containers
        {settings.discover === 'opt-in' ? <span className="muted"> (labelled imagewatch.enable=true only)</span> : null}
      </label>
      <label className="interval">
        Check every
        <select value={settings.intervalSeconds} onChange={(e) => void api.updateSettings({ intervalSeconds: Number(e.currentTarget.value) }).catch(report)}>
          {options.map((seconds) => (
            <option key={seconds} value={seconds}>
              {intervalText(seconds)}
            </option>
          ))}
        </select>
      </label>
      <span className="spacer" />
      <button type="button" className="secondary" disabled={header.checking} onClick={() => void api.checkNow().catch(report)}>
        Check now
      </button>
      <button type="button" onClick={() => void api.refresh('all').catch(report)}>
        Refresh all
      </button>
    </header>
  );
}
