// The engines imagewatch acts on: each with where it is and whether it answers, "Remove" (never
// the last), and a form to add one by a host URL or a docker context name. The engine side
// probes a new engine before it keeps it and checks it at once.
import { useState, type FormEvent, type ReactElement } from 'react';
import { useServices } from '../context.js';
import { useStoreValue } from '../hydration.js';
import { Field } from './Field.js';

export function Engines(): ReactElement {
  const { api, store, report } = useServices();
  const engines = useStoreValue(store.subscribeHeader, () => store.getHeader()?.engines);
  const [name, setName] = useState('');
  const [where, setWhere] = useState('');
  const [adding, setAdding] = useState(false);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const target = where.trim();
    // A URL is a host; anything else is the name of a docker context.
    const setting = /^[a-z]+:\/\//i.test(target) ? { name: name.trim(), host: target } : { name: name.trim(), context: target };
    setAdding(true);
    api
      .addEngine(setting)
      .then(() => {
        setName('');
        setWhere('');
      })
      .catch(report)
      .finally(() => setAdding(false));
  };

  return (
    <div className="engine-editor">
      {engines?.length ? (
        <ul className="saved" aria-label="Configured engines">
          {engines.map((engine) => (
            <li key={engine.name}>
              <strong>{engine.name}</strong> <span className="muted">{engine.description}</span>
              {engines.length > 1 ? (
                <button
                  type="button"
                  className="icon"
                  aria-label={`Remove engine ${engine.name}`}
                  onClick={() => void api.removeEngine(engine.name).catch(report)}
                >
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={submit} aria-label="Add an engine">
        <Field
          label="Engine name"
          value={name}
          onValue={setName}
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="nas"
          pattern="[a-z0-9][a-z0-9_\-]{0,31}"
        />
        <Field
          label="Host or docker context"
          value={where}
          onValue={setWhere}
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="ssh://me@nas"
          title="ssh://user@host, tcp://host:2376 (with TLS), unix:///path, or the name of a docker context"
        />
        <button type="submit" disabled={adding}>
          {adding ? 'Asking it…' : 'Add engine'}
        </button>
      </form>
    </div>
  );
}
