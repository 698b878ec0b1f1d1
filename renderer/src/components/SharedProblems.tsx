// What several runtimes' failed checks share, said once above the table ("cannot reach ghcr.io:
// its name does not resolve · 8 runtimes"), instead of the same reason in every row only.
import type { ReactElement } from 'react';
import { useServices } from '../context.js';
import { useStoreValue } from '../hydration.js';

export function SharedProblems(): ReactElement | null {
  const { store } = useServices();
  const problems = useStoreValue(store.subscribeHeader, () => store.getHeader()?.problems);
  if (!problems?.length) return null;
  return (
    <ul className="shared-problems" aria-label="Problems shared by several runtimes">
      {problems.map((p) => (
        <li key={p.reason} title={p.runtimes.join(', ')}>
          <strong>{p.reason}</strong> · {p.runtimes.length} runtimes
        </li>
      ))}
    </ul>
  );
}
