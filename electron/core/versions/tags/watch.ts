// Newer version tags, looked for at most once per interval per repository, never on every
// check: each repository watched with a version tag is listed (runtimes on the same repository
// share the listing), and each runtime's newest tag of the same shape within its level is kept.
// A newer tag is announced once (`new-tag`), shown, and never acted on by itself: moving a
// container to another tag changes what its owner wrote. A registry that refuses to list is
// said once per interval and not asked again before the next one.
import type { RuntimeConfig } from '../../../../shared/dto.js';
import type { CoreEvent } from '../../../../shared/events.js';
import { tryParseReference, type ImageReference } from '../../image/reference.js';
import type { Log } from '../../log.js';
import type { TagList } from '../../registry/tags.js';
import type { SavedState } from '../../state/saved-state.js';
import { Semaphore } from '../../util/limit.js';
import { safeText } from '../../util/safe-text.js';
import { newestTag, type TagFilters } from './newer.js';
import type { NewerLevel } from './shape.js';
import { tagShape } from './shape.js';

/** A runtime's wish for newer tags: up to which level, with which filters; null: not looked for. */
export type NewerTagsOf = (runtime: RuntimeConfig) => { level: NewerLevel; filters: TagFilters } | null;

export interface TagWatchDeps {
  state: SavedState;
  listTags: (ref: ImageReference, signal?: AbortSignal) => Promise<TagList>;
  newerTagsOf: NewerTagsOf;
  intervalMs: number;
  /** Listings in flight at once per registry. */
  concurrency: number;
  now: () => number;
  log: Log;
  emit?: (event: CoreEvent) => void;
}

const repositoryOf = (ref: ImageReference): string => `${ref.registry}/${ref.repository}`;

/** Lists each due repository once and keeps each runtime's newest tag; returns the runtimes whose newer tag changed. */
export async function watchTags(deps: TagWatchDeps, runtimes: readonly RuntimeConfig[], signal?: AbortSignal): Promise<string[]> {
  const wanted = new Map<string, Array<{ runtime: RuntimeConfig; ref: ImageReference; level: NewerLevel; filters: TagFilters }>>();
  for (const runtime of runtimes) {
    const ref = tryParseReference(runtime.image);
    if (!ref?.tag || !tagShape(ref.tag)) continue;
    const wish = deps.newerTagsOf(runtime);
    if (!wish) continue;
    const key = repositoryOf(ref);
    wanted.set(key, [...(wanted.get(key) ?? []), { runtime, ref, ...wish }]);
  }
  const changed: string[] = [];
  const now = deps.now();
  // Repositories are listed side by side, a few at a time per registry, as lookups are.
  const limits = new Map<string, Semaphore>();
  const limitFor = (registry: string): Semaphore => {
    let limit = limits.get(registry);
    if (!limit) limits.set(registry, (limit = new Semaphore(deps.concurrency)));
    return limit;
  };
  const due = [...wanted].filter(([repository]) => {
    const last = deps.state.tagListing(repository);
    return !last || Date.parse(last.listedAt) + deps.intervalMs <= now;
  });
  const listings = due.map(([, list]) => {
    const ref = list[0]!.ref;
    const listing = limitFor(ref.registry).run(() => (signal?.aborted ? Promise.reject(new Error('interrupted')) : deps.listTags(ref, signal)));
    listing.catch(() => undefined);
    return listing;
  });
  for (const [index, [repository, list]] of due.entries()) {
    if (signal?.aborted) break;
    const at = new Date(now).toISOString();
    let listed: TagList;
    try {
      listed = await listings[index]!;
    } catch (err) {
      if (signal?.aborted) break;
      const error = safeText((err as Error).message, { max: 300 });
      deps.state.keepTagListing(repository, { listedAt: at, error });
      deps.log(
        `image-auto-refresh: cannot list the tags of ${repository} to look for newer versions: ${error}; asked again in ${Math.round(deps.intervalMs / 3600_000)} h`,
        {
          level: 'warn',
          image: repository,
        },
      );
      continue;
    }
    deps.state.keepTagListing(repository, { listedAt: at });
    if (listed.truncated)
      deps.log(
        `image-auto-refresh: ${repository} has more tags than imagewatch lists (${listed.tags.length} read); newer versions are looked for among those`,
        { level: 'warn', image: repository },
      );
    for (const { runtime, ref, level, filters } of list) {
      let newest: string | null;
      try {
        newest = newestTag(ref.tag!, listed.tags, level, filters);
      } catch (err) {
        // Filters from a container's labels are checked here: a bad one is said, and nothing is looked for.
        deps.log(`image-auto-refresh: ${runtime.name}: ${safeText((err as Error).message, { max: 200 })}; newer tags not looked for`, {
          level: 'warn',
          runtime: runtime.name,
        });
        continue;
      }
      const before = deps.state.runtime(runtime.name)?.newerTag?.tag ?? null;
      if (newest === before) continue;
      if (!deps.state.runtime(runtime.name)) continue;
      if (newest === null) {
        deps.state.setNewerTag(runtime.name, null);
      } else {
        deps.state.setNewerTag(runtime.name, { tag: newest, foundAt: at }, { at, kind: 'new-tag', tag: newest, message: `${ref.tag} → ${newest} available` });
        deps.log(`image-auto-refresh: ${runtime.name} ${ref.tag} → ${newest} available (a newer tag; imagewatch does not move to it by itself)`, {
          runtime: runtime.name,
          image: runtime.image,
        });
        deps.emit?.({ type: 'new-tag', runtime: runtime.name, image: runtime.image, current: ref.tag!, tag: newest });
      }
      changed.push(runtime.name);
    }
  }
  return changed;
}
