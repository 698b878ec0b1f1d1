// Notification channels: a URL is sent once to the engine side, which keeps it (sealed with
// the system keychain on the desktop) and gives back only a masked label and an id. "Send
// test" asks the channel now and shows what it answered.
import { useState, type FormEvent, type ReactElement } from 'react';
import type { ChannelTestResult, ChannelView, NotifyKind } from '../../../shared/dto.js';
import { useServices } from '../context.js';
import { Field } from './Field.js';
import { useStoreValue } from '../hydration.js';

/** What a channel can be told, in the words the window uses (`test` is the button's, not a filter). */
const KIND_TEXT: Record<Exclude<NotifyKind, 'test'>, string> = {
  'new-version': 'New version',
  'new-tag': 'Newer tag',
  refreshed: 'Refreshed',
  'refresh-failed': 'Refresh failed',
  recovered: 'Recovered after a crash',
  'engine-unreachable': 'Engine unreachable',
  'engine-back': 'Engine back',
};
const KINDS = Object.entries(KIND_TEXT) as Array<[Exclude<NotifyKind, 'test'>, string]>;

function filters(channel: ChannelView): string {
  const events = channel.events?.map((e) => (e === 'test' ? e : KIND_TEXT[e])).join(', ');
  const runtimes = channel.runtimes?.join(', ');
  return [events ? `only ${events}` : 'every event', runtimes ? `for ${runtimes}` : ''].filter(Boolean).join(' ');
}

function ChannelItem({ channel }: { channel: ChannelView }): ReactElement {
  const { api, report } = useServices();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ChannelTestResult | null>(null);
  const test = (): void => {
    setTesting(true);
    setResult(null);
    api
      .testChannel(channel.id)
      .then(setResult, report)
      .finally(() => setTesting(false));
  };
  return (
    <li>
      <code>{channel.label}</code>
      <span className="muted">
        {filters(channel)}
        {channel.kept === 'keychain' ? ' · kept in the system keychain' : ''}
      </span>
      {channel.unusable ? null : (
        <button type="button" disabled={testing} aria-label={`Send test to ${channel.label}`} onClick={test}>
          {testing ? 'Sending…' : 'Send test'}
        </button>
      )}
      <button type="button" className="icon" aria-label={`Remove ${channel.label}`} onClick={() => void api.removeChannel(channel.id).catch(report)}>
        Remove
      </button>
      <span role="status" className={result && !result.ok ? 'failed' : 'muted'}>
        {result ? (result.ok ? `Sent: ${result.answer}` : `Not delivered: ${result.answer}`) : ''}
      </span>
    </li>
  );
}

export function Channels(): ReactElement {
  const { api, store, report } = useServices();
  const channels = useStoreValue(store.subscribeHeader, () => store.getHeader()?.settings.channels);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<NotifyKind[]>([]);
  const [runtimes, setRuntimes] = useState('');

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const names = runtimes
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    api
      .addChannel({ url: url.trim(), ...(events.length ? { events } : {}), ...(names.length ? { runtimes: names } : {}) })
      .then(() => {
        setUrl('');
        setEvents([]);
        setRuntimes('');
      })
      .catch(report);
  };
  const toggle = (kind: NotifyKind, on: boolean): void => setEvents((list) => (on ? [...list, kind] : list.filter((k) => k !== kind)));

  return (
    <div className="channels">
      {channels?.length ? (
        <ul className="saved" aria-label="Notification channels">
          {channels.map((c) => (
            <ChannelItem key={c.id} channel={c} />
          ))}
        </ul>
      ) : (
        <p className="muted">No channels: only the tray tells you.</p>
      )}
      <form onSubmit={submit} aria-label="Add a notification channel">
        <Field
          label="Channel URL"
          value={url}
          onValue={setUrl}
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="ntfys://ntfy.sh/my-topic"
          title="Watchtower (shoutrrr) or Apprise syntax: json://, ntfy://, gotify://, discord://, slack://, apprise://, mailto://, mqtt://"
        />
        <fieldset>
          <legend>Tell it (none ticked: everything)</legend>
          {KINDS.map(([kind, text]) => (
            <label key={kind} className="check">
              <input type="checkbox" checked={events.includes(kind)} onChange={(e) => toggle(kind, e.currentTarget.checked)} />
              {text}
            </label>
          ))}
        </fieldset>
        <Field label="Only these runtimes (comma-separated, optional)" value={runtimes} onValue={setRuntimes} autoComplete="off" />
        <button type="submit">Add channel</button>
      </form>
    </div>
  );
}
