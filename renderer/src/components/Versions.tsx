// A runtime's versions as people read them: "0.86.0 → 0.87.1" (what runs → what the tag names),
// where each text came from (the image's version label, the tag, or the digest when the image
// says nothing), the new image's age, and its release notes, which open in the system browser.
import type { ReactElement } from 'react';
import type { VersionView } from '../../../shared/dto.js';
import { versionChange, versionSource } from '../../../shared/versions.js';
import { RelativeTime } from './RelativeTime.js';

function tooltip(versions: VersionView): string {
  const lines = [`${versions.latest.text}: ${versionSource(versions.latest)}`];
  if (versions.running) lines.push(`${versions.running.text} (what runs): ${versionSource(versions.running)}`);
  if (versions.revision) lines.push(`revision ${versions.revision}`);
  return lines.join('\n');
}

export function Versions({ runtime, versions }: { runtime: string; versions: VersionView | undefined }): ReactElement | null {
  if (!versions) return null;
  const { latest, link, created } = versions;
  return (
    <div className="versions">
      <span className="version" title={tooltip(versions)}>
        {versionChange(versions)}
      </span>
      {latest.from === 'label' ? null : <span className="muted">{latest.from === 'tag' ? ' · tag' : ' · no version label'}</span>}
      {created ? (
        <span className="muted">
          {' · built '}
          <RelativeTime iso={created} />
        </span>
      ) : null}
      {link ? (
        <>
          {' · '}
          <a href={link} target="_blank" rel="noreferrer noopener" aria-label={`What changed in ${runtime} ${latest.text}`}>
            What changed
          </a>
        </>
      ) : null}
    </div>
  );
}
