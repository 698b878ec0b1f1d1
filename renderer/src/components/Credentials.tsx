// Registry credentials: sent once to the engine side, which encrypts them (safeStorage on the
// desktop); the window only ever gets back the list of registries that have some.
import { useState, type FormEvent, type ReactElement } from 'react';
import { useServices } from '../context.js';
import { Field } from './Field.js';
import { useStoreValue } from '../hydration.js';

export function Credentials(): ReactElement {
  const { api, store, report } = useServices();
  const header = useStoreValue(store.subscribeHeader, store.getHeader);
  const [registry, setRegistry] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    api
      .setCredential({ registry: registry.trim(), username: username.trim(), password })
      .then(() => {
        setRegistry('');
        setUsername('');
        setPassword('');
      })
      .catch(report);
  };

  return (
    <form className="credentials" onSubmit={submit} aria-label="Registry credentials">
      <Field label="Registry" value={registry} onValue={setRegistry} required placeholder="ghcr.io" />
      <Field label="Username" value={username} onValue={setUsername} required autoComplete="off" />
      <Field label="Password or token" type="password" value={password} onValue={setPassword} required autoComplete="off" />
      <button type="submit">Save credentials</button>
      {header?.settings.credentialRegistries.length ? (
        <ul className="saved" aria-label="Saved credentials">
          {header.settings.credentialRegistries.map((r) => (
            <li key={r}>
              {r}
              <button type="button" className="icon" aria-label={`Forget credentials for ${r}`} onClick={() => void api.removeCredential(r).catch(report)}>
                Forget
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
