// The newest tag of the same shape as the one watched, among a repository's tags, within the
// runtime's level and filters. Include, exclude and transform are the user's (config or the
// container's labels, What's Up Docker's names honoured); the transform rewrites a tag before
// it is compared (`^(\d+\.\d+\.\d+)-.*$ => $1`), never the tag that is announced.
import { compareTags, sameShape, tagShape, withinLevel, type NewerLevel, type TagShape } from './shape.js';

export interface TagFilters {
  include?: string;
  exclude?: string;
  /** `regex => replacement` ($1… for groups). */
  transform?: string;
  /** Consider pre-releases (ignored unless asked). */
  prerelease?: boolean;
}

export interface Transform {
  pattern: RegExp;
  replacement: string;
}

/** A transform setting as What's Up Docker writes it: `regex => replacement`; throws naming the problem. */
export function parseTransform(text: string): Transform {
  const at = text.indexOf('=>');
  const source = at < 0 ? '' : text.slice(0, at).trim();
  // An empty regex matches every tag: a transform without one is a mistake, not a rule.
  if (source === '') throw new Error(`transform "${text.slice(0, 80)}" must be "regex => replacement"`);
  const replacement = text.slice(at + 2).trim();
  try {
    return { pattern: new RegExp(source), replacement };
  } catch (err) {
    throw new Error(`transform "${text.slice(0, 80)}": ${(err as Error).message}`, { cause: err });
  }
}

/** A regex setting compiled; throws naming the setting and the problem. */
export function compileFilter(what: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new Error(`${what} "${source.slice(0, 80)}": ${(err as Error).message}`, { cause: err });
  }
}

function shapeOf(tag: string, transform: Transform | null): TagShape | null {
  if (!transform) return tagShape(tag);
  // Only a tag the transform matches is rewritten; the shape keeps the real tag's name.
  const rewritten = transform.pattern.test(tag) ? tag.replace(transform.pattern, transform.replacement) : tag;
  const shape = tagShape(rewritten);
  return shape ? { ...shape, tag } : null;
}

/**
 * The newest tag newer than `current` within `level`, or null. Tags that do not share the
 * current tag's shape (after the transform) are never candidates; among candidates whose
 * versions compare equal, none is newer than another, so the first listed stays.
 */
export function newestTag(current: string, tags: readonly string[], level: NewerLevel, filters: TagFilters = {}): string | null {
  const transform = filters.transform ? parseTransform(filters.transform) : null;
  const include = filters.include ? compileFilter('include', filters.include) : null;
  const exclude = filters.exclude ? compileFilter('exclude', filters.exclude) : null;
  const base = shapeOf(current, transform);
  if (!base) return null;
  let best: TagShape | null = null;
  for (const tag of tags) {
    if (tag === current) continue;
    if (include && !include.test(tag)) continue;
    if (exclude?.test(tag)) continue;
    const shape = shapeOf(tag, transform);
    if (!shape || !sameShape(base, shape)) continue;
    if (shape.prerelease !== null && !filters.prerelease) continue;
    if (!withinLevel(base, shape, level)) continue;
    if (compareTags(shape, base) <= 0) continue;
    if (best === null || compareTags(shape, best) > 0) best = shape;
  }
  return best?.tag ?? null;
}
