// Old images cleaned after a refresh, the one before kept for a rollback. Only images imagewatch
// itself moved containers off are candidates, most recent first: the first `keep` stay (a
// rollback by hand or by imagewatch then needs no pull), and each older one is removed once
// nothing on the engine uses it, not a container (running or stopped), not another tag. A
// removal the engine refuses (in use, a child image) is skipped and said, never forced. What
// Watchtower's cleanup got wrong is the list of cases: a `<none>` image left behind, an image
// another container still needed removed, space not freed.
import { statusOf, engineMessage } from '../engines/connect.js';
import type { EngineClient } from '../engines/client.js';
import { safeText } from '../util/safe-text.js';

export interface CleanupResult {
  removed: Array<{ id: string; bytes: number }>;
  /** Left in place, and why (in use, tagged, refused by the engine). */
  skipped: Array<{ id: string; reason: string }>;
  freedBytes: number;
  /** The images kept for a rollback, and those to look at again after the next refresh: what state keeps. */
  previous: string[];
}

/** Candidates remembered at most (those skipped for now are looked at again next time). */
const MAX_REMEMBERED = 16;

/** The images containers were moved off, most recent first, before those remembered; never `current`. */
export function previousImages(movedOff: readonly string[], remembered: readonly string[], current: string | undefined): string[] {
  return [...new Set([...movedOff, ...remembered])].filter((id) => id !== current);
}

const realTags = (tags: readonly string[] | undefined): string[] => (tags ?? []).filter((t) => t !== '<none>:<none>');

export async function removeOldImages(docker: EngineClient, candidates: readonly string[], keep: number): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], skipped: [], freedBytes: 0, previous: candidates.slice(0, keep) };
  const rest = candidates.slice(keep);
  if (rest.length === 0) return result;
  const containers = await docker.listContainers({ all: true });
  for (const id of rest) {
    let size: number;
    try {
      const info = await docker.getImage(id).inspect();
      size = info.Size ?? 0;
      const tags = realTags(info.RepoTags);
      if (tags.length) {
        result.skipped.push({ id, reason: `another tag names it (${tags.slice(0, 3).join(', ')})` });
        result.previous.push(id);
        continue;
      }
    } catch (err) {
      if (statusOf(err) === 404) continue; // already gone: nothing to do, nothing to remember
      throw err;
    }
    const users = containers.filter((c) => c.ImageID === id).map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ''));
    if (users.length) {
      result.skipped.push({ id, reason: `used by ${users.slice(0, 3).join(', ')}` });
      result.previous.push(id);
      continue;
    }
    try {
      // Never forced: the engine's refusal (a child image, a container made meanwhile) stands.
      await docker.getImage(id).remove();
      result.removed.push({ id, bytes: size });
      result.freedBytes += size;
    } catch (err) {
      if (statusOf(err) === 404) continue;
      result.skipped.push({ id, reason: `the engine refused: ${safeText(engineMessage(err), { max: 200 })}` });
      result.previous.push(id);
    }
  }
  result.previous = result.previous.slice(0, MAX_REMEMBERED);
  return result;
}
