// A version tag's shape, and which tags of the same shape are newer. Own code rather than the
// semver package: semver takes exactly three numbers, and coercing the tags people actually
// publish into it is what What's Up Docker's users keep reporting (four-part tags read as
// three, LinuxServer's `-lsNN` build counter taken for a pre-release, a transform that makes
// an older tag look newer: getwud/wud #566, #569, #741, #978, #1177, #1261). Here a tag is a
// prefix (`v`, `release-`), one to five numbers, and a suffix (`-alpine`); two tags share a
// shape when prefix, count of numbers and suffix match, with a LinuxServer build counter
// (`-ls45`) and a pre-release (`-rc.1`) compared in order after the numbers.

export interface TagShape {
  tag: string;
  prefix: string;
  numbers: number[];
  /** The suffix with its build counter and pre-release taken out (`-alpine`). */
  suffix: string;
  /** LinuxServer's build counter (`-ls45` → 45), compared after the numbers. */
  build: number | null;
  /** A pre-release (`rc.1`, `beta2`): older than the release of the same numbers. */
  prerelease: string | null;
}

const TAG = /^(?<prefix>[A-Za-z]*[-_.]?)(?<numbers>\d{1,9}(?:\.\d{1,9}){0,4})(?<rest>(?:[-+_.][0-9A-Za-z][0-9A-Za-z._+-]*)?)$/;
const BUILD = /-ls(\d{1,9})$/;
const PRERELEASE = /^[-.]?(alpha|beta|rc|pre|preview|dev|snapshot|nightly|canary|next)[.-]?(\d{0,9})(?=$|[-+_])/i;

/** The shape of a version tag; null for a tag that is not one (`latest`, `sha-abc123`, `main`, a signature). */
export function tagShape(tag: string): TagShape | null {
  if (tag.length > 128) return null;
  const match = TAG.exec(tag);
  if (!match?.groups) return null;
  const prefix = match.groups.prefix ?? '';
  // A word before the numbers is a prefix only when it is short ("v", "release-"); `sha-abc` is not a version.
  if (prefix.length > 12 || /^sha/i.test(prefix)) return null;
  let rest = match.groups.rest ?? '';
  if (rest.endsWith('.sig') || rest.endsWith('.att') || rest.endsWith('.sbom')) return null;
  let build: number | null = null;
  const counter = BUILD.exec(rest);
  if (counter) {
    build = Number(counter[1]);
    rest = rest.slice(0, counter.index);
  }
  let prerelease: string | null = null;
  const pre = PRERELEASE.exec(rest);
  if (pre) {
    prerelease = `${pre[1]!.toLowerCase()}${pre[2] ? `.${pre[2]}` : ''}`;
    rest = rest.slice(pre[0].length);
  }
  return { tag, prefix, numbers: match.groups.numbers!.split('.').map(Number), suffix: rest, build, prerelease };
}

export function sameShape(a: TagShape, b: TagShape): boolean {
  return a.prefix === b.prefix && a.numbers.length === b.numbers.length && a.suffix === b.suffix && (a.build === null) === (b.build === null);
}

/** Pre-releases in the order their names say (alpha < beta < rc); their numbers after. */
function comparePrerelease(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const [an = '', anum = '0'] = a.split('.');
  const [bn = '', bnum = '0'] = b.split('.');
  if (an !== bn) return an < bn ? -1 : 1;
  return Number(anum) - Number(bnum);
}

/** <0, 0, >0 as `a` is older than, the same as, or newer than `b` (both of the same shape). */
export function compareTags(a: TagShape, b: TagShape): number {
  for (let i = 0; i < Math.max(a.numbers.length, b.numbers.length); i++) {
    const diff = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (diff !== 0) return diff;
  }
  const pre = comparePrerelease(a.prerelease, b.prerelease);
  if (pre !== 0) return pre;
  return (a.build ?? 0) - (b.build ?? 0);
}

export type NewerLevel = 'patch' | 'minor' | 'major';

/**
 * Whether `candidate` is within `level` of `current`: `patch` keeps the first two numbers,
 * `minor` the first, `major` none. A two-number tag has no patch part, so `patch` then only
 * finds rebuilds (a newer build counter).
 */
export function withinLevel(current: TagShape, candidate: TagShape, level: NewerLevel): boolean {
  const kept = level === 'patch' ? 2 : level === 'minor' ? 1 : 0;
  for (let i = 0; i < Math.min(kept, current.numbers.length); i++) if (candidate.numbers[i] !== current.numbers[i]) return false;
  return true;
}
