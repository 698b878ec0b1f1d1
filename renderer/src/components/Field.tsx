import type { InputHTMLAttributes, ReactElement } from 'react';

/** A labelled text input whose label is its accessible name. */
export function Field({
  label,
  value,
  onValue,
  ...input
}: { label: string; value: string; onValue: (value: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>): ReactElement {
  return (
    <label>
      {label}
      <input {...input} value={value} onChange={(e) => onValue(e.currentTarget.value)} />
    </label>
  );
}
