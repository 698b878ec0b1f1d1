// Versions as people read them, in one place for the window, the tray, the CLI and the
// notifications: "0.86.0 → 0.87.1", and an image's age ("built 2 h ago").
import type { VersionLabel, VersionView } from './dto.js';

/** "0.86.0 → 0.87.1"; the latest alone when what runs is not known; a rebuild of the same version says so. */
export function versionChange(view: Pick<VersionView, 'latest' | 'running'>): string {
  return changeText(view.latest.text, view.running?.text);
}

/** The same, from the texts alone (an event's `version` and `previousVersion`). */
export function changeText(latest: string, running?: string): string {
  if (running === undefined) return latest;
  if (running === latest) return `${latest} (new build)`;
  return `${running} → ${latest}`;
}

/** What a version's text is, for a tooltip. */
export function versionSource(label: VersionLabel): string {
  if (label.from === 'label') return "from the image's version label";
  if (label.from === 'tag') return 'the tag (the image has no version label)';
  return 'the short digest (the image has no version label)';
}

/** "built 2 h ago" from an RFC 3339 time; null when it cannot be read. */
export function builtAgo(created: string | undefined, nowMs: number): string | null {
  if (!created) return null;
  const at = Date.parse(created);
  if (Number.isNaN(at)) return null;
  const minutes = Math.max(0, Math.round((nowMs - at) / 60_000));
  if (minutes < 1) return 'built just now';
  if (minutes < 60) return `built ${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `built ${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 60) return `built ${days} days ago`;
  return `built ${Math.round(days / 30)} months ago`;
}
