import { useState, type ReactElement } from 'react';
import { shortHex } from '../../../shared/digest.js';

export function CopyDigest({ runtime, digest }: { runtime: string; digest: string | null }): ReactElement {
  const [copied, setCopied] = useState(false);
  if (!digest) return <span className="muted">not seen yet</span>;
  const copy = (): void => {
    void navigator.clipboard?.writeText(digest).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <span className="digest">
      <code title={digest}>{shortHex(digest)}</code>
      <button type="button" className="icon" onClick={copy} aria-label={`Copy full digest of ${runtime}`} title={digest}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}
