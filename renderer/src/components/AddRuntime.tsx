import { useState, type FormEvent, type ReactElement } from 'react';
import type { RuntimeConfig } from '../../../shared/dto.js';
import { useServices } from '../context.js';
import { Field } from './Field.js';

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
      <Field label="Name" value={name} onValue={setName} required placeholder="web" />
      <Field label="Image" value={image} onValue={setImage} required placeholder="ghcr.io/owner/app:latest" />
      <Field label="Container name prefix" value={prefix} onValue={setPrefix} placeholder="optional, e.g. web-" />
      <button type="submit" disabled={busy}>
        Add runtime
      </button>
    </form>
  );
}
