import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { HistoryEntry } from '../../../shared/dto.js';
import { useServices } from '../context.js';
import { shortHex } from '../../../shared/digest.js';
import { changeText } from '../../../shared/versions.js';
import { exactTime } from '../format.js';
import { RelativeTime } from './RelativeTime.js';
import { useStoreValue } from '../hydration.js';

const KIND_TEXT: Record<HistoryEntry['kind'], string> = {
  seeded: 'First seen',
  moved: 'New version published',
  'index-moved': 'Other platforms changed (not a new version here)',
  refreshed: 'Refreshed',
  'refresh-failed': 'Refresh failed',
  'check-failed': 'Check failed',
  'notify-failed': 'Notification not delivered',
  'new-tag': 'Newer tag available',
  'refresh-deferred': 'Put off by a pre-update hook',
};

export function HistoryPanel({ name, onClose }: { name: string; onClose: () => void }): ReactElement {
  const { api, store, report } = useServices();
  const subscribe = useCallback((l: () => void) => store.subscribeRow(name, l), [store, name]);
  const row = useStoreValue(subscribe, () => store.getRow(name));
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const revision = `${row?.runtime.state.historyLength ?? 0}/${row?.runtime.state.lastCheckAt ?? ''}`;

  useEffect(() => {
    api.getHistory(name).then(setEntries, report);
  }, [api, name, report, revision]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <section className="history" role="dialog" aria-modal="false" aria-label={`History of ${name}`}>
      <header>
        <h2>History of {name}</h2>
        <button type="button" className="secondary" onClick={onClose} autoFocus>
          Close
        </button>
      </header>
      {entries === null ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">Nothing has happened yet.</p>
      ) : (
        <ol>
          {[...entries].reverse().map((entry, index) => (
            <li key={`${entry.at}-${index}`} className={`event ${entry.kind}`} aria-label={`${KIND_TEXT[entry.kind]} ${exactTime(entry.at)}`}>
              <span className="kind">{KIND_TEXT[entry.kind]}</span>
              <RelativeTime iso={entry.at} />
              {entry.version ? <strong className="version">{changeText(entry.version, entry.previousVersion)}</strong> : null}
              {entry.digest ? (
                <code title={entry.digest}>
                  {entry.previousDigest ? `${shortHex(entry.previousDigest)} → ` : ''}
                  {shortHex(entry.digest)}
                </code>
              ) : null}
              {entry.containers?.length ? <span className="containers">{entry.containers.join(', ')}</span> : null}
              {entry.message ? <span className="message">{entry.message}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
