import { useState, type FormEvent, type ReactElement } from 'react';
import type { RuntimeConfig } from '../../../shared/dto.js';
import { useServices } from '../context.js';

export function AddRuntime(): ReactElement {
  const { api, report } = useServices();
  const [name, setName] = useState('');
  const [image, setImage] = useState('');
  const [prefix, setPrefix] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const runtime: RuntimeConfig = { name: name.trim(), image: image.trim() };
    if (prefix.trim()) runtime.match = { namePrefix: prefix.trim() };
    setBusy(true);
    api
      .addRuntime(runtime)
      .then(() => {
        setName('');
        setImage('');
        setPrefix('');
      })
      .catch(report)
      .finally(() => setBusy(false));
  };

  return (
    <form className="add-runtime" onSubmit={submit} aria-label="Add runtime">
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.currentTarget.value)} required placeholder="web" />
      </label>
      <label>
        Image
        <input value={image} onChange={(e) => setImage(e.currentTarget.value)} required placeholder="ghcr.io/owner/app:latest" />
      </label>
      <label>
        Container name prefix
        <input value={prefix} onChange={(e) => setPrefix(e.currentTarget.value)} placeholder="optional, e.g. web-" />
      </label>
      <button type="submit" disabled={busy}>
        Add runtime
      </button>
    </form>
  );
}
